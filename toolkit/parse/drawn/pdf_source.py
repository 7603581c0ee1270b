"""A PDF page's text layer and vector paths as ``PageGeo``: glyphs turned upright (the
dominant text direction gives a quarter turn, so a page with ``/Rotate`` or rotated content
reads like the original), strokes sorted into horizontal and vertical rules, rectangles, and
curves (drawn ticks)."""
from __future__ import annotations

import io
import math
from collections import Counter

import pikepdf

from ...pdfform.fonts import is_alias
from ..geometry import Box, G, PageGeo

TICK_GLYPHS = frozenset("√✓✔☑☒■●◉✗✘×Xx")
_DIR = {0: (1, 0), 1: (0, 1), 2: (-1, 0), 3: (0, -1)}


def _turn_of(chars) -> int:
    votes: Counter = Counter()
    for c in chars:
        a, b = c[6], c[7]
        if a == 0 and b == 0:
            continue
        votes[round(math.degrees(math.atan2(-b, a)) / 90) % 4] += 1
    return votes.most_common(1)[0][0] if votes else 0


def _rot(turn: int, x0, t0, x1, t1) -> tuple[float, float, float, float]:
    ux, uy = _DIR[turn]
    xa, ta = ux * x0 + uy * t0, -uy * x0 + ux * t0
    xb, tb = ux * x1 + uy * t1, -uy * x1 + ux * t1
    return min(xa, xb), min(ta, tb), max(xa, xb), max(ta, tb)


def unify_ideographs(text: str) -> str:
    """Kangxi radicals and compatibility ideographs some extractors give (the ranges
    ``fonts.is_alias`` names), back to the unified form."""
    if any(is_alias(ord(ch)) for ch in text):
        import unicodedata
        return "".join(unicodedata.normalize("NFKC", ch) if is_alias(ord(ch)) else ch for ch in text)
    return text


def plumber_page(page) -> tuple[list, list, list, list]:
    chars = [(c.get("text") or "", c["x0"], c["top"], c["x1"], c["bottom"], float(c.get("size") or 0),
              *(c.get("matrix") or (1, 0))[:2]) for c in page.chars]
    edges = [(e["x0"], e["top"], e["x1"], e["bottom"]) for e in page.edges]
    rects = [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in page.rects]
    curves = [(c["x0"], c["top"], c["x1"], c["bottom"]) for c in page.curves]
    return chars, edges, rects, curves


def orient(number: int, chars, edges, rects, curves, hidden: int = 0) -> PageGeo:
    """A page turned so its text runs left to right: chars are (text, x0, top, x1, bottom,
    size, a, b) with (a, b) the text direction (PDF y up), boxes are (x0, top, x1, bottom)."""
    turn = _turn_of(chars)
    geo = PageGeo(number, turn, hidden=hidden, source="pdf")
    for text, cx0, ctop, cx1, cbottom, size, _, _ in chars:
        if not text or text.isspace() and text != " ":
            continue
        x0, t0, x1, t1 = _rot(turn, cx0, ctop, cx1, cbottom)
        geo.glyphs.append(G(unify_ideographs(text), x0, x1, t0, t1, size or (t1 - t0), number))
    for e in edges:
        x0, t0, x1, t1 = _rot(turn, *e)
        if t1 - t0 < 1.0 and x1 - x0 > 1.0:
            geo.hrules.append(((t0 + t1) / 2, x0, x1))
        elif x1 - x0 < 1.0 and t1 - t0 > 1.0:
            geo.vrules.append(((x0 + x1) / 2, t0, t1))
    for r in rects:
        x0, t0, x1, t1 = _rot(turn, *r)
        if x1 - x0 > 2 and t1 - t0 > 2:
            geo.rects.append(Box(x0, t0, x1, t1))
    for c in curves:
        geo.marks.append(Box(*_rot(turn, *c)))
    geo.ticks = [g for g in geo.glyphs if g.text in TICK_GLYPHS]
    return geo


def open_pages(pdf, file: str, first: int = 1) -> list[PageGeo]:
    """The pages of ``pdf`` (pikepdf) read with qpdf's parser (``pdf_draw``), or with
    pdfplumber when they use fonts that reader does not interpret."""
    from ..pdf_draw import Unsupported, page_drawing
    try:
        return [orient(i, *page_drawing(p)) for i, p in enumerate(pdf.pages, first)]
    except (Unsupported, ValueError, TypeError, KeyError, AttributeError, IndexError, pikepdf.PdfError):
        pass
    import logging

    import pdfplumber
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    # the open document, never the file by name: the pages may be a piece of a dossier or
    # changed in memory (added text drawn in), and a name need not be a file here
    src = io.BytesIO()
    pdf.save(src)
    src.seek(0)
    with pdfplumber.open(src) as plumber:
        return [orient(i, *plumber_page(p)) for i, p in enumerate(plumber.pages, first)]


def has_images(pdf) -> bool:
    """Whether any page draws an image, also inside form XObjects (a scan wrapped by a printer)."""
    try:
        return any(len(page.get_images()) for page in pdf.pages)
    except (pikepdf.PdfError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return False
