"""What other commands take from the registry: last year's annex 6 rows for
``qhsme summary --db`` and a platform's stored data for ``qhsme review --db``."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from .schema import applications, events, platforms, years
from .sources import YEAR_FIGURES
from .status import OVERDUE, platform_status
from .store import find_platform


def year_rows(reg, year: int) -> list[dict]:
    """Every platform's annex 6 row of ``year`` (platform_name filled from the registry)."""
    with reg.read() as conn:
        q = sa.select(years.c.row, platforms.c.platform_name).join(platforms, platforms.c.id == years.c.platform_id) \
            .where(years.c.year == year).order_by(platforms.c.unit_name)
        return [{**r.row, "platform_name": r.row.get("platform_name") or r.platform_name} for r in conn.execute(q)]


def stored_data(reg, unit: str, as_of: dt.date) -> dict:
    """The platform's newest application data, its years' figures added to annex 1's operations,
    and a ``record`` block from the registry's events (第十五、十六条 checks)."""
    from ..errors import InputError
    with reg.read() as conn:
        pid, _ = find_platform(conn, unit)
        p = conn.execute(sa.select(platforms).where(platforms.c.id == pid)).one()
        apps = conn.execute(sa.select(applications.c.data).where(applications.c.platform_id == pid)
                            .order_by(applications.c.fill_date.is_(None), applications.c.fill_date.desc(),
                                      applications.c.id.desc())).scalars().all()
        yrs = conn.execute(sa.select(years.c.year, years.c.row).where(years.c.platform_id == pid)).all()
        evs = conn.execute(sa.select(events).where(events.c.platform_id == pid)).all()
    if not apps:
        raise InputError(f"台账中“{p.unit_name}”没有申报数据（附件1或附件7）；请先用 registry import 导入")
    data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in apps[0].items()}
    main = "annex7" if data.get("annex7", {}).get("operations") else "annex1"
    block = dict(data.get(main) or {})
    ops = {r.get("year"): dict(r) for r in block.get("operations") or []}
    for y, row in yrs:
        got = ops.setdefault(y, {"year": y})
        for new, src in YEAR_FIGURES:
            if got.get(src) is None and row.get(new) is not None:
                got[src] = row[new]
    block["operations"] = [ops[y] for y in sorted(ops, key=lambda v: v or 0)]
    data[main] = block
    st = platform_status(p, evs, as_of)
    rec = dict(p.record or {})
    if st.recognized_on:
        rec["recognized_on"] = st.recognized_on
    rec["complaints"] = st.complaints
    rec["missed_reports"] = sum(1 for i in st.items if i.kind == OVERDUE and i.article == "第十四条") + \
        int((p.record or {}).get("missed_reports") or 0)
    for kind in ("admin_penalty", "judicial_penalty", "credit_blacklist"):
        rec[kind] = bool(rec.get(kind)) or any(e.kind == kind and (e.on_date or dt.date.min) <= as_of for e in evs)
    data["record"] = rec
    return data
