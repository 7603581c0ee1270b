"""第九条 dossier items and 第十四至十六条 for recognised platforms."""
import datetime as dt

import pytest

from check_helpers import one, results, run, variant
from toolkit.check import FAIL, INFO, PASS, VERIFY, check
from toolkit.check.dossier import item_titles


def test_item_titles_come_from_article_9():
    titles = item_titles()
    assert sorted(titles) == list(range(1, 12))
    assert titles[6] == "营业执照复印件"
    assert titles[11] == "对申报材料真实性的声明"
    assert titles[3].endswith("（附件3）")


def test_annexes_1_to_5_are_items_1_to_5(good_data):
    r = run(good_data)
    items = {f.item: f.severity for f in results(r, "a9.item")}
    assert items == {1: PASS, 2: PASS, 3: PASS, 4: PASS, 5: PASS}


def test_missing_annex_is_a_missing_item(good_data):
    d = variant(good_data)
    del d["annex2"]
    f = [f for f in results(run(d), "a9.item") if f.item == 2][0]
    assert f.severity == FAIL and f.citation == "第九条第（二）项" and f.title == "申请报告（附件2）"


def test_without_items_documents_are_unchecked_not_failed(good_data):
    f = one(run(good_data), "a9.items_unchecked")
    assert f.severity == VERIFY and "营业执照复印件" in f.evidence


def test_items_given_missing_ones_fail_with_their_title(good_data):
    items = {6: ["licence.jpg"], "7": "audit.pdf", 8: ["org.png"], 9: [], 10: ["other.pdf"]}
    r = check(good_data, {"as_of": dt.date(2026, 3, 15)}, items)
    by_item = {f.item: f for f in results(r, "a9.item")}
    assert [n for n, f in by_item.items() if f.severity == FAIL] == [9]
    assert by_item[11].severity == INFO and "自动生成" in by_item[11].actual
    assert by_item[9].title == "从业资格、资质、认定证书、荣誉证书（证明）复印件"
    assert by_item[7].actual == "audit.pdf"
    assert not results(r, "a9.items_unchecked")
    assert r.blocking


def test_all_items_given_pass(good_data):
    items = {n: [f"item{n}.pdf"] for n in range(6, 12)}
    r = check(good_data, {"as_of": dt.date(2026, 3, 15)}, items)
    assert all(f.severity == PASS for f in results(r, "a9.item")) and not r.blocking


CASES = [
    ("1 complaint", "a16.complaints", {"complaints": 1}, PASS),
    ("2 complaints", "a16.complaints", {"complaints": 2}, FAIL),
    ("no missed report", "a16.missed_reports", {"missed_reports": 0}, PASS),
    ("1 missed report", "a16.missed_reports", {"missed_reports": 1}, FAIL),
    ("blacklisted", "a16.credit_blacklist", {"credit_blacklist": True}, FAIL),
    ("not blacklisted", "a16.credit_blacklist", {"credit_blacklist": False}, PASS),
    ("administrative penalty", "a16.admin_penalty", {"admin_penalty": True}, FAIL),
    ("judicial penalty", "a16.judicial_penalty", {"judicial_penalty": True}, FAIL),
    ("recognised 3 years ago less a day", "a15.validity", {"recognized_on": "2023-03-16"}, PASS),
    ("recognised 3 years ago", "a15.validity", {"recognized_on": "2023-03-15"}, VERIFY),
]


@pytest.mark.parametrize("rule, record, severity", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_record_triggers(good_data, rule, record, severity):
    f = one(run(variant(good_data, record=record)), rule)
    assert f.severity == severity
    assert f.where[0].annex == "record"


def test_no_record_no_article16(good_data):
    assert not [f for f in run(good_data).findings + run(good_data).passed if f.article in (15, 16)]
