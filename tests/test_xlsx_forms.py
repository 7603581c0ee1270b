"""Excel versions of annexes 3–6 (issue 15, item 3): laid out from the model (title, the
申报单位/填表人 lines, two-row headers, 序号 filled), drop-down lists, number formats,
phones as text, print set-up; pre-filled by ``qhsme fill --format xlsx``; the committed
blanks in fillable/ are what the model makes."""
from __future__ import annotations

import subprocess

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from toolkit import xlsxform
from toolkit.cli import main
from toolkit.model import annex
from toolkit.model.annexes import EDUCATION
from toolkit.model.naming import PROP_ANNEX, PROP_VERSION, TEMPLATE_VERSION
from toolkit.parse import parse_paths
from toolkit.xlsxform.build import SPARE_ROWS, field_label

from conftest import ROOT, SAMPLES, need

TABLES = (3, 4, 5, 6)


def blank(n, tmp_path):
    p = tmp_path / f"annex{n}.xlsx"
    xlsxform.write_blank(n, p)
    return load_workbook(p)


def header_at(ws, label):
    """(row, column) of the cell holding ``label``."""
    for row in ws.iter_rows():
        for c in row:
            if c.value == label:
                return c.row, c.column
    raise AssertionError(f"{label} not on the sheet")


@pytest.mark.parametrize("n", TABLES)
def test_blank_is_laid_out_from_the_model(n, tmp_path):
    a = annex(n)
    t = next(a.tables())
    ws = blank(n, tmp_path).active
    assert ws.title == a.name and ws["A1"].value == a.name and ws["A2"].value == a.title
    r, c = header_at(ws, t.number_label)
    two = bool(t.groups)
    merged = {str(m) for m in ws.merged_cells.ranges}
    for i, col in enumerate(t.columns, c + 1):
        g = t.group_of(col.id)
        if g is None or g.label == col.label:
            assert ws.cell(r, i).value == (g.label if g else col.label)
        else:
            assert ws.cell(r + 1, i).value == col.label
            first = c + 1 + [x.id for x in t.columns].index(g.columns[0])
            assert ws.cell(r, first).value == g.label
    if two:
        assert f"A{r}:A{r + 1}" in merged                  # 序号 over both header rows
    first = r + (2 if two else 1)
    count = max(t.blank_rows, SPARE_ROWS[a.id])
    assert [ws.cell(first + i, c).value for i in range(count)] == list(range(1, count + 1))
    assert ws.cell(first + count, c).value != count + 1
    labels = {v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)}
    for f in a.fields():
        if not f.id.startswith("total_"):
            assert field_label(f) in labels, f.label      # 申报单位（盖章）：, 填表人：, 总体满意率（%）：
    assert ws.freeze_panes == ws.cell(first, c + 1).coordinate


def test_annex3_has_at_least_thirty_rows_annex5_a_hundred(tmp_path):
    for n, least in ((3, 30), (4, 30), (5, 100)):
        ws = blank(n, tmp_path).active
        numbers = [v for v in (row[0] for row in ws.iter_rows(values_only=True)) if isinstance(v, int)]
        assert max(numbers) >= least and max(numbers) >= annex(n)[next(annex(n).tables()).id].min_rows


def _validations(ws):
    return {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv for dv in ws.data_validations.dataValidation}


def test_drop_down_lists_for_choices_and_suggestions(tmp_path):
    ws = blank(3, tmp_path).active
    r, c = header_at(ws, "学历")
    dvs = [dv for dv in ws.data_validations.dataValidation if ws.cell(r + 1, c).coordinate in dv.sqref]
    assert len(dvs) == 1 and dvs[0].formula1 == '"' + ",".join(EDUCATION) + '"'
    assert dvs[0].errorStyle == "warning"                  # a suggestion: other words still allowed
    ws = blank(5, tmp_path).active
    r, c = header_at(ws, "企业满意度")
    dvs = [dv for dv in ws.data_validations.dataValidation if ws.cell(r + 2, c).coordinate in dv.sqref]
    assert len(dvs) == 1 and dvs[0].formula1 == '"满意,不满意"' and dvs[0].errorStyle == "stop"
    assert ws.cell(r + 101, c).coordinate in dvs[0].sqref    # the 100th row too


def test_number_formats_amounts_percent_and_phones_as_text(tmp_path):
    ws = blank(4, tmp_path).active
    r, c = header_at(ws, "设备原值")
    assert ws.cell(r + 1, c).number_format == "0.00"
    r, c = header_at(ws, "数量")
    assert ws.cell(r + 1, c).number_format == "0"
    ws = blank(5, tmp_path).active
    r, c = header_at(ws, "联系电话")
    assert ws.cell(r + 2, c).number_format == "@"
    r, c = header_at(ws, "总体满意率（%）：")
    value = next(cell for cell in ws[r] if cell.column > c and cell.number_format != "General")
    assert value.number_format == '0.0"%"'                 # 85 typed shows 85.0%, stored 85
    ws = blank(6, tmp_path).active
    r, c = header_at(ws, "营业收入")
    assert ws.cell(r + 2, c).number_format == "0.00" and ws.cell(r + 2, c + 1).number_format == '0.0"%"'


@pytest.mark.parametrize("n", TABLES)
def test_print_setup_a4_fit_to_width_header_repeated(n, tmp_path):
    ws = blank(n, tmp_path).active
    t = next(annex(n).tables())
    r, _ = header_at(ws, t.number_label)
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) == 9
    assert ws.page_setup.orientation == ("landscape" if n == 6 else "portrait")
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${r}:${r + (1 if t.groups else 0)}"


def test_form_id_and_version_in_custom_properties(tmp_path):
    wb = blank(5, tmp_path)
    props = {p.name: p.value for p in wb.custom_doc_props}
    assert props == {PROP_ANNEX: "annex5", PROP_VERSION: TEMPLATE_VERSION}


@pytest.mark.parametrize("n", TABLES)
def test_filled_reads_back_to_the_data(n, good_data, tmp_path):
    p = tmp_path / f"annex{n}.xlsx"
    xlsxform.write_filled(n, good_data, p)
    result = parse_paths([p])
    assert result.data[f"annex{n}"] == good_data[f"annex{n}"]
    assert not [x for x in result.problems if x.severity == "错误"], result.problems


def test_filled_values_are_typed_numbers_and_text(good_data, tmp_path):
    p = tmp_path / "annex4.xlsx"
    xlsxform.write_filled(4, good_data, p)
    ws = load_workbook(p).active
    r, c = header_at(ws, "设备原值")
    first = good_data["annex4"]["equipment"][0]
    assert ws.cell(r + 1, c).value == first["value"] and ws.cell(r + 1, c - 1).value == first["quantity"]
    assert ws.cell(r + 1, c - 3).value == first["item"] and ws.cell(r + 1, c - 3).data_type == "s"


def test_more_rows_than_the_blank_are_all_written(good_data, tmp_path):
    data = dict(good_data)
    one = good_data["annex5"]["enterprises"][0]
    data["annex5"] = {**good_data["annex5"], "enterprises": [{**one, "name": f"企业{i}"} for i in range(130)]}
    p = tmp_path / "annex5.xlsx"
    xlsxform.write_filled(5, data, p)
    assert len(parse_paths([p]).data["annex5"]["enterprises"]) == 130


def test_formula_like_text_stays_text(good_data, tmp_path):
    data = dict(good_data)
    rows = [dict(r) for r in good_data["annex3"]["staff"]]
    rows[0]["name"] = '=HYPERLINK("http://evil.example","点我")'
    rows[1]["post"] = "+1+2"
    data["annex3"] = {**good_data["annex3"], "staff": rows}
    p = tmp_path / "annex3.xlsx"
    xlsxform.write_filled(3, data, p)
    ws = load_workbook(p).active
    r, c = header_at(ws, "姓名")
    cell = ws.cell(r + 2, c)
    assert cell.data_type == "s" and cell.quotePrefix and cell.value == rows[0]["name"]
    back = parse_paths([p]).data["annex3"]["staff"]
    assert back[0]["name"] == rows[0]["name"] and back[1]["post"] == "+1+2"


def test_cli_forms_and_fill_xlsx(tmp_path):
    r = CliRunner().invoke(main, ["forms", "--out", str(tmp_path / "f"), "--format", "xlsx"])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (tmp_path / "f").iterdir()) == [f"annex{n}.xlsx" for n in TABLES]
    r = CliRunner().invoke(main, ["forms", "--out", str(tmp_path / "g"), "--format", "xlsx", "--annex", "1"])
    assert r.exit_code == 2 and "没有Excel版本" in r.output
    r = CliRunner().invoke(main, ["fill", str(SAMPLES / "xining-complete.yaml"), "--out", str(tmp_path / "h"),
                                  "--format", "xlsx", "--annex", "1", "--annex", "5"])
    assert r.exit_code == 0, r.output
    assert [p.name for p in (tmp_path / "h").iterdir()] == ["annex5.xlsx"]


def test_format_all_includes_the_xlsx(tmp_path, monkeypatch):
    from toolkit import forms
    orig = forms._writers
    assert [ext for ext, _ in orig("all")] == ["docx", "pdf", "xlsx"]
    monkeypatch.setattr(forms, "_writers", lambda fmt: [w for w in orig(fmt) if w[0] != "pdf"])
    written = forms.write_blank_forms(tmp_path, "all", annexes=[2, 3], index=False)
    assert sorted(p.name for p in written) == ["annex2.docx", "annex3.docx", "annex3.xlsx"]


@pytest.mark.parametrize("n", TABLES)
def test_committed_blank_is_what_the_model_makes(n, tmp_path):
    """fillable/annexN.xlsx: regenerate with ``qhsme forms --out fillable --format xlsx``."""
    fresh = blank(n, tmp_path).active
    assert (ROOT / "fillable" / f"annex{n}.xlsx").read_bytes() == (tmp_path / f"annex{n}.xlsx").read_bytes()
    kept = load_workbook(ROOT / "fillable" / f"annex{n}.xlsx").active
    assert list(kept.iter_rows(values_only=True)) == list(fresh.iter_rows(values_only=True))
    assert {str(m) for m in kept.merged_cells.ranges} == {str(m) for m in fresh.merged_cells.ranges}


def test_rendered_pages_a4_portrait_and_landscape(tmp_path):
    """LibreOffice prints them on A4, annex 6 landscape, every column on the page width."""
    need("soffice", "pdfinfo")
    files = []
    for n in (3, 6):
        files.append(tmp_path / f"annex{n}.xlsx")
        xlsxform.write_blank(n, files[-1])
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), *map(str, files)],
                   check=True, capture_output=True, timeout=180)
    sizes = {}
    for n in (3, 6):
        info = subprocess.run(["pdfinfo", str(tmp_path / "pdf" / f"annex{n}.pdf")], capture_output=True,
                              text=True, check=True).stdout
        line = next(x for x in info.splitlines() if x.startswith("Page size"))
        w, h = (float(v) for v in line.split(":")[1].split("pts")[0].split("x"))
        sizes[n] = (round(w), round(h))
        pages = int(next(x for x in info.splitlines() if x.startswith("Pages")).split()[-1])
        assert pages == 1, (n, pages)                      # the blank's rows fit on one page
    assert sizes[3] == (595, 842) and sizes[6] == (842, 595)


def test_header_code_is_shared_with_the_bureau_summary():
    from toolkit.bureau import annex6_xlsx
    from toolkit.xlsxform import layout
    assert annex6_xlsx.write_table_header is layout.write_table_header

