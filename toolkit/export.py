"""Application data as a spreadsheet for clerks: one sheet per annex, one per
repeating table (one row per table row, with the application's id), and an
issues sheet.  Ids, phone numbers and postcodes are stored as text so Excel
keeps every digit; numbers stay numbers.

What came from an applicant is never live in the clerk's spreadsheet: every text cell is
stored as text (a value like ``=HYPERLINK(…)`` or a folder named ``=1+2`` is shown, never
computed), the CSV quotes a leading = + - @ tab or CR with ``'`` (OWASP, CSV injection), and
a character XML cannot hold is written as "□", so no output ever fails.
"""
from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from .model import BLOCKS, Field, FieldType
from .normalize import MISSING_CHAR
from .problems import Problem

TEXT_TYPES = {FieldType.PHONE, FieldType.POSTCODE, FieldType.TEXT, FieldType.MULTILINE, FieldType.DATE,
              FieldType.EMAIL, FieldType.URL, FieldType.CHOICE, FieldType.IMAGE}
ISSUE_COLUMNS = ("文件", "附件", "行", "字段", "栏目", "问题", "处理建议", "类别", "位置")
APP_ID = "申报编号"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")      # what a spreadsheet may take for a formula
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")   # not XML 1.0


def _writable(v):
    return _UNWRITABLE.sub(MISSING_CHAR, v) if isinstance(v, str) else v


class _TextWorksheet(Worksheet):
    """A sheet whose appended strings are text cells, never formulas, and XML-safe."""

    def append(self, iterable):
        values = [_writable(v) for v in iterable]
        super().append(values)
        row = self._current_row
        for col, v in enumerate(values, 1):
            if isinstance(v, str):
                cell = self.cell(row, col)
                cell.data_type = "s"
                if v.startswith(FORMULA_START):
                    cell.quotePrefix = True     # stays text when the clerk edits the cell


class _TextWorkbook(Workbook):
    """Every sheet made by ``create_sheet`` (ours and the web page's) is a ``_TextWorksheet``."""

    def create_sheet(self, title=None, index=None):
        ws = _TextWorksheet(parent=self, title=title)
        self._add_sheet(sheet=ws, index=index)
        return ws


def _cell_value(f: Field, v):
    if v is None:
        return None
    if f.type is FieldType.CHECK:
        return "是" if v else "否"
    if f.type in TEXT_TYPES:
        return str(v)
    return v


def sheets(apps: list[tuple[str, dict]]) -> list[tuple[str, list[str], list[Field | None], list[list]]]:
    """(sheet name, header, field per column, rows) for every annex and table with data."""
    out = []
    for block in BLOCKS:
        present = [(aid, d[block.id]) for aid, d in apps if d.get(block.id)]
        if not present:
            continue
        fields = list(block.fields())
        header = [APP_ID] + [f.label for f in fields]
        rows = [[aid] + [_cell_value(f, vals.get(f.id)) for f in fields] for aid, vals in present]
        out.append((_sheet_name(block.name), header, [None] + fields, rows))
        for t in block.tables():
            header = [APP_ID, "行号"] + [t.column_label(c.id) for c in t.columns]
            rows = []
            for aid, vals in present:
                for i, r in enumerate(vals.get(t.id) or [], 1):
                    rows.append([aid, i] + [_cell_value(c, r.get(c.id)) for c in t.columns])
            if rows:
                out.append((_sheet_name(f"{block.name}-{t.label}"), header, [None, None] + list(t.columns), rows))
    return out


def _sheet_name(s: str) -> str:
    for ch in '[]:*?/\\':
        s = s.replace(ch, "-")
    return s[:31]


def issue_rows(problems: list[Problem]) -> list[list]:
    from .model import BY_ID
    rows = []
    for p in problems:
        block = BY_ID.get(p.annex) if p.annex else None
        rows.append([p.file or "", block.name if block else (p.annex or ""), p.row or "", p.field or "",
                     p.label or "", p.message, p.fix, p.severity, p.source or p.path])
    return rows


def workbook(apps: list[tuple[str, dict]], problems: list[Problem] = ()) -> Workbook:
    wb = _TextWorkbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for name, header, fields, rows in sheets(apps):
        ws = wb.create_sheet(name)
        ws.append(header)
        for r in rows:
            ws.append(r)
        for col, f in enumerate(fields, 1):
            text = f is None or f.type in TEXT_TYPES
            width = 14 if f is None else min(40, max(8, len(header[col - 1]) * 2))
            ws.column_dimensions[ws.cell(1, col).column_letter].width = width
            if text:
                for row in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                    row[0].number_format = "@"
        for c in ws[1]:
            c.font, c.alignment = bold, Alignment(wrap_text=True, vertical="center")
        ws.freeze_panes = "B2"
    _ocr_sheet(wb, apps, bold)
    ws = wb.create_sheet("问题清单")
    ws.append(list(ISSUE_COLUMNS))
    for r in issue_rows(list(problems)):
        ws.append(r)
    for c in ws[1]:
        c.font = bold
    for col, w in zip("ABCDEFGHI", (30, 8, 6, 22, 22, 50, 40, 8, 36)):
        ws.column_dimensions[col].width = w
    return wb


OCR_COLUMNS = (APP_ID, "位置", "栏目", "识别的值", "识别置信度", "请核对", "来源")


def ocr_rows(apps: list[tuple[str, dict]]) -> list[list]:
    """One row per value read from a scan (the parse output's ``ocr`` map): clerks filter the
    请核对 column for what to compare with the paper."""
    from .parse.scan.read import LOW_CONF
    rows = []
    for aid, d in apps:
        for path, m in sorted((d.get("ocr") or {}).items()):
            conf = m.get("confidence")
            rows.append([aid, path, _label_of(path), _value_at(d, path), conf,
                         "是" if conf is None or conf < LOW_CONF else "", m.get("source", "")])
    return rows


def _label_of(path: str) -> str:
    """The printed label of a data path: "annex1.applicant", "annex3.staff[2].phone" (rows
    counted from 1, as in the sources map), from the model (``problems.label_of``)."""
    from .problems import label_of
    m = re.match(r"^(\w+)\.(\w+)(?:\[(\d+)\]\.(\w+))?$", path)
    if not m:
        return ""
    annex, key, row, column = m.groups()
    if column:
        table, col = label_of(annex, None, key), label_of(annex, key, column)
        return f"{table}第{int(row)}行 {col}" if table and col else ""
    return label_of(annex, None, key)


def _value_at(d: dict, path: str):
    m = re.match(r"^(\w+)\.(\w+)(?:\[(\d+)\]\.(\w+))?$", path)
    if not m:
        return None
    v = (d.get(m.group(1)) or {}).get(m.group(2))
    if m.group(4):
        rows = v if isinstance(v, list) else []
        k = int(m.group(3)) - 1                      # the sources map counts rows from 1
        v = rows[k].get(m.group(4)) if 0 <= k < len(rows) and isinstance(rows[k], dict) else None
    if isinstance(v, bool):
        return "是" if v else "否"
    return None if v is None else str(v)


def _ocr_sheet(wb, apps, bold) -> None:
    rows = ocr_rows(apps)
    if not rows:
        return
    ws = wb.create_sheet("识别结果")
    ws.append(list(OCR_COLUMNS))
    for r in rows:
        ws.append(r)
    for c in ws[1]:
        c.font = bold
    for col, w in zip("ABCDEFG", (14, 30, 30, 40, 10, 8, 50)):
        ws.column_dimensions[col].width = w
    ws.auto_filter.ref = f"A1:G{len(rows) + 1}"
    ws.freeze_panes = "A2"


def xlsx_bytes(apps, problems=()) -> bytes:
    buf = io.BytesIO()
    workbook(apps, problems).save(buf)
    return buf.getvalue()


def csv_text(apps, problems=()) -> str:
    """All sheets in one CSV (UTF-8; write it with a BOM so Excel reads Chinese)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    for name, header, _, rows in sheets(apps):
        w.writerow([f"# {name}"])
        w.writerow(header)
        w.writerows(map(_csv_row, rows))
        w.writerow([])
    w.writerow(["# 问题清单"])
    w.writerow(ISSUE_COLUMNS)
    w.writerows(map(_csv_row, issue_rows(list(problems))))
    return buf.getvalue()


def _csv_row(row: list) -> list:
    """Text starting like a formula gets a leading ' (OWASP); numbers stay numbers."""
    out = []
    for v in row:
        if isinstance(v, str):
            v = _writable(v)
            if v.startswith(FORMULA_START):
                v = "'" + v
        out.append(v)
    return out


def write_outputs(apps: list[tuple[str, dict]], problems: list[Problem], path, *, single: bool) -> None:
    """Write parse results by the file's suffix: .json/.yaml (the data file when ``single``,
    else a list of applications), .xlsx, or .csv (UTF-8 with BOM for Excel)."""
    import json
    from pathlib import Path

    from .datafile import dumps, write_atomic
    from .errors import InputError
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        write_atomic(p, xlsx_bytes(apps, problems))
    elif suffix == ".csv":
        write_atomic(p, csv_text(apps, problems).encode("utf-8-sig"))
    elif suffix in (".json", ".yaml", ".yml"):
        fmt = "json" if suffix == ".json" else "yaml"
        if single:
            doc = apps[0][1] if apps else {}
        else:
            doc = {"applications": [{"id": aid, "data": d} for aid, d in apps],
                   "problems": [pr.to_dict() for pr in problems]}
        text = dumps(doc, fmt) if fmt == "yaml" else json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
        write_atomic(p, text.encode("utf-8", "replace"))     # a lone surrogate in a message: "?"
    else:
        raise InputError("输出文件须为 .json、.yaml、.xlsx 或 .csv", file=str(p))
