"""Returned PDFs that used to read silently wrong (issue 13, item 8).

- a blank form (fillable PDF, DOCX) is an error that names the annex (空白表格), not ``{}`` and exit 0;
- text put over the form with an "add text" / typewriter tool (FreeText annotations, written
  here the way Acrobat and MuPDF write them) fills the empty field it lies in, is reported
  when it differs from the field's value, and is reported as not read when it is in no field;
  typed over a printed (flattened) form it is drawn into the page and read where it stands;
- widgets not reachable from /AcroForm are read from each page's /Annots: ``pdfunite`` of the
  annexes (which keeps one file's /AcroForm) and a form whose /AcroForm was deleted;
- a PDF holding several annexes (pdfunite of annexes 1–6) reads as each annex.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.parse import parse_files, parse_paths
from toolkit.problems import ERROR, WARNING

from conftest import SAMPLES, need

FILLED = (1, 2, 3, 4, 5, 6)          # the sample has no annex 7


@pytest.fixture(scope="module")
def filled(tmp_path_factory, good_data):
    from toolkit.pdfform import write_filled
    d = tmp_path_factory.mktemp("filled")
    for n in FILLED:
        write_filled(n, good_data, d / f"annex{n}.pdf", base_dir=SAMPLES)
    return d


@pytest.fixture(scope="module")
def blank1(tmp_path_factory):
    from toolkit.pdfform import write_blank
    p = tmp_path_factory.mktemp("blank") / "annex1.pdf"
    write_blank(1, p)
    return p


def without_sources(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "sources"}


def field_rect(pdf_path: Path, name: str) -> tuple[int, list[float]]:
    """(0-based page, [x1, y1, x2, y2]) of the widget of field ``name``."""
    with pikepdf.open(pdf_path) as pdf:
        for i, page in enumerate(pdf.pages):
            for a in page.obj.get("/Annots", []):
                if str(a.get("/T", "")) == name:
                    return i, [float(v) for v in a.Rect]
    raise KeyError(name)


def add_free_text(src: Path, out: Path, page: int, rect, contents: str | None = None,
                  rich: str | None = None) -> Path:
    """A FreeText annotation as Acrobat's "Add Text" / typewriter writes it: /Contents and/or
    the rich text /RC (XHTML), /DA, /DS, an appearance stream."""
    with pikepdf.open(src) as pdf:
        p = pdf.pages[page]
        x1, y1, x2, y2 = rect
        ap = pikepdf.Stream(pdf, b"/Tx BMC q BT 0 g /Helv 10 Tf 2 4 Td (x) Tj ET Q EMC")
        ap.BBox = [0, 0, x2 - x1, y2 - y1]
        ap.Subtype = pikepdf.Name.Form
        annot = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FreeText, Rect=[x1, y1, x2, y2],
            DA=pikepdf.String("0 0 0 rg /Helv 10 Tf"), DS=pikepdf.String("font: Helvetica 10pt"),
            IT=pikepdf.Name("/FreeTextTypewriter"), F=4, P=p.obj, AP=pikepdf.Dictionary(N=ap))
        if contents is not None:
            annot.Contents = pikepdf.String(contents)
        if rich is not None:
            annot.RC = pikepdf.String(rich)
        if "/Annots" not in p.obj:
            p.obj.Annots = pikepdf.Array()
        p.obj.Annots.append(pdf.make_indirect(annot))
        pdf.save(out)
    return out


def rich_text(text: str) -> str:
    return ('<?xml version="1.0"?><body xmlns="http://www.w3.org/1999/xhtml" '
            'xmlns:xfa="http://www.xfa.org/schema/xfa-data/1.0/" xfa:APIVersion="Acrobat:23.0.0" '
            f'xfa:spec="2.0.2"><p dir="ltr"><span style="font-size:10.0pt">{text}</span></p></body>')


# ------------------------------------------------------------------ blank forms

def test_a_blank_fillable_pdf_is_an_error_naming_the_annex(blank1, tmp_path):
    out = tmp_path / "out.json"
    res = CliRunner().invoke(main, ["parse", str(blank1), "--out", str(out)])
    assert res.exit_code == 1, res.output
    assert "空白表格" in res.output and "附件1" in res.output
    said = [p for p in parse_paths([blank1]).problems if "空白表格" in p.message]
    assert len(said) == 1 and said[0].severity == ERROR and said[0].annex == "annex1"
    assert said[0].file == str(blank1) and "重新提交" in said[0].fix


def test_a_blank_docx_is_an_error_too(tmp_path):
    from toolkit.docxform import write_blank
    p = tmp_path / "a3.docx"
    write_blank(3, p)
    said = [x for x in parse_paths([p]).problems if "空白表格" in x.message]
    assert len(said) == 1 and said[0].severity == ERROR and said[0].annex == "annex3"


def test_the_web_page_says_a_blank_form_once(tmp_path):
    from toolkit.docxform import write_blank
    from toolkit.web.work import parse_files as web_parse
    p = tmp_path / "00001.docx"
    write_blank(3, p)
    validated, _ = web_parse([(p, "单位/附件3.docx")])
    said = [x for x in validated.problems if "空白" in x.message]
    assert len(said) == 1 and said[0].severity == ERROR and said[0].file == "单位/附件3.docx"


def test_a_blank_printed_pdf_is_an_error_said_once(tmp_path):
    """A blank flattened print gets the one 空白表格 error (the reader itself guesses nothing)."""
    from toolkit.pdfform import write_filled
    p = tmp_path / "annex3-printed-blank.pdf"
    write_filled(3, {}, p, flatten=True)
    said = [x for x in parse_paths([p]).problems if "空白" in x.message]
    assert len(said) == 1 and said[0].severity == ERROR and said[0].annex == "annex3"


def test_a_filled_form_is_not_called_blank(filled):
    assert not any("空白" in p.message for p in parse_paths([filled / "annex4.pdf"]).problems)


# ------------------------------------------------------------------ FreeText over the form

def test_acrobat_free_text_in_an_empty_field_fills_it(blank1, tmp_path):
    page, (x1, y1, x2, y2) = field_rect(blank1, "a1__unit_name")
    p = add_free_text(blank1, tmp_path / "typed.pdf", page, [x1 + 2, y1 + 2, x2 - 40, y2 - 2],
                      contents="青海堃元服务中心", rich=rich_text("青海堃元服务中心"))
    res = parse_paths([p])
    assert res.data["annex1"]["unit_name"] == "青海堃元服务中心"
    assert "FreeText" in res.sources["annex1.unit_name"]
    hint = next(x for x in res.problems if "添加文字" in x.message)
    assert hint.severity == WARNING and hint.field == "unit_name" and hint.source.startswith(f"第{page + 1}页")
    assert not any("空白表格" in x.message for x in res.problems)


def test_rich_text_alone_is_read(blank1, tmp_path):
    page, (x1, y1, x2, y2) = field_rect(blank1, "a1__city")
    p = add_free_text(blank1, tmp_path / "rich.pdf", page, [x1, y1, x2, y2], rich=rich_text("西宁市"))
    assert parse_paths([p]).data["annex1"]["city"] == "西宁市"


def test_free_text_over_a_filled_field_that_differs_is_reported(filled, tmp_path):
    page, (x1, y1, x2, y2) = field_rect(filled / "annex1.pdf", "a1__unit_name")
    p = add_free_text(filled / "annex1.pdf", tmp_path / "over.pdf", page, [x1, y1, x2, y2],
                      contents="另一个单位")
    res = parse_paths([p])
    assert res.data["annex1"]["unit_name"] == "青海堃元中小企业服务有限公司"
    said = [x for x in res.problems if "另一个单位" in x.message]
    assert len(said) == 1 and "不同" in said[0].message and said[0].field == "unit_name"


def test_free_text_outside_every_field_is_reported_with_its_page(filled, tmp_path):
    p = add_free_text(filled / "annex3.pdf", tmp_path / "margin.pdf", 0, [20, 20, 120, 34],
                      contents="此页无误")
    res = parse_paths([p])
    said = [x for x in res.problems if "此页无误" in x.message]
    assert len(said) == 1 and "未读取" in said[0].message and said[0].source.startswith("第1页")


def test_free_text_on_a_printed_pdf_is_reported_not_lost(good_data, tmp_path):
    from toolkit.pdfform import write_filled
    printed = tmp_path / "annex4-printed.pdf"
    write_filled(4, good_data, printed, flatten=True)
    p = add_free_text(printed, tmp_path / "annex4-printed-typed.pdf", 0, [20, 20, 120, 34], contents="已核对")
    res = parse_paths([p])
    assert res.data["annex4"]["applicant"] == good_data["annex4"]["applicant"]       # the drawn text is read
    said = [x for x in res.problems if "已核对" in x.message]
    assert len(said) == 1 and "未读取" in said[0].message and said[0].annex == "annex4"


MUPDF_ADD_TEXT = """var doc = new PDFDocument(scriptArgs[0]);
var items = JSON.parse(scriptArgs[2]);
for (var i = 0; i < items.length; i++) {
  var page = doc.loadPage(items[i][0]);
  var h = (page.getBounds ? page.getBounds() : page.bound())[3];  // before MuPDF 1.22: bound()
  var r = items[i][1];                                            // PDF space; MuPDF's runs from the top
  var a = page.createAnnotation("FreeText");
  a.setRect([r[0], h - r[3], r[2], h - r[1]]);
  a.setContents(items[i][2]);
  a.update();
}
doc.save(scriptArgs[1], "garbage");
"""


def mupdf_add_text(src: Path, out: Path, items: list[tuple[int, list[float], str]]) -> Path:
    """FreeText annotations as MuPDF writes them (``mutool run``): (page, PDF rectangle, text)."""
    import json
    need("mutool")
    script = out.with_suffix(".js")
    script.write_text(MUPDF_ADD_TEXT, encoding="utf-8")
    subprocess.run(["mutool", "run", str(script), str(src), str(out), json.dumps(items, ensure_ascii=False)],
                   check=True, capture_output=True)
    with pikepdf.open(out) as pdf:
        assert sum(a.get("/Subtype") == "/FreeText" for p in pdf.pages for a in p.obj.get("/Annots", [])) \
            == len(items)
    return out


def test_free_text_made_by_mupdf_fills_the_field(blank1, tmp_path):
    page, (x1, y1, x2, y2) = field_rect(blank1, "a1__platform_name")
    out = mupdf_add_text(blank1, tmp_path / "mupdf.pdf",
                         [(page, [x1 + 1, y1 + 1, x2 - 1, y2 - 1], "青海中小企业公共服务平台")])
    assert parse_paths([out]).data["annex1"]["platform_name"] == "青海中小企业公共服务平台"


def test_text_typed_over_a_printed_blank_form_is_read_where_it_stands(tmp_path):
    """A printed (flattened) blank form filled with MuPDF's add-text tool: the added texts are
    drawn into the pages in memory and read like printed values, each said as a hint."""
    from toolkit.pdfform import write_blank, write_filled
    fillable = tmp_path / "annex4.pdf"
    write_blank(4, fillable)
    printed = tmp_path / "annex4-printed-blank.pdf"
    write_filled(4, {}, printed, flatten=True)
    items = []
    for name, text in (("a4__applicant", "青海测试单位"), ("a4__equipment__1__item", "服务器"),
                       ("a4__equipment__1__quantity", "6")):
        page, (x1, y1, x2, y2) = field_rect(fillable, name)
        items.append((page, [x1 + 2, y1 + 2, x2 - 2, y2 - 2], text))
    items.append((0, [20, 20, 120, 34], "此处无栏目"))
    typed = mupdf_add_text(printed, tmp_path / "annex4-printed-typed.pdf", items)
    res = parse_paths([typed])
    assert res.data["annex4"]["applicant"] == "青海测试单位"
    assert res.data["annex4"]["equipment"][0] == {"item": "服务器", "quantity": 6}
    assert all(p.file == str(typed) for p in res.problems)
    read = [p for p in res.problems if "已按它在页面上的位置读取" in p.message]
    assert read and all(p.severity == WARNING for p in read)
    assert any("此处无栏目" in p.message and "未读取" in p.message for p in res.problems)
    assert not any("空白表格" in p.message for p in res.problems)


# ------------------------------------------------------------------ widgets outside /AcroForm

def test_pdfunite_of_the_annexes_reads_like_the_separate_files(filled, tmp_path):
    need("pdfunite")
    united = tmp_path / "united.pdf"
    subprocess.run(["pdfunite", *[str(filled / f"annex{n}.pdf") for n in FILLED], str(united)], check=True)
    with pikepdf.open(united) as pdf:
        assert len(pdf.Root.AcroForm.Fields) < 10          # pdfunite keeps one file's few fields
    separate = parse_paths([filled / f"annex{n}.pdf" for n in FILLED])
    res = parse_paths([united])
    assert without_sources(res.data) == without_sources(separate.data)
    assert not [p for p in res.problems if p.severity == ERROR], res.problems
    assert not any("多个附件" in p.message for p in res.problems)
    parts = parse_files(united)
    assert [pf.annex for pf in parts] == [f"annex{n}" for n in FILLED]
    assert parts[0].file.startswith(str(united) + "（第1") and parts[-1].file.endswith("页）")
    out = tmp_path / "united.json"
    cli = CliRunner().invoke(main, ["parse", str(united), "--out", str(out)])
    assert cli.exit_code == 0 and "读出 6 份附件" in cli.output


def test_a_form_whose_acroform_was_deleted_is_still_read(filled, tmp_path):
    p = tmp_path / "no-acroform.pdf"
    with pikepdf.open(filled / "annex3.pdf") as pdf:
        del pdf.Root["/AcroForm"]
        with pytest.warns(pikepdf.PageCopyWarning, match="not reachable from /AcroForm"):
            pdf.save(p)
    separate = parse_paths([filled / "annex3.pdf"])
    res = parse_paths([p])
    assert without_sources(res.data) == without_sources(separate.data)
    assert not any("空白" in x.message for x in res.problems)


def test_widgets_reached_both_ways_are_read_once(filled):
    from toolkit.parse.pdf_form import read_forms
    with pikepdf.open(filled / "annex1.pdf") as pdf:
        n = len(pdf.Root.AcroForm.Fields)
        (pf,) = read_forms(pdf, "a1.pdf")
    assert len(pf.values) == n


def test_a_printed_annex_united_with_filled_ones_is_read_too(filled, good_data, tmp_path):
    """pdfunite of a filled annex 1, a printed (flattened) annex 3 and a filled annex 5: the
    printed pages have no fields, and are read from their drawn text instead of dropped."""
    need("pdfunite")
    from toolkit.pdfform import write_filled
    printed = tmp_path / "annex3-printed.pdf"
    write_filled(3, good_data, printed, flatten=True)
    united = tmp_path / "mixed.pdf"
    subprocess.run(["pdfunite", str(filled / "annex1.pdf"), str(printed), str(filled / "annex5.pdf"),
                    str(united)], check=True)
    separate = parse_paths([filled / "annex1.pdf", printed, filled / "annex5.pdf"])
    res = parse_paths([united])
    assert without_sources(res.data) == without_sources(separate.data)
    assert sorted(pf.annex for pf in res.files) == ["annex1", "annex3", "annex5"]
    assert not [p for p in res.problems if p.severity == ERROR], res.problems


def test_a_page_that_is_no_form_in_a_filled_pdf_is_said(filled, tmp_path):
    """A page added to a filled form (a letter, a blank page) was skipped in silence."""
    p = tmp_path / "annex4-and-a-page.pdf"
    with pikepdf.open(filled / "annex4.pdf") as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        last = len(pdf.pages)
        pdf.save(p)
    res = parse_paths([p])
    assert res.data["annex4"]["applicant"] == "青海堃元中小企业服务有限公司"
    said = [x for x in res.problems if f"第{last}页" in x.message]
    assert len(said) == 1 and said[0].severity == WARNING and "未读取" in said[0].message
