"""Figures the rules measure, read from the validated application data.

Pure functions over the dict that ``toolkit.validate.validate`` returns; a
missing annex or field gives None or an empty list, never an exception.
"""
from __future__ import annotations

import datetime as dt
import re

from .staff import classify


def block(data: dict, annex: str) -> dict:
    value = data.get(annex)
    return value if isinstance(value, dict) else {}


def rows(data: dict, annex: str, table: str) -> list[dict]:
    value = block(data, annex).get(table)
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


def number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def add_years(d: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February goes to 1 March."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, month=3, day=1)


def operations(data: dict) -> list[tuple[int, dict]]:
    """附件1 近三年平台运营管理 rows with a year, oldest first, as (1-based row, row)."""
    out = [(i, r) for i, r in enumerate(rows(data, "annex1", "operations"), 1)
           if isinstance(r.get("year"), int)]
    return sorted(out, key=lambda ir: ir[1]["year"])


_SPLIT = re.compile(r"[\n、；;，,]+")
_NUMBERING = re.compile(r"^\s*(?:\d+[.、．)）]|[（(]\d+[)）]|[①-⑳])\s*")


def institutions(data: dict) -> list[tuple[str, str]]:
    """(field id, name) of every cooperating unit in 附件1 合作资源, without repeats.

    Names are one per line (the form's hint), or separated by 、；，.
    """
    seen: set[str] = set()
    out = []
    a1 = block(data, "annex1")
    for fid in ("coop_signed", "coop_other"):
        for part in _SPLIT.split(str(a1.get(fid) or "")):
            name = _NUMBERING.sub("", part).strip().strip("。. ")
            if name and name not in ("无", "暂无", "—", "-") and name not in seen:
                seen.add(name)
                out.append((fid, name))
    return out


def satisfaction(data: dict) -> tuple[int, int]:
    """(满意, 满意 + 不满意) ticks in 附件5."""
    ticks = [r.get("satisfaction") for r in rows(data, "annex5", "enterprises")]
    yes = sum(t == "满意" for t in ticks)
    return yes, yes + sum(t == "不满意" for t in ticks)


def staff_counts(data: dict) -> tuple[int, int]:
    """(rows of 附件3, of which 专业人员 by ``staff.classify``)."""
    staff = rows(data, "annex3", "staff")
    return len(staff), sum(classify(r).professional for r in staff)


def enterprises(data: dict) -> list[dict]:
    """附件5 rows that name an enterprise."""
    return [r for r in rows(data, "annex5", "enterprises") if str(r.get("name") or "").strip()]


def unit_name(s) -> str:
    """A unit's name compared loosely: no spaces, ASCII brackets as Chinese ones."""
    s = re.sub(r"\s", "", str(s or ""))
    return s.replace("(", "（").replace(")", "）")
