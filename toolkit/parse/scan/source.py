"""A scan as page geometry: ``scan_pages(src)`` turns each page image upright on its printed
rules, finds the rules and the cells they enclose, reads the text of every cell (and the
lines outside them) with OCR, and checks colour pages for red seals.  The result is the
same ``PageGeo`` the drawn-form readers take from a PDF's text layer, with glyphs carrying
their OCR confidence (``OcrG.conf``) and, per page, the colour flag and the seals."""
from __future__ import annotations

import time
from dataclasses import dataclass
from dataclasses import field as dc_field

import cv2
import numpy as np

from ..geometry import Box, PageGeo
from . import lines as L
from .deskew import deskew
from .images import PageImage, load_pages
from .ocr import Read, engine
from .rules import binarise, cell_boxes, cells, find_rules
from .seal import seals

TICKS = frozenset("√✓✔☑☒■●◉✗✘×")
# what the recogniser reads a lone check box as (never 日, 目: a date's last word)
BOXLIKE = frozenset("口囗冈図区凶回☐□☑☒")
PAPER_BAND = 30      # grey levels below the paper still counted as paper for the recogniser
MIN_SCORE = 0.5      # a piece read with less mean confidence is noise (rapidocr's own text_score)


@dataclass
class ScanGeo(PageGeo):
    """``PageGeo`` of a scanned page, plus what only a scan has."""
    colour: bool = False                   # False: greyscale, seals not checkable
    seals: list[Box] | None = None         # None when not checkable (greyscale)
    cells: list[Box] = dc_field(default_factory=list)
    skew: float = 0.0                      # degrees the page was turned back
    dpi: float = 0.0
    seconds: float = 0.0


def read_page(img: PageImage, ocr=True) -> ScanGeo:
    """One page image as geometry in points (top-left origin, y down)."""
    t0 = time.perf_counter()
    rgb, skew = deskew(img.rgb, img.dpi)
    # the red channel turns a red seal near-white while black print stays black: rules and
    # text under a seal are read as if it were not there
    channel = rgb[..., 0].copy() if img.colour else cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    ink = binarise(channel)
    rules = find_rules(ink, img.dpi)
    boxes = cells(rules, img.dpi)
    s = img.scale
    geo = ScanGeo(img.number, 0, colour=img.colour, skew=skew, dpi=img.dpi)
    geo.hrules, geo.vrules = rules.to_points(s)
    geo.cells = cell_boxes(boxes, s)
    geo.seals = seals(rgb, img.dpi, img.colour)
    if ocr:
        text_ink = L.clean(cv2.bitwise_and(ink, cv2.bitwise_not(rules.mask)))
        outside = cv2.bitwise_and(text_ink, cv2.bitwise_not(cv2.dilate(rules.mask, np.ones((5, 5), np.uint8))))
        regions = boxes + L.outside_blobs(outside, boxes, img.dpi)
        pieces = L.join_overflow([p for k, b in enumerate(regions) for p in L.pieces_of(text_ink, b, k, img.dpi)],
                                 boxes, text_ink)
        # what is lighter than ink (paper, a seal's remains on the red channel, noise) goes white
        paper = float(np.median(channel[::8, ::8]))
        plain = np.where(channel > paper - PAPER_BAND, 255, channel).astype(np.uint8)
        plain[rules.mask > 0] = 255                 # no rule through a character read across it
        reads = engine().read([L.piece_image(plain, p) for p in pieces])
        for p, r in zip(pieces, reads):
            mark = L.box_mark(text_ink, p) if r.text.strip() in BOXLIKE else None
            if mark:
                r = Read(mark, 1.0, [(mark, 0.5, 1.0)])
            if not r.text.strip() or r.score < MIN_SCORE:
                continue
            geo.glyphs.extend(L.glyphs_of(p, r.text, r.chars, s, img.number, r.score, text_ink))
    geo.glyphs = tidy(geo.glyphs)
    geo.ticks = [g for g in geo.glyphs if g.text in TICKS]
    geo.seconds = time.perf_counter() - t0
    return geo


DOTS = frozenset("•·∙●")


def tidy(glyphs: list) -> list:
    """What the recogniser makes of print that is no text: a full-width colon read as its two
    dots, one above the other (•, •), is a colon again; a flat run of underscores (the rule
    under a date) is no text."""
    if not glyphs:
        return glyphs
    sizes = sorted(g.size for g in glyphs)
    typical = sizes[len(sizes) // 2]
    keep = [g for g in glyphs if not (g.text and set(g.text) <= set("_‗￣") and g.size < 0.4 * typical)]
    dots = [g for g in keep if g.text in DOTS and g.size < 0.5 * typical]
    gone = set()
    for a in dots:
        if id(a) in gone:
            continue
        b = next((b for b in dots if b is not a and id(b) not in gone and b.page == a.page
                  and min(a.x1, b.x1) - max(a.x0, b.x0) > 0 and 0 < b.cy - a.cy < 0.8 * typical), None)
        if b is None:
            continue
        gone.add(id(b))
        a.text, a.x0, a.x1 = "：", min(a.x0, b.x0), max(a.x1, b.x1)
        a.bottom = b.bottom
        a.size = max(a.size, (a.bottom - a.top) / 0.94)
        a.conf = min(a.conf if a.conf is not None else 1.0, b.conf if b.conf is not None else 1.0)
    out = [g for g in keep if id(g) not in gone]
    return _lead_dots(out)


def _same_piece(a, b) -> bool:
    return a.page == b.page and a.top == b.top and a.bottom == b.bottom


def _lead_dots(glyphs: list) -> list:
    """A dot read at the start of a piece of Chinese text (one of a colon's dots, the other
    lost): no value starts with one.  After a label's closing bracket it is the colon."""
    out = []
    for i, g in enumerate(glyphs):
        nxt = glyphs[i + 1] if i + 1 < len(glyphs) else None
        first = i == 0 or not _same_piece(glyphs[i - 1], g)
        if g.text in DOTS and first and nxt is not None and _same_piece(g, nxt) and "\u3400" <= nxt.text[:1] <= "\U0003ffff":
            left = max((h for h in out if h.page == g.page and abs(h.cy - g.cy) < 0.5 * g.size
                        and h.x1 <= g.x0 + 1 and g.x0 - h.x1 < 2 * g.size), key=lambda h: h.x1, default=None)
            if left is not None and left.text in "）)":
                g.text = "："
                out.append(g)
            continue
        out.append(g)
    return out


def scan_pages(src, name: str = "", first: int = 1, ocr: bool = True) -> list[ScanGeo]:
    """Every page of a scan (image-only PDF, JPEG, PNG, TIFF; a path, bytes or a pikepdf.Pdf)."""
    return [read_page(img, ocr) for img in load_pages(src, name, first)]
