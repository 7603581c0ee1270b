"""Writing to the registry: imports and the bureau's events.

An import reads every file first (a file that cannot be read stops the import
before anything is written), then writes them all in one transaction.  The same
file twice changes nothing (its SHA-256 is kept); a platform is matched by its
统一社会信用代码, else its 单位名称 (annex 6 rows by 平台名称).  A value that
differs from the registry's is a conflict: reported, and kept as it was unless
``replace`` (then reported as replaced).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from ..errors import InputError
from ..model import annex
from ..problems import ERROR, WARNING, Problem
from .schema import KINDS, applications, events, files, platforms, years
from .sources import ANNEX6_TABLE, Incoming, read_source

A1 = annex(1)
PERIOD = re.compile(r"^(\d{4})(H1)?$")


@dataclass
class ImportResult:
    outcomes: list[tuple[str, str]] = field(default_factory=list)     # (file, what happened)
    problems: list[Problem] = field(default_factory=list)

    @property
    def conflicts(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != WARNING]


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")


def expand(paths) -> list[Path]:
    """Files, and the data files and workbooks inside folders (sorted)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.suffix.lower() in SUFFIXES and not q.name.startswith((".", "~$")))
            if not found:
                raise InputError("文件夹中没有可导入的文件（.yaml/.json/.xlsx）", file=str(p))
            out += found
        else:
            out.append(p)
    return out


def import_files(reg, paths, *, replace: bool = False) -> ImportResult:
    sources = [read_source(p) for p in expand(paths)]          # nothing written if any is unreadable
    res = ImportResult()
    with reg.write() as conn:
        for sf in sources:
            res.problems += sf.problems
            fid = conn.scalar(sa.select(files.c.id).where(files.c.sha256 == sf.sha256))
            if fid is not None and not replace:
                res.outcomes.append((str(sf.path), "已导入过（内容相同），未改动"))
                continue
            if fid is None:           # (with replace, a file imported before is read again and wins)
                fid = conn.execute(files.insert().values(sha256=sf.sha256, name=sf.path.name, kind=sf.kind,
                                                         imported_at=now())).inserted_primary_key[0]
            counts = {"new": 0, "years": 0}
            for it in sf.items:
                _import_item(conn, it, fid, replace, res, counts)
            res.outcomes.append((str(sf.path), f"已导入：平台 {len(sf.items)} 个（新建 {counts['new']} 个），"
                                               f"年度数据 {counts['years']} 项有改动"))
    return res


def _import_item(conn, it: Incoming, fid: int, replace: bool, res: ImportResult, counts: dict) -> None:
    pid = _match(conn, it, res, counts, replace)
    if pid is None:
        return
    if it.application is not None:
        data = _jsonable(it.application)
        same = conn.execute(sa.select(applications.c.data).where(applications.c.platform_id == pid)).scalars()
        if data not in list(same):
            conn.execute(applications.insert().values(platform_id=pid, file_id=fid, data=data,
                                                      fill_date=it.fill_date))
    for year, row in sorted(it.years.items()):
        if _merge_year(conn, pid, year, _jsonable(row), fid, it, replace, res):
            counts["years"] += 1
    if it.record:
        old = conn.scalar(sa.select(platforms.c.record).where(platforms.c.id == pid)) or {}
        new = _merge(old, _jsonable(it.record), replace, res, it, "record", None)
        if new != old:
            conn.execute(platforms.update().where(platforms.c.id == pid).values(record=new))


def _match(conn, it: Incoming, res: ImportResult, counts: dict, replace: bool = False) -> int | None:
    c = platforms.c
    if it.unit_name is None:                 # an annex 6 row: by platform name
        ids = conn.execute(sa.select(c.id).where(c.platform_name == it.platform_name)).scalars().all() or \
            conn.execute(sa.select(c.id).where(c.unit_name == it.platform_name)).scalars().all()
        if len(ids) != 1:
            res.problems.append(Problem(
                f"台账中{'没有' if not ids else '有多个'}平台名称为“{it.platform_name}”的平台，这一行未导入",
                annex="annex6", table="platforms", row=it.row, field="platform_name",
                label=ANNEX6_TABLE.column_label("platform_name"), file=it.source,
                fix="先导入该平台的申报数据（含附件1），或把平台名称改为台账中的名称"))
            return None
        return ids[0]
    found = None
    if it.credit_code:
        found = conn.execute(sa.select(c.id, c.unit_name, c.credit_code, c.platform_name, c.city)
                             .where(c.credit_code == it.credit_code)).first()
        if found and found.unit_name != it.unit_name:
            res.problems.append(Problem(f"统一社会信用代码 {it.credit_code} 在台账中属于“{found.unit_name}”，"
                                        f"本文件的单位名称为“{it.unit_name}”；单位名称未改", annex="annex1",
                                        field="unit_name", label=A1["unit_name"].label, file=it.source,
                                        fix="核实单位是否更名"))
    if found is None:
        found = conn.execute(sa.select(c.id, c.unit_name, c.credit_code, c.platform_name, c.city)
                             .where(c.unit_name == it.unit_name)).first()
    if found is None:
        counts["new"] += 1
        return conn.execute(platforms.insert().values(
            unit_name=it.unit_name, credit_code=it.credit_code, platform_name=it.platform_name, city=it.city,
            created_at=now())).inserted_primary_key[0]
    changes = {}
    for key, new in (("credit_code", it.credit_code), ("platform_name", it.platform_name), ("city", it.city)):
        old = getattr(found, key)
        if new is None or new == old:
            continue
        if old is None or replace:
            changes[key] = new
        if old is not None:
            label = A1[key].label if key != "credit_code" else "统一社会信用代码"
            res.problems.append(Problem(
                f"与台账不一致：台账为“{old}”，本文件为“{new}”，" + ("已按文件改正" if replace else "保留台账的值"),
                annex="annex1", field=key, label=label, file=it.source, severity=WARNING if replace else ERROR,
                fix="" if replace else "核实后改正文件，或用 registry import --replace 以文件为准"))
    if changes:
        conn.execute(platforms.update().where(c.id == found.id).values(**changes))
    return found.id


def _merge_year(conn, pid, year, row, fid, it, replace, res) -> bool:
    y = years.c
    old = conn.execute(sa.select(y.id, y.row).where(y.platform_id == pid, y.year == year)).first()
    if old is None:
        conn.execute(years.insert().values(platform_id=pid, year=year, row=row, file_id=fid))
        return True
    new = _merge(old.row, row, replace, res, it, "annex6", year)
    if new != old.row:
        conn.execute(years.update().where(y.id == old.id).values(row=new, file_id=fid))
        return True
    return False


def _merge(old: dict, new: dict, replace: bool, res: ImportResult, it: Incoming, block: str, year) -> dict:
    """``old`` with what ``new`` adds; differing values reported (and taken when ``replace``)."""
    out = dict(old)
    for k, v in new.items():
        if k not in out or out[k] is None:
            out[k] = v
        elif out[k] != v and not (k == "platform_name" and block == "annex6"):
            label = (ANNEX6_TABLE.column_label(k) if block == "annex6" else annex("record")[k].label)
            where = f"{year}年" if year else ""
            res.problems.append(Problem(
                f"{where}与台账不一致：台账为“{out[k]}”，本文件为“{v}”，" + ("已按文件改正" if replace else "保留台账的值"),
                annex=block, table="platforms" if block == "annex6" else None, row=it.row, field=k, label=label,
                file=it.source, severity=WARNING if replace else ERROR,
                fix="" if replace else "核实后改正文件，或用 registry import --replace 以文件为准"))
            if replace:
                out[k] = v
    return out


def _jsonable(v):
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


# ---------------------------------------------------------------- events

def find_platform(conn, key: str, *, create: bool = False) -> tuple[int, bool]:
    """(platform id, created) by 单位名称, 统一社会信用代码 or 平台名称."""
    c = platforms.c
    key = key.strip()
    for col in (c.unit_name, c.credit_code, c.platform_name):
        ids = conn.execute(sa.select(c.id).where(col == key)).scalars().all()
        if len(ids) == 1:
            return ids[0], False
        if len(ids) > 1:
            raise InputError(f"台账中有多个平台名称为“{key}”的平台；请用单位名称")
    if create:
        return conn.execute(platforms.insert().values(unit_name=key, created_at=now())).inserted_primary_key[0], True
    raise InputError(f"台账中没有单位“{key}”；请先用 registry import 导入其申报数据（或检查名称）")


def parse_period(text: str) -> tuple[int, bool]:
    """'2026H1' -> (2026, True): the half-year report; '2026' -> (2026, False): the annual one."""
    m = PERIOD.match(str(text).strip().upper())
    if not m:
        raise InputError(f"报告期“{text}”格式不对：上半年写 2026H1，全年写 2026")
    return int(m.group(1)), bool(m.group(2))


def add_event(reg, unit: str, kind: str, on: dt.date | None, *, document=None, note=None, period=None,
              create: bool = False, credit_code: str | None = None) -> str:
    """Record an event; the same event twice is kept once.  Returns what was done (Chinese)."""
    assert kind in KINDS
    if period is not None:
        y, half = parse_period(period)
        period = f"{y}H1" if half else str(y)
    with reg.write() as conn:
        pid, created = find_platform(conn, unit, create=create)
        if credit_code:
            _set_credit_code(conn, pid, credit_code)
        e = events.c
        if kind == "report":
            got = conn.execute(sa.select(e.on_date).where(e.platform_id == pid, e.kind == kind,
                                                          e.period == period)).scalars().first()
            if got is not None and got != on:
                raise InputError(f"{period} 的总结报告已登记于 {got.isoformat()} 收到，与 {on.isoformat()} 不一致，未改动")
        same = conn.execute(sa.select(e.id).where(e.platform_id == pid, e.kind == kind, e.on_date == on,
                                                  e.period.is_(None) if period is None else e.period == period,
                                                  e.note.is_(None) if note is None else e.note == note)).first()
        if same:
            return f"已有相同记录（{KINDS[kind]} {on or ''}），未改动"
        warn = _publicity_warning(conn, pid, on) if kind == "recognized" else ""
        conn.execute(events.insert().values(platform_id=pid, kind=kind, on_date=on, period=period,
                                            document=document, note=note, created_at=now()))
    return warn +  ("新建平台“%s”，" % unit if created else "") + f"已登记：{KINDS[kind]} {on.isoformat() if on else ''}" + \
        (f"（{period}）" if period else "")


def _set_credit_code(conn, pid, code):
    from .sources import CREDIT_CODE
    code = code.strip().upper()
    if not CREDIT_CODE.match(code):
        raise InputError(f"统一社会信用代码“{code}”格式不对（应为18位）")
    old = conn.scalar(sa.select(platforms.c.credit_code).where(platforms.c.id == pid))
    if old and old != code:
        raise InputError(f"台账中该单位的统一社会信用代码为 {old}，与 {code} 不一致，未改动")
    other = conn.scalar(sa.select(platforms.c.unit_name).where(platforms.c.credit_code == code,
                                                                platforms.c.id != pid))
    if other:
        raise InputError(f"统一社会信用代码 {code} 在台账中已属于“{other}”，未改动")
    conn.execute(platforms.update().where(platforms.c.id == pid).values(credit_code=code))


def _publicity_warning(conn, pid, on) -> str:
    """第十二条: the title is given after a publicity without objection (第十一条: 7 working days)."""
    e = events.c
    last = conn.execute(sa.select(e.on_date, e.note).where(e.platform_id == pid, e.kind == "publicity",
                                                           e.on_date <= on).order_by(e.on_date.desc())).first()
    if last and last.note and on <= dt.date.fromisoformat(last.note):
        return f"注意：公示至 {last.note} 才期满（第十一条），认定日期 {on.isoformat()} 在公示期内（第十二条：公示无异议后授予称号）。"
    return ""
