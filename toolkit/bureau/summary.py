"""附件6 运营情况汇总表: one row per platform, from the platforms' data.

A row comes either from a returned annex 6 (rows given as they are) or from an
application data file (annex 1's figures for the year, annex 3's staff).
新增 is the year's figure; 累计 adds it to last year's 累计 when last year's
summary is given, else sums the years annex 1 lists up to the year.
同比增长（%） compares with last year's summary, else with annex 1's year
before; when last year's figure is 0 or missing the growth is left empty and
a note says why (never divided by zero).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model import annex
from ..problems import WARNING, Problem

ANNEX6 = annex(6)
TABLE = ANNEX6["platforms"]

# (新增 column, its growth column, annex 1 operations column it comes from)
GROWTH = (
    ("served_new", "served_growth_pct", "served_count"),
    ("revenue_new", "revenue_growth_pct", "revenue"),
    ("service_revenue_new", "service_revenue_growth_pct", "service_revenue"),
    ("profit_new", "profit_growth_pct", "profit"),
    ("tax_new", "tax_growth_pct", None),
)
CUMULATIVE = (("served_cumulative", "served_new"), ("events_cumulative", "events_new"),
              ("gov_events_cumulative", "gov_events_new"))
GROWTH_COLUMNS = {g for _, g, _ in GROWTH}
SUMMED = tuple(c.id for c in TABLE.columns if c.type.numeric and c.id not in GROWTH_COLUMNS)


@dataclass
class Summary:
    year: int
    header: dict                      # bureau, filler, filler_phone, fill_date
    rows: list[dict]
    totals: dict
    notes: list[Problem] = field(default_factory=list)

    def as_annex6(self) -> dict:
        """The summary as annex 6 data (for the DOCX/PDF forms)."""
        return {"annex6": {"year": self.year, **{k: v for k, v in self.header.items() if v is not None},
                           "platforms": self.rows}}


def rows_from_application(app: dict, year: int, staff_counter=None) -> list[dict]:
    """The annex 6 rows one platform's data gives for ``year``."""
    a6 = app.get("annex6") or {}
    if a6.get("platforms"):
        return [dict(r) for r in a6["platforms"]]
    a1 = app.get("annex1") or {}
    if not a1:
        return []
    ops = {r.get("year"): r for r in a1.get("operations", [])}
    cur = ops.get(year, {})
    row = {
        "platform_name": a1.get("platform_name"), "contact": a1.get("contact"),
        "phone": a1.get("phone") or a1.get("mobile"), "site_area": a1.get("site_area"),
        "staff_total": a1.get("staff_count"),
        "served_new": cur.get("served_count"), "served_agreements": cur.get("agreement_count"),
        "revenue_new": cur.get("revenue"), "service_revenue_new": cur.get("service_revenue"),
        "profit_new": cur.get("profit"),
        "served_cumulative": _sum(r.get("served_count") for y, r in ops.items() if y and y <= year) or None,
    }
    staff = (app.get("annex3") or {}).get("staff") or []
    if staff and staff_counter:
        row["staff_college"], row["staff_mid_title"] = staff_counter(staff)
    prev = ops.get(year - 1)
    if prev:
        row["_previous"] = {new: prev.get(src) for new, _, src in GROWTH if src}
    return [{k: v for k, v in row.items() if v is not None}]


def summarize(apps: list[tuple[str, dict]], year: int, previous: list[dict] | None = None,
              header: dict | None = None, staff_counter=None) -> Summary:
    """``apps``: (source name, data) pairs.  ``previous``: last year's rows."""
    notes: list[Problem] = []
    rows: list[dict] = []
    for src, app in apps:
        got = rows_from_application(app, year, staff_counter)
        if not got:
            notes.append(Problem("没有附件1或附件6数据，未汇总", file=src, severity=WARNING))
        rows.extend(got)
    last = {r.get("platform_name"): r for r in previous or [] if r.get("platform_name")}
    for i, row in enumerate(rows, 1):
        own_prev = row.pop("_previous", {})
        before = last.get(row.get("platform_name"))
        for cum, new in CUMULATIVE:
            if before and before.get(cum) is not None and row.get(new) is not None:
                row[cum] = _round(before[cum] + row[new])
        for new, growth, _ in GROWTH:
            base = before.get(new) if before else own_prev.get(new)
            if row.get(growth) is not None and base is None:
                continue                           # a returned annex 6 row keeps its own figure
            row.pop(growth, None)
            if row.get(new) is None or base is None:
                continue
            if base == 0:
                notes.append(Problem("上年为0，同比增长无法计算，已留空", annex="annex6", table="platforms",
                                     row=i, field=growth, label=TABLE.column_label(growth), severity=WARNING))
                continue
            row[growth] = round((row[new] - base) / abs(base) * 100, 1)
    totals = {c: _round(_sum(r.get(c) for r in rows)) for c in SUMMED}
    prev_totals = {c: _sum(r.get(c) for r in previous) for c in SUMMED} if previous else {}
    for new, growth, _ in GROWTH:
        base = prev_totals.get(new)
        if base:
            totals[growth] = round((totals[new] - base) / abs(base) * 100, 1)
    return Summary(year, dict(header or {}), rows, {k: v for k, v in totals.items() if v is not None}, notes)


def _sum(values):
    vals = [v for v in values if isinstance(v, (int, float))]
    return sum(vals) if vals else None


def _round(v):
    if v is None:
        return None
    return int(v) if float(v).is_integer() else round(v, 4)
