"""Fillable PDF annexes: every seed label extracts, the four engines (poppler, MuPDF, PDFium,
pdf.js) draw the same glyphs, pdf.js reads the labels and values, fields are named, labelled
and drawn, sizes stay small, the committed blanks are current."""
from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from conftest import ROOT, need
from pdf_helpers import (application, char_boxes, glyph_agreement, glyph_ink, pdfjs_fields, pdfjs_text, render_mupdf,
                         render_pdfium, render_pdfjs, render_poppler, save_diff)
from toolkit.model.annexes import annex
from toolkit.model.naming import PROP_ANNEX, PROP_VERSION, TEMPLATE_VERSION, parse_name
from toolkit.regulation import annex_cells, squash

NUMBERS = range(1, 8)
DPI = 60
MB = 1024 * 1024
RADICALS = re.compile("[\u2e80-\u2fdf]")


@pytest.fixture(scope="module")
def made(tmp_path_factory, good_data):
    from toolkit.pdfform import write_blank, write_filled
    d = tmp_path_factory.mktemp("pdfforms")
    data = application(good_data)
    for n in NUMBERS:
        write_blank(n, d / f"blank{n}.pdf")
        write_filled(n, data, d / f"filled{n}.pdf", base_dir=ROOT / "samples")
        write_filled(n, data, d / f"flat{n}.pdf", base_dir=ROOT / "samples", flatten=True)
    return d


def pdftotext(path: Path, layout: bool = True) -> str:
    args = ["pdftotext"] + (["-layout"] if layout else []) + ["-enc", "UTF-8", str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True).stdout.decode("utf-8")


def label_pattern(cell: str) -> re.Pattern:
    """A seed cell as a pattern over squashed text: where the form leaves a blank (a run of
    spaces, ____ or □) a filled form may have a value."""
    pieces = [squash(p) for p in re.split(r"\s{2,}|_+|□", cell)]
    return re.compile(".{0,40}?".join(re.escape(p) for p in pieces if p))


def missing_labels(n: int, kind: str, texts: list[str]) -> list[str]:
    """The seed cells of annex ``n`` that none of ``texts`` has (a filled form may have values
    in its blanks)."""
    flats = [squash(t) for t in texts]
    if kind == "blank":
        return [c for c in annex_cells(n) if not any(squash(c) in f for f in flats)]
    return [c for c in annex_cells(n) if not any(label_pattern(c).search(f) for f in flats)]


@pytest.mark.parametrize("kind", ["blank", "filled", "flat"])
@pytest.mark.parametrize("n", NUMBERS)
def test_every_seed_label_extracts(made, n, kind):
    need("pdftotext")
    # a label counts when either reading order (physical lines, or poppler's blocks) has it
    texts = [pdftotext(made / f"{kind}{n}.pdf", layout) for layout in (True, False)]
    for text in texts:
        assert not RADICALS.findall(text), "Kangxi radicals in extracted text"
    missing = missing_labels(n, kind, texts)
    assert not missing, f"附件{n} {kind}: labels not extracted: {missing}"


def test_flattened_values_extract_with_rare_characters(made, good_data):
    need("pdftotext")
    text = squash(pdftotext(made / "flat1.pdf"))
    for value in (good_data["annex1"]["unit_name"], good_data["annex1"]["contact"],
                  good_data["annex1"]["legal_rep"], "2026年3月15日".replace("年", "")[:4]):
        assert squash(value) in text, value
    assert "堃" in text and "喆" in text and "\U00020000" in text


@functools.cache
def text_boxes(pdf: Path) -> list:
    """char_boxes of a made form, read once for all the engine comparisons."""
    return char_boxes(pdf)


@pytest.mark.parametrize("kind", ["blank", "filled", "flat"])
@pytest.mark.parametrize("n", NUMBERS)
def test_engines_draw_the_same_glyphs(made, tmp_path, n, kind):
    """poppler, MuPDF and PDFium (forms on) draw the same thing in every character box.
    Boxes come from the flattened twin, so filled values (appearance streams) count too."""
    need("pdftoppm", "mutool")
    pdf = made / f"{kind}{n}.pdf"
    boxes = text_boxes(made / (f"flat{n}.pdf" if kind in ("filled", "flat") else f"blank{n}.pdf"))
    engines = {"poppler": render_poppler(pdf, tmp_path, DPI), "mupdf": render_mupdf(pdf, tmp_path, DPI),
               "pdfium": render_pdfium(pdf, DPI)}
    same_glyphs(engines, boxes, (("poppler", "mupdf"), ("poppler", "pdfium"), ("mupdf", "pdfium")),
                f"附件{n} {kind}", f"annex{n}-{kind}")


def same_glyphs(engines: dict, boxes: list, pairs, what: str, stem: str, dpi: int = DPI) -> None:
    """Every engine inks the characters, and each pair inks each character box alike;
    a failing pair leaves a diff image in tests/failed/."""
    assert {len(v) for v in engines.values()} == {len(boxes)}
    for page, bx in enumerate(boxes):
        inks = {k: glyph_ink(v[page], bx, dpi) for k, v in engines.items()}
        for k, v in inks.items():
            assert (v > 0).mean() > 0.97, f"{what} p{page + 1}: characters drawn blank by {k}"
        for a, b in pairs:
            corr, bad = glyph_agreement(inks[a], inks[b])
            if corr < 0.93 or bad > 0.03:
                diff = ROOT / "tests" / "failed" / f"{stem}-p{page + 1}-{a}-{b}.png"
                diff.parent.mkdir(exist_ok=True)
                save_diff(engines[a][page], engines[b][page], diff)
                pytest.fail(f"{what} p{page + 1}: {a}/{b} differ (corr {corr:.3f}, "
                            f"{bad:.1%} glyphs differ); diff image {diff}")


# At 60 dpi a glyph is 8-9 pixels whose ink hangs on where each engine puts it between pixels:
# poppler and pdf.js correlated down to 0.915 on sparse pages though no glyph differed by half
# (poppler/PDFium 0.935 at worst).  At one pixel per point every pair stays above 0.95.
PDFJS_DPI = 72


@pytest.mark.parametrize("kind", ["blank", "filled", "flat"])
@pytest.mark.parametrize("n", NUMBERS)
def test_pdfjs_draws_the_same_glyphs(made, tmp_path, pdfjs, n, kind):
    """pdf.js (Firefox's engine; field appearances drawn on the canvas as when printing) draws
    what poppler and PDFium draw in every character box, and logs no font or other trouble."""
    need("pdftoppm")
    pdf = made / f"{kind}{n}.pdf"
    boxes = text_boxes(made / (f"flat{n}.pdf" if kind in ("filled", "flat") else f"blank{n}.pdf"))
    pdfjs.console.clear()
    engines = {"poppler": render_poppler(pdf, tmp_path, PDFJS_DPI), "pdfium": render_pdfium(pdf, PDFJS_DPI),
               "pdfjs": render_pdfjs(pdf, PDFJS_DPI)}
    assert not pdfjs.console, f"附件{n} {kind}: pdf.js logged {pdfjs.console}"
    same_glyphs(engines, boxes, (("poppler", "pdfjs"), ("pdfium", "pdfjs")), f"附件{n} {kind}",
                f"annex{n}-{kind}", PDFJS_DPI)


@pytest.mark.parametrize("kind", ["blank", "filled", "flat"])
@pytest.mark.parametrize("n", NUMBERS)
def test_pdfjs_finds_every_seed_label(made, pdfjs, n, kind):
    text = "\n".join(pdfjs_text(made / f"{kind}{n}.pdf"))
    assert not RADICALS.findall(text), "Kangxi radicals in pdf.js text"
    missing = missing_labels(n, kind, [text])
    assert not missing, f"附件{n} {kind}: labels pdf.js does not find: {missing}"


def field_values(pdf: Path) -> dict[str, str]:
    """Field name -> /V as text (a name without its slash; "" when unset), read with pikepdf."""
    with pikepdf.open(pdf) as doc:
        out = {}
        for w in _widgets(doc):
            field = w if "/T" in w else w.Parent
            v = field.get("/V", "")
            out[str(field.T)] = str(v)[1:] if isinstance(v, pikepdf.Name) else str(v)
        return out


@pytest.mark.parametrize("n", NUMBERS)
def test_pdfjs_reads_the_filled_values(made, pdfjs, n):
    """Every field pdf.js finds in a filled form has the value the form holds, and vice versa."""
    expected = field_values(made / f"filled{n}.pdf")
    assert sum(bool(v) and v != "Off" for v in expected.values()) >= 3
    assert pdfjs_fields(made / f"filled{n}.pdf") == expected
    assert not pdfjs_fields(made / f"flat{n}.pdf")


def test_pdfjs_reads_rare_characters_in_values(made, pdfjs, good_data):
    values = set(pdfjs_fields(made / "filled1.pdf").values())
    for key in ("unit_name", "contact", "legal_rep"):
        assert good_data["annex1"][key] in values, key
    assert {"堃", "喆", "\U00020000"} <= set("".join(values))


def test_values_are_seen_by_the_glyph_comparison(made, tmp_path):
    """Control: the blank form against the filled one's character boxes must disagree."""
    need("pdftoppm")
    boxes = char_boxes(made / "flat3.pdf")[0]
    blank = glyph_ink(render_poppler(made / "blank3.pdf", tmp_path, DPI)[0], boxes, DPI)
    filled = glyph_ink(render_poppler(made / "filled3.pdf", tmp_path, DPI)[0], boxes, DPI)
    corr, bad = glyph_agreement(blank, filled)
    assert bad > 0.2


def _widgets(pdf: pikepdf.Pdf):
    for page in pdf.pages:
        for a in page.obj.get("/Annots", []):
            if a.get("/Subtype") == "/Widget":
                yield a


@pytest.mark.parametrize("n", NUMBERS)
def test_fields_named_labelled_and_drawn(made, n):
    a = annex(n)
    with pikepdf.open(made / f"filled{n}.pdf") as pdf:
        assert pdf.docinfo[f"/{PROP_ANNEX}"] == a.id
        assert pdf.docinfo[f"/{PROP_VERSION}"] == TEMPLATE_VERSION
        assert bool(pdf.Root.AcroForm.NeedAppearances) is False
        names = set()
        for w in _widgets(pdf):
            name = str(w.get("/T", "") or w.Parent.T)
            assert name.isascii() and "." not in name
            fn = parse_name(name)
            assert fn is not None and fn.annex == a.id, name
            assert re.search("[\u4e00-\u9fff]", str(w.get("/TU", ""))), f"{name}: no Chinese tooltip"
            assert " gs" not in str(w.get("/DA", ""))
            r = [float(v) for v in w.Rect]
            assert r[0] < r[2] and r[1] < r[3]
            if w.get("/FT") in ("/Tx", "/Ch") and str(w.get("/V", "")):
                assert "/N" in w.AP, f"{name}: value without appearance"
            names.add(name)
        assert len(names) == len(list(_widgets(pdf)))


def test_rows_for_15_staff_and_50_enterprises(made):
    with pikepdf.open(made / "blank3.pdf") as pdf:
        rows = {parse_name(str(w.T)).row for w in _widgets(pdf) if parse_name(str(w.T)).table == "staff"}
        assert max(rows) >= 15
    with pikepdf.open(made / "blank5.pdf") as pdf:
        fields = [parse_name(str(w.T)) for w in _widgets(pdf)]
        assert max(f.row for f in fields if f.table == "enterprises") >= 50
        assert {f.option for f in fields if f.field == "satisfaction"} == {1, 2}
        assert len(pdf.pages) >= 2


def test_header_repeats_on_continued_pages(made):
    need("pdftotext")
    text = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(made / "blank5.pdf"), "-"],
                          capture_output=True, check=True).stdout.decode()
    assert "服务企业名称" in text and "不满意" in text


@pytest.mark.parametrize("n", NUMBERS)
def test_sizes(made, n):
    """The field font (all of GB2312, Qinghai's place names, name characters) is most of a form."""
    assert (made / f"blank{n}.pdf").stat().st_size <= 2.5 * MB
    assert (made / f"filled{n}.pdf").stat().st_size <= 2.5 * MB
    assert (made / f"flat{n}.pdf").stat().st_size <= 2.5 * MB


@pytest.mark.parametrize("n", NUMBERS)
def test_flattened_has_no_fields(made, n):
    with pikepdf.open(made / f"flat{n}.pdf") as pdf:
        assert "/AcroForm" not in pdf.Root
        assert not list(_widgets(pdf))


def test_landscape_annex6(made):
    with pikepdf.open(made / "blank6.pdf") as pdf:
        x0, y0, x1, y1 = [float(v) for v in pdf.pages[0].mediabox]
        assert x1 - x0 > y1 - y0
    with pikepdf.open(made / "blank3.pdf") as pdf:
        x0, y0, x1, y1 = [float(v) for v in pdf.pages[0].mediabox]
        assert round(x1 - x0) == 595 and round(y1 - y0) == 842


def _content(path: Path) -> dict:
    with pikepdf.open(path) as pdf:
        fields = sorted((str(w.T), str(w.get("/FT")), tuple(round(float(v)) for v in w.Rect))
                        for w in _widgets(pdf))
        return {"pages": len(pdf.pages), "fields": fields, "annex": str(pdf.docinfo.get(f"/{PROP_ANNEX}"))}


@pytest.mark.parametrize("n", NUMBERS)
def test_committed_blank_is_current(made, n):
    """fillable/annexN.pdf equals a fresh one on content (pages, text, fields, places)."""
    committed = ROOT / "fillable" / f"annex{n}.pdf"
    assert committed.is_file(), "run: python -c 'from toolkit.pdfform import *; ...' (tools)"
    assert _content(committed) == _content(made / f"blank{n}.pdf"), \
        f"{committed} is out of date: regenerate with python tools/build_pdf_forms.py"
    if need_text():
        assert pdftotext(committed) == pdftotext(made / f"blank{n}.pdf")


def need_text() -> bool:
    import shutil
    return shutil.which("pdftotext") is not None


def test_compact_print_version_is_small_and_drawn_alike(tmp_path, good_data):
    """flatten + compact: the field font cut to the values; every engine still draws them."""
    need("pdftoppm", "mutool")
    from toolkit.pdfform import write_filled
    pdf = tmp_path / "annex2-compact.pdf"
    write_filled(2, good_data, pdf, base_dir=ROOT / "samples", flatten=True, compact=True)
    assert pdf.stat().st_size < 0.4 * MB
    boxes = char_boxes(pdf)
    pages = [render_poppler(pdf, tmp_path, DPI), render_mupdf(pdf, tmp_path, DPI), render_pdfium(pdf, DPI)]
    for k, bx in enumerate(boxes):
        inks = [glyph_ink(p[k], bx, DPI) for p in pages]
        assert (inks[0] > 0).mean() > 0.97
        for a, b in ((0, 1), (0, 2)):
            corr, bad = glyph_agreement(inks[a], inks[b])
            assert corr > 0.93 and bad < 0.03


def test_write_blanks_on_two_processes_gives_the_same_forms(made, tmp_path):
    from toolkit.pdfform import write_blanks
    written = write_blanks(tmp_path, numbers=(2, 4), jobs=2)
    assert [p.name for p in written] == ["annex2.pdf", "annex4.pdf"]
    for n in (2, 4):
        assert _content(tmp_path / f"annex{n}.pdf") == _content(made / f"blank{n}.pdf")
