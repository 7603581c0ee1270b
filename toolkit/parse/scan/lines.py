"""Text lines of a page image, without a detector: inside each cell the rules enclose (and in
ink blobs outside the cells: titles, labels, underlined values), rows of ink are split into
lines by projection and lines into pieces at wide gaps.  Each piece is one image for the
recogniser; what it reads is laid out as glyphs in points."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..geometry import G

MIN_INK = 12            # pixels: less ink than this in a region is noise, the region is empty
WORD_GAP = 1.6          # a gap wider than this many line heights splits a line into pieces
MIN_LINE_IN = 0.06      # a text line is at least this tall (a 6 pt character is 0.07")
PAD = 4                 # white pixels around a piece given to the recogniser


# Glyphs read by OCR are plain ``G`` with ``conf``, the recogniser's confidence (0-1).
OcrG = G


@dataclass
class Piece:
    x0: int
    y0: int
    x1: int
    y1: int           # pixel box of the ink (exclusive ends)
    region: int       # index of the region (cell or blob) it lies in


def clean(ink: np.ndarray) -> np.ndarray:
    """Ink without isolated specks (scanner noise): components of 1-3 pixels go."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = np.nonzero(stats[:, cv2.CC_STAT_AREA] <= 3)[0]
    if len(small) <= 1:
        return ink
    keep = np.ones(n, dtype=bool)
    keep[small] = False
    keep[0] = False
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def _segments(profile: np.ndarray) -> list[tuple[int, int]]:
    on = profile > 0
    out, start = [], None
    for i, v in enumerate(on):
        if v and start is None:
            start = i
        elif not v and start is not None:
            out.append((start, i))
            start = None
    if start is not None:
        out.append((start, len(on)))
    return out


def _rows(ink: np.ndarray, min_line: int) -> list[tuple[int, int]]:
    """Text rows of a region: runs of inked pixel rows; a thin run (a stroke of 二, a
    dash, a dot of ：) joins its nearest neighbour."""
    segs = _segments(ink.sum(axis=1))
    if not segs:
        return []
    tall = max(max(b - a for a, b in segs), min_line)
    merged = True
    while merged and len(segs) > 1:
        merged = False
        for k, (a, b) in enumerate(segs):
            if b - a >= 0.45 * tall:
                continue
            # join the closer neighbour, if it is within a line height
            cands = []
            if k > 0 and a - segs[k - 1][1] <= tall:
                cands.append((a - segs[k - 1][1], k - 1))
            if k + 1 < len(segs) and segs[k + 1][0] - b <= tall:
                cands.append((segs[k + 1][0] - b, k + 1))
            if not cands:
                continue
            _, j = min(cands)
            lo, hi = min(k, j), max(k, j)
            segs[lo:hi + 1] = [(segs[lo][0], segs[hi][1])]
            merged = True
            break
    return segs


def pieces_of(ink: np.ndarray, box: tuple[int, int, int, int], region: int, dpi: float) -> list[Piece]:
    """Pieces of text inside ``box`` (x0, y0, x1, y1) of the page's ink."""
    x0, y0, x1, y1 = box
    sub = ink[y0:y1, x0:x1]
    if int(np.count_nonzero(sub)) < MIN_INK:
        return []
    out = []
    for a, b in _rows(sub, int(MIN_LINE_IN * dpi)):
        row = sub[a:b]
        h = b - a
        if h < 3 or np.count_nonzero(row) < MIN_INK:
            continue
        cols = _segments(row.sum(axis=0))
        groups: list[list[int]] = []
        for c0, c1 in cols:
            if groups and c0 - groups[-1][1] <= WORD_GAP * h:
                groups[-1][1] = c1
            else:
                groups.append([c0, c1])
        for c0, c1 in groups:
            if np.count_nonzero(row[:, c0:c1]) < MIN_INK:
                continue
            out.append(Piece(x0 + c0, y0 + a, x0 + c1, y0 + b, region))
    return out


def _fragment_side(p: Piece, cell: tuple[int, int, int, int], ink: np.ndarray) -> int:
    """-1 / +1 when ``p`` is a narrow piece against the left / right side of its cell with ink
    just across the rule (the end of a character overflowing from the cell beside), else 0."""
    w, h = p.x1 - p.x0, p.y1 - p.y0
    if w >= 0.6 * h:
        return 0
    x0, _, x1, _ = cell
    band = ink[p.y0:p.y1]
    if p.x0 - x0 <= 2 and band[:, max(0, x0 - 12):max(0, x0 - 3)].any():
        return -1
    if x1 - p.x1 <= 2 and band[:, x1 + 3:x1 + 12].any():
        return 1
    return 0


def join_overflow(pieces: list[Piece], cells: list[tuple[int, int, int, int]], ink: np.ndarray) -> list[Piece]:
    """Text that overflows its cell across a rule (序号 in a narrow column) is one piece, read
    in the cell it starts in: each fragment beyond the rule joins the piece it continues."""
    out = list(pieces)
    for f in pieces:
        if f.region >= len(cells):
            continue
        side = _fragment_side(f, cells[f.region], ink)
        if not side:
            continue
        out.remove(f)
        for q in out:
            if q.region >= len(cells) or q.region == f.region or min(q.y1, f.y1) <= max(q.y0, f.y0):
                continue
            if side < 0 and 0 <= f.x0 - q.x1 <= 16 and q.x1 >= cells[q.region][2] - 2:
                q.x1, q.y0, q.y1 = f.x1, min(q.y0, f.y0), max(q.y1, f.y1)
                break
            if side > 0 and 0 <= q.x0 - f.x1 <= 16 and q.x0 <= cells[q.region][0] + 2:
                q.x0, q.y0, q.y1 = f.x0, min(q.y0, f.y0), max(q.y1, f.y1)
                break
    return out


def box_mark(ink: np.ndarray, p: Piece) -> str | None:
    """A piece that is a drawn check box: "□" when empty, "☑" when something is inside (a
    tick, a cross: ☒ of a Word export).  The recogniser takes a lone box for 口, 回 or 冈; a box
    is a square whose four sides are inked almost all along."""
    w, h = p.x1 - p.x0, p.y1 - p.y0
    if not (0.8 <= w / h <= 1.25) or h < 8:
        return None
    sub = ink[p.y0:p.y1, p.x0:p.x1] > 0
    t = max(2, h // 8)
    sides = (sub[:t].any(axis=0).mean(), sub[-t:].any(axis=0).mean(),
             sub[:, :t].any(axis=1).mean(), sub[:, -t:].any(axis=1).mean())
    if min(sides) < 0.9:
        return None
    inner = sub[2 * t:-2 * t, 2 * t:-2 * t]
    if inner.size == 0:
        return None
    # 回 has an inner square: its inside ink also touches four sides of an inner box
    fill = inner.mean()
    return "☑" if fill > 0.06 else "□"


def outside_blobs(ink: np.ndarray, cell_boxes, dpi: float) -> list[tuple[int, int, int, int]]:
    """Boxes of text outside every cell: the ink left once cells are blanked, smeared along
    lines so a line's characters make one blob."""
    rest = ink.copy()
    for x0, y0, x1, y1 in cell_boxes:
        rest[max(0, y0 - 3):y1 + 3, max(0, x0 - 3):x1 + 3] = 0
    rest = clean(rest)
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(0.12 * dpi)), max(3, int(0.03 * dpi))))
    smear = cv2.dilate(rest, k)
    n, _, stats, _ = cv2.connectedComponentsWithStats(smear, connectivity=8)
    out = []
    H, W = ink.shape
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if h < 4 or w < 4:
            continue
        out.append((max(0, x - 2), max(0, y - 2), min(W, x + w + 2), min(H, y + h + 2)))
    # a blob within another's box (a dot beside a line) is read with it, not twice
    return [b for b in out if not any(o != b and o[0] <= b[0] and o[1] <= b[1] and o[2] >= b[2]
                                      and o[3] >= b[3] for o in out)]


def piece_image(channel: np.ndarray, p: Piece) -> np.ndarray:
    """The piece cut from the (grey or red) channel with a white margin, as 3 channels."""
    H, W = channel.shape
    crop = channel[max(0, p.y0 - 1):min(H, p.y1 + 1), max(0, p.x0 - 1):min(W, p.x1 + 1)]
    crop = cv2.copyMakeBorder(crop, PAD, PAD, PAD, PAD, cv2.BORDER_CONSTANT, value=255)
    return cv2.cvtColor(crop, cv2.COLOR_GRAY2RGB)


_FULL = {":": "：", "(": "（", ")": "）", ";": "；", ",": "，"}


def _cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or ch >= "\U00020000"


CJK_INK, LATIN_INK = 0.94, 0.72
UNREAD_CONF = 0.2       # confidence given to a piece with ink its text does not account for


def unread_ink(ink: np.ndarray, p: Piece, centres_px: list[float]) -> bool:
    """Whether part of piece ``p``'s ink holds no character read (a glyph the font lacked,
    printed as a box; a stroke the recogniser skipped).  Printed characters stand apart by a
    few pixels; a run of touching inked columns at least 0.7 line-heights wide must hold about
    one character centre per line-height (a Chinese character is about as wide as high)."""
    h = p.y1 - p.y0
    groups: list[list[int]] = []
    for a, b in _segments(ink[p.y0:p.y1, p.x0:p.x1].sum(axis=0)):
        if groups and a - groups[-1][1] <= 1:
            groups[-1][1] = b
        else:
            groups.append([a, b])
    for a, b in groups:
        if b - a < 0.7 * h:
            continue
        n = sum(1 for c in centres_px if p.x0 + a - 1 <= c <= p.x0 + b + 1)
        if n < max(1, round((b - a) / h - 0.25)):
            return True
    return False


def glyphs_of(p: Piece, text: str, chars, scale: float, page: int, score: float | None = None,
              ink: np.ndarray | None = None) -> list[G]:
    """The characters read in piece ``p`` as glyphs in points: centres from the recogniser's
    columns, edges halfway between neighbours, top and bottom the piece's ink.  With ``ink``,
    a piece whose ink is not all read gets at most UNREAD_CONF (NaN confidences: ``score``)."""
    if not chars:
        return []
    x0 = p.x0 - 1 - PAD               # the recogniser saw the crop with its margin
    width = (p.x1 - p.x0) + 2 + 2 * PAD
    centres = [x0 + f * width for _, f, _ in chars]
    top, bottom = p.y0 * scale, p.y1 * scale
    # the font size, as a PDF gives it: the ink of a Chinese character is ~0.94 em high,
    # digits and capitals ~0.72 em (measured on the form font)
    size = (bottom - top) / (CJK_INK if any(_cjk(c[0]) for c in chars) else LATIN_INK)
    if ink is not None and unread_ink(ink, p, centres):
        cap = UNREAD_CONF                  # the reader lists such a value for checking (请核对)
    else:
        cap = 1.0
    out = []
    for k, (ch, _, conf) in enumerate(chars):
        if ch in _FULL and (out and _cjk(out[-1].text) or k + 1 < len(chars) and _cjk(chars[k + 1][0])):
            ch = _FULL[ch]   # the forms print full-width punctuation in Chinese text
        left = p.x0 if k == 0 else (centres[k - 1] + centres[k]) / 2
        right = p.x1 if k == len(chars) - 1 else (centres[k] + centres[k + 1]) / 2
        if right <= left:
            left, right = centres[k] - 0.5, centres[k] + 0.5
        out.append(G(ch, left * scale, right * scale, top, bottom, size, page,
                        conf=min(cap, float(conf) if conf == conf else score or 1.0)))
    if any(g.text in "（）" for g in out):       # one kind of bracket in a piece: （2025年度）
        for g in out:
            if g.text in "()":
                g.text = _FULL[g.text]
    return out
