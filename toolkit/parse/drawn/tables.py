"""Repeating tables of a drawn form: rows between the rules, cells between vertical rules,
each cell under the model's column (or choice) header; the header repeated on a new page is
skipped; a 合计 row gives the totals; columns cut off at the sheet's edge are named."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from ...model.fields import Field, Table
from ...model.fields import FieldType as T
from ...problems import WARNING
from ..geometry import Box, G
from .cells import any_mark, bands, cells, ticked_in
from .read import MANUAL
from .text import cell_text, lines, squash

TYPED_TICKS = frozenset({"√", "✓", "✔", "☑", "☒", "是", "■", "●", "×"})     # typed into an option's cell


@dataclass
class Span:
    """Where a table is printed: from ``top`` of page ``first`` to ``bottom`` of page
    ``last``, between ``x0`` and ``x1`` (its header's width) when it shares rules."""
    first: int
    top: float
    last: int
    bottom: float
    x0: float = -1e9
    x1: float = 1e9


def layout_of(t: Table) -> list[tuple[Field, int]]:
    """(column, option or 0) per body cell, left to right (a choice column: a cell per option)."""
    out: list[tuple[Field, int]] = []
    for c in t.columns:
        if c.type is T.IMAGE:
            continue
        if c.id in t.choice_columns:
            out.extend((c, k) for k in range(1, len(c.choices) + 1))
        else:
            out.append((c, 0))
    return out


def read_table(r, t: Table, head: tuple[str, ...], span: Span, g0: G, spaced: bool = False) -> int:
    """Emit the rows of ``t`` through ``r`` (a reader: ``a``, ``pages``, ``pf``, ``st``,
    ``emit``); the number of rows read."""
    layout = layout_of(t)
    ncells = len(layout) + (1 if t.numbered else 0)
    heads = {squash(h) for h in head}
    counter = 0
    last_cells = None
    cut_told = False
    join = _spaced_text if spaced else cell_text
    for pno in range(span.first, span.last + 1):
        head_glyphs: list[G] = []
        page = r.pages.get(pno)
        if page is None:
            continue
        lo = span.top if pno == span.first else -1e9
        hi = span.bottom if pno == span.last else 1e9
        by_cy = sorted(page.glyphs, key=lambda g: g.cy)
        cys = [g.cy for g in by_cy]
        for band in bands(page, lo, hi, span.x0, span.x1):
            cs = cells(page, band, span.x0, span.x1)
            in_band = [g for g in by_cy[bisect_left(cys, band[0]):bisect_right(cys, band[1])]
                       if span.x0 - 1 <= g.cx <= span.x1 + 1]
            texts = [join(in_band, c) for c in cs]
            whole = "".join(g.text for line in lines(in_band) for g in line)
            if sum(1 for x in texts if x and (squash(x) in heads or any(h in squash(x) for h in heads if len(h) > 1)))\
                    >= max(1, len([x for x in texts if x]) // 2) and texts \
                    or sum(1 for h in heads if len(h) > 1 and h in whole) >= 2:
                head_glyphs = in_band                        # the (repeated) header
                continue
            if not any(texts) and not any_mark(page, cs):
                continue
            if t.total_label and texts and texts[0] == t.total_label:
                _total(r, page, band, t, last_cells, layout, join)
                continue
            use = layout
            if len(cs) < ncells and _left_part(cs, head_glyphs, t, layout):
                use = layout[:len(cs) - (1 if t.numbered else 0)]
                if not cut_told:
                    cut_told = True
                    lost = "、".join(dict.fromkeys(t.column_label(c.id) for c, _ in layout[len(use):]))
                    r.pf.problem(f"{r.a.name}：第{pno}页表格右侧的列（{lost}）没有印出"
                                 f"（可能超出纸张被裁掉），这些列未读取", table=t.id, severity=WARNING,
                                 fix="请人工核对，或提交本工具表格填写后直接保存的PDF")
            elif len(cs) != ncells:
                r.pf.problem(f"{r.a.name}：第{pno}页表格有一行的列数（{len(cs)}）与表头不符，"
                             f"该行未读取：{'｜'.join(x for x in texts if x)[:60]}",
                             table=t.id, severity=WARNING, fix="请人工核对该行")
                continue
            last_cells = cs
            if t.numbered:
                num = texts[0]
                cs, texts = cs[1:], texts[1:]
                row = int(num) if num.isdigit() else counter + 1
            else:
                row = counter + 1
            counter = row
            for (c, opt), box, text in zip(use, cs, texts):
                if opt:
                    if ticked_in(page, box) or squash(text) in TYPED_TICKS:
                        r.emit(c, "", pno, table=t, row=row, option=opt, raw=True)
                elif text:
                    r.emit(c, text, pno, table=t, row=row)
    if counter == 0 and _region_has_values(r, g0, span, heads):
        r.pf.problem(f"{r.a.name}：表格的格线没有印出或无法识别，“{t.label}”未读取，{MANUAL}",
                     table=t.id, fix="请提交本工具表格填写后保存的PDF")
    return counter


def _spaced_text(glyphs: list[G], box: Box) -> str:
    from .text import inside, wrapped
    return wrapped(inside(glyphs, box), box, multiline=False)


def _region_has_values(r, g0: G, span: Span, heads: set[str]) -> bool:
    """Whether text other than the header is printed where the table should be."""
    words = "".join(heads) + "0123456789"
    for g in r.st.glyphs:
        if g0.page <= g.page <= span.last and not (g.page == g0.page and g.top < g0.top) \
                and not (g.page == span.last and g.top >= span.bottom) and g.text not in words \
                and span.x0 - 1 <= g.cx <= span.x1 + 1:
            return True
    return False


def _left_part(cs: list[Box], head: list[G], t: Table, layout) -> bool:
    """Whether ``cs`` are the table's leftmost columns (the rest cut off), checked
    against the header printed above each cell."""
    if not head:
        return False
    want = ([t.number_label] if t.numbered else []) + \
        [c.choices[opt - 1] if opt else c.label for c, opt in layout]
    for box, label in zip(cs, want):
        got = cell_text(head, Box(box.x0, -1e9, box.x1, 1e9))
        if re.sub(r"\s+", "", label) not in re.sub(r"\s+", "", got):
            return False
    return True


def _total(r, page, band, t: Table, last_cells, layout, join) -> None:
    if last_cells is None:
        return
    body = last_cells[1:] if t.numbered else last_cells
    by_col = {c.id: box for (c, _), box in zip(layout, body)}
    totals = [f for f in r.a.fields() if f.id.startswith("total_")]
    row_fields = dict(zip(t.total_columns, totals))
    for cid, f in row_fields.items():
        box = by_col.get(cid)
        if box is None:
            continue
        text = join(page.glyphs, Box(box.x0, band[0], box.x1, band[1]))
        if text:
            r.emit(f, text, page.number)
