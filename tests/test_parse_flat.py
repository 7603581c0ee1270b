"""Flattened and printed returns of our PDF forms: parse(flatten(fill(sample))) == sample.

Every annex 1-7 is filled from samples/xining-complete.yaml, flattened (no fields
left), and read back from the drawn text alone, as printed:

* ``plain``    the flattened PDF as written;
* ``fit93``    "fit to page": every page drawn as a form XObject at 93 %, re-centred;
* ``margin``   the content shifted 14 pt right and 22 pt down (a different margin);
* ``rotate``   the page turned with /Rotate 90;
* ``turned``   the content itself rotated 90° on a landscape sheet (no /Rotate);
* ``fit93-turned270``  rotated the other way and printed at 93 %, centred.

Annex 2's photos are not compared: a print cannot give back the image files' paths.
"""
from __future__ import annotations

import copy
import io
import re

import pikepdf
import pytest
from conftest import SAMPLES

from toolkit.model.annexes import ANNEX7
from toolkit.parse import parse_file, parse_paths

VARIANTS = ("plain", "fit93", "margin", "rotate", "turned", "fit93-turned270")


def _annex7(data: dict) -> dict:
    """Annex 7 (review) carries annex 1's fields; the sample has none of its own."""
    a1 = data["annex1"]
    a7 = {n.id: copy.deepcopy(a1[n.id]) for n in ANNEX7.nodes() if n.id in a1}
    a7["review_opinion"] = a1.get("bureau_opinion")
    return {**data, "annex7": a7}


@pytest.fixture(scope="module")
def sample(good_data):
    return _annex7(good_data)


def _wrap(src: bytes, matrix, size=None, rotate: int | None = None) -> bytes:
    """Every page drawn as a form XObject through ``matrix(w, h)`` on a page of ``size(w, h)``."""
    pdf = pikepdf.open(io.BytesIO(src))
    for page in pdf.pages:
        w, h = float(page.mediabox[2]), float(page.mediabox[3])
        if matrix is not None:
            page.contents_coalesce()
            fx = pdf.make_stream(page.obj.Contents.read_bytes(), Type=pikepdf.Name.XObject,
                                 Subtype=pikepdf.Name.Form, BBox=[0, 0, w, h], Resources=page.obj.Resources)
            a, b, c, d, e, f = matrix(w, h)
            page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fx0=fx))
            page.obj.Contents = pdf.make_stream(f"q {a} {b} {c} {d} {e:.3f} {f:.3f} cm /Fx0 Do Q".encode())
            if size is not None:
                page.obj.MediaBox = [0, 0, *size(w, h)]
                if "/CropBox" in page.obj:
                    del page.obj["/CropBox"]
        if rotate is not None:
            page.obj.Rotate = rotate
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def variant(flat: bytes, name: str) -> bytes:
    if name == "plain":
        return flat
    if name == "fit93":
        s = 0.93
        return _wrap(flat, lambda w, h: (s, 0, 0, s, w * (1 - s) / 2, h * (1 - s) / 2))
    if name == "margin":
        return _wrap(flat, lambda w, h: (1, 0, 0, 1, 14, -22))
    if name == "rotate":
        return _wrap(flat, None, rotate=90)
    if name == "turned":
        return _wrap(flat, lambda w, h: (0, 1, -1, 0, h, 0), size=lambda w, h: (h, w))
    if name == "fit93-turned270":
        s = 0.93
        return _wrap(flat, lambda w, h: (0, -s, s, 0, h * (1 - s) / 2, s * w + w * (1 - s) / 2),
                     size=lambda w, h: (h, w))
    raise KeyError(name)


@pytest.fixture(scope="module")
def flat_pdfs(sample, tmp_path_factory):
    """annex number -> variant -> path; rendered once for the module."""
    from toolkit.pdfform import render_filled
    d = tmp_path_factory.mktemp("flat")
    out: dict[int, dict[str, object]] = {}
    for n in range(1, 8):
        flat = render_filled(n, sample, base_dir=SAMPLES, flatten=True)
        out[n] = {}
        for v in VARIANTS:
            p = d / f"annex{n}-{v}.pdf"
            p.write_bytes(variant(flat, v))
            out[n][v] = p
    return out


def expected(sample: dict, n: int) -> dict:
    exp = dict(sample[f"annex{n}"])
    exp.pop("photos", None)
    return exp


def got(path, n: int) -> dict:
    res = parse_paths([path])
    data = dict(res.data.get(f"annex{n}", {}))
    data.pop("photos", None)
    return data


@pytest.mark.parametrize("variant_name", VARIANTS)
@pytest.mark.parametrize("n", range(1, 8))
def test_round_trip(flat_pdfs, sample, n, variant_name):
    path = flat_pdfs[n][variant_name]
    pf = parse_file(path)
    assert pf.kind == "pdf-flat" and pf.annex == f"annex{n}"
    assert got(path, n) == expected(sample, n)


@pytest.mark.parametrize("n", [1, 3, 6])
def test_our_print_takes_the_fast_path(flat_pdfs, n):
    """Every variant of our own print is recognised as our layout (labelled words in order,
    number and title where the blank prints them) and read by the fast path."""
    from toolkit.parse.drawn.pdf_source import open_pages
    from toolkit.parse.pdf_flat import read_pages
    from toolkit.parse.values import ParsedFile
    from toolkit.model.annexes import ANNEXES
    for v in VARIANTS:
        with pikepdf.open(flat_pdfs[n][v]) as pdf:
            pages = open_pages(pdf, str(flat_pdfs[n][v]))
        assert read_pages(ANNEXES[n - 1], pages, ParsedFile(file="x")) == "ours", v


def test_values_say_where_they_were_read(flat_pdfs):
    pf = parse_file(flat_pdfs[3]["plain"])
    sources = {str(v.name): v.source for v in pf.values}
    assert sources["a3__staff__5__education"] == "第1页 附件3表格第5行 教育情况/学历"
    assert sources["a3__applicant"].startswith("第1页 附件3 申报单位")


def test_photos_are_reported_not_guessed(flat_pdfs):
    pf = parse_file(flat_pdfs[2]["plain"])
    assert not any(v.name.table == "photos" for v in pf.values)
    assert any("照片" in p.message for p in pf.problems)


def test_annex_from_the_title_not_the_file_name(flat_pdfs, tmp_path):
    p = tmp_path / "annex1.pdf"
    p.write_bytes(flat_pdfs[4]["plain"].read_bytes())
    assert parse_file(p).annex == "annex4"


def test_document_info_naming_another_annex_is_reported(flat_pdfs, tmp_path):
    """The page title decides the annex; document info that says otherwise is pointed out."""
    from toolkit.model.naming import PROP_ANNEX
    path = tmp_path / "relabelled.pdf"
    with pikepdf.open(flat_pdfs[1]["plain"]) as pdf:
        pdf.docinfo["/" + PROP_ANNEX] = "annex3"
        pdf.save(path)
    pf = parse_file(path)
    assert pf.annex == "annex1"
    assert any("annex3" in p.message and "附件1" in p.message for p in pf.problems)


def test_a_pdf_that_is_not_our_form(tmp_path):
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 700 Td (Quarterly report of some company) Tj ET")
    path = tmp_path / "report.pdf"
    pdf.save(path)
    pf = parse_file(path)
    assert pf.annex is None and not pf.values
    assert any("不是本工具生成的表格" in p.message for p in pf.problems)


@pytest.mark.parametrize("wrapped", [False, True], ids=["image", "image-in-form-xobject"])
def test_an_image_only_scan_needs_manual_entry(tmp_path, wrapped):
    """A page that only draws an image (also when a printer wrapped it in a form XObject)."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    img = pdf.make_stream(b"\x80" * (20 * 20), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                          Width=20, Height=20, ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8)
    draw = b"q 500 0 0 700 40 60 cm /Im0 Do Q"
    if wrapped:
        form = pdf.make_stream(draw, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=[0, 0, 595, 842],
                               Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=img)))
        page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fx0=form))
        page.obj.Contents = pdf.make_stream(b"/Fx0 Do")
    else:
        page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=img))
        page.obj.Contents = pdf.make_stream(draw)
    path = tmp_path / "scan.pdf"
    pdf.save(path)
    pf = parse_file(path)
    assert not pf.values
    assert any("扫描件" in p.message and "人工录入" in p.message for p in pf.problems)


def test_fonts_without_tounicode_need_manual_entry(flat_pdfs, tmp_path):
    """Drop every /ToUnicode and the embedded font programs (whose cmap would still say which
    character a glyph is): the text comes out as (cid:N), which must not be guessed at."""
    pdf = pikepdf.open(flat_pdfs[3]["plain"])
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and "/ToUnicode" in obj:
            del obj["/ToUnicode"]
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if key in obj:
                    del obj[key]
    path = tmp_path / "no-tounicode.pdf"
    pdf.save(path)
    pf = parse_file(path)
    assert not pf.values
    assert any("ToUnicode" in p.message and "人工录入" in p.message for p in pf.problems)


def test_many_rows_continue_over_pages(sample, tmp_path):
    """60 enterprises: the table runs over three pages with its header repeated."""
    from toolkit.pdfform import write_filled
    data = copy.deepcopy(sample)
    rows = data["annex5"]["enterprises"]
    data["annex5"]["enterprises"] = (rows * 2)[:60]
    for i, r in enumerate(data["annex5"]["enterprises"], 1):
        r["name"] = f"示例企业第{i}号有限公司"
    path = tmp_path / "annex5-60.pdf"
    write_filled(5, data, path, base_dir=SAMPLES, flatten=True)
    assert got(path, 5) == expected(data, 5)


def test_a_missing_page_keeps_what_was_read(flat_pdfs, sample, tmp_path):
    """Annex 1 without its last page: the first pages' values are kept, the rest reported."""
    pdf = pikepdf.open(flat_pdfs[1]["plain"])
    del pdf.pages[-1]
    path = tmp_path / "annex1-short.pdf"
    pdf.save(path)
    pf = parse_file(path)
    read = {v.name.field: v.raw for v in pf.values if v.name.table is None}
    assert read["postcode"] == "810008" and read["legal_rep"] == sample["annex1"]["legal_rep"]
    assert "opinion_date" not in read and "honors" not in read
    assert any("找不到" in p.message and "人工核对" in p.message for p in pf.problems)


@pytest.mark.clients
@pytest.mark.parametrize("n", [1, 5, 6])
def test_reprinted_through_cairo(flat_pdfs, sample, tmp_path, n):
    """poppler's pdftocairo re-draws the pages and re-embeds the fonts (Latin text as simple
    TrueType fonts): read with pdfplumber, the values still come back."""
    import subprocess

    from conftest import need
    need("pdftocairo")
    out = tmp_path / f"annex{n}-cairo.pdf"
    subprocess.run(["pdftocairo", "-pdf", str(flat_pdfs[n]["plain"]), str(out)], check=True)
    assert got(out, n) == expected(sample, n)


@pytest.mark.clients
def test_columns_cut_off_at_the_page_edge_are_reported(flat_pdfs, sample, tmp_path):
    """A sheet too narrow for annex 3's table: the sheet is cut just inside the phone
    column and pdftocairo re-prints it, so that column is lost.  The other columns are
    read (checked against the printed header) and the lost column is named."""
    import subprocess

    import pdfplumber
    from conftest import need
    need("pdftocairo")
    src = flat_pdfs[3]["plain"]
    with pdfplumber.open(src) as doc:
        page = doc.pages[0]
        xs = sorted({round(e["x0"], 1) for e in page.edges if e["orientation"] == "v" and e["height"] > 10})
        height = float(page.height)
    narrow = tmp_path / "annex3-narrow.pdf"
    with pikepdf.open(src) as pdf:
        pdf.pages[0].obj.MediaBox = [0, 0, xs[-2] + 3, height]
        pdf.save(narrow)
    out = tmp_path / "annex3-cut.pdf"
    subprocess.run(["pdftocairo", "-pdf", str(narrow), str(out)], check=True)
    res = parse_paths([out])
    want = [{k: v for k, v in row.items() if k != "phone"} for row in sample["annex3"]["staff"]]
    assert res.data["annex3"]["staff"] == want
    assert any("联系电话" in p.message and "没有印出" in p.message for p in res.problems)


def test_long_texts_wrap_and_paragraphs_come_back(sample, tmp_path):
    """Wrapped lines are joined (with the space dropped between Latin words), the
    applicant's own line breaks and empty lines stay; a box grown past a page is read."""
    from toolkit.pdfform import write_filled
    data = copy.deepcopy(sample)
    a2 = data["annex2"]
    a2["s1_basics"] = ("第一段：平台概况。\n\nThe platform serves small and medium enterprises in Xining with "
                       "information, testing, training and financing services since 2018; contact "
                       "service@example.cn for details.\n第三段" + "服务内容包括政策解读、检测认证、人才培训和融资对接，" * 12)
    a2["s3_management"] = "管理制度健全。" * 150
    a2["s8_plan"] = "1. 计划一\n2. 计划二\n\n\n3. 计划三"
    path = tmp_path / "annex2-long.pdf"
    write_filled(2, data, path, base_dir=SAMPLES, flatten=True)
    assert got(path, 2) == expected(data, 2)


@pytest.mark.parametrize("variant_name", ["plain", "fit93-turned270"])
def test_values_that_wrap_in_their_cell_come_back_whole(sample, tmp_path, variant_name):
    """附件1's grid: a value longer than its cell is drawn on two lines, the first above its
    label's line; every line is read from the ruled cell, not only the label's line."""
    from toolkit.pdfform import render_filled
    data = copy.deepcopy(sample)
    a1 = data["annex1"]
    a1["reg_address"] = "青海省西宁市城西区五四西路示例大厦8层801室及青海省海东市乐都区碾伯镇示例工业园区三号楼二层"
    a1["email"] = "very.long.service.mailbox.for.platform@example-platform-service.com.cn"
    a1["website"] = "https://www.example-platform-service.com.cn/qinghai/xining"
    a1["unit_nature"] = "有限责任公司（自然人投资或控股的法人独资）"
    path = tmp_path / "annex1-long.pdf"
    path.write_bytes(variant(render_filled(1, data, base_dir=SAMPLES, flatten=True), variant_name))
    assert got(path, 1) == expected(data, 1)


def test_a_scan_with_an_ocr_layer_is_not_guessed_at(flat_pdfs, tmp_path):
    """The same words as our form, but drawn invisibly (render mode 3) over a scan, as
    OCR software writes them: recognised text is not trusted."""
    pdf = pikepdf.open(flat_pdfs[3]["plain"])
    for obj in list(pdf.objects):
        if isinstance(obj, pikepdf.Stream) and b"BT" in obj.read_bytes():
            obj.write(obj.read_bytes().replace(b"BT", b"BT 3 Tr"))
    for page in pdf.pages:
        page.contents_coalesce()
        page.obj.Contents.write(page.obj.Contents.read_bytes().replace(b"BT", b"BT 3 Tr"))
    path = tmp_path / "scan-with-ocr.pdf"
    pdf.save(path)
    pf = parse_file(path)
    assert not pf.values
    assert any("OCR" in p.message and "人工录入" in p.message for p in pf.problems)


def test_two_annexes_in_one_pdf_are_reported(flat_pdfs, sample, tmp_path):
    pdf = pikepdf.open(flat_pdfs[4]["plain"])
    other = pikepdf.open(flat_pdfs[3]["plain"])
    pdf.pages.extend(other.pages)
    path = tmp_path / "annex4-and-3.pdf"
    pdf.save(path)
    pf = parse_file(path)
    assert pf.annex == "annex4"
    assert any("多个附件" in p.message and "附件3" in p.message for p in pf.problems)
    assert got(path, 4) == expected(sample, 4)


def test_a_table_printed_without_rules_is_reported(flat_pdfs, tmp_path):
    """Strip every stroked line: annex 3's staff table can no longer be split into cells;
    it is reported, not guessed, and the fields outside the table are still read."""
    pdf = pikepdf.open(flat_pdfs[3]["plain"])
    for page in pdf.pages:
        page.contents_coalesce()
        data = page.obj.Contents.read_bytes()
        page.obj.Contents.write(re.sub(rb"\bS\b", b"n", data))
    path = tmp_path / "annex3-no-rules.pdf"
    pdf.save(path)
    pf = parse_file(path)
    assert not any(v.name.table for v in pf.values)
    assert {"applicant", "filler", "filler_phone"} <= {v.name.field for v in pf.values}
    assert any("格线" in p.message and "人工录入" in p.message for p in pf.problems)


@pytest.mark.parametrize("n", [3, 5])
def test_fast_reader_draws_what_pdfplumber_reads(flat_pdfs, n):
    """``pdf_draw`` (qpdf's parser) and pdfplumber (pdfminer) see the same glyphs at the same
    places, also through a form XObject with a rotation and a scale."""
    import pdfplumber

    from toolkit.parse.pdf_draw import page_drawing
    from toolkit.parse.pdf_flat import _plumber_page
    for v in ("plain", "fit93-turned270"):
        path = flat_pdfs[n][v]
        with pikepdf.open(path) as pdf, pdfplumber.open(path) as plumber:
            for page, ppage in zip(pdf.pages, plumber.pages):
                fast = page_drawing(page)[0]
                slow = _plumber_page(ppage)[0]
                assert [c[0] for c in fast] == [c[0] for c in slow]
                for a, b in zip(fast, slow):
                    assert a[1:5] == pytest.approx(b[1:5], abs=0.05)
