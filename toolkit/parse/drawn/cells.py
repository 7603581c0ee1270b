"""Structure from the rules a page draws: the ruled cell around a point, table rows (bands
between rules running the table's width) and their cells, drawn boxes, ticks in a box."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import pairwise

from ..geometry import Box, G, PageGeo


def ticked_in(page: PageGeo, box: Box) -> bool:
    pad = 0.5
    for m in page.marks:
        if m.x0 >= box.x0 - pad and m.x1 <= box.x1 + pad and m.top >= box.top - pad and m.bottom <= box.bottom + pad:
            return True
    for g in page.ticks:
        if box.x0 <= g.cx <= box.x1 and box.top <= g.cy <= box.bottom:
            return True
    return False


def any_mark(page: PageGeo, cells: list[Box]) -> bool:
    return any(ticked_in(page, c) for c in cells)


def box_below(page: PageGeo, x0: float, bottom: float) -> Box | None:
    """The inner rectangle of a drawn box that starts just below a label."""
    cands = [r for r in page.rects if abs(r.x0 - x0) < 6 and -2 < r.top - bottom < 18 and r.w > 30 and r.h > 8]
    if not cands:
        return None
    outer_top = min(r.top for r in cands)
    near = [r for r in cands if r.top - outer_top < 3]
    return min(near, key=lambda r: r.w * r.h)


def bands(page: PageGeo, lo: float, hi: float, x0: float = -1e9, x1: float = 1e9) -> list[tuple[float, float]]:
    """Rows of a table: between horizontal rules that run (nearly) the table's full width;
    ``x0``-``x1``: the table's columns, when it shares its rules with cells beside it."""
    rules = sorted((t, max(a, x0), min(b, x1)) for t, a, b in page.hrules
                   if lo - 2 <= t <= hi + 2 and min(b, x1) - max(a, x0) > 1)
    clusters: list[list[tuple[float, float, float]]] = []
    for r in rules:
        if clusters and r[0] - clusters[-1][-1][0] < 1.2:
            clusters[-1].append(r)
        else:
            clusters.append([r])
    covered = []
    for c in clusters:
        spans = sorted((a, b) for _, a, b in c)
        total, cur_a, cur_b = 0.0, None, None
        for a, b in spans:
            if cur_b is None or a > cur_b + 0.5:
                if cur_b is not None:
                    total += cur_b - cur_a
                cur_a, cur_b = a, b
            else:
                cur_b = max(cur_b, b)
        if cur_b is not None:
            total += cur_b - cur_a
        covered.append((sum(t for t, _, _ in c) / len(c), total))
    if not covered:
        return []
    widest = max(w for _, w in covered)
    ys = [t for t, w in covered if w >= 0.7 * widest]
    return [(a, b) for a, b in pairwise(ys) if b - a > 4]


def cells(page: PageGeo, band: tuple[float, float], x0: float = -1e9, x1: float = 1e9) -> list[Box]:
    top, bottom = band
    h = bottom - top
    xs = sorted(x for x, a, b in page.vrules if a <= top + 0.2 * h and b >= bottom - 0.2 * h
                and x0 - 1.5 <= x <= x1 + 1.5)
    merged: list[float] = []
    for x in xs:
        if merged and x - merged[-1] < 1.5:
            continue
        merged.append(x)
    return [Box(a, top, b, bottom) for a, b in pairwise(merged) if b - a > 2]


class Grid:
    """The ruled cells of one page: the cell around a point is bounded by the nearest
    vertical rules either side that cross the point's height and the nearest horizontal
    rules above and below that cross the cell's middle."""

    def __init__(self, page: PageGeo):
        self.page = page
        self.v = sorted(page.vrules)
        self.vx = [x for x, _, _ in self.v]
        self.h = sorted(page.hrules)
        self.ht = [t for t, _, _ in self.h]

    def cell_at(self, x: float, y: float) -> Box | None:
        left = right = None
        k = bisect_right(self.vx, x)
        for j in range(k - 1, -1, -1):
            vx, a, b = self.v[j]
            if a - 0.5 <= y <= b + 0.5 and x - vx > 0.3:
                left = vx
                break
        for j in range(k, len(self.v)):
            vx, a, b = self.v[j]
            if a - 0.5 <= y <= b + 0.5 and vx - x > 0.3:
                right = vx
                break
        if left is None or right is None:
            return None
        mid = (left + right) / 2
        top = bottom = None
        k = bisect_left(self.ht, y)
        for j in range(k - 1, -1, -1):
            t, a, b = self.h[j]
            if a - 0.5 <= mid <= b + 0.5 and y - t > 0.3:
                top = t
                break
        for j in range(k, len(self.h)):
            t, a, b = self.h[j]
            if a - 0.5 <= mid <= b + 0.5 and t - y > 0.3:
                bottom = t
                break
        if top is None or bottom is None:
            return None
        return Box(left, top, right, bottom)

    def crossing(self, y: float) -> list[float]:
        """x of the vertical rules crossing height ``y``, sorted."""
        return [x for x, a, b in self.v if a - 0.5 <= y <= b + 0.5]

    def cell_of(self, g: G) -> Box | None:
        return self.cell_at(g.cx, g.cy)

    def right_of(self, box: Box, y: float | None = None) -> Box | None:
        """The cell across the right rule of ``box`` (at height ``y``, default its middle)."""
        return self.cell_at(box.x1 + 1.0, (box.top + box.bottom) / 2 if y is None else y)

    def below(self, box: Box, x: float | None = None) -> Box | None:
        return self.cell_at((box.x0 + box.x1) / 2 if x is None else x, box.bottom + 1.0)
