"""PDFs exported from the Word form, as applicants make them: parse(export(fill_docx(sample))).

The filled DOCX of each annex (samples/xining-complete.yaml, annex 7 from annex 1's fields;
annex 1 also from samples/yushu-qingnan.yaml) is exported to PDF by LibreOffice
(``soffice --convert-to pdf``, what WPS and Word's 另存为PDF also produce: the Word layout,
drawn text and ruled cells, no fields) and read back from the drawing alone: labels without
"：" in cells of their own, values in the cell beside or below, units sharing the value's
cell, investors nested beside 注册资本, long texts wrapped by the word processor.
"""
from __future__ import annotations

import copy
import subprocess

import pikepdf
import pytest
from conftest import SAMPLES, need
from test_parse_flat import _annex7, expected, got, variant

from toolkit.parse import parse_file


def export(docx, out_dir):
    """The DOCX exported to PDF by LibreOffice, in its own profile."""
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{out_dir}/lo-profile",
                    "--convert-to", "pdf", "--outdir", str(out_dir), str(docx)],
                   check=True, capture_output=True, timeout=180)
    return out_dir / (docx.stem + ".pdf")


def _exports(data: dict, annexes, d):
    from toolkit.docxform import write_filled
    out = {}
    for n in annexes:
        p = d / f"annex{n}.docx"
        write_filled(n, data, p, base_dir=SAMPLES)
        out[n] = p
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{d}/lo-profile",
                    "--convert-to", "pdf", "--outdir", str(d), *map(str, out.values())],
                   check=True, capture_output=True, timeout=300)
    return {n: d / f"annex{n}.pdf" for n in out}


@pytest.fixture(scope="module")
def sample(good_data):
    return _annex7(good_data)


@pytest.fixture(scope="module")
def word_pdfs(sample, tmp_path_factory):
    need("soffice")
    return _exports(sample, range(1, 8), tmp_path_factory.mktemp("word"))


def _no_wrapped_spaces(data: dict) -> dict:
    """Annex 3's 毕业院校及专业 with its space removed: LibreOffice wraps "兰州大学 经济学" at
    the space in a narrow cell and draws no trace of it (a CJK line may break anywhere)."""
    data = copy.deepcopy(data)
    for row in data.get("staff", []):
        if "school_major" in row:
            row["school_major"] = row["school_major"].replace(" ", "")
    return data


@pytest.mark.clients
@pytest.mark.parametrize("n", range(1, 8))
def test_word_export_round_trip(word_pdfs, sample, n):
    pf = parse_file(word_pdfs[n])
    assert pf.kind == "pdf-flat" and pf.annex == f"annex{n}"
    assert not [p.message for p in pf.problems if "照片" not in p.message]
    want, read = expected(sample, n), got(word_pdfs[n], n)
    if n == 3:
        want, read = _no_wrapped_spaces(want), _no_wrapped_spaces(read)
    assert read == want


@pytest.mark.clients
@pytest.mark.parametrize("n", range(1, 8))
def test_every_annex_of_the_export_is_read_by_its_cells(word_pdfs, n):
    """Annexes 2-6 of the export also carry our labels ending in "：" (申报单位（盖章）：), but
    their number and title are not where our blank prints them: not our layout, so the
    reader of ruled cells reads them (the blank's words around a value, （2025年度）, dropped;
    a borderless line cut before the next printed words, 单位：万元)."""
    from toolkit.model.annexes import ANNEXES
    from toolkit.parse.drawn.pdf_source import open_pages
    from toolkit.parse.pdf_flat import read_pages
    from toolkit.parse.values import ParsedFile
    with pikepdf.open(word_pdfs[n]) as pdf:
        pages = open_pages(pdf, str(word_pdfs[n]))
    assert read_pages(ANNEXES[n - 1], pages, ParsedFile(file="x")) == "grid"


@pytest.mark.clients
def test_annex1_of_another_sample(tmp_path):
    """The other sample (青南): its own values and lengths wrap differently."""
    from toolkit.datafile import load
    from toolkit.validate import validate
    need("soffice")
    data = validate(load(SAMPLES / "yushu-qingnan.yaml")).data
    pdfs = _exports(data, [1], tmp_path)
    assert got(pdfs[1], 1) == expected(data, 1)


@pytest.mark.clients
def test_word_layout_is_read_by_its_cells(word_pdfs):
    """Annex 1 is not our print: read by the ruled cells of the model's labels, and no
    label comes back as a value (其他合作单位 was read as 服务收入占年营业收入)."""
    from toolkit.model.annexes import ANNEX1
    from toolkit.parse.drawn.pdf_source import open_pages
    from toolkit.parse.pdf_flat import read_pages
    from toolkit.parse.values import ParsedFile
    with pikepdf.open(word_pdfs[1]) as pdf:
        pages = open_pages(pdf, str(word_pdfs[1]))
    pf = ParsedFile(file="annex1.pdf")
    assert read_pages(ANNEX1, pages, pf) == "grid"
    labels = {f.label for f in ANNEX1.fields()} | {c.label for t in ANNEX1.tables() for c in t.columns}
    assert not [v for v in pf.values if v.raw in labels]
    sources = {str(v.name): v.source for v in pf.values}
    assert sources["a1__registered_capital"] == "第2页 附件1 注册资本"
    assert sources["a1__investors__2__name"] == "第2页 附件1表格第2行 主要投资方名称"


@pytest.mark.clients
def test_a_label_not_found_is_reported(word_pdfs):
    """The glyphs of 注册资本 removed: its value is not guessed, the label is named, the
    other values are still read."""
    from toolkit.model.annexes import ANNEX1
    from toolkit.parse.drawn.pdf_source import open_pages
    from toolkit.parse.pdf_flat import read_pages
    from toolkit.parse.values import ParsedFile
    with pikepdf.open(word_pdfs[1]) as pdf:
        pages = open_pages(pdf, str(word_pdfs[1]))
    for p in pages:
        text = "".join(g.text for g in p.glyphs)
        k = text.find("注册资本")
        if k >= 0:
            del p.glyphs[k:k + 4]
    pf = ParsedFile(file="annex1.pdf", annex="annex1")
    read_pages(ANNEX1, pages, pf)
    read = {v.name.field for v in pf.values}
    assert "registered_capital" not in read and {"legal_rep", "total_assets", "honors"} <= read
    assert any("注册资本" in p.message and "人工核对" in p.message for p in pf.problems)


@pytest.mark.clients
@pytest.mark.parametrize("n", [1, 5])
def test_mupdf_reprint_of_a_word_export(word_pdfs, sample, tmp_path, n):
    """``mutool clean -gggg`` rewrites the export (objects renumbered, streams recompressed)."""
    need("soffice", "mutool")
    out = tmp_path / f"annex{n}-clean.pdf"
    subprocess.run(["mutool", "clean", "-gggg", str(word_pdfs[n]), str(out)], check=True, capture_output=True)
    assert got(out, n) == expected(sample, n)


@pytest.mark.clients
def test_ghostscript_reprint_without_unicode_needs_manual_entry(word_pdfs, tmp_path):
    """ghostscript's pdfwrite re-embeds LibreOffice's CJK font without a ToUnicode map (glyphs
    named /cidNNNN): the text is not guessed at, the file is sent to manual entry."""
    need("soffice", "gs")
    out = tmp_path / "annex3-gs.pdf"
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", f"-sOutputFile={out}",
                    str(word_pdfs[3])], check=True, capture_output=True)
    pf = parse_file(out)
    assert not pf.values
    assert any("人工录入" in p.message for p in pf.problems)


@pytest.mark.clients
def test_mupdf_convert_that_loses_the_text_needs_manual_entry(word_pdfs, tmp_path):
    """``mutool convert`` re-draws the export with fonts whose codes no longer map to the
    characters (copying gives punctuation soup): said so, not "not our form"."""
    need("soffice", "mutool")
    out = tmp_path / "annex3-convert.pdf"
    subprocess.run(["mutool", "convert", "-o", str(out), str(word_pdfs[3])], check=True, capture_output=True)
    pf = parse_file(out)
    assert not pf.values
    assert any("编码" in p.message and "人工录入" in p.message for p in pf.problems)


@pytest.mark.clients
def test_a_row_printed_outside_the_table_is_reported(word_pdfs):
    """Annex 4's third row drawn below the table, outside any rule (as a row typed under the
    table): it is not read into the table, nor dropped in silence."""
    from toolkit.model.annexes import ANNEX4
    from toolkit.parse.drawn.pdf_source import open_pages
    from toolkit.parse.pdf_flat import read_pages
    from toolkit.parse.values import ParsedFile
    with pikepdf.open(word_pdfs[4]) as pdf:
        pages = open_pages(pdf, str(word_pdfs[4]))
    page = pages[0]
    row = next(g for g in page.glyphs if g.text == "光").cy
    bottom = max(t for t, _, _ in page.hrules)
    for g in page.glyphs:
        if abs(g.cy - row) < 6:
            shift = bottom + 60 - row
            g.top, g.bottom = g.top + shift, g.bottom + shift
    pf = ParsedFile(file="annex4.pdf", annex="annex4")
    read_pages(ANNEX4, pages, pf)
    names = [v.raw for v in pf.values if v.name.field == "item"]
    assert "光谱分析仪" not in names and "服务器" in names and "电子万能试验机" in names
    assert any("光谱分析仪" in p.message and "不在任何栏目下" in p.message for p in pf.problems)


@pytest.mark.clients
@pytest.mark.parametrize("variant_name", ["fit93", "rotate", "fit93-turned270"])
@pytest.mark.parametrize("n", [1, 5])
def test_a_printed_word_export(word_pdfs, sample, tmp_path, n, variant_name):
    """The export printed again: scaled to fit the page, turned by /Rotate, or rotated and
    scaled inside the page; the cells are found in the page's own points, whatever the scale."""
    out = tmp_path / f"annex{n}-{variant_name}.pdf"
    out.write_bytes(variant(word_pdfs[n].read_bytes(), variant_name))
    assert got(out, n) == expected(sample, n)


@pytest.mark.clients
def test_a_typed_tick_in_a_table_counts(word_pdfs, sample):
    """The Word form lets an applicant type 是 (or √) into an option's cell instead of ticking
    the box: annex 5's first enterprise with 是 in place of its ☒ is still 满意/不满意 as ticked."""
    from toolkit.model.annexes import ANNEX5
    from toolkit.parse.drawn.pdf_source import open_pages
    from toolkit.parse.pdf_flat import read_pages
    from toolkit.parse.values import ParsedFile
    with pikepdf.open(word_pdfs[5]) as pdf:
        pages = open_pages(pdf, str(word_pdfs[5]))
    first = min((g for g in pages[0].ticks if g.text == "☒"), key=lambda g: g.top)
    first.text = "是"
    pages[0].ticks.remove(first)
    pf = ParsedFile(file="annex5.pdf", annex="annex5")
    read_pages(ANNEX5, pages, pf)
    ticked = {v.name.option for v in pf.values if v.name.row == 1 and v.name.field == "satisfaction" and v.raw}
    want = ANNEX5["enterprises"].column("satisfaction").choices.index(sample["annex5"]["enterprises"][0]["satisfaction"]) + 1
    assert ticked == {want}
