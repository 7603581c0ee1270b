"""Fields of a DOCX annex found by their printed label (value right of it or below it),
tick boxes after their choice's words, and dates or years printed as a blank.

What people type elsewhere is read too: a value typed after the label inside the label cell
(used when the value cell is empty, reported when it is not), a date or year typed over or
before its blank (the blank's words are dropped), a blank whose words were typed over is found
by its place on the form."""
from __future__ import annotations

import re

from ..model import Annex, Field, FieldType as T
from ..model.naming import field_name
from ..problems import WARNING
from ..regulation import squash
from .docx_grid import Cell, Grid, ticked as _ticked
from .docx_template import find_slot, printed_words


def read_fields(block: Annex, grid: Grid, found: dict, report) -> None:
    """``report(message, fix=..., severity=..., field=..., label=..., source=...)``: a problem."""
    _split_merged_labels(block, grid, report)
    cells = [c for row in grid.rows for c in row if not c.continued]
    blanks, missing = [], []
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
            missing.append(f)
            continue
        cell.used = True
        _read_value(block, f, grid, cell, found, report)
    _read_in_label_cells(block, missing, cells, grid, found, report)
    for f in blanks:
        _read_blank(block, f, cells, grid, found)


def _split_merged_labels(block: Annex, grid: Grid, report) -> None:
    """A cell merged across a label and a value (联系人 | 马兰 → "联系人\n马兰", or 马兰 | 联系电话 →
    "马兰\n联系电话"; Word keeps each cell's text as a paragraph) read as the cells it was."""
    words = {squash(w) for f in block.fields() if f.printed for w in (f.label, f.unit) if w}
    printed = printed_words(block.id)
    for row in grid.rows:
        for i, c in reversed(list(enumerate(row))):
            lines = c.lines()
            if c.used or c.continued or len(lines) < 2 or squash(c.text) in printed or \
                    not any(squash(x) in words for x in lines):
                continue
            parts, current = [], []
            for x in lines:
                if squash(x) in words:
                    if current:
                        parts.append("\n".join(current))
                    parts.append(x)
                    current = []
                else:
                    current.append(x)
            if current:
                parts.append("\n".join(current))
            row[i:i + 1] = [Cell(c.row, c.col + min(k, c.span - 1), 1, x, False, list(c.tags) if not k else [])
                            for k, x in enumerate(parts)]
            report(f"单元格合并了{'、'.join(f'“{x[:20]}”' for x in parts)}，已按合并前的各单元格读取",
                   fix="请核对；建议拆分单元格", severity=WARNING, source=grid.where(c))


def _value_cell(block: Annex, f: Field, grid: Grid, label: Cell) -> Cell | None:
    value = grid.next_cell(label)
    if value is None or (f.unit and squash(value.text) == squash(f.unit)) or _is_label(block, value):
        value = grid.below(label)
    return None if value is None or value.used else value


def _read_value(block: Annex, f: Field, grid: Grid, label: Cell, found: dict, report) -> None:
    value = _value_cell(block, f, grid, label)
    if value is None:
        return
    value.used = True
    text = value.text
    if value.continued and value.origin is not None and value.origin.text.strip():
        text = value.origin.text      # merged with the cell above: the one value is both fields'
        report(f"“{f.label}”的单元格与上方单元格合并，已按合并单元格的值“{text.strip()[:30]}”读取",
               fix="如两项不同，请拆分单元格分别填写", severity=WARNING, field=f.id, label=f.label,
               source=f"{grid.where(value)} {f.label}")
    text = strip_blank(f, text)
    if text:
        found[field_name(block.id, f.id)] = (text, f"{grid.where(value)} {f.label}")


def _read_in_label_cells(block: Annex, fields: list[Field], cells, grid: Grid, found: dict, report) -> None:
    """A value typed after the label, inside the label's cell ("传真 0971-6100002")."""
    printed = printed_words(block.id)
    for f in sorted(fields, key=lambda f: -len(squash(f.label))):
        label = squash(f.label)
        if not label:
            continue
        for cell in cells:
            s = squash(cell.text)
            if cell.used or s in printed or not s.startswith(label):
                continue
            typed = after_label(cell.text, label)
            if not typed:
                continue
            cell.used = True
            value = _value_cell(block, f, grid, cell)
            if value is not None and (squash(value.text) in printed or _is_label(block, value)):
                value = None
            where = f"{grid.where(cell)} {f.label}"
            if value is not None and strip_blank(f, value.text):
                if squash(typed) == squash(value.text):       # the same value typed twice: nothing lost
                    _read_value(block, f, grid, cell, found, report)
                    break
                report(f"“{f.label}”所在单元格中还写有“{typed[:40]}”，未读取（已读取右侧或下方单元格的值）",
                       fix="请把多余文字删除，或填到对应字段的单元格中", field=f.id, label=f.label,
                       source=where)
                _read_value(block, f, grid, cell, found, report)
                break
            if value is not None:
                value.used = True
            text = strip_blank(f, typed)
            if text:
                found[field_name(block.id, f.id)] = (text, f"{where}（写在标签单元格中）")
            break


def after_label(text: str, label: str) -> str | None:
    """The original text after the squashed ``label`` at the start of ``text``, or None."""
    i = k = 0
    while i < len(text) and k < len(label):
        if not squash(text[i]):
            i += 1
            continue
        if text[i] != label[k]:
            return None
        i += 1
        k += 1
    if k < len(label):
        return None
    return text[i:].strip(" \u3000\t\n：:").strip()


def _read_blank(block: Annex, f: Field, cells, grid: Grid, found: dict) -> None:
    """A date or year without a label: in its place on the form (the blank's words may have
    been typed over), else the first cell showing the blank's words."""
    name = field_name(block.id, f.id)
    cell = find_slot(grid, block.id, name)
    if cell is None:
        pattern = squash(f.blank)
        cell = next((c for c in cells if not c.used and re.sub(r"[\d\s]", "", squash(c.text)) == pattern), None)
    if cell is None:
        return
    cell.used = True
    text = strip_blank(f, cell.text)
    if text:
        found[name] = (text, f"{grid.where(cell)} {f.label}")


def _read_ticks(block, f: Field, cells, grid: Grid, found) -> None:
    printed = printed_words(block.id)
    for i, choice in enumerate(f.choices, 1):
        word = next((c for c in cells if not c.used and squash(c.text) == squash(choice)), None)
        typed = None
        if word is None:      # a tick typed after the choice's words, in their cell: 租用√
            word = next((c for c in cells if not c.used and squash(c.text) not in printed
                         and squash(c.text).startswith(squash(choice))
                         and _ticked(after_label(c.text, squash(choice)) or "")), None)
            typed = word
        if word is None:
            continue
        box = grid.next_cell(word)
        word.used = True
        if box is not None:
            box.used = True
        if typed is not None or box is not None and _ticked(box.text):
            found[field_name(block.id, f.id, option=i)] = (True, f"{grid.where(word)} {f.label}：{choice}")


def _is_label(block: Annex, cell: Cell) -> bool:
    s = squash(cell.text)
    return bool(s) and any(s == squash(f.label) for f in block.fields() if f.printed)


def strip_blank(f: Field, text: str) -> str:
    """A value without the form's blank around it: a cell showing only the blank (年 月 日,
    （ 年度））holds no value; a date typed before or after the blank's words is the date; a year
    is its four digits.  Anything else is returned as typed, for normalizing to judge."""
    s = text.strip()
    if not f.blank:
        return s
    words = squash(f.blank)
    digits = re.search(r"\d", s)
    only_blank = re.sub(r"[\s\d]", "", s) == words
    if only_blank and not digits:
        return ""
    if f.type is T.YEAR:
        m = re.search(r"(?<!\d)(?:19|20)\d\d(?!\d)", s)
        return m.group(0) if m else s
    if only_blank:
        return s
    blank = r"\s*".join(map(re.escape, words))
    for pattern in (rf"(.*?\d.*?)\s*{blank}", rf"{blank}\s*(.*?\d.*?)"):
        m = re.fullmatch(pattern, s)
        if m:
            return m.group(1).strip()
    return s
