"""summary --db takes last year's annex 6 figures from the registry (同比增长, 累计数);
review --db builds annex 7 and the 第十五、十六条 record from the registry."""
import json

from click.testing import CliRunner
from openpyxl import load_workbook

from conftest import SAMPLES
from toolkit.bureau.summary import TABLE
from toolkit.cli import main
from toolkit.datafile import load, save


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def app(unit, platform, ops):
    return {"annex1": {"unit_name": unit, "platform_name": platform, "city": "西宁市",
                       "operations": [{"year": y, "revenue": r, "served_count": s} for y, r, s in ops]}}


def cell(ws, row, col_id):
    ids = [c.id for c in TABLE.columns]
    return ws.cell(row, 2 + ids.index(col_id)).value


def test_summary_takes_last_years_figures_from_the_registry(tmp_path):
    db = tmp_path / "r.sqlite3"
    now = load(SAMPLES / "xining-complete.yaml")      # annex 1: 2024 revenue 688.9, 2025 745.3, served 56
    now.pop("annex6")
    save(now, tmp_path / "now.yaml")
    a1 = now["annex1"]
    save(app(a1["unit_name"], a1["platform_name"], [(2022, 500, 40)]), tmp_path / "old.yaml")
    save({"annex6": {"year": 2024, "platforms": [
        {"platform_name": a1["platform_name"], "served_cumulative": 200, "served_new": 50, "revenue_new": 700}]}},
        tmp_path / "a6-2024.yaml")
    r = run("registry", "import", "--db", db, tmp_path / "old.yaml", tmp_path / "a6-2024.yaml")
    assert r.exit_code == 0, r.output
    out = tmp_path / "2025.xlsx"
    r = run("summary", tmp_path / "now.yaml", "--year", 2025, "--db", db, "--out", out)
    assert r.exit_code == 0, r.output
    ws = load_workbook(out).active
    row = next(i for i in range(1, ws.max_row + 1) if ws.cell(i, 2).value == a1["platform_name"])
    assert cell(ws, row, "revenue_growth_pct") == round((745.3 - 700) / 700 * 100, 1)   # against the registry
    assert cell(ws, row, "served_cumulative") == 256
    r = run("summary", tmp_path / "now.yaml", "--year", 2025, "--out", out)              # without it: own 2024
    ws = load_workbook(out).active
    assert cell(ws, row, "revenue_growth_pct") == round((745.3 - 688.9) / 688.9 * 100, 1)


def test_review_from_the_registry(tmp_path):
    db = tmp_path / "r.sqlite3"
    assert run("registry", "import", "--db", db, SAMPLES / "xining-complete.yaml").exit_code == 0
    unit = load(SAMPLES / "xining-complete.yaml")["annex1"]["unit_name"]
    assert run("registry", "recognize", "--db", db, "--unit", unit, "--on", "2023-03-20").exit_code == 0
    for day in ("2024-05-01", "2025-06-01"):
        assert run("registry", "complaint", "--db", db, "--unit", unit, "--on", day, "--note", "投诉").exit_code == 0
    r = run("review", unit, "--db", db, "--out", tmp_path / "rev", "--as-of", "2026-03-25")
    assert r.exit_code == 1, r.output                                    # two complaints: 第十六条
    assert "第十六条 被中小企业投诉次数" in r.output and "实际 2 次" in r.output
    assert "第十五条" in r.output and "已期满" in r.output
    data = json.loads((tmp_path / "rev" / "复核数据.json").read_text(encoding="utf-8"))
    assert data["record"]["recognized_on"] == "2023-03-20" and data["record"]["complaints"] == 2
    assert data["annex7"]["unit_name"] == unit and len(data["annex7"]["operations"]) == 3
    assert (tmp_path / "rev" / "annex7.pdf").stat().st_size > 1000
    r = run("review", "没有的单位", "--db", db, "--out", tmp_path / "rev2")
    assert r.exit_code == 2 and "没有的单位" in r.output
