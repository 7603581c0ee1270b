"""附件6 as an Excel sheet laid out like the form, and read back.

Both header rows with merged cells come from the annex model (group headers
over their columns, ungrouped columns merged down), units in the header line,
numbers stored as numbers, phone numbers as text, a 合计 row under the
platforms and the form's note at the bottom.
"""
from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from ..datafile import write_atomic
from ..errors import InputError
from ..model import FieldType, Text
from ..normalize import BadValue, normalize
from ..xlsxform.layout import write_table_header
from .summary import ANNEX6, TABLE, Summary

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
SONG = "宋体"
NCOLS = len(TABLE.columns) + 1          # 序号 + the columns
HEADER_ROW = 6                          # first of the two header rows


def _units_text() -> str:
    return next(item.text for s in ANNEX6.sections for item in s.items if isinstance(item, Text))


def workbook(summary: Summary) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "附件6"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    last = get_column_letter(NCOLS)
    h = summary.header
    f = {fld.id: fld for fld in ANNEX6.fields()}

    ws["A1"] = ANNEX6.name
    ws["A1"].font = Font(name="黑体", size=12)
    ws.merge_cells(f"A2:{last}2")
    ws["A2"] = ANNEX6.title
    ws["A2"].font = Font(name="方正小标宋简体", size=18, bold=True)
    ws["A2"].alignment = CENTER
    ws.merge_cells(f"A3:{last}3")
    ws["A3"] = f"（{summary.year}年度）"
    ws["A3"].alignment = CENTER
    half = NCOLS // 2
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=half)
    ws.cell(4, 1, f"{f['bureau'].label}：{h.get('bureau') or ''}")
    ws.merge_cells(start_row=4, start_column=half + 1, end_row=4, end_column=NCOLS)
    ws.cell(4, half + 1, _units_text()).alignment = Alignment(horizontal="right")
    ws.merge_cells(f"A5:{last}5")
    ws["A5"] = "    ".join(f"{f[k].label}：{h.get(k) or ''}" for k in ("filler", "filler_phone", "fill_date"))

    # two header rows, drawn as the annex 6 form's (toolkit.xlsxform)
    r1, r2 = HEADER_ROW, HEADER_ROW + 1
    write_table_header(ws, TABLE, r1)

    # data rows and the total
    r = r2 + 1
    for i, row in enumerate(summary.rows, 1):
        _write_row(ws, r, i, row)
        r += 1
    _write_row(ws, r, "合计", summary.totals, total=True)
    r += 1
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=NCOLS)
    ws.cell(r, 1, ANNEX6.texts[0]).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[r].height = 30

    ws.column_dimensions["A"].width = 5
    for i, c in enumerate(TABLE.columns, 2):
        ws.column_dimensions[get_column_letter(i)].width = {"platform_name": 24, "phone": 14}.get(c.id, 9)
    ws.row_dimensions[r1].height = 24
    ws.row_dimensions[r2].height = 42
    ws.freeze_panes = ws.cell(r2 + 1, 3)
    ws.print_title_rows = f"{r1}:{r2}"
    return wb


def _write_row(ws, r, first, row, total=False):
    ws.cell(r, 1, first)
    for i, c in enumerate(TABLE.columns, 2):
        v = row.get(c.id)
        cell = ws.cell(r, i, v)
        if c.type in (FieldType.PHONE, FieldType.TEXT):
            cell.number_format = "@"
        elif c.type is FieldType.PERCENT or c.type is FieldType.AMOUNT:
            cell.number_format = "0.0#"
    for cc in range(1, NCOLS + 1):
        cell = ws.cell(r, cc)
        cell.border = BOX
        cell.font = Font(name=SONG, size=9, bold=total)
        cell.alignment = Alignment(vertical="center", wrap_text=True,
                                   horizontal="center" if cc == 1 or total and cc == 2 else None)


def write(summary: Summary, path) -> None:
    buf = io.BytesIO()
    workbook(summary).save(buf)
    write_atomic(path, buf.getvalue())


def read_rows(path) -> list[dict]:
    """The platform rows of an annex 6 workbook (ours, or one laid out like it)."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:
        raise InputError(f"无法读取Excel文件（{type(e).__name__}）；请确认是.xlsx格式", file=str(path))
    ws = wb.worksheets[0]
    cells = list(ws.iter_rows(values_only=True))
    wb.close()
    names = [c.label for c in TABLE.columns]
    for idx, row in enumerate(cells):
        if row and str(row[0] or "").strip() == TABLE.number_label and \
                str(row[1] or "").strip() == names[0]:
            start = idx + 2
            break
    else:
        raise InputError(f"找不到附件6的表头（{TABLE.number_label}、{names[0]}）；请提交按附件6格式的汇总表",
                         file=str(path))
    rows = []
    for row in cells[start:]:
        if not row or row[0] is None and row[1] is None:
            continue
        if str(row[0]).strip() == "合计" or len(str(row[0] or "")) > 10:
            break
        out = {}
        for c, v in zip(TABLE.columns, row[1:]):
            if v is None or v == "":
                continue
            try:
                out[c.id] = normalize(c, v)
            except BadValue:
                out[c.id] = v
        if out:                 # a numbered row left empty (the annex 6 form's spare rows) is none
            rows.append(out)
    return rows


