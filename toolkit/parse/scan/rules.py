"""The printed table rules of a page image, found by morphology: long horizontal and
vertical runs of dark pixels in the binarised page.  Gives the skew (from the long
horizontal rules), the rules in points, and the cells they enclose."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..geometry import Box

H_RUN_IN = 0.30       # a horizontal rule is at least this long (inches): longer than any glyph stroke
V_RUN_IN = 0.12       # a vertical rule piece (one table row) is at least this tall
MIN_CELL_PT = 6.0     # smaller enclosed regions are rule crossings or noise, not cells
INK_DEPTH = 60        # grey levels below the paper that ink is at least
ENDS_PT = 2.5         # a vertical rule meets a horizontal one within this at both ends
LONG_H_IN = 0.75      # a horizontal rule this long is a rule whatever meets it


@dataclass
class Rules:
    """Rules of one page in pixels (of the image they were found on)."""
    h: list[tuple[float, float, float]]      # (y, x0, x1)
    v: list[tuple[float, float, float]]      # (x, y0, y1)
    mask: np.ndarray                         # uint8 255 where a rule is (for cells, erasing)

    def to_points(self, scale: float) -> tuple[list, list]:
        return ([(y * scale, a * scale, b * scale) for y, a, b in self.h],
                [(x * scale, a * scale, b * scale) for x, a, b in self.v])


def binarise(grey: np.ndarray) -> np.ndarray:
    """Ink = 255.  Otsu on a lightly smoothed page (scanner noise, JPEG ringing), but never
    closer to the paper than INK_DEPTH levels: a page without print (or a region of paper
    only) has no ink, not half its noise."""
    g = cv2.GaussianBlur(grey, (3, 3), 0)
    otsu, _ = cv2.threshold(g, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    paper = float(np.median(g[::8, ::8]))
    t = min(otsu, paper - INK_DEPTH)
    _, ink = cv2.threshold(g, t, 255, cv2.THRESH_BINARY_INV)
    return ink


def _runs(ink: np.ndarray, dpi: float, horizontal: bool) -> np.ndarray:
    n = max(9, int(round((H_RUN_IN if horizontal else V_RUN_IN) * dpi)))
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1) if horizontal else (1, n))
    # bridge one-pixel breaks (noise, JPEG) before requiring the long run
    bridge = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 1) if horizontal else (1, 3))
    return cv2.morphologyEx(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, bridge), cv2.MORPH_OPEN, k)


def skew_degrees(ink: np.ndarray, dpi: float) -> float | None:
    """Angle of the page's long horizontal rules (degrees, positive = turned clockwise in the
    image, i.e. the rule's right end is lower), or None without any long rule.  The rule
    pixels of each long component are fitted with a straight line; the fits are weighted by length."""
    # a 0.3" kernel follows a rule turned by a few degrees: over its length it drifts < 1 px/°
    hmask = _runs(ink, dpi, True)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(hmask, connectivity=8)
    angles, weights = [], []
    min_len = 1.5 * dpi
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        if w < min_len or h > 0.1 * w:
            continue
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == i)
        if len(xs) < w:
            continue
        slope = np.polyfit(xs.astype(np.float64), ys.astype(np.float64), 1)[0]
        angles.append(np.degrees(np.arctan(slope)))
        weights.append(w)
    if not angles:
        return None
    a, wt = np.array(angles), np.array(weights, dtype=np.float64)
    med = float(np.median(a))
    keep = np.abs(a - med) < 0.3
    return float(np.average(a[keep], weights=wt[keep]))


def _components(mask: np.ndarray, horizontal: bool, thick: float) -> list[tuple[float, float, float]]:
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if horizontal and h <= thick:
            out.append((y + h / 2, float(x), float(x + w)))
        elif not horizontal and w <= thick:
            out.append((x + w / 2, float(y), float(y + h)))
    return out


def _meets(rules, pos: float, at: float, tol: float) -> bool:
    """A rule of ``rules`` (p, a, b) runs through ``at`` (across) near position ``pos``."""
    return any(abs(p - pos) <= tol and a - tol <= at <= b + tol for p, a, b in rules)


def find_rules(ink: np.ndarray, dpi: float) -> Rules:
    """Horizontal and vertical rules of an upright page.  Text makes short runs too (the
    aligned strokes of a line of characters, a tall stroke), so: a horizontal rule is long
    (an underline, a table's edge) or closed by vertical rules at both ends; a vertical rule
    reaches a horizontal one at both ends (a cell's side), which no character does."""
    thick = max(6, 0.04 * dpi)
    tol = ENDS_PT / 72 * dpi
    hs = _components(_runs(ink, dpi, True), True, thick)
    sure = [r for r in hs if r[2] - r[1] >= LONG_H_IN * dpi]
    v = [r for r in _components(_runs(ink, dpi, False), False, thick)
         if _meets(sure, r[1], r[0], tol) and _meets(sure, r[2], r[0], tol)]
    # a vertical that meets a long rule at one end only and a short rule at the other
    h = sure + [r for r in hs if r not in sure
                and _meets(v, r[1], r[0], tol) and _meets(v, r[2], r[0], tol)]
    mask = np.zeros_like(ink)
    for y, a, b in h:
        cv2.line(mask, (int(a), int(round(y))), (int(b), int(round(y))), 255, 1)
    for x, a, b in v:
        cv2.line(mask, (int(round(x)), int(a)), (int(round(x)), int(b)), 255, 1)
    # the drawn lines are thin; the printed ones are as thick as their runs
    runs = cv2.bitwise_or(_runs(ink, dpi, True), _runs(ink, dpi, False))
    mask = cv2.bitwise_or(mask, runs & cv2.dilate(mask, np.ones((7, 7), np.uint8)))
    return Rules(sorted(h), sorted(v), mask)


def cells(rules: Rules, dpi: float) -> list[tuple[int, int, int, int]]:
    """Regions the rules enclose, as pixel boxes (x0, y0, x1, y1) of their inside: the connected
    components of the page without its rules that do not reach the page's edge."""
    closed = cv2.dilate(rules.mask, np.ones((5, 5), np.uint8))
    free = cv2.bitwise_not(closed)
    n, _, stats, _ = cv2.connectedComponentsWithStats(free, connectivity=4)
    H, W = free.shape
    lo = MIN_CELL_PT / 72 * dpi
    out = []
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        if x == 0 or y == 0 or x + w >= W or y + h >= H:
            continue
        if w < lo or h < lo or w * h > 0.5 * W * H or area < 0.6 * w * h:
            continue
        out.append((int(x), int(y), int(x + w), int(y + h)))
    out.sort(key=lambda b: (b[1], b[0]))
    return out


def cell_boxes(pixel_cells, scale: float) -> list[Box]:
    return [Box(x0 * scale, y0 * scale, x1 * scale, y1 * scale) for x0, y0, x1, y1 in pixel_cells]
