"""Consistency between annexes, one case per rule, each located in the annexes."""
import pytest

from check_helpers import assert_locates, enterprises, one, results, run, staff, variant
from toolkit.check import FAIL, PASS, VERIFY


def _set(path, value):
    """Change one cell: _set(("annex1", "operations", 2, "served_count"), 99)."""
    def apply(d):
        annex, table, row, field = path
        d[annex][table][row - 1][field] = value
        return d
    return apply


CASES = [
    # (id, rule, changes or callable, severity)
    ("staff count differs", "c.staff_count", {"annex1__staff_count": 17}, FAIL),
    ("staff count agrees", "c.staff_count", {}, PASS),
    ("professional count differs", "c.professional_count", {"annex1__professional_count": 9}, VERIFY),
    ("served total differs from list", "c.served_total_list", {"annex5__served_total": 60}, FAIL),
    ("annex1 served differs from annex5", "c.served_annex1_annex5",
     _set(("annex1", "operations", 3, "served_count"), 58), FAIL),
    ("rate matches ticks within 0.5", "c.satisfaction_rate", {"annex5__satisfaction_rate": 96}, PASS),
    ("rate differs from ticks", "c.satisfaction_rate", {"annex5__satisfaction_rate": 95.8}, FAIL),
    ("annex4 total quantity", "c.equipment_total_quantity", {"annex4__total_quantity": 50}, FAIL),
    ("annex4 total value", "c.equipment_total_value", {"annex4__total_value": 300}, FAIL),
    ("annex4 total value rounding", "c.equipment_total_value", {"annex4__total_value": 284.005}, PASS),
    ("annex1 equipment count", "c.equipment_count", {"annex1__equipment_count": 40}, VERIFY),
    ("service revenue above revenue", "c.service_revenue",
     _set(("annex1", "operations", 2, "service_revenue"), 700), FAIL),
    ("service revenue equal to revenue", "c.service_revenue",
     _set(("annex1", "operations", 2, "service_revenue"), 688.9), PASS),
    ("agreements above served", "c.agreement_count",
     _set(("annex1", "operations", 1, "agreement_count"), 53), FAIL),
    ("agreements equal to served", "c.agreement_count",
     _set(("annex1", "operations", 1, "agreement_count"), 52), PASS),
    ("investor shares 110 %", "c.investor_shares", _set(("annex1", "investors", 2, "share_pct"), 50), FAIL),
    ("investor shares 90 %", "c.investor_shares", _set(("annex1", "investors", 2, "share_pct"), 30), VERIFY),
    ("investor shares 100 %", "c.investor_shares", {}, PASS),
    ("asset shares 101 %", "c.asset_shares", {"annex1__own_site_pct": 38}, FAIL),
    ("asset shares 100 %", "c.asset_shares", {"annex1__own_site_pct": 37}, PASS),
    ("unit name differs on annex 3", "c.unit_name", {"annex3__applicant": "青海堃元中小企业服务公司"}, FAIL),
    ("unit names agree", "c.unit_name", {}, PASS),
    ("bureau opinion 19 characters", "c.bureau_opinion", {"annex1__bureau_opinion": "一" * 19}, FAIL),
    ("bureau opinion 20 characters", "c.bureau_opinion", {"annex1__bureau_opinion": "一" * 20}, PASS),
    ("bureau opinion spaces do not count", "c.bureau_opinion",
     {"annex1__bureau_opinion": "一 " * 19 + "\n"}, FAIL),
    ("bureau opinion not yet written", "c.bureau_opinion", {"annex1__bureau_opinion": None}, VERIFY),
]


@pytest.mark.parametrize("rule, change, severity", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_consistency(good_data, rule, change, severity):
    d = change(variant(good_data)) if callable(change) else variant(good_data, **change)
    found = [f for f in results(run(d), rule)]
    assert [f.severity for f in found] == [severity], [f.line() for f in found]
    if severity != PASS:
        assert_locates(d, found[0])
        assert found[0].citation in ("第九条", "第十条")


def test_service_revenue_names_the_year_and_row(good_data):
    d = _set(("annex1", "operations", 2, "service_revenue"), 700)(variant(good_data))
    f = one(run(d), "c.service_revenue")
    assert "2024年" in f.actual and f.where[0].path == "annex1.operations[2].service_revenue"
    assert f.where[0].label == "其中：服务收入"


def test_each_differing_annex_name_is_one_finding(good_data):
    d = variant(good_data, annex3__applicant="甲公司", annex5__unit_name="乙公司")
    found = results(run(d), "c.unit_name")
    assert sorted(f.where[0].path for f in found) == ["annex3.applicant", "annex5.unit_name"]


def test_name_compared_without_spaces_and_bracket_width(good_data):
    d = variant(good_data, annex1__unit_name="示例（青海）公司", annex1__applicant="示例(青海) 公司",
                annex2__unit_name="示例（青海）公司", annex3__applicant="示例（青海）公司",
                annex4__applicant="示例（青海）公司", annex5__unit_name="示例（青海）公司")
    assert one(run(d), "c.unit_name").severity == PASS


def test_duplicate_enterprises_are_listed(good_data):
    rows = enterprises(55) + [{"name": "示例企业3", "satisfaction": "满意"}]
    f = one(run(variant(good_data, annex5__enterprises=rows)), "c.enterprise_duplicates")
    assert f.severity == VERIFY and [w.row for w in f.where] == [4, 56]


def test_rented_site_with_own_site_share(good_data):
    f = one(run(variant(good_data, annex1__own_site_pct=10)), "c.own_site")
    assert f.severity == VERIFY


def test_professional_count_uses_the_classifier(good_data):
    d = variant(good_data, annex3__staff=staff(18, 9) + [], annex1__professional_count=9)
    assert one(run(d), "c.professional_count").severity == PASS
