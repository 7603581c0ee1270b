"""第五条: each measured condition at its boundary, table-driven, on the good sample."""
import datetime as dt

import pytest

from check_helpers import AS_OF, enterprises, one, run, staff, variant
from toolkit.check import FAIL, PASS, VERIFY


def _ops(counts):
    def rows(d):
        for row, n in zip(d["annex1"]["operations"], counts):
            row["served_count"] = n
        return d["annex1"]["operations"]
    return rows


CASES = [
    # (id, rule, changes, severity)
    ("two years minus one day", "a5.operating_years", {"annex1__reg_date": "2024-03-16"}, FAIL),
    ("exactly two years", "a5.operating_years", {"annex1__reg_date": "2024-03-15"}, PASS),
    ("registered after as-of", "a5.operating_years", {"annex1__reg_date": "2026-04-01"}, FAIL),
    ("no registration date", "a5.operating_years", {"annex1__reg_date": None}, VERIFY),
    ("assets 99.99", "a5.total_assets", {"annex1__total_assets": 99.99}, FAIL),
    ("assets 100", "a5.total_assets", {"annex1__total_assets": 100}, PASS),
    ("49 enterprises", "a5.served_min", {"annex5__enterprises": enterprises(49)}, FAIL),
    ("50 enterprises", "a5.served_min", {"annex5__enterprises": enterprises(50)}, PASS),
    ("satisfaction 79.9 %", "a5.satisfaction", {"annex5__enterprises": enterprises(1000, 799)}, FAIL),
    ("satisfaction 80 %", "a5.satisfaction", {"annex5__enterprises": enterprises(1000, 800)}, PASS),
    ("satisfaction 4/5", "a5.satisfaction", {"annex5__enterprises": enterprises(50, 40)}, PASS),
    ("4 institutions", "a5.institutions",
     {"annex1__coop_signed": "甲单位\n乙单位", "annex1__coop_other": "丙单位、丁单位"}, FAIL),
    ("5 institutions", "a5.institutions",
     {"annex1__coop_signed": "1.甲单位\n2.乙单位", "annex1__coop_other": "丙单位；丁单位\n戊单位"}, PASS),
    ("repeated institution counts once", "a5.institutions",
     {"annex1__coop_signed": "甲\n乙\n丙\n丁", "annex1__coop_other": "甲"}, FAIL),
    ("14 staff", "a5.staff_min", {"annex3__staff": staff(14, 14)}, FAIL),
    ("15 staff", "a5.staff_min", {"annex3__staff": staff(15, 15)}, PASS),
    ("49.9 % professionals", "a5.professional_ratio", {"annex3__staff": staff(1000, 499)}, FAIL),
    ("50 % professionals", "a5.professional_ratio", {"annex3__staff": staff(1000, 500)}, PASS),
    ("7.5 of 15 impossible: 7/15", "a5.professional_ratio", {"annex3__staff": staff(15, 7)}, FAIL),
]


@pytest.mark.parametrize("rule, changes, severity", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_article5_boundaries(good_data, rule, changes, severity):
    report = run(variant(good_data, **changes))
    assert one(report, rule).severity == severity


@pytest.mark.parametrize("last, before, severity", [
    (44, 55, PASS),      # exactly 80 %
    (43, 55, FAIL),      # 78.2 %
    (80, 55, PASS),      # growth is stable enough
])
def test_stability_default_ratio(good_data, last, before, severity):
    d = variant(good_data)
    d["annex1"]["operations"][1]["served_count"] = before
    d["annex1"]["operations"][2]["served_count"] = last
    f = one(run(d), "a5.served_stable")
    assert f.severity == severity
    assert "stability_ratio=0.8" in f.note


def test_stability_ratio_is_configurable(good_data):
    d = variant(good_data)
    d["annex1"]["operations"][1]["served_count"] = 100
    d["annex1"]["operations"][2]["served_count"] = 60
    assert one(run(d), "a5.served_stable").severity == FAIL
    assert one(run(d, stability_ratio=0.6), "a5.served_stable").severity == PASS


def test_stability_uses_the_two_latest_years_whatever_the_row_order(good_data):
    d = variant(good_data)
    d["annex1"]["operations"].reverse()        # 2025, 2024, 2023
    f = one(run(d), "a5.served_stable")
    assert f.requirement.startswith("2025年 ≥ 2024年")
    assert [w.row for w in f.where] == [2, 1]


def test_min_served_is_configurable(good_data):
    d = variant(good_data, annex5__enterprises=enterprises(40))
    assert one(run(d, min_served=40), "a5.served_min").severity == PASS


def test_requirement_and_actual_read_like_the_issue(good_data):
    f = one(run(variant(good_data, annex5__enterprises=enterprises(47))), "a5.served_min")
    assert f.citation == "第五条第（三）项"
    assert (f.requirement, f.actual) == ("≥ 50 家", "47 家（附件5名单）")
    assert "要求 ≥ 50 家，实际 47 家" in f.line()
    assert (f.threshold, f.value) == (50, 47)


def test_one_day_short_says_how_many_days(good_data):
    f = one(run(variant(good_data, annex1__reg_date="2024-03-16")), "a5.operating_years")
    assert "差 1 天" in f.note and "2026-03-16" in f.note


def test_leap_day_registration_reaches_two_years_on_1_march(good_data):
    d = variant(good_data, annex1__reg_date="2024-02-29")
    assert one(run(d, as_of=dt.date(2026, 2, 28)), "a5.operating_years").severity == FAIL
    assert one(run(d, as_of=dt.date(2026, 3, 1)), "a5.operating_years").severity == PASS


def test_as_of_defaults_to_the_fill_date_then_today(good_data):
    from toolkit.check import check
    d = variant(good_data, annex1__reg_date="2024-03-16")       # 2 years on 2026-03-16
    r = check(d)                                                  # fill_date 2026-03-15
    assert r.config.as_of == AS_OF and r.config.as_of_source == "annex1.fill_date"
    assert one(r, "a5.operating_years").severity == FAIL
    r = check(variant(d, annex1__fill_date=None), today=dt.date(2026, 3, 16))
    assert r.config.as_of_source == "today"
    assert one(r, "a5.operating_years").severity == PASS


def test_served_falls_back_to_annex1_without_a_list(good_data):
    d = variant(good_data)
    del d["annex5"]
    f = one(run(d), "a5.served_min")
    assert f.severity == PASS and "附件1 2025年" in f.actual
    assert f.where[0].path == "annex1.operations[3].served_count"


def test_missing_annex3_is_measured_as_zero_staff(good_data):
    d = variant(good_data)
    del d["annex3"]
    r = run(d)
    assert one(r, "a5.staff_min").severity == FAIL
    assert one(r, "a5.professional_ratio").severity == VERIFY


def test_conditions_the_annexes_cannot_measure_say_what_to_bring(good_data):
    r = run(good_data)
    for rule, item in [("a5.legal_entity", 1), ("a5.finance", 1), ("a5.region_focus", 2),
                       ("a5.reputation", 3), ("a5.premises", 4), ("a5.management", 5),
                       ("a5.cooperation", 6)]:
        f = one(r, rule)
        assert f.severity == VERIFY and f.item == item and f.evidence.startswith("提供")


def test_labels_in_where_come_from_the_model(good_data):
    from toolkit.model import annex
    r = run(variant(good_data, annex3__staff=staff(12, 3)))
    f = one(r, "a5.professional_ratio")
    assert [w.label for w in f.where] == [annex(3)["staff"].column_label("education"),
                                          annex(3)["staff"].column_label("certificate")]
    assert str(f.where[0]) == "附件3 教育情况/学历"
