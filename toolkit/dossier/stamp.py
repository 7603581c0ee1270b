"""Footers (第 N 页 共 M 页) and the 正本/副本 mark, stamped onto every page of the dossier.

One small content stream per page, in the dossier's own fonts (``glyphs.Glyphs``, the
field font cut to the glyphs drawn), so the footer is copied and searched as text.  The
same stamp goes on the authored pages and on the attachment pages, so footers match on all.
"""
from __future__ import annotations

from .glyphs import Glyphs
from .pages import A4

FOOTER_SIZE = 9          # pt
MARK_SIZE = 10
FOOTER_GRAY = 0.2        # #333
MARK_RGB = (0.667, 0, 0)  # #a00


def footer_text(number: int, total: int) -> str:
    return f"第 {number} 页 共 {total} 页"


def stamp_ops(g: Glyphs, number: int, total: int, mark: str | None,
              box: tuple[float, float, float, float]) -> bytes:
    """Content drawing the footer centred under the content ``box`` (x0, y0, x1, y1: the page's
    margins) and the mark at its top right."""
    x0, y0, x1, y1 = box
    text = footer_text(number, total)
    middle = y0 / 2                           # the bottom margin's middle
    base = middle - (g.ascent - g.descent) / 2000 * FOOTER_SIZE
    x = (x0 + x1) / 2 - g.width(text, FOOTER_SIZE) / 2
    ops = [f"q BT {FOOTER_GRAY} g {x:.2f} {base:.2f} Td {g.show(text, FOOTER_SIZE)} ET Q"]
    if mark:
        top_middle = (A4[1] + y1) / 2
        mbase = top_middle - (g.ascent - g.descent) / 2000 * MARK_SIZE
        mx = x1 - g.width(mark, MARK_SIZE)
        r, gr, b = MARK_RGB
        ops.append(f"q BT {r} {gr} {b} rg {mx:.2f} {mbase:.2f} Td {g.show(mark, MARK_SIZE)} ET Q")
    return ("\n" + "\n".join(ops) + "\n").encode("ascii")
