"""附件7 for a recognised platform, and the annex 6 summary as DOCX and PDF."""
import datetime as dt
import shutil

import yaml
from click.testing import CliRunner

from toolkit.bureau.review import review_data
from toolkit.cli import main
from toolkit.parse import parse_paths

from conftest import SAMPLES


def test_review_data_takes_annex1_and_the_last_three_years(good_data):
    data = dict(good_data)
    a1 = dict(data["annex1"])
    a1["operations"] = [{"year": 2022, "revenue": 1, "service_revenue": 1, "served_count": 1}] + a1["operations"]
    data["annex1"] = a1
    a7 = review_data(data, dt.date(2026, 3, 25))["annex7"]
    assert [r["year"] for r in a7["operations"]] == [2023, 2024, 2025]
    assert a7["unit_name"] == a1["unit_name"] and a7["postcode"] == a1["postcode"]
    assert "bureau_opinion" not in a7 and "review_opinion" not in a7
    earlier = review_data(data, dt.date(2025, 6, 1))["annex7"]
    assert [r["year"] for r in earlier["operations"]] == [2022, 2023, 2024]


def test_review_command(tmp_path):
    d = yaml.safe_load((SAMPLES / "xining-complete.yaml").read_text(encoding="utf-8"))
    d["record"] = {"recognized_on": "2023-03-20", "complaints": 2, "missed_reports": 0}
    src = tmp_path / "platform.yaml"
    src.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    shutil.copytree(SAMPLES / "attachments", tmp_path / "attachments")
    res = CliRunner().invoke(main, ["review", str(src), "--out", str(tmp_path / "out"), "--as-of", "2026-03-25"])
    assert res.exit_code == 1, res.output                   # two complaints: 第十六条
    assert "[不符合] 第十六条 被中小企业投诉次数" in res.output
    assert "第十五条 认定有效期三年" in res.output and "已期满" in res.output
    for name in ("annex7.docx", "annex7.pdf", "复核检查报告.html", "复核数据.json"):
        assert (tmp_path / "out" / name).exists()
    back = parse_paths([tmp_path / "out" / "annex7.pdf", tmp_path / "out" / "annex7.docx"])
    assert back.data["annex7"]["unit_name"] == d["annex1"]["unit_name"]
    assert [r["year"] for r in back.data["annex7"]["operations"]] == [2023, 2024, 2025]


def test_summary_as_docx_and_pdf(tmp_path):
    inputs = [str(SAMPLES / n) for n in ("xining-complete.yaml", "xining-fails-conditions.yaml",
                                         "yushu-qingnan.yaml")]
    for ext in ("docx", "pdf"):
        out = tmp_path / f"annex6.{ext}"
        res = CliRunner().invoke(main, ["summary", *inputs, "--year", "2025", "--out", str(out),
                                        "--bureau", "西宁市工业和信息化局", "--date", "2026-01-20"])
        assert res.exit_code == 0, res.output
        rows = parse_paths([out]).data["annex6"]["platforms"]
        assert [r["platform_name"] for r in rows] == ["西宁市中小企业综合服务平台（示例）", "示例喆诚企业服务平台",
                                                      "玉树州中小企业服务平台（示例）"]


def test_summary_pdf_shows_every_column_header(tmp_path):
    import pdfplumber

    from toolkit.model import annex
    from toolkit.regulation import squash
    out = tmp_path / "annex6.pdf"
    CliRunner().invoke(main, ["summary", str(SAMPLES / "yushu-qingnan.yaml"), "--year", "2025", "--out", str(out)])
    with pdfplumber.open(out) as pdf:
        cells = [c for p in pdf.pages for t in p.extract_tables() for row in t for c in row if c]
        text = squash("|".join(cells))
    assert "玉树州中小企业服务平台" in text
    t = annex(6)["platforms"]
    for label in [c.label for c in t.columns] + [g.label for g in t.groups]:
        assert squash(label) in text, label
