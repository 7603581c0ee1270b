"""The registry as a workbook: 台账 (each platform's status), 年度数据 (its annex 6
figures year by year, columns labelled from the model) and 事项记录 (events).

Every text cell is text (toolkit.export's workbook: nothing a platform wrote is a formula).
"""
from __future__ import annotations

import datetime as dt
import io

import sqlalchemy as sa
from openpyxl.styles import Alignment, Font

from ..datafile import write_atomic
from ..export import _TextWorkbook
from ..model import FieldType, annex
from .schema import KINDS, events, platforms, years
from .status import load

A1, A6 = annex(1), annex(6)
TABLE = A6["platforms"]
STATUS_HEADER = (A1["unit_name"].label, A1["platform_name"].label, A1["city"].label, "统一社会信用代码", "状态",
                 annex("record")["recognized_on"].label, "认定文号", "有效期至（第十五条）",
                 annex("record")["complaints"].label, "按时报送总结报告（次）", "需处理", "事项（依据）")


def status_sheet(wb, statuses, codes: dict | None = None):
    ws = wb.create_sheet("台账")
    ws.append(list(STATUS_HEADER))
    for s in statuses:
        ws.append([s.unit_name, s.platform_name, s.city, (codes or {}).get(s.unit_name), s.state, s.recognized_on,
                   s.document, s.validity_end, s.complaints, s.reports_on_time, "是" if s.overdue else "否",
                   "\n".join(f"[{i.kind}] {i.article} {i.title} {i.date or ''}".rstrip() for i in s.items)])
    _style(ws, (28, 28, 14, 20, 8, 12, 16, 14, 10, 10, 8, 60))
    return ws


def status_workbook(statuses) -> bytes:
    wb = _TextWorkbook()
    wb.remove(wb.active)
    status_sheet(wb, statuses)
    return _bytes(wb)


def export_workbook(reg, as_of: dt.date, city: str | None = None) -> bytes:
    """``city``: only that city's platforms (a 市州 account's export)."""
    wb = _TextWorkbook()
    wb.remove(wb.active)
    with reg.read() as conn:
        statuses = [s for s in load(conn, as_of) if city is None or s.city == city]
        plat = {p.id: p for p in conn.execute(sa.select(platforms)) if city is None or p.city == city}
        year_rows = [r for r in conn.execute(sa.select(years).order_by(years.c.platform_id, years.c.year))
                     if r.platform_id in plat]
        event_rows = [e for e in conn.execute(sa.select(events).order_by(events.c.platform_id, events.c.on_date))
                      if e.platform_id in plat]
    status_sheet(wb, statuses, {p.unit_name: p.credit_code for p in plat.values()})
    ws = wb.create_sheet("年度数据")
    cols = [c for c in TABLE.columns if c.id != "platform_name"]
    ws.append([A1["unit_name"].label, TABLE.column_label("platform_name"), A6["year"].label]
              + [_label(c) for c in cols])
    for r in sorted(year_rows, key=lambda r: (plat[r.platform_id].unit_name, r.year)):
        p = plat[r.platform_id]
        ws.append([p.unit_name, r.row.get("platform_name") or p.platform_name, r.year]
                  + [r.row.get(c.id) for c in cols])
    _style(ws, (28, 28, 8) + (10,) * len(cols))
    ws = wb.create_sheet("事项记录")
    ws.append([A1["unit_name"].label, "事项", "日期", "报告期", "文号", "说明", "登记时间"])
    for e in event_rows:
        ws.append([plat[e.platform_id].unit_name, KINDS.get(e.kind, e.kind), e.on_date, e.period, e.document, e.note,
                   e.created_at])
    for row in ws.iter_rows(min_row=2, min_col=3, max_col=3):
        row[0].number_format = "yyyy-mm-dd"
    for row in ws.iter_rows(min_row=2, min_col=7, max_col=7):
        row[0].number_format = "yyyy-mm-dd hh:mm"
    _style(ws, (28, 24, 12, 10, 16, 40, 20))
    return _bytes(wb)


def _label(c) -> str:
    group = TABLE.group_of(c.id)
    label = f"{group.label}：{c.label}" if group is not None and group.label != c.label else c.label
    return label + (f"（{c.unit}）" if getattr(c, "unit", None) and c.type is not FieldType.PERCENT else "")


def _style(ws, widths):
    from openpyxl.utils import get_column_letter
    for c in ws[1]:
        c.font, c.alignment = Font(bold=True), Alignment(wrap_text=True, vertical="center")
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "B2"


def _bytes(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write(path, content: bytes) -> None:
    write_atomic(path, content)
