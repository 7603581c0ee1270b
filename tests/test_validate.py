"""Validation of whole data files: every problem located, in Chinese, the valid rest kept."""
import copy

from toolkit.datafile import load
from toolkit.validate import validate

from conftest import SAMPLES


def test_well_formed_samples_have_no_errors():
    for name in ("xining-complete.yaml", "xining-fails-conditions.yaml", "yushu-qingnan.yaml"):
        result = validate(load(SAMPLES / name))
        assert result.ok, [str(p) for p in result.problems]


def test_field_mistakes_are_each_located():
    result = validate(load(SAMPLES / "field-mistakes.yaml"))
    assert not result.ok
    found = {p.path: p for p in result.problems if p.severity == "错误"}
    assert set(found) == {
        "annex1.postcode", "annex1.facility_software_pct", "annex1.reg_date", "annex1.legal_rep",
        "annex3.staff[4].phone", "annex5.enterprises[10].satisfaction",
    }
    assert found["annex1.postcode"].label == "邮政编码"
    assert "6位" in found["annex1.postcode"].message
    assert found["annex1.legal_rep"].message == "必填项未填写"
    assert "附件3 第4行 联系电话" in found["annex3.staff[4].phone"].where()
    # every message is Chinese and says what to do
    for p in found.values():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in p.message)
        assert p.fix


def test_valid_rest_is_kept_and_normalised():
    result = validate(load(SAMPLES / "field-mistakes.yaml"))
    a1 = result.data["annex1"]
    assert a1["registered_capital"] == 500          # "５００万元"
    assert a1["total_assets"] == 1280.5             # "１,２８０.５万元"
    assert "postcode" not in a1 and "reg_date" not in a1
    assert a1["unit_name"] == "青海堃元中小企业服务有限公司"
    assert len(result.data["annex3"]["staff"]) == 18
    assert "phone" not in result.data["annex3"]["staff"][3]
    assert result.data["annex3"]["staff"][3]["name"]


def test_blank_rows_are_skipped_and_unknown_keys_reported(good_data):
    data = copy.deepcopy(good_data)
    data["annex4"]["equipment"].append({"item": "", "quantity": None})
    data["annex4"]["colour"] = "red"
    data["annex9"] = {}
    result = validate(data)
    assert result.ok
    assert len(result.data["annex4"]["equipment"]) == len(good_data["annex4"]["equipment"])
    paths = {p.path for p in result.problems}
    assert "annex4.colour" in paths
    assert any("annex9" in p.message for p in result.problems)


def test_short_tables_warn_but_do_not_fail():
    result = validate(load(SAMPLES / "yushu-qingnan.yaml"))
    warned = {p.path for p in result.problems if p.severity == "提示"}
    assert {"annex3.staff", "annex5.enterprises"} <= warned


def test_wrong_shapes_do_not_crash():
    assert not validate([1, 2]).ok
    r = validate({"annex3": {"staff": "many"}, "annex1": "x"})
    assert not r.ok
    assert {"annex1", "annex3.staff"} <= {p.path for p in r.problems}


def test_validation_is_idempotent(good_data):
    again = validate(good_data)
    assert again.ok and again.data == good_data


def test_a_saved_scan_parse_keeps_its_ocr_and_seal_sections(good_data):
    """``qhsme check`` on the JSON ``qhsme parse`` wrote for a scan: the seal result reaches the
    article 9 check and the OCR marks stay, with no 未知的部分 warning."""
    data = {**good_data, "ocr": {"annex3.applicant": {"confidence": 0.97, "source": "第1页（扫描件）"}},
            "seals": {"annex3": [{"place": "申报单位（盖章）", "stamped": False}]}}
    result = validate(data)
    assert result.data["ocr"] == data["ocr"] and result.data["seals"] == data["seals"]
    assert not [p for p in result.problems if "未知的部分" in p.message]
