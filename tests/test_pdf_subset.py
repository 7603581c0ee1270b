"""Glyph subsetting and font metrics read straight from the TrueType tables
(``toolkit.pdfform.subset``), against fontTools reading the same fonts."""
from __future__ import annotations

import io

import pytest
from fontTools.ttLib import TTFont

from toolkit.errors import ResourceMissing
from toolkit.pdfform import fonts as F
from toolkit.pdfform.subset import font_box, keep_glyphs, metrics


def _fonttools_metrics(data: bytes):
    font = TTFont(io.BytesIO(data))
    order = {g: i for i, g in enumerate(font.getGlyphOrder())}
    upm = font["head"].unitsPerEm
    return ({cp: order[g] for cp, g in font.getBestCmap().items()},
            [font["hmtx"][g][0] * 1000 / upm for g in font.getGlyphOrder()])


@pytest.fixture(scope="module")
def built():
    fs = F.fonts()
    return {"field": fs.field.read_bytes(), "labels": fs.labels.read_bytes(), "rare": F.rare_font("堃𠀀")}


@pytest.mark.parametrize("name", ["field", "labels", "rare"])
def test_metrics_are_what_fonttools_reads(built, name):
    assert metrics(built[name]) == _fonttools_metrics(built[name])


def test_format_4_only_cmap_is_read_too(built):
    """A font with only a BMP (format 4) subtable, as many fonts have."""
    font = TTFont(io.BytesIO(built["labels"]))
    font["cmap"].tables = [t for t in font["cmap"].tables if t.format == 4]
    buf = io.BytesIO()
    font.save(buf)
    data = buf.getvalue()
    assert metrics(data) == _fonttools_metrics(data)


def test_kept_glyphs_draw_the_same_and_the_rest_are_empty(built):
    data = built["field"]
    cmap, _ = metrics(data)
    gids = {cmap[ord(c)] for c in "青海省湟源县堃0123第页"  if ord(c) in cmap}
    out = keep_glyphs(data, gids)
    assert len(out) < len(data) / 10
    before, after = TTFont(io.BytesIO(data)), TTFont(io.BytesIO(out), checkChecksums=2)   # checksums right
    order = before.getGlyphOrder()
    assert after.getGlyphOrder() == order                                     # ids kept
    for gid, name in enumerate(order):
        got = after["glyf"][name]
        if gid in gids or gid == 0:
            want = before["glyf"][name]
            assert got.getCoordinates(after["glyf"])[0] == want.getCoordinates(before["glyf"])[0], name
        else:
            assert got.numberOfContours == 0, name
    assert after["cmap"].getBestCmap() == before["cmap"].getBestCmap()
    assert font_box(out) == font_box(data)


def test_a_composite_glyph_keeps_its_parts():
    """A composite glyph (an accented letter built of two others) keeps its components."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent

    def box(x0, y0, x1, y1):
        pen = TTGlyphPen(None)
        pen.moveTo((x0, y0)), pen.lineTo((x0, y1)), pen.lineTo((x1, y1)), pen.lineTo((x1, y0)), pen.closePath()
        return pen.glyph()
    fb = FontBuilder(1000, isTTF=True)
    names = [".notdef", "a", "acute", "aacute", "b"]
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({ord("a"): "a", 0xE1: "aacute", ord("b"): "b"})
    comp = Glyph()
    comp.numberOfContours = -1
    parts = []
    for glyph_name, dx in (("a", 0), ("acute", 100)):
        c = GlyphComponent()
        c.glyphName, c.x, c.y, c.flags = glyph_name, dx, 0, 0
        parts.append(c)
    comp.components = parts
    fb.setupGlyf({".notdef": box(0, 0, 500, 700), "a": box(0, 0, 400, 400), "acute": box(0, 500, 200, 700),
                  "aacute": comp, "b": box(0, 0, 400, 700)})
    fb.setupHorizontalMetrics({n: (500, 0) for n in names})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "T", "styleName": "Regular"})
    fb.setupOS2()
    fb.setupPost()
    buf = io.BytesIO()
    fb.save(buf)
    out = TTFont(io.BytesIO(keep_glyphs(buf.getvalue(), {3})), checkChecksums=2)
    glyf = out["glyf"]
    assert glyf["aacute"].isComposite() and glyf["a"].numberOfContours == 1
    assert glyf["acute"].numberOfContours == 1 and glyf["b"].numberOfContours == 0


def test_a_font_with_cff_outlines_is_refused_in_chinese():
    with pytest.raises(ResourceMissing, match="TrueType"):
        keep_glyphs(b"OTTO" + b"\0" * 20, {1})
