"""Value normalisation, one table of (input, expected) per field type."""
import datetime as dt

import pytest

from toolkit.model import annex
from toolkit.normalize import BadValue, normalize, to_text

A1 = annex(1)
OPS = A1["operations"]


def f(fid, table=None):
    return (table or A1).column(fid) if table else A1[fid]


@pytest.mark.parametrize("raw, want", [
    (500, 500), ("500", 500), ("1,234.5万元", 1234.5), ("１,２３４.５万元", 1234.5),
    ("１２３４．５万元", 1234.5), ("12,345元", 1.2345), ("1.2亿元", 12000), (" 88 万 ", 88),
    ("0", 0), (12.50, 12.5),
])
def test_amounts_in_wan_yuan(raw, want):
    assert normalize(A1["total_assets"], raw) == want


@pytest.mark.parametrize("raw", ["一百万", "12,34", "1.2.3", "-5", "12美元", True])
def test_bad_amounts(raw):
    with pytest.raises(BadValue):
        normalize(A1["total_assets"], raw)


def test_profit_may_be_negative():
    assert normalize(OPS.column("profit"), "-12.5") == -12.5


@pytest.mark.parametrize("raw, want", [("85", 85), ("85%", 85), ("85％", 85), ("１００", 100),
                                       (0, 0), (79.9, 79.9)])
def test_percent(raw, want):
    assert normalize(A1["equipment_pct"], raw) == want


@pytest.mark.parametrize("raw", [120, "100.1", "-1", "八成"])
def test_bad_percent(raw):
    with pytest.raises(BadValue):
        normalize(A1["equipment_pct"], raw)


@pytest.mark.parametrize("raw, want", [
    ("2024-05-20", "2024-05-20"), ("2024年5月20日", "2024-05-20"), ("2024.5.20", "2024-05-20"),
    ("2024/5/20", "2024-05-20"), ("２０２４年５月２０日", "2024-05-20"), ("20240520", "2024-05-20"),
    (dt.date(2024, 5, 20), "2024-05-20"), ("2024 年 5 月 20 日", "2024-05-20"),
])
def test_dates(raw, want):
    assert normalize(A1["reg_date"], raw) == want


@pytest.mark.parametrize("raw", ["2023-02-29", "2024年13月1日", "去年", "2024-5"])
def test_bad_dates(raw):
    with pytest.raises(BadValue):
        normalize(A1["reg_date"], raw)


@pytest.mark.parametrize("raw, want", [
    ("0971-6100001", "0971-6100001"), ("13997100001", "13997100001"), (13997100001, "13997100001"),
    ("139 9710 0001", "13997100001"), ("+86 139-9710-0001", "13997100001"),
    ("（0971）6100001", "0971-6100001"), ("０９７１－６１００００１", "0971-6100001"),
    ("400-800-1234", "400-800-1234"),
])
def test_phones(raw, want):
    assert normalize(A1["phone"], raw) == want


@pytest.mark.parametrize("raw, want", [
    ("0971-6100001 转 801", "0971-6100001转801"), ("0971-6100001-801", "0971-6100001转801"),
    ("0971-6100001 ext. 801", "0971-6100001转801"), ("0971-6100001 EXT 801", "0971-6100001转801"),
    ("0971-6100001分机801", "0971-6100001转801"), ("（0971）6100001 转 801", "0971-6100001转801"),
    ("400-800-1234转2", "400-800-1234转2"), ("0971-6100001转801", "0971-6100001转801"),
])
def test_phone_extensions_are_kept(raw, want):
    assert normalize(A1["phone"], raw) == want
    assert normalize(A1["phone"], want) == want


@pytest.mark.parametrize("raw", ["1399710", "6100001x", "12345678901", "6100001转801", "13997100001转801",
                                 "0971-6100001转", "0971-6100001转1234567", "0971转801"])
def test_bad_phones(raw):
    with pytest.raises(BadValue):
        normalize(A1["phone"], raw)


@pytest.mark.parametrize("raw, want", [("810000", "810000"), (810008, "810008"), ("８１５０００", "815000")])
def test_postcodes(raw, want):
    assert normalize(A1["postcode"], raw) == want


@pytest.mark.parametrize("raw", ["81000", "8100000", "81000a"])
def test_bad_postcodes(raw):
    with pytest.raises(BadValue, match="6位"):
        normalize(A1["postcode"], raw)


@pytest.mark.parametrize("raw, want", [("西宁市", "西宁市"), ("西宁", "西宁市"), ("玉树州", "玉树藏族自治州"),
                                       ("海西州", "海西蒙古族藏族自治州")])
def test_city_short_forms(raw, want):
    assert normalize(A1["city"], raw) == want


def test_unknown_city():
    with pytest.raises(BadValue, match="应为以下之一"):
        normalize(A1["city"], "兰州市")


@pytest.mark.parametrize("raw, want", [("52", 52), ("52家", 52), ("１，２００", 1200), (52.0, 52)])
def test_integers(raw, want):
    assert normalize(OPS.column("served_count"), raw) == want


@pytest.mark.parametrize("raw", ["52.5", "五十二"])
def test_bad_integers(raw):
    with pytest.raises(BadValue):
        normalize(OPS.column("served_count"), raw)


def test_min_length_counts_characters_not_spaces():
    fld = A1["bureau_opinion"]
    with pytest.raises(BadValue, match="不少于20字"):
        normalize(fld, "同意推荐。 " * 3)
    text = "经审核，该单位材料真实完整，符合条件，同意推荐。"
    assert normalize(fld, text) == text


def test_text_keeps_rare_characters_and_full_width_punctuation():
    name = "青海𠀀堃（喆）服务中心"
    assert normalize(A1["unit_name"], name) == name


@pytest.mark.parametrize("fid, value, text", [
    ("reg_date", "2024-05-20", "2024年5月20日"), ("total_assets", 1234.5, "1234.5"),
    ("postcode", "810000", "810000"), ("equipment_pct", 28, "28"),
])
def test_to_text_reads_back(fid, value, text):
    fld = A1[fid]
    assert to_text(fld, value) == text
    assert normalize(fld, text) == value


def test_empty_is_none():
    for raw in (None, "", "   ", []):
        assert normalize(A1["total_assets"], raw) is None
