"""Benchmark: registry status of 1,000 platforms × 5 years (issue 17 asks for ≤ 1 s on SQLite).

Run on demand from the repository root; pytest does not collect it::

    python tests/benchmarks/bench_registry.py [N]

Builds a SQLite registry in a temporary folder: N platforms recognised in
2021–2024 (some re-recognised), 5 years of annex 6 rows each, their half-year and
annual reports (a few late or missing), complaints and a few penalties.  Times
``status`` (database read + articles 14–16 for every platform + the text report)
through the library, best of 5.  Exit code 1 when over N/1000 seconds.
"""
from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from toolkit.registry import status as st  # noqa: E402
from toolkit.registry.db import Registry  # noqa: E402
from toolkit.registry.schema import events, platforms, years  # noqa: E402
from toolkit.registry.store import now  # noqa: E402
from toolkit.model.annexes import CITIES  # noqa: E402


def build(reg: Registry, n: int) -> int:
    rnd = random.Random(17)
    t = now()
    prows, yrows, erows = [], [], []
    for i in range(1, n + 1):
        prows.append(dict(id=i, unit_name=f"示例单位{i:04d}", platform_name=f"示例平台{i:04d}",
                          city=CITIES[i % len(CITIES)], created_at=t))
        for y in range(2021, 2026):
            yrows.append(dict(platform_id=i, year=y, row={"served_new": rnd.randint(20, 90),
                                                          "revenue_new": rnd.randint(100, 900)}))
        on = dt.date(rnd.randint(2021, 2024), rnd.randint(1, 12), rnd.randint(1, 28))
        erows.append(dict(platform_id=i, kind="recognized", on_date=on, document=f"青工信〔{on.year}〕{i}号",
                          created_at=t))
        for y in range(on.year, 2026):
            for period, due in ((f"{y}H1", dt.date(y, 8, 31)), (str(y), dt.date(y + 1, 2, 28))):
                if rnd.random() < 0.03:
                    continue                                    # missing
                late = rnd.random() < 0.05
                erows.append(dict(platform_id=i, kind="report", period=period, created_at=t,
                                  on_date=due + dt.timedelta(days=rnd.randint(1, 20) if late else -rnd.randint(1, 40))))
        for _ in range(rnd.choice((0, 0, 0, 1, 1, 2))):
            erows.append(dict(platform_id=i, kind="complaint", on_date=dt.date(2025, rnd.randint(1, 12), 1),
                              note="投诉", created_at=t))
        if rnd.random() < 0.02:
            erows.append(dict(platform_id=i, kind="credit_blacklist", on_date=dt.date(2025, 6, 1), created_at=t))
    keys = ("platform_id", "kind", "on_date", "period", "document", "note", "created_at")
    erows = [{k: e.get(k) for k in keys} for e in erows]
    with reg.write() as c:
        c.execute(platforms.insert(), prows)
        c.execute(years.insert(), yrows)
        c.execute(events.insert(), erows)
    return len(erows)


def main(n: int = 1000) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        reg = Registry(str(Path(tmp) / "bench.sqlite3"))
        t0 = time.perf_counter()
        n_events = build(reg, n)
        print(f"built {n} platforms × 5 years, {n_events} events in {time.perf_counter() - t0:.2f} s")
        as_of = dt.date(2026, 3, 15)
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            with reg.read() as conn:
                result = st.load(conn, as_of)
            text = st.to_text(result, as_of)
            times.append(time.perf_counter() - t0)
        reg.close()
    overdue = sum(s.overdue for s in result)
    best = min(times)
    print(f"status of {len(result)} platforms: best {best:.3f} s, worst {max(times):.3f} s "
          f"({overdue} need action, {len(text)} characters of report)")
    budget = n / 1000
    print("OK" if best <= budget else f"SLOW: over {budget:.2f} s")
    return 0 if best <= budget else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
