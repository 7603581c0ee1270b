"""Our blank forms filled by third-party tools show the Chinese values in poppler and PDFium.

poppler: ``pdftocairo -pdf`` draws the page with its fields into a new PDF, whose text
must hold every value.  PDFium (forms on) must draw the same glyphs as poppler in the
character boxes of that drawing."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import need
from pdf_helpers import char_boxes, glyph_agreement, glyph_ink, render_pdfium, render_poppler
from toolkit.regulation import squash

VALUES = {
    "a1__unit_name": "青海示例中小企业服务有限公司",
    "a1__platform_name": "西宁市综合服务平台",
    "a1__legal_rep": "李明辉",
    "a1__reg_address": "西宁市城西区五四西路",
}
DPI = 72


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    from toolkit.pdfform import write_blank
    p = tmp_path_factory.mktemp("fillers") / "annex1.pdf"
    write_blank(1, p)
    return p


def fill_pypdf(src: Path, out: Path) -> None:
    from pypdf import PdfReader, PdfWriter
    w = PdfWriter(clone_from=PdfReader(str(src)))
    for page in w.pages:
        w.update_page_form_field_values(page, VALUES, auto_regenerate=False)
    w.write(str(out))


def fill_pypdfform(src: Path, out: Path) -> None:
    from PyPDFForm import PdfWrapper
    out.write_bytes(PdfWrapper(str(src)).fill(VALUES).read())


def fill_pdftk(src: Path, out: Path) -> None:
    need("pdftk")
    fields = "".join(f"<</T({k})/V<FEFF{v.encode('utf-16-be').hex()}>>>" for k, v in VALUES.items())
    fdf = out.with_suffix(".fdf")
    fdf.write_bytes(("%FDF-1.2\n1 0 obj<</FDF<</Fields[" + fields + "]>>>>endobj\n"
                     "trailer<</Root 1 0 R>>\n%%EOF\n").encode("ascii"))
    subprocess.run(["pdftk", str(src), "fill_form", str(fdf), "output", str(out), "need_appearances"],
                   check=True, capture_output=True)


@pytest.mark.parametrize("filler", [fill_pypdf, fill_pypdfform, fill_pdftk],
                         ids=["pypdf", "PyPDFForm", "pdftk"])
def test_third_party_fill_shows_chinese(blank, tmp_path, filler):
    need("pdftocairo", "pdftotext", "pdftoppm")
    filled = tmp_path / "filled.pdf"
    filler(blank, filled)
    drawn = tmp_path / "poppler-drawn.pdf"
    subprocess.run(["pdftocairo", "-pdf", "-f", "2", "-l", "2", str(filled), str(drawn)], check=True)
    first = tmp_path / "poppler-p1.pdf"
    subprocess.run(["pdftocairo", "-pdf", "-f", "1", "-l", "1", str(filled), str(first)], check=True)
    text = "".join(subprocess.run(["pdftotext", str(p), "-"], capture_output=True, check=True)
                   .stdout.decode("utf-8") for p in (first, drawn))
    for value in VALUES.values():
        assert squash(value) in squash(text), f"poppler does not show {value}"
    # PDFium draws the same glyphs as poppler where poppler drew the values
    boxes = [b for b in char_boxes(first)[0] if any(b[0] in v for v in VALUES.values())]
    assert len(boxes) >= 20
    pop = glyph_ink(render_poppler(filled, tmp_path, DPI)[0], boxes, DPI)
    fium = glyph_ink(render_pdfium(filled, DPI)[0], boxes, DPI)
    assert (fium > 0).mean() > 0.95, "PDFium draws the values blank"
    corr, bad = glyph_agreement(pop, fium)
    assert corr > 0.8 and bad < 0.1, (corr, bad)
