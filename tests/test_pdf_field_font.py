"""The field font (/DR QhsmeField) holds what people type (issue 13, item 3): all of GB2312,
every character of Qinghai's county-level divisions, and the name characters outside GB2312
of toolkit/data/name_chars.txt; typed with a third-party filler, each draws a glyph."""
from __future__ import annotations

import io
import subprocess

import numpy as np
import pikepdf
import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from conftest import ROOT, need
from toolkit.pdfform import fonts as F

# the characters the issue names: 湟中/湟源, given names, Qinghai products, GBK-only names
TYPED = "湟婷琪鑫昊瑜璐牦稞枸杞锂喆堃"
NO_FONT = "\U00020000"          # in no field font: a viewer draws nothing (the control)
DPI = 200


def _gb2312() -> str:
    out = []
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(out)


GB2312 = _gb2312()
HANZI = [c for c in GB2312 if "\u4e00" <= c <= "\u9fff"]


def wanted() -> str:
    places = "".join(k + "".join(v) for k, v in F.qinghai_divisions().items())
    return GB2312 + places + F.name_chars()


def test_gb2312_is_all_6763_hanzi():
    assert len(HANZI) == 6763 and "湟" in HANZI and "鑫" in HANZI


def test_qinghai_divisions_are_the_45_county_level_units():
    d = F.qinghai_divisions()
    assert d.pop("青海省") == ["青海省"]
    assert list(d) == ["西宁市", "海东市", "海北藏族自治州", "黄南藏族自治州", "海南藏族自治州",
                       "果洛藏族自治州", "玉树藏族自治州", "海西蒙古族藏族自治州"]
    counties = [c for v in d.values() for c in v]
    assert len(counties) == len(set(counties)) == 45
    assert [len(v) for v in d.values()] == [7, 6, 4, 4, 5, 6, 6, 7]
    for name in ("湟中区", "湟源县", "大通回族土族自治县", "循化撒拉族自治县", "同仁市", "河南蒙古族自治县",
                 "囊谦县", "曲麻莱县", "茫崖市", "大柴旦行政委员会"):
        assert name in counties, name
    assert all(c[-1] in "区县市" or c.endswith("委员会") for c in counties)


def test_name_list_is_outside_gb2312_and_has_the_samples_names():
    names = F.name_chars()
    assert len(names) == len(set(names)) == 1468        # 1,467 of the 通用规范汉字表, and 晧
    assert not set(names) & set(GB2312)
    assert set("喆堃昇晧玥珺") <= set(names)


def test_built_field_font_covers_everything(tmp_path):
    assert F.missing(wanted(), F.fonts().field) == ""


def _embedded_field_font(pdf_path) -> dict[int, str]:
    with pikepdf.open(pdf_path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor" \
                    and str(obj.get("/FontName")) == f"/{F.FIELD_FAMILY}":
                data = obj.FontFile2.read_bytes()
                return TTFont(io.BytesIO(data)).getBestCmap()
    raise AssertionError(f"{pdf_path}: no embedded {F.FIELD_FAMILY}")


@pytest.mark.parametrize("n", range(1, 8))
def test_field_font_of_every_blank_covers_gb2312_counties_and_names(n):
    """What people download: the field font embedded in fillable/annexN.pdf (the committed blank,
    which test_pdf_forms checks is current)."""
    cmap = _embedded_field_font(ROOT / "fillable" / f"annex{n}.pdf")
    lacking = sorted({c for c in wanted() if ord(c) not in cmap and not c.isspace()})
    assert not lacking, f"附件{n}: field font lacks {len(lacking)}: {''.join(lacking[:40])}"


def _pypdf(src, out, values):
    from pypdf import PdfReader, PdfWriter
    w = PdfWriter(clone_from=PdfReader(str(src)))
    for page in w.pages:
        w.update_page_form_field_values(page, values, auto_regenerate=False)
    w.write(str(out))


def _pypdfform(src, out, values):
    from PyPDFForm import PdfWrapper
    out.write_bytes(PdfWrapper(str(src)).fill(values).read())


def _render(pdf, out_dir) -> np.ndarray:
    prefix = out_dir / pdf.stem
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", "-f", "1", "-l", "1", str(pdf), str(prefix)],
                   check=True)
    png = next(out_dir.glob(f"{pdf.stem}-*1.png"))
    return np.asarray(Image.open(png).convert("L"), dtype=np.int16)


@pytest.mark.parametrize("filler", [_pypdf, _pypdfform], ids=["pypdf", "PyPDFForm"])
def test_typed_characters_draw_a_glyph(tmp_path, filler):
    """Each character, typed alone into a staff-name cell of the blank annex 3 by a third-party
    filler, inks its cell in poppler where the blank has none, and not as the control (a
    character no field font has, drawn blank or as a filler's stand-in) is drawn."""
    need("pdftoppm")
    from toolkit.pdfform import write_blank
    blank = tmp_path / "blank.pdf"
    write_blank(3, blank)
    chars = TYPED + NO_FONT
    names = {f"a3__staff__{row}__name": ch for row, ch in enumerate(chars, 1)}
    filled = tmp_path / "typed.pdf"
    filler(blank, filled, names)
    with pikepdf.open(blank) as pdf:
        height = float(pdf.pages[0].mediabox[3])
        rects = {str(w.T): [float(v) for v in w.Rect] for w in pdf.pages[0].Annots if str(w.T) in names}
    assert len(rects) == len(names), "the staff rows are not all on page 1"
    before, after = _render(blank, tmp_path), _render(filled, tmp_path)
    k = DPI / 72
    drawn = {}
    for name, ch in names.items():
        x0, y0, x1, y1 = rects[name]
        box = (slice(int((height - y1) * k) + 2, int((height - y0) * k) - 2), slice(int(x0 * k) + 2, int(x1 * k) - 2))
        drawn[ch] = (before[box] - after[box]).clip(0)          # what the filler added
    control = drawn.pop(NO_FONT)
    blanks = [ch for ch, d in drawn.items() if d.sum() / 255 < 8]
    assert not blanks, f"drawn blank: {''.join(blanks)}"
    like_control = [ch for ch, d in drawn.items() if _similarity(d, control) > 0.6]
    assert not like_control, f"drawn like a character the font lacks: {''.join(like_control)}"


def _similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Correlation of two drawings (0 when either is empty): a glyph and the notdef box a
    filler draws for a character the font lacks correlate at about 0.3, the box with itself 1."""
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    a, b = a[:h, :w].ravel().astype(float), b[:h, :w].ravel().astype(float)
    if not a.any() or not b.any():
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])
