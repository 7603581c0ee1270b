"""附件6 summary: sums, cumulative counts and growth rates against hand-computed numbers."""
import pytest
from openpyxl import load_workbook

from toolkit.bureau import annex6_xlsx
from toolkit.bureau.summary import summarize


def app(name, ops, staff_count=20):
    return {"annex1": {"platform_name": name, "contact": "王喆", "phone": "0971-6100001",
                       "site_area": 500, "staff_count": staff_count,
                       "operations": [dict(zip(("year", "revenue", "service_revenue", "profit",
                                                "served_count", "agreement_count"), o)) for o in ops]}}


APPS = [
    ("p1.yaml", app("平台甲", [(2024, 100, 80, 10, 50, 30), (2025, 120, 90, 12, 60, 40)])),
    ("p2.yaml", app("平台乙𠀀", [(2024, 0, 0, 0, 0, 0), (2025, 30, 20, -5, 55, 20)], 16)),
    ("p3.yaml", app("平台丙", [(2023, 40, 30, 3, 40, 20), (2024, 50, 40, 4, 52, 25),
                             (2025, 45, 40, 5, 52, 26)], 15)),
]
PREVIOUS = [
    {"platform_name": "平台甲", "served_cumulative": 200, "served_new": 50, "revenue_new": 110,
     "service_revenue_new": 80, "profit_new": 8},
    {"platform_name": "平台乙𠀀", "served_cumulative": 10, "served_new": 10, "revenue_new": 0,
     "service_revenue_new": 0, "profit_new": 0},
]


@pytest.fixture
def summary():
    return summarize(APPS, 2025, PREVIOUS, {"bureau": "西宁市工业和信息化局", "filler": "赵晓燕",
                                            "filler_phone": "0971-8200001", "fill_date": "2026-01-20"})


def test_rows_new_figures_are_the_years(summary):
    a, b, c = summary.rows
    assert (a["revenue_new"], b["revenue_new"], c["revenue_new"]) == (120, 30, 45)
    assert (a["served_new"], b["served_new"], c["served_new"]) == (60, 55, 52)


def test_cumulative_adds_to_last_year(summary):
    a, b, c = summary.rows
    assert a["served_cumulative"] == 200 + 60
    assert b["served_cumulative"] == 10 + 55
    assert c["served_cumulative"] == 40 + 52 + 52       # no last summary: annex 1's years


def test_growth_rates(summary):
    a, b, c = summary.rows
    assert a["revenue_growth_pct"] == round((120 - 110) / 110 * 100, 1) == 9.1
    assert a["served_growth_pct"] == 20.0
    assert a["profit_growth_pct"] == 50.0                # (12 - 8) / 8
    assert c["revenue_growth_pct"] == -10.0              # (45 - 50) / 50, from annex 1's 2024
    assert "revenue_growth_pct" not in b                 # last year 0: undefined
    notes = {(p.row, p.field) for p in summary.notes}
    assert (2, "revenue_growth_pct") in notes and (2, "profit_growth_pct") in notes
    assert all("无法计算" in p.message for p in summary.notes)


def test_totals(summary):
    t = summary.totals
    assert t["revenue_new"] == 120 + 30 + 45
    assert t["staff_total"] == 20 + 16 + 15
    assert t["profit_new"] == 12 - 5 + 5
    assert t["revenue_growth_pct"] == round((195 - 110) / 110 * 100, 1)


def test_xlsx_layout_and_read_back(summary, tmp_path):
    out = tmp_path / "annex6.xlsx"
    annex6_xlsx.write(summary, out)
    ws = load_workbook(out).active
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A6:A7" in merged                              # 序号 over both header rows
    assert "F6:H6" in merged                              # 员工数 over its three columns
    assert ws["F6"].value == "员工数" and ws["F7"].value == "总人数"
    assert ws["A3"].value == "（2025年度）"
    assert "西宁市工业和信息化局" in ws["A4"].value
    assert ws["B8"].value == "平台甲" and ws["M8"].value == 120
    assert isinstance(ws["M8"].value, int) and ws["D8"].number_format == "@"
    assert ws.cell(11, 1).value == "合计"
    assert annex6_xlsx.read_rows(out) == summary.rows


def test_returned_annex6_rows_are_taken_as_they_are():
    row = {"platform_name": "平台丁", "revenue_new": 80, "revenue_growth_pct": 5.5}
    s = summarize([("x", {"annex6": {"platforms": [row]}})], 2025)
    assert s.rows == [row]
