"""The three bundled samples, checked end to end, and the three renderings."""
import json

import pytest

from check_helpers import assert_locates, one, results
from conftest import SAMPLES
from toolkit.check import FAIL, INFO, PASS, VERIFY, check
from toolkit.check.findings import ARTICLE7_RELAXATION
from toolkit.datafile import load
from toolkit.validate import validate


def sample(name):
    return validate(load(SAMPLES / name)).data


@pytest.fixture(scope="module")
def failing():
    return sample("xining-fails-conditions.yaml")


@pytest.fixture(scope="module")
def qingnan():
    return sample("yushu-qingnan.yaml")


def test_good_sample_passes(good_data):
    r = check(good_data)
    assert not r.blocking and r.counts[FAIL] == 0
    assert r.config.as_of.isoformat() == "2026-03-15"
    measured = ["a5.operating_years", "a5.total_assets", "a5.served_min", "a5.served_stable",
                "a5.satisfaction", "a5.institutions", "a5.staff_min", "a5.professional_ratio",
                "a6.any_function", "c.staff_count", "c.professional_count", "c.served_total_list",
                "c.served_annex1_annex5", "c.satisfaction_rate", "c.equipment_total_quantity",
                "c.equipment_total_value", "c.equipment_count", "c.service_revenue", "c.agreement_count",
                "c.investor_shares", "c.asset_shares", "c.unit_name", "c.bureau_opinion"]
    for rule in measured:
        assert one(r, rule).severity == PASS, rule
    # only conditions the annexes cannot measure are left to a person
    assert {f.rule for f in r.findings} == {"a5.legal_entity", "a5.finance", "a5.region_focus",
                                            "a5.reputation", "a5.premises", "a5.management",
                                            "a5.cooperation", "a9.items_unchecked"}


# Every problem make_samples.failing() plants, by rule, with its severity and a word of the actual.
PLANTED = {
    "a5.operating_years": (FAIL, "2024-09-01"),
    "a5.total_assets": (FAIL, "86 万元"),
    "a5.served_min": (FAIL, "46 家"),
    "a5.satisfaction": (FAIL, "73.9%"),
    "a5.institutions": (FAIL, "3 家"),
    "a5.staff_min": (FAIL, "12 人"),
    "a5.professional_ratio": (FAIL, "41.7%"),
    "a6.any_function": (FAIL, "信息服务、培训服务"),
    "c.staff_count": (FAIL, "附件1 16 人，附件3 12 人"),
    "c.professional_count": (VERIFY, "附件1 9 人，附件3 5 人"),
    "c.served_annex1_annex5": (FAIL, "附件1 48 户，附件5 46 家"),
    "c.satisfaction_rate": (FAIL, "填写 85%"),
    "c.equipment_total_quantity": (FAIL, "合计 50，各行之和 42"),
    "c.service_revenue": (FAIL, "2024年 服务收入 700 万元"),
    "c.investor_shares": (VERIFY, "合计 90%"),
    "c.unit_name": (FAIL, "青海示例喆诚信息咨询公司"),
}


def test_failing_sample_finds_each_problem_once_cited_and_located(failing):
    r = check(failing)
    assert r.blocking
    problems = [f for f in r.findings if f.rule.startswith(("a5.", "a6.", "c."))
                and f.severity in (FAIL, VERIFY) and f.rule not in
                {"a5.legal_entity", "a5.finance", "a5.region_focus", "a5.reputation", "a5.premises",
                 "a5.management", "a5.cooperation"}]
    assert sorted(f.rule for f in problems) == sorted(PLANTED)
    for f in problems:
        severity, word = PLANTED[f.rule]
        assert f.severity == severity, f.line()
        assert word in f.actual, f.line()
        assert f.citation.startswith("第") and f.requirement
        assert_locates(failing, f)
    assert one(r, "c.unit_name").where[0].path == "annex3.applicant"
    assert r.counts[FAIL] == sum(1 for s, _ in PLANTED.values() if s == FAIL)


def test_qingnan_sample_shows_article7(qingnan):
    r = check(qingnan)
    assert not r.blocking
    assert r.application["region"] == "青南"
    assert one(r, "a7.region").severity == INFO
    relaxed = [f for f in r.findings if ARTICLE7_RELAXATION in f.tags]
    assert sorted(f.rule for f in relaxed) == ["a5.served_min", "a5.staff_min"]
    assert all(f.severity == VERIFY and "第七条" in f.note for f in relaxed)
    assert "要求 ≥ 15 人，实际 12 人" in one(r, "a5.staff_min").line()


def test_same_shortfalls_in_xining_fail(qingnan):
    d = dict(qingnan, annex1=dict(qingnan["annex1"], city="西宁市"))
    r = check(d)
    assert r.blocking
    assert one(r, "a5.staff_min").severity == FAIL and not results(r, "a7.region")


def test_json_is_stable_and_serialisable(failing):
    a, b = check(failing).to_json(), check(failing).to_json()
    assert a == b
    assert a["format"] == "qhsme-check/1" and a["blocking"] is True
    assert set(a) == {"format", "application", "as_of", "as_of_source", "blocking", "counts",
                      "findings", "passed", "config"}
    f = a["findings"][0]
    assert set(f) == {"severity", "rule", "article", "item", "citation", "title", "requirement",
                      "actual", "threshold", "value", "where", "note", "tags", "evidence"}
    assert set(f["where"][0]) == {"annex", "table", "row", "field", "label", "path"}
    text = json.dumps(a, ensure_ascii=False)
    assert json.loads(text) == a and "第五条第（一）项" in text
    assert [x["severity"] for x in a["findings"]] == sorted(
        (x["severity"] for x in a["findings"]), key=[FAIL, VERIFY, INFO].index)


def test_text_report(failing):
    text = check(failing).to_text()
    assert "[不符合] 第五条第（三）项 年服务中小企业数量：要求 ≥ 50 家，实际 46 家（附件5名单）。" in text
    assert "位置：附件3 申报单位（盖章）（annex3.applicant）" in text
    assert text.rstrip().endswith("符合 %d 项。" % check(failing).counts[PASS])


def test_html_report_is_escaped_chinese_and_printable(failing):
    d = dict(failing, annex1=dict(failing["annex1"], unit_name="<script>alert(1)</script>堃公司"))
    html = check(d).to_html()
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert 'lang="zh-CN"' in html and "@page" in html and "size: A4" in html
    assert "第五条第（一）项" in html and "附：所引条文" in html
    assert "年服务中小企业不少于50家" in html          # the regulation's own words
    assert "annex3.applicant" in html


def test_html_report_prints_without_warnings(failing, caplog):
    import logging
    from weasyprint import HTML
    with caplog.at_level(logging.WARNING):
        doc = HTML(string=check(failing).to_html()).render()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    assert 3 <= len(doc.pages) <= 12


def test_exit_code(good_data, failing):
    assert check(good_data).exit_code == 0 and check(failing).exit_code == 1


@pytest.mark.parametrize("data", [
    {},
    {"annex1": {}},
    {"annex1": {"staff_count": "十二", "operations": [{"year": "2025", "served_count": "多"}],
                "investors": "not a table", "reg_date": "2018-02-30"},
     "annex3": {"staff": ["not a row", {"education": 5}]}, "annex5": {"enterprises": None},
     "declared": {"training_person_times": "很多"}, "record": {"complaints": "两次"}},
], ids=["empty", "empty annex1", "unvalidated junk"])
def test_check_never_raises_on_odd_data(data):
    import datetime as dt
    r = check(data, today=dt.date(2026, 3, 15))
    assert r.blocking                       # annexes are missing
    assert r.to_text() and r.to_json() and r.to_html()


def test_field_mistakes_sample_checks(sample_path):
    r = check(sample("field-mistakes.yaml"))
    # the impossible 注册日期 was dropped by validation: the rule asks for it
    assert one(r, "a5.operating_years").severity == VERIFY
