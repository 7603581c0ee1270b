"""What the blank form looks like, as a grid: the words it prints (anything else in a cell is
something the applicant typed) and where a value without a label sits (a date or year printed
as a blank, 年 月 日 or （年度）), found again from the nearest printed words around it."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from ..model import BY_ID
from ..regulation import squash
from .docx_grid import Cell, Grid, build_grid


@dataclass(frozen=True)
class Slot:
    """The value cell is ``drow`` rows from the ``occurrence``-th cell printing ``anchor``,
    the ``index``-th cell of its row."""
    anchor: str
    occurrence: int
    drow: int
    index: int


@lru_cache(maxsize=None)
def template_grid(annex_id: str) -> Grid:
    from ..docxform.layout import template_xml
    xml = template_xml(BY_ID[annex_id])
    return build_grid(etree.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml))


def _printed(c: Cell) -> bool:
    return bool(squash(c.text)) and not c.tags and "{{" not in c.text and "{%" not in c.text


@lru_cache(maxsize=None)
def printed_words(annex_id: str) -> frozenset[str]:
    """The squashed text of every cell the blank form prints."""
    g = template_grid(annex_id)
    return frozenset(squash(c.text) for row in g.rows for c in row if _printed(c))


@lru_cache(maxsize=None)
def slots(annex_id: str, tag: str) -> tuple[Slot, ...]:
    """Where the cell of the field tagged ``tag`` is, from the printed words before it and
    after it (in that order of preference)."""
    g = template_grid(annex_id)
    flat = [c for row in g.rows for c in row]
    cell = next((c for c in flat if any(t == tag for t, _ in c.tags)), None)
    if cell is None:
        return ()
    i = flat.index(cell)
    out = []
    for anchor in (next((c for c in reversed(flat[:i]) if _printed(c)), None),
                   next((c for c in flat[i + 1:] if _printed(c)), None)):
        if anchor is None or g.table_of_row[anchor.row] != g.table_of_row[cell.row]:
            continue
        word = squash(anchor.text)
        k = sum(1 for c in flat[:flat.index(anchor)] if _printed(c) and squash(c.text) == word)
        out.append(Slot(word, k, cell.row - anchor.row, g.rows[cell.row].index(cell)))
    return tuple(out)


def find_slot(grid: Grid, annex_id: str, tag: str) -> Cell | None:
    """The returned document's cell where the template has the field tagged ``tag``."""
    flat = [c for row in grid.rows for c in row]
    for s in slots(annex_id, tag):
        anchors = [c for c in flat if squash(c.text) == s.anchor]
        if len(anchors) <= s.occurrence:
            continue
        a = anchors[s.occurrence]
        r = a.row + s.drow
        if not 0 <= r < len(grid.rows) or grid.table_of_row[r] != grid.table_of_row[a.row]:
            continue
        row = grid.rows[r]
        if s.index < len(row) and not row[s.index].used and not row[s.index].continued:
            return row[s.index]
    return None
