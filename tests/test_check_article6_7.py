"""第六条 service functions (declared vs evidenced) and 第七条 青南/环湖 relaxation."""
import pytest

from check_helpers import enterprises, one, results, run, staff, variant
from toolkit.check import FAIL, INFO, PASS, VERIFY
from toolkit.check.findings import ARTICLE7_RELAXATION, DECLARED_NOT_EVIDENCED


@pytest.fixture
def bare(good_data):
    """The good sample with no article 6 figures and no training product."""
    d = variant(good_data)
    d["declared"] = {}
    d["annex1"]["products"] = [{"product": "政策信息与申报辅导", "scale": "56家"}]
    return d


CASES = [
    ("info 100 and 5", "a6.info", {"info_offline_enterprises": 100, "info_activities": 5}, PASS),
    ("info 99 offline", "a6.info", {"info_offline_enterprises": 99, "info_activities": 5}, INFO),
    ("info 4 activities", "a6.info", {"info_offline_enterprises": 100, "info_activities": 4}, INFO),
    ("info without activities", "a6.info", {"info_offline_enterprises": 150}, INFO),
    ("tech 5", "a6.tech", {"tech_activities": 5}, PASS),
    ("tech 4", "a6.tech", {"tech_activities": 4}, INFO),
    ("startup 5", "a6.startup", {"startup_activities": 5}, PASS),
    ("startup 4", "a6.startup", {"startup_activities": 4}, INFO),
    ("training 500", "a6.training", {"training_person_times": 500}, PASS),
    ("training 499", "a6.training", {"training_person_times": 499}, INFO),
    ("financing 5 and 1亿", "a6.financing", {"financing_activities": 5, "financing_amount": 10000}, PASS),
    ("financing 0.9999亿", "a6.financing", {"financing_activities": 5, "financing_amount": 9999}, INFO),
    ("financing 4 activities", "a6.financing", {"financing_activities": 4, "financing_amount": 20000}, INFO),
    ("guarantor 3亿", "a6.financing", {"is_guarantor": True, "guarantee_new_amount": 30000}, PASS),
    ("guarantor 2.99亿", "a6.financing", {"is_guarantor": True, "guarantee_new_amount": 29900}, INFO),
    ("guarantee but not a guarantor", "a6.financing", {"guarantee_new_amount": 50000}, INFO),
]


@pytest.mark.parametrize("rule, declared, severity", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_article6_function_thresholds(bare, rule, declared, severity):
    report = run(variant(bare, declared=declared))
    f = one(report, rule)
    assert f.severity == severity
    overall = one(report, "a6.any_function")
    # met only by declared figures: the whole article needs verification, not a pass
    assert overall.severity == (VERIFY if severity == PASS else FAIL)


def test_no_function_at_all_fails_article6(bare):
    f = one(run(bare), "a6.any_function")
    assert f.severity == FAIL and f.citation == "第六条" and "未申报" in f.actual
    assert not [x for x in run(bare).findings if x.rule in ("a6.info", "a6.tech")]


def test_declared_figures_are_reported_as_declared_not_evidenced(bare):
    report = run(variant(bare, declared={"tech_activities": 8}))
    f = one(report, "a6.tech")
    assert DECLARED_NOT_EVIDENCED in f.tags and "自行申报" in f.note and "自行申报" in f.actual
    assert [w.path for w in f.where] == ["declared.tech_activities"]
    overall = one(report, "a6.any_function")
    assert overall.severity == VERIFY and DECLARED_NOT_EVIDENCED in overall.tags
    assert "第九条第（十）项" in overall.evidence


def test_training_from_annex1_products_is_evidenced(bare):
    d = variant(bare)
    d["annex1"]["products"].append({"product": "员工技能培训", "scale": "1,200人/次"})
    report = run(d)
    f = one(report, "a6.training")
    assert f.severity == PASS and not f.tags
    assert f.where[0].path == "annex1.products[2].scale"
    assert one(report, "a6.any_function").severity == PASS


def test_declared_training_that_disagrees_with_annex1_is_used_and_noted(bare):
    d = variant(bare, declared={"training_person_times": 200})
    d["annex1"]["products"].append({"product": "员工技能培训", "scale": "680人次"})
    f = one(run(d), "a6.training")
    assert f.severity == INFO
    assert "200 人次" in f.actual and "680 人次" in f.note


def test_one_function_is_enough(bare):
    report = run(variant(bare, declared={"tech_activities": 1, "startup_activities": 9}))
    assert one(report, "a6.tech").severity == INFO
    assert one(report, "a6.startup").severity == PASS
    assert one(report, "a6.any_function").severity == VERIFY      # declared only


# --- article 7 ----------------------------------------------------------------------------

SMALL = dict(annex3__staff=staff(12, 7), annex1__staff_count=12, annex1__professional_count=7,
             annex5__enterprises=enterprises(42), annex5__served_total=42,
             annex5__satisfaction_rate=100)


@pytest.mark.parametrize("city, region, severity", [
    ("玉树藏族自治州", "青南", VERIFY), ("果洛藏族自治州", "青南", VERIFY), ("黄南藏族自治州", "青南", VERIFY),
    ("海北藏族自治州", "环湖", VERIFY), ("海南藏族自治州", "环湖", VERIFY),
    ("西宁市", None, FAIL), ("海东市", None, FAIL), ("海西蒙古族藏族自治州", None, FAIL),
])
def test_article7_relaxes_numeric_shortfalls_in_qingnan_and_huanhu(good_data, city, region, severity):
    d = variant(good_data, annex1__city=city, **SMALL)
    d["annex1"]["operations"][2]["served_count"] = 42
    report = run(d)
    assert report.application["region"] == region
    for rule in ("a5.staff_min", "a5.served_min"):
        f = one(report, rule)
        assert f.severity == severity
        if region:
            assert ARTICLE7_RELAXATION in f.tags and "第七条" in f.note and region in f.note
    assert bool(results(report, "a7.region")) is bool(region)
    assert report.blocking is (region is None)


def test_article7_does_not_relax_inconsistencies(good_data):
    d = variant(good_data, annex1__city="玉树藏族自治州", annex1__staff_count=30)
    f = one(run(d), "c.staff_count")
    assert f.severity == FAIL and ARTICLE7_RELAXATION not in f.tags


def test_article7_relaxes_article6(good_data):
    d = variant(good_data, annex1__city="果洛藏族自治州", declared={})
    d["annex1"]["products"] = []
    f = one(run(d), "a6.any_function")
    assert f.severity == VERIFY and ARTICLE7_RELAXATION in f.tags


def test_regions_are_configurable(good_data):
    d = variant(good_data, annex1__city="海西蒙古族藏族自治州", **SMALL)
    assert one(run(d), "a5.staff_min").severity == FAIL
    relaxed = run(d, huanhu=["海北藏族自治州", "海南藏族自治州", "海西蒙古族藏族自治州"])
    assert one(relaxed, "a5.staff_min").severity == VERIFY
    assert relaxed.application["region"] == "环湖"
