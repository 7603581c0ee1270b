"""Footers (第 N 页 共 M 页) and the 正本/副本 mark, stamped onto every page of the dossier.

One small content stream per page, in glyphs of the bundled serif font: a
subset holding only the digits, the space and 第页共正本副, embedded once per
dossier as a Type 0 font (Identity-H, with widths and a ToUnicode map, so the
footer is copied and searched as text).  The same stamp goes on the pages
WeasyPrint laid out and on the attachment pages, so footers match on all.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pikepdf

from .pages import A4

MM = 72 / 25.4
CHARS = "0123456789 第页共正本副"
FONT_NAME = "/QhsmeStamp"
FOOTER_SIZE = 9          # pt, as the footer of the old margin boxes
MARK_SIZE = 10
FOOTER_GRAY = 0.2        # #333
MARK_RGB = (0.667, 0, 0)  # #a00


@dataclass(frozen=True)
class StampFont:
    program: bytes
    cids: dict[str, int]          # character -> CID (= glyph id in the subset)
    widths: dict[int, int]        # CID -> advance in 1/1000 em
    ascent: int
    descent: int
    bbox: tuple[int, int, int, int]
    ps_name: str

    def width(self, text: str, size: float) -> float:
        return sum(self.widths[self.cids[c]] for c in text) * size / 1000

    def hex(self, text: str) -> str:
        return "".join(f"{self.cids[c]:04X}" for c in text)


@lru_cache(maxsize=2)
def _subset(path: str, stamp: tuple) -> StampFont:
    from fontTools.ttLib import TTFont
    with TTFont(path, lazy=True) as font:
        return _subset_of(font)


def _subset_of(font) -> StampFont:
    from fontTools import subset
    opts = subset.Options()
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.layout_features = []
    sub = subset.Subsetter(opts)
    sub.populate(text=CHARS)
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    upm = font["head"].unitsPerEm
    order = {g: i for i, g in enumerate(font.getGlyphOrder())}
    cmap = font.getBestCmap()
    cids = {c: order[cmap[ord(c)]] for c in CHARS}
    scale = 1000 / upm
    widths = {gid: round(font["hmtx"][g][0] * scale) for g, gid in order.items()}
    head = font["head"]
    ps = font["name"].getDebugName(6) or "QhsmeSerif"
    return StampFont(buf.getvalue(), cids, widths, round(font["hhea"].ascent * scale),
                     round(font["hhea"].descent * scale),
                     tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)), ps)


@lru_cache(maxsize=1)
def stamp_font() -> StampFont:
    """The subset of the bundled serif font, made once per machine (fontTools: most of a
    second) and kept in the font cache beside it."""
    import base64
    import json

    from ..datafile import write_atomic
    from ..pdfform import fonts as F
    serif: Path = F.fonts().serif
    cached = F.cache_dir() / f"stamp-{serif.stem}.json"
    try:
        d = json.loads(cached.read_text(encoding="utf-8"))
        if d["chars"] == CHARS:
            return StampFont(base64.b64decode(d["program"]), d["cids"], {int(k): v for k, v in d["widths"].items()},
                             d["ascent"], d["descent"], tuple(d["bbox"]), d["ps_name"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    st = serif.stat()
    sf = _subset(str(serif), (st.st_size, st.st_mtime_ns))
    try:
        write_atomic(cached, json.dumps({"chars": CHARS, "program": base64.b64encode(sf.program).decode("ascii"),
                                         "cids": sf.cids, "widths": sf.widths, "ascent": sf.ascent,
                                         "descent": sf.descent, "bbox": sf.bbox, "ps_name": sf.ps_name},
                                        ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass
    return sf


def embed(pdf: pikepdf.Pdf, sf: StampFont) -> pikepdf.Object:
    """The stamp font as an indirect Type 0 font of ``pdf``."""
    name = pikepdf.Name("/QHSMEF+" + "".join(c for c in sf.ps_name if c.isalnum() or c in "-_"))
    program = pdf.make_stream(sf.program)
    program.Length1 = len(sf.program)
    desc = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=name, Flags=4, FontBBox=list(sf.bbox),
        ItalicAngle=0, Ascent=sf.ascent, Descent=sf.descent, CapHeight=sf.ascent, StemV=80,
        FontFile2=program))
    widths = []
    for cid in sorted(sf.widths):
        widths += [cid, [sf.widths[cid]]]
    cid_font = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=name,
        CIDSystemInfo=pikepdf.Dictionary(Registry=pikepdf.String("Adobe"),
                                         Ordering=pikepdf.String("Identity"), Supplement=0),
        FontDescriptor=desc, DW=1000, W=widths, CIDToGIDMap=pikepdf.Name.Identity))
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=name,
        Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[cid_font],
        ToUnicode=pdf.make_stream(_to_unicode(sf))))


def _to_unicode(sf: StampFont) -> bytes:
    lines = "\n".join(f"<{cid:04X}> <{ord(c):04X}>" for c, cid in sf.cids.items())
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
            f"{len(sf.cids)} beginbfchar\n{lines}\nendbfchar\n"
            "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n").encode("ascii")


def footer_text(number: int, total: int) -> str:
    return f"第 {number} 页 共 {total} 页"


def stamp_ops(sf: StampFont, number: int, total: int, mark: str | None,
              box: tuple[float, float, float, float]) -> bytes:
    """Content drawing the footer centred under the content ``box`` (x0, y0, x1, y1: the page's
    margins, as the margin boxes of the laid-out pages had it) and the mark at its top right."""
    x0, y0, x1, y1 = box
    text = footer_text(number, total)
    middle = y0 / 2                           # the bottom margin's middle
    base = middle - (sf.ascent + sf.descent) / 2000 * FOOTER_SIZE
    x = (x0 + x1) / 2 - sf.width(text, FOOTER_SIZE) / 2
    ops = [f"q BT {FONT_NAME} {FOOTER_SIZE} Tf {FOOTER_GRAY} g {x:.2f} {base:.2f} Td <{sf.hex(text)}> Tj ET Q"]
    if mark:
        top_middle = (A4[1] + y1) / 2
        mbase = top_middle - (sf.ascent + sf.descent) / 2000 * MARK_SIZE
        mx = x1 - sf.width(mark, MARK_SIZE)
        r, g, b = MARK_RGB
        ops.append(f"q BT {FONT_NAME} {MARK_SIZE} Tf {r} {g} {b} rg {mx:.2f} {mbase:.2f} Td "
                   f"<{sf.hex(mark)}> Tj ET Q")
    return ("\n" + "\n".join(ops) + "\n").encode("ascii")


def stamp(pdf: pikepdf.Pdf, page: pikepdf.Page, font: pikepdf.Object, ops: bytes) -> None:
    res = page.obj.get("/Resources")
    if res is None:
        page.obj.Resources = res = pikepdf.Dictionary()
    fonts = res.get("/Font")
    if fonts is None:
        res.Font = fonts = pikepdf.Dictionary()
    fonts[FONT_NAME] = font
    page.contents_add(pdf.make_stream(ops), prepend=False)
