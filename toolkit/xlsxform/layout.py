"""Cell layout shared by every annex workbook: styles, the two header rows of a table,
column widths, number formats and drop-down lists, all read from the annex model.

The bureau's annex 6 summary (``toolkit.bureau.annex6_xlsx``) draws its header with
``write_table_header`` too, so a returned annex 6 and a bureau's summary read alike.
"""
from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.datavalidation import DataValidation

from ..model import Field, FieldType, Table

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
SONG = "宋体"
HEADER_FONT = Font(name=SONG, size=9, bold=True)

AMOUNT_FORMAT = "0.00"               # 万元, two decimals
PERCENT_FORMAT = '0.0"%"'            # a typed 85 is 85 %: the sign is printed, never a ×100
NUMBER_FORMAT = "0.0#"
INTEGER_FORMAT = "0"
TEXT_FORMAT = "@"                    # phones, postcodes, ids and words stay text
TEXT_TYPES = {FieldType.TEXT, FieldType.MULTILINE, FieldType.PHONE, FieldType.POSTCODE,
              FieldType.EMAIL, FieldType.URL, FieldType.DATE, FieldType.CHOICE, FieldType.IMAGE}


def number_format(f: Field) -> str:
    """The cell format of a value of field ``f``."""
    if f.type is FieldType.AMOUNT:
        return AMOUNT_FORMAT
    if f.type is FieldType.PERCENT:
        return PERCENT_FORMAT
    if f.type is FieldType.NUMBER:
        return NUMBER_FORMAT
    if f.type in (FieldType.INTEGER, FieldType.YEAR):
        return INTEGER_FORMAT
    return TEXT_FORMAT


def header_rows(table: Table) -> int:
    """2 when a group header stands over its columns, else 1."""
    return 2 if table.groups else 1


def _merged_down(table: Table, c: Field) -> bool:
    """A column printed under no group, or alone under a group of its own name (企业满意度)."""
    g = table.group_of(c.id)
    return g is None or (len(g.columns) == 1 and g.label == c.label)


def write_table_header(ws, table: Table, row: int, col: int = 1) -> int:
    """The table's header from ``row``: 序号 (when numbered), ungrouped columns merged down
    both rows, group labels merged across their columns over the columns' labels.  Returns
    the number of header rows written."""
    rows = header_rows(table)
    r1, r2 = row, row + rows - 1
    c = col
    if table.numbered:
        if rows > 1:
            ws.merge_cells(start_row=r1, start_column=c, end_row=r2, end_column=c)
        ws.cell(r1, c, table.number_label)
        c += 1
    done = set()
    for f in table.columns:
        g = table.group_of(f.id)
        if _merged_down(table, f):
            if rows > 1:
                ws.merge_cells(start_row=r1, start_column=c, end_row=r2, end_column=c)
            ws.cell(r1, c, g.label if g else f.label)
        else:
            if g.label not in done:
                span = len(g.columns)
                if span > 1:
                    ws.merge_cells(start_row=r1, start_column=c, end_row=r1, end_column=c + span - 1)
                ws.cell(r1, c, g.label)
                done.add(g.label)
            ws.cell(r2, c, f.label)
        c += 1
    for r in range(r1, r2 + 1):
        for cc in range(col, c):
            cell = ws.cell(r, cc)
            cell.alignment, cell.border, cell.font = CENTER, BOX, HEADER_FONT
    return rows


def column_width(table: Table, f: Field) -> float:
    """Wide enough for Chinese: about two width units a character, long labels wrapped."""
    if f is table.columns[0]:
        return 28
    base = {FieldType.PHONE: 15, FieldType.DATE: 12, FieldType.CHOICE: 11, FieldType.TEXT: 16,
            FieldType.MULTILINE: 24}.get(f.type, 10)
    return max(base, min(2.1 * len(f.label) + 1, 18))


def validation(f: Field) -> DataValidation | None:
    """A drop-down list for a choice (only its choices) or for suggestions (others allowed,
    with a warning)."""
    items = f.choices or f.suggestions
    if not items:
        return None
    strict = f.type is FieldType.CHOICE
    dv = DataValidation(type="list", formula1='"' + ",".join(items) + '"', allow_blank=True,
                        showDropDown=False, showErrorMessage=True,
                        errorStyle="stop" if strict else "warning",
                        errorTitle=f.label, promptTitle=f.label,
                        error=("请从下拉列表中选择：" if strict else "不在常用选项中，仍可填写：") + "、".join(items),
                        prompt="请从下拉列表中选择" if strict else "可从下拉列表中选择，也可直接填写")
    dv.showInputMessage = True
    return dv
