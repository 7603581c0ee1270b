"""Fields of a DOCX annex found by their printed label (value right of it or below it),
tick boxes after their choice's words, and dates or years printed as a blank."""
from __future__ import annotations

import re

from ..model import Annex, Field, FieldType as T
from ..model.naming import field_name
from ..regulation import squash
from .docx_grid import Cell, Grid, ticked as _ticked


def read_fields(block: Annex, grid: Grid, found: dict) -> None:
    cells = [c for row in grid.rows for c in row if not c.continued]
    blanks = []
    for f in block.fields():
        if field_name(block.id, f.id) in found:
            continue
        if f.type is T.CHOICE and not f.choice_list:
            _read_ticks(block, f, cells, grid, found)
            continue
        if not f.printed and f.blank:
            blanks.append(f)
            continue
        label = squash(f.label)
        cell = next((c for c in cells if not c.used and squash(c.text) == label), None)
        if cell is None:
            continue
        cell.used = True
        value = grid.next_cell(cell)
        if value is None or (f.unit and squash(value.text) == squash(f.unit)) or _is_label(block, value):
            value = grid.below(cell)
        if value is None or value.used:
            continue
        value.used = True
        text = strip_blank(f, value.text)
        if text:
            found[field_name(block.id, f.id)] = (text, f"表格第{value.row + 1}行 {f.label}")
    for f in blanks:
        pattern = squash(f.blank)
        for c in cells:
            if c.used:
                continue
            if re.sub(r"[\d\s]", "", squash(c.text)) == pattern:
                c.used = True
                text = strip_blank(f, c.text)
                if text:
                    found[field_name(block.id, f.id)] = (text, f"表格第{c.row + 1}行 {f.label}")
                break


def _read_ticks(block, f: Field, cells, grid: Grid, found) -> None:
    for i, choice in enumerate(f.choices, 1):
        word = next((c for c in cells if not c.used and squash(c.text) == squash(choice)), None)
        if word is None:
            continue
        box = grid.next_cell(word)
        word.used = True
        if box is None:
            continue
        box.used = True
        if _ticked(box.text):
            found[field_name(block.id, f.id, option=i)] = (True, f"表格第{box.row + 1}行 {f.label}：{choice}")


def _is_label(block: Annex, cell: Cell) -> bool:
    s = squash(cell.text)
    return bool(s) and any(s == squash(f.label) for f in block.fields() if f.printed)


def strip_blank(f: Field, text: str) -> str:
    """A cell that shows only the form's blank (年 月 日, （ 年度））holds no value."""
    s = text.strip()
    if f.blank:
        rest = re.sub(r"[\s\d]", "", s)
        if rest == squash(f.blank) and not re.search(r"\d", s):
            return ""
        if f.type is T.YEAR:
            m = re.search(r"\d{4}", s)
            return m.group(0) if m else ""
    return s

