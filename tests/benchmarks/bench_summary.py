"""Benchmark (issue 8): 1,000 platforms summarised into annex 6 in under 5 s.

Run on demand:  python tests/benchmarks/bench_summary.py
Measures the pure summary and the XLSX writing separately, in one run.
"""
from __future__ import annotations

import copy
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from toolkit.bureau import annex6_xlsx  # noqa: E402
from toolkit.bureau.service import _staff_counter  # noqa: E402
from toolkit.bureau.summary import summarize  # noqa: E402
from toolkit.datafile import load  # noqa: E402
from toolkit.validate import validate  # noqa: E402

N = 1000


def main() -> None:
    base = validate(load(ROOT / "samples" / "xining-complete.yaml")).data
    base.pop("annex6")
    apps = []
    for i in range(N):
        d = copy.deepcopy(base)
        d["annex1"]["platform_name"] = f"示例平台{i:04d}"
        d["annex1"]["operations"][2]["revenue"] = 500 + i
        apps.append((f"app{i}.yaml", d))
    previous = [{"platform_name": f"示例平台{i:04d}", "revenue_new": 400 + i, "served_new": 50,
                 "served_cumulative": 100} for i in range(N)]
    t0 = time.perf_counter()
    s = summarize(apps, 2025, previous, {"bureau": "西宁市工业和信息化局"}, staff_counter=_staff_counter())
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        annex6_xlsx.write(s, Path(tmp) / "annex6.xlsx")
        t2 = time.perf_counter()
        rows = annex6_xlsx.read_rows(Path(tmp) / "annex6.xlsx")
        t3 = time.perf_counter()
    assert len(s.rows) == N and len(rows) == N
    total = t2 - t0
    print(f"summary of {N} platforms: {t1 - t0:.3f} s; XLSX write {t2 - t1:.3f} s; "
          f"total {total:.3f} s (target < 5 s: {'OK' if total < 5 else 'MISSED'}); read back {t3 - t2:.3f} s")


if __name__ == "__main__":
    main()
