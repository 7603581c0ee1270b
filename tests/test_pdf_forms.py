"""Fillable PDF annexes: every seed label extracts, the three engines draw the same glyphs,
fields are named, labelled and drawn, sizes stay small, the committed blanks are current."""
from __future__ import annotations

import copy
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from conftest import ROOT, need
from pdf_helpers import (char_boxes, glyph_agreement, glyph_ink, render_mupdf, render_pdfium,
                         render_poppler, save_diff)
from toolkit.model.annexes import annex
from toolkit.model.naming import PROP_ANNEX, PROP_VERSION, TEMPLATE_VERSION, parse_name
from toolkit.regulation import annex_cells, squash

NUMBERS = range(1, 8)
DPI = 60
MB = 1024 * 1024
RADICALS = re.compile("[\u2e80-\u2fdf]")


def application(good: dict) -> dict:
    """The complete sample, with an annex 7 made from its annex 1 (the sample has none)."""
    data = copy.deepcopy(good)
    a7 = annex(7)
    data["annex7"] = {k: v for k, v in data["annex1"].items() if k in a7}
    data["annex7"]["review_opinion"] = "经复核，该平台有效期内运行良好，服务业绩突出，同意保留示范平台称号。"
    return data


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


@pytest.mark.parametrize("kind", ["blank", "filled", "flat"])
@pytest.mark.parametrize("n", NUMBERS)
def test_every_seed_label_extracts(made, n, kind):
    need("pdftotext")
    # a label counts when either reading order (physical lines, or poppler's blocks) has it
    texts = [pdftotext(made / f"{kind}{n}.pdf", layout) for layout in (True, False)]
    for text in texts:
        assert not RADICALS.findall(text), "Kangxi radicals in extracted text"
    flats = [squash(t) for t in texts]
    if kind == "blank":
        missing = [c for c in annex_cells(n) if not any(squash(c) in f for f in flats)]
    else:
        missing = [c for c in annex_cells(n) if not any(label_pattern(c).search(f) for f in flats)]
    assert not missing, f"附件{n} {kind}: labels not extracted: {missing}"


def test_flattened_values_extract_with_rare_characters(made, good_data):
    need("pdftotext")
    text = squash(pdftotext(made / "flat1.pdf"))
    for value in (good_data["annex1"]["unit_name"], good_data["annex1"]["contact"],
                  good_data["annex1"]["legal_rep"], "2026年3月15日".replace("年", "")[:4]):
        assert squash(value) in text, value
    assert "堃" in text and "喆" in text and "\U00020000" in text


@pytest.mark.parametrize("kind", ["blank", "filled", "flat"])
@pytest.mark.parametrize("n", NUMBERS)
def test_engines_draw_the_same_glyphs(made, tmp_path, n, kind):
    """poppler, MuPDF and PDFium (forms on) draw the same thing in every character box.
    Boxes come from the flattened twin, so filled values (appearance streams) count too."""
    need("pdftoppm", "mutool")
    pdf = made / f"{kind}{n}.pdf"
    boxes = char_boxes(made / (f"flat{n}.pdf" if kind in ("filled", "flat") else f"blank{n}.pdf"))
    engines = {"poppler": render_poppler(pdf, tmp_path, DPI), "mupdf": render_mupdf(pdf, tmp_path, DPI),
               "pdfium": render_pdfium(pdf, DPI)}
    assert {len(v) for v in engines.values()} == {len(boxes)}
    for page, bx in enumerate(boxes):
        inks = {k: glyph_ink(v[page], bx, DPI) for k, v in engines.items()}
        assert (inks["poppler"] > 0).mean() > 0.97, "characters drawn blank"
        for a, b in (("poppler", "mupdf"), ("poppler", "pdfium"), ("mupdf", "pdfium")):
            corr, bad = glyph_agreement(inks[a], inks[b])
            if corr < 0.93 or bad > 0.03:
                diff = ROOT / "tests" / "failed" / f"annex{n}-{kind}-p{page + 1}-{a}-{b}.png"
                diff.parent.mkdir(exist_ok=True)
                save_diff(engines[a][page], engines[b][page], diff)
                pytest.fail(f"附件{n} {kind} p{page + 1}: {a}/{b} differ (corr {corr:.3f}, "
                            f"{bad:.1%} glyphs differ); diff image {diff}")


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
    assert (made / f"blank{n}.pdf").stat().st_size <= 1.5 * MB
    assert (made / f"filled{n}.pdf").stat().st_size <= 1.5 * MB
    assert (made / f"flat{n}.pdf").stat().st_size <= 1.5 * MB


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
