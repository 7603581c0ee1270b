"""File-level bureau jobs: read inputs, run the pure cores, write outputs."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..datafile import load
from ..errors import DataProblems, InputError
from ..validate import validate
from .summary import Summary, summarize

DATA_SUFFIXES = (".yaml", ".yml", ".json")
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods")    # annex 6 returned as a spreadsheet


def _data_files(inputs, out=None) -> list[Path]:
    files: list[Path] = []
    skip = Path(out).resolve() if out else None
    for p in map(Path, inputs):
        if p.is_dir():
            files += sorted(q for q in p.rglob("*") if q.suffix.lower() in DATA_SUFFIXES + SHEET_SUFFIXES
                            and not q.name.startswith((".", "~$")) and q.resolve() != skip)
        elif not p.exists():
            raise InputError("文件不存在，请检查路径", file=str(p))
        else:
            files.append(p)
    if not files:
        raise InputError("没有找到数据文件（.yaml/.json）或附件6 Excel表（.xlsx）", file=", ".join(map(str, inputs)))
    return files


def load_previous(path) -> list[dict]:
    p = Path(path)
    if p.suffix.lower() == ".xlsx":
        from .annex6_xlsx import read_rows
        return read_rows(p)
    data = validate(load(p)).data
    return list((data.get("annex6") or {}).get("platforms") or [])


def make_summary(inputs, year: int, out, previous=None, header: dict | None = None, db=None) -> Summary:
    """``db``: the registry, which gives last year's rows when ``previous`` is not given."""
    apps = []
    for f in _data_files(inputs, out):
        v = _read_sheet(f) if f.suffix.lower() in SHEET_SUFFIXES else validate(load(f))
        if not v.ok:
            for p in v.problems:
                p.file = str(f)
            raise DataProblems(v.problems, file=str(f))
        apps.append((str(f), v.data))
    header = {k: v for k, v in (header or {}).items() if v}
    header.setdefault("fill_date", dt.date.today().isoformat())
    first6 = next((a.get("annex6") for _, a in apps if a.get("annex6")), {}) or {}
    for k in ("bureau", "filler", "filler_phone"):
        if k not in header and first6.get(k):
            header[k] = first6[k]
    prev = load_previous(previous) if previous else None
    if prev is None and db is not None:
        from ..registry.db import Registry
        from ..registry.query import year_rows
        with Registry(db, create=False) as reg:
            prev = year_rows(reg, year - 1) or None
    result = summarize(apps, year, prev, header, staff_counter=_staff_counter())
    result.notes += _other_years(apps, year)
    write_summary(result, Path(out))
    return result


def _read_sheet(path: Path):
    """A platform's (or a bureau's) annex 6 returned as a spreadsheet, read like ``qhsme parse``."""
    from ..parse import parse_paths
    return parse_paths([path], expect="annex6").validated


def _other_years(apps, year: int) -> list:
    from ..problems import WARNING, Problem
    return [Problem(f"这份附件6填的是{a6['year']}年度，本次汇总的是{year}年度", annex="annex6", field="year",
                    file=f, severity=WARNING, fix="请核对是否交错了年度")
            for f, a in apps if (a6 := a.get("annex6") or {}).get("year") not in (None, year)]


def _staff_counter():
    """(college-or-above, mid-title-or-above) counts of annex 3 rows, by the check's rules."""
    from ..check.staff import classify

    def count(rows):
        quals = [classify(r) for r in rows]
        return sum(q.college for q in quals), sum(q.mid_title for q in quals)
    return count


def write_summary(result: Summary, out: Path) -> None:
    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        from .annex6_xlsx import write
        write(result, out)
    elif suffix == ".docx":
        from ..docxform import write_filled
        write_filled(6, result.as_annex6(), out)
    elif suffix == ".pdf":
        from ..pdfform import write_filled
        write_filled(6, result.as_annex6(), out, flatten=True)      # a print version
    else:
        raise InputError("输出文件须为 .xlsx、.docx 或 .pdf", file=str(out))
