"""One annex (3, 4, 5 or 6) as a worksheet laid out like the regulation's form.

From the top: 附件N, the title, the lines of labelled values before the table
(申报单位（盖章）：…, for annex 6 the year, bureau and 填报人 lines), the table's one
or two header rows, numbered rows (序号 filled), the 合计 row (annex 4), the lines
after the table (填表人：…) and the annex's notes.  A labelled value is a label cell
("填表人：", with its unit: "总体满意率（%）：") followed by its value cell.
"""
from __future__ import annotations

import math

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font
from openpyxl.utils import get_column_letter

from ..export import FORMULA_START, _writable
from ..model import Annex, Field, FieldType, Row, Table, Text
from ..model.naming import PROP_ANNEX, PROP_VERSION, TEMPLATE_VERSION
from .layout import (BOX, CENTER, SONG, THIN, TEXT_TYPES, column_width, number_format,
                     validation, write_table_header)

LABEL_SEP = "："
SPARE_ROWS = {"annex3": 30, "annex4": 30, "annex5": 100, "annex6": 30}   # blank rows at least
UNDERLINE = Border(bottom=THIN)
BODY = Font(name=SONG, size=10)


def table_of(a: Annex) -> Table:
    return next(a.tables())


def field_label(f: Field) -> str:
    """How a labelled value's label cell reads: 总体满意率（%）："""
    unit = f"（{f.unit}）" if f.unit and f.unit not in f.label else ""
    return f"{f.label}{unit}{LABEL_SEP}"


def lines(a: Annex, before: bool) -> list[list]:
    """The labelled-value lines before (``before``) or after the table: each a list of
    Field and Text, a Row's fields on one line, a Text on the line of the value before it."""
    out: list[list] = []
    seen_table = False
    for sec in a.all_sections():
        for item in sec.items:
            if isinstance(item, Table):
                seen_table = True
                continue
            if seen_table == before:
                continue
            if isinstance(item, Row):
                fields = [f for f in item.fields if f.printed or _own_line(a, f)]
                if fields:
                    out.append(fields)
            elif isinstance(item, Field):
                if item.printed or _own_line(a, item):
                    out.append([item])
            elif isinstance(item, Text):
                if out:
                    out[-1].append(item)
                else:
                    out.append([item])
    return out


def _own_line(a: Annex, f: Field) -> bool:
    """An unprinted value that is still the form's to fill (annex 5's unit, annex 6's year),
    not a derived one (annex 4's totals, which the 合计 row holds)."""
    t = table_of(a)
    return not (t.total_label and f.id.startswith("total_"))


def sheet_columns(t: Table) -> list[Field | None]:
    """The sheet's columns: None for 序号, then the table's columns."""
    return ([None] if t.numbered else []) + list(t.columns)


def _widths(t: Table) -> list[float]:
    return [5.0 if f is None else column_width(t, f) for f in sheet_columns(t)]


def _segments(line: list, widths: list[float]) -> list[tuple]:
    """(item, label columns, value columns) over the line's columns (1-based, inclusive):
    each label and text as wide as its words, the values sharing what is left."""
    ncols = len(widths)
    parts, col = [], 1                  # [item, label cols, value cols], measured from the left
    for item in line:
        if isinstance(item, Field):
            n = _cols_for(widths, col, 2.1 * len(field_label(item)) + 1)
            parts.append([item, n, 1])
            col += n + 1
        else:
            n = _cols_for(widths, col, 2.1 * len(item.text) + 1)
            parts.append([item, 0, n])
            col += n
    values = [p for p in parts if isinstance(p[0], Field)] or parts[-1:]
    while sum(p[1] + p[2] for p in parts) > ncols:        # too narrow: shrink the widest part
        p = max(parts, key=lambda q: max(q[1], q[2]))
        if p[1] > 1 and p[1] >= p[2]:
            p[1] -= 1
        elif p[2] > 1:
            p[2] -= 1
        else:
            break
    spare = ncols - sum(p[1] + p[2] for p in parts)
    for i in range(max(0, spare)):
        values[i % len(values)][2] += 1
    out, col = [], 1
    for item, nl, nv in parts:
        label = (col, col + nl - 1) if nl else None
        col += nl
        value = (col, min(ncols, col + nv - 1))
        col += nv
        out.append((item, label, value))
    return out


def _cols_for(widths: list[float], col: int, need: float) -> int:
    """How many columns from ``col`` (1-based) a text of width ``need`` takes (at least one)."""
    n, got = 0, 0.0
    while col + n <= len(widths) and (n == 0 or got < need):
        got += widths[col + n - 1]
        n += 1
    return max(1, n)


def _lines(row: dict, cols, widths) -> int:
    """Lines the row's longest wrapped text takes (LibreOffice does not grow a row itself)."""
    n = 1
    for f, w in zip(cols, widths):
        v = row.get(f.id) if f is not None else None
        if isinstance(v, str):
            n = max(n, sum(math.ceil(max(1, 2.0 * len(part)) / max(1.0, w - 1)) for part in v.split("\n")))
    return min(n, 15)


def _merge(ws, r, span):
    if span[1] > span[0]:
        ws.merge_cells(start_row=r, start_column=span[0], end_row=r, end_column=span[1])


def _put(cell, f: Field, value) -> None:
    """A value into its cell: text stays text (a formula-like text too), numbers numbers."""
    if value is None:
        return
    if f.type is FieldType.CHECK:
        value = "是" if value else "否"
    if f.type in TEXT_TYPES or isinstance(value, str):
        value = _writable(str(value))
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    else:
        cell.value = value


def _write_lines(ws, r: int, line_list, widths, values: dict) -> int:
    for line in line_list:
        for item, label, value in _segments(line, widths):
            if isinstance(item, Text):
                _merge(ws, r, value)
                cell = ws.cell(r, value[0], item.text)
                cell.alignment = Alignment(horizontal="right", vertical="center")
                cell.font = BODY
                continue
            _merge(ws, r, label)
            cell = ws.cell(r, label[0], field_label(item))
            cell.alignment = Alignment(horizontal="right", vertical="center", shrink_to_fit=True)
            cell.font = BODY
            _merge(ws, r, value)
            for c in range(value[0], value[1] + 1):
                ws.cell(r, c).border = UNDERLINE
            cell = ws.cell(r, value[0])
            cell.number_format = number_format(item)
            cell.font = BODY
            cell.alignment = Alignment(horizontal="left", vertical="center")
            _put(cell, item, values.get(item.id))
            dv = validation(item)
            if dv is not None:
                dv.add(cell.coordinate)
                ws.add_data_validation(dv)
        ws.row_dimensions[r].height = 22
        r += 1
    return r


def build_sheet(ws, a: Annex, data: dict | None = None) -> None:
    """Annex ``a`` onto the empty sheet ``ws``, pre-filled from ``data`` (the annex's dict)."""
    values = data or {}
    t = table_of(a)
    cols = sheet_columns(t)
    widths = _widths(t)
    ncols = len(cols)
    last = get_column_letter(ncols)
    ws.title = a.name
    ws["A1"] = a.name
    ws["A1"].font = Font(name="黑体", size=12)
    ws.merge_cells(f"A2:{last}2")
    ws["A2"] = a.title
    ws["A2"].font = Font(name="方正小标宋简体", size=18, bold=True)
    ws["A2"].alignment = CENTER
    ws.row_dimensions[2].height = 34
    r = _write_lines(ws, 3, lines(a, before=True), widths, values)

    head = r
    nhead = write_table_header(ws, t, head)
    ws.row_dimensions[head].height = 24 if nhead > 1 else 30
    if nhead > 1:
        ws.row_dimensions[head + 1].height = 42
    first = head + nhead
    rows = list(values.get(t.id) or [])
    count = max(t.blank_rows, SPARE_ROWS.get(a.id, 0), len(rows))
    for i in range(count):
        r = first + i
        row = rows[i] if i < len(rows) else {}
        for c, f in enumerate(cols, 1):
            cell = ws.cell(r, c)
            cell.border, cell.font = BOX, BODY
            if f is None:
                cell.value = i + 1
                cell.alignment = CENTER
                continue
            cell.number_format = number_format(f)
            cell.alignment = Alignment(vertical="center", wrap_text=f.type in TEXT_TYPES)
            _put(cell, f, row.get(f.id))
        if row:
            ws.row_dimensions[r].height = 14.5 * _lines(row, cols, widths)
    end = first + count - 1
    for c, f in enumerate(cols, 1):
        dv = validation(f) if f is not None else None
        if dv is not None:
            letter = get_column_letter(c)
            dv.add(f"{letter}{first}:{letter}{end}")
            ws.add_data_validation(dv)
    r = end + 1
    if t.total_label:
        r = _total_row(ws, a, t, r, first, end, values) + 1
    r = _write_lines(ws, r, lines(a, before=False), widths, values)
    for text in a.texts:
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
        cell = ws.cell(r, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = BODY
        ws.row_dimensions[r].height = 15 * max(1, math.ceil(2.1 * len(text) / sum(widths)) + 1)
        r += 1

    for c, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = ws.cell(first, 2 if t.numbered else 1)
    _print_setup(ws, a, head, first - 1)


def _total_row(ws, a: Annex, t: Table, r: int, first: int, end: int, values: dict) -> int:
    """合计 under the rows: the declared totals, else SUM formulas over the rows."""
    cols = sheet_columns(t)
    for c in range(1, len(cols) + 1):
        ws.cell(r, c).border, ws.cell(r, c).font = BOX, Font(name=SONG, size=10, bold=True)
    span = 2 if t.numbered else 1
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=span)
    ws.cell(r, 1, t.total_label).alignment = CENTER
    totals = {c.id.removeprefix("total_"): c for c in a.fields() if c.id.startswith("total_")}
    for c, f in enumerate(cols, 1):
        if f is None or f.id not in t.total_columns:
            continue
        cell = ws.cell(r, c)
        cell.number_format = number_format(f)
        total = totals.get(f.id)
        declared = values.get(total.id) if total is not None else None
        if declared is not None:
            cell.value = declared
        else:
            letter = get_column_letter(c)
            cell.value = f"=SUM({letter}{first}:{letter}{end})"
    return r


def _print_setup(ws, a: Annex, head: int, last_head: int) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if a.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0           # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{head}:{last_head}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def workbook(a: Annex, data: dict | None = None) -> Workbook:
    wb = Workbook()
    build_sheet(wb.active, a, data)
    wb.custom_doc_props.append(StringProperty(name=PROP_ANNEX, value=a.id))
    wb.custom_doc_props.append(StringProperty(name=PROP_VERSION, value=TEMPLATE_VERSION))
    wb.properties.title = a.title
    wb.properties.creator = "qhsme"
    return wb
