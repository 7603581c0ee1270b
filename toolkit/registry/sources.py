"""Files the registry imports, read into what it stores; nothing is written here.

- an application data file (YAML/JSON: annex 1, annex 7, record ...);
- ``qhsme parse`` outputs: the data file, a batch JSON/YAML (``applications:``),
  or the workbook (one sheet per annex and table, 申报编号 in column A);
- an annex 6 return: a data file with ``annex6`` rows, or an annex 6 workbook.

A file that is none of these, or cannot be read, raises ``InputError`` naming
it; values the data file carries that cannot be used are listed as problems.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..model import BLOCKS, FieldType, annex
from ..problems import WARNING, Problem

ANNEX6_TABLE = annex(6)["platforms"]
# annex 6 column <- annex 1/7 operations column (the year's own figures only)
YEAR_FIGURES = (("served_new", "served_count"), ("served_agreements", "agreement_count"),
                ("revenue_new", "revenue"), ("service_revenue_new", "service_revenue"),
                ("profit_new", "profit"))
CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


@dataclass
class Incoming:
    """One platform's part of a file."""
    source: str                              # file, and which application in it
    unit_name: str | None = None
    platform_name: str | None = None
    city: str | None = None
    credit_code: str | None = None
    application: dict | None = None          # the whole (validated) data
    fill_date: dt.date | None = None
    years: dict[int, dict] = field(default_factory=dict)     # year -> annex 6 row
    record: dict | None = None
    row: int | None = None                   # annex 6 row number


@dataclass
class SourceFile:
    path: Path
    sha256: str
    kind: str                                # application / parse / annex6
    items: list[Incoming]
    problems: list[Problem] = field(default_factory=list)


def read_source(path) -> SourceFile:
    p = Path(path)
    if not p.is_file():
        raise InputError("文件不存在，请检查路径" if not p.exists() else "这是文件夹，请给出文件", file=str(p))
    raw = p.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(p, digest)
    if suffix not in (".yaml", ".yml", ".json"):
        raise InputError("台账只导入申报数据文件（.yaml/.json）、qhsme parse 的结果（.json/.xlsx）和附件6汇总表（.xlsx）",
                         file=str(p))
    from ..datafile import load
    doc = load(p)
    if isinstance(doc.get("applications"), list):            # qhsme parse --batch
        sf = SourceFile(p, digest, "parse", [])
        for i, app in enumerate(doc["applications"], 1):
            if not isinstance(app, dict) or not isinstance(app.get("data"), dict):
                raise InputError(f"applications 第{i}项不是“id + data”的申报数据，未导入；请用 qhsme parse 重新生成",
                                 file=str(p))
            _from_data(sf, app["data"], f"{p}［{app.get('id') or f'第{i}份'}］")
        return sf
    sf = SourceFile(p, digest, "application", [])
    _from_data(sf, doc, str(p))
    if sf.items and all(it.application is None for it in sf.items):
        sf.kind = "annex6"
    return sf


def _from_data(sf: SourceFile, data: dict, source: str) -> None:
    from ..validate import validate
    if not any(b.id in data for b in BLOCKS):
        raise InputError("不是申报数据文件：没有附件1–7、declared 或 record 中的任何一部分，未导入", file=source)
    raw_code = data.get("credit_code")        # not in the model yet: read beside it
    v = validate({k: x for k, x in data.items() if k != "credit_code"})
    for pr in v.problems:            # a value given but not usable is left out: say so
        if pr.value is not None or "未读取" in pr.message:
            pr.file = source
            sf.problems.append(pr)
    d = v.data
    a6 = d.get("annex6") or {}
    rows = a6.get("platforms") or []
    year = a6.get("year")
    if rows and not isinstance(year, int):
        raise InputError("附件6没有填写年度（annex6.year），无法导入", file=source)
    main = d.get("annex1") or d.get("annex7") or {}
    unit = main.get("unit_name") or next((d[b]["unit_name"] for b in ("annex2", "annex3", "annex4", "annex5")
                                          if (d.get(b) or {}).get("unit_name")), None)
    if not unit:
        if not rows:
            raise InputError("没有单位名称（附件1或附件7的单位名称），无法对应到台账中的平台，未导入", file=source)
        for i, row in enumerate(rows, 1):
            _annex6_row(sf, row, year, source, i)
        return
    it = Incoming(source, unit_name=unit.strip(), platform_name=main.get("platform_name"), city=main.get("city"),
                  credit_code=_credit_code(raw_code, sf, source), application=d,
                  fill_date=_date(main.get("fill_date")), record=d.get("record") or None)
    for r in main.get("operations") or []:
        if isinstance(r.get("year"), int):
            row = {new: r[src] for new, src in YEAR_FIGURES if r.get(src) is not None}
            if row:
                it.years[r["year"]] = row
    sf.items.append(it)
    if len(rows) == 1:                       # the platform's own annex 6 row, beside its annex 1
        it.years[year] = {**it.years.get(year, {}),
                          **{k: v for k, v in rows[0].items() if not k.startswith("_") and v is not None}}
    else:
        for i, row in enumerate(rows, 1):
            _annex6_row(sf, row, year, source, i)


def _annex6_row(sf, row, year, source, i):
    name = (row.get("platform_name") or "").strip()
    if not name:
        sf.problems.append(Problem("附件6这一行没有平台名称，无法对应到台账，未导入", annex="annex6", table="platforms",
                                   row=i, field="platform_name", label=ANNEX6_TABLE.column_label("platform_name"),
                                   file=source))
        return
    clean = {k: v for k, v in row.items() if not k.startswith("_") and v is not None}
    sf.items.append(Incoming(source, platform_name=name, years={year: clean}, row=i))


def _credit_code(raw, sf, source):
    if raw is None:
        return None
    code = str(raw).strip().upper()
    if not CREDIT_CODE.match(code):
        sf.problems.append(Problem(f"统一社会信用代码“{raw}”格式不对（应为18位），未使用", field="credit_code",
                                   file=source, severity=WARNING))
        return None
    return code


def _date(v):
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v)) if v else None
    except ValueError:
        return None


# ---------------------------------------------------------------- workbooks

def _read_xlsx(p: Path, digest: str) -> SourceFile:
    from openpyxl import load_workbook
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as e:
        raise InputError(f"无法读取Excel文件（{type(e).__name__}），未导入；请确认是.xlsx格式", file=str(p))
    try:
        from ..export import APP_ID
        first = next(wb.worksheets[0].iter_rows(max_row=1, max_col=1, values_only=True), (None,)) \
            if wb.worksheets else (None,)
        if first and first[0] == APP_ID:                  # qhsme parse: 申报编号 heads every sheet
            sf = SourceFile(p, digest, "parse", [])
            for aid, data in _parse_workbook(wb, p).items():
                _from_data(sf, data, f"{p}［{aid}］")
            return sf
        cells = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)] if wb.worksheets else []
    finally:
        wb.close()
    from ..bureau.annex6_xlsx import read_rows
    rows = read_rows(p)                      # InputError when it is not annex 6 either
    year = _annex6_year(cells)
    if year is None:
        raise InputError("附件6汇总表中找不到年度（标题下的“（2025年度）”），无法导入", file=str(p))
    sf = SourceFile(p, digest, "annex6", [])
    for i, row in enumerate(rows, 1):
        _annex6_row(sf, row, year, str(p), i)
    return sf


def _annex6_year(cells) -> int | None:
    for row in cells[:6]:
        for v in row:
            m = re.search(r"(\d{4})\s*年度", str(v or ""))
            if m:
                return int(m.group(1))
    return None


def _parse_workbook(wb, p: Path) -> dict[str, dict]:
    """The applications of a ``qhsme parse`` workbook: 申报编号 -> data."""
    from ..export import APP_ID, _sheet_name
    apps: dict[str, dict] = {}
    for block in BLOCKS:
        name = _sheet_name(block.name)
        if name in wb.sheetnames:
            fields = list(block.fields())
            for r, aid, values in _sheet_rows(wb[name], p, name, [APP_ID] + [f.label for f in fields]):
                apps.setdefault(aid, {})[block.id] = {f.id: _cell(f, v) for f, v in zip(fields, values)
                                                      if v not in (None, "")}
        for t in block.tables():
            tname = _sheet_name(f"{block.name}-{t.label}")
            if tname not in wb.sheetnames:
                continue
            header = [APP_ID, "行号"] + [t.column_label(c.id) for c in t.columns]
            for r, aid, values in _sheet_rows(wb[tname], p, tname, header):
                row = {c.id: _cell(c, v) for c, v in zip(t.columns, values[1:]) if v not in (None, "")}
                apps.setdefault(aid, {}).setdefault(block.id, {}).setdefault(t.id, []).append(row)
    return apps


def _sheet_rows(ws, p, name, header):
    rows = ws.iter_rows(values_only=True)
    first = [str(v or "").strip() for v in next(rows, ())]
    for col, (want, got) in enumerate(zip(header, first + [""] * len(header)), 1):
        if want != got:
            raise InputError(f"工作表“{name}”第1行第{col}列应为“{want}”，实际为“{got}”；不是 qhsme parse 生成的表格，未导入",
                             file=str(p))
    for r, values in enumerate(rows, 2):
        if not values or values[0] in (None, ""):
            continue
        yield r, str(values[0]), list(values[1:])


def _cell(f, v):
    if f.type is FieldType.CHECK and isinstance(v, str):
        return {"是": True, "否": False}.get(v.strip(), v)
    return v
