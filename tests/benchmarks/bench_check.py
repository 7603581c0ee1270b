"""Benchmark: check 100 applications (issue 6 asks for under 1 s).

Run on demand from the repository root; pytest does not collect it::

    python tests/benchmarks/bench_check.py [N]

The applications are the three bundled samples, cycled, each with its
enterprise names varied so no two are the same (counts unchanged).  Loading and
field validation are timed separately; the budget applies to ``check``.
Exit code 1 when checking N applications takes longer than N/100 seconds.
"""
from __future__ import annotations

import copy
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from toolkit.check import check  # noqa: E402
from toolkit.datafile import load  # noqa: E402
from toolkit.validate import validate  # noqa: E402

SAMPLES = ("xining-complete.yaml", "xining-fails-conditions.yaml", "yushu-qingnan.yaml")


def applications(n: int) -> list[dict]:
    raw = [load(ROOT / "samples" / name) for name in SAMPLES]
    apps = []
    for i in range(n):
        d = copy.deepcopy(raw[i % len(raw)])
        d["id"] = f"BENCH-{i:04d}"
        for k, row in enumerate(d["annex5"]["enterprises"]):   # same counts, new names
            row["name"] = f"{row['name']}（{i}-{k}）"
        apps.append(d)
    return apps


def timed(fn, items, repeat=5):
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = [fn(x) for x in items]
        runs.append(time.perf_counter() - t)
    return out, runs


def main(n: int = 100) -> int:
    raw = applications(n)
    clean, t_validate = timed(lambda d: validate(d).data, raw, repeat=1)
    reports, t_check = timed(check, clean)
    _, t_json = timed(lambda r: r.to_json(), reports, repeat=1)
    _, t_text = timed(lambda r: r.to_text(), reports, repeat=1)
    _, t_html = timed(lambda r: r.to_html(), reports, repeat=1)
    best, median = min(t_check), statistics.median(t_check)
    blocking = sum(r.blocking for r in reports)
    findings = sum(len(r.findings) + len(r.passed) for r in reports)
    print(f"applications:           {n} ({blocking} blocking, {findings} findings in all)")
    print(f"validate (not budgeted): {t_validate[0]:.3f} s")
    print(f"check:                  best {best:.3f} s, median {median:.3f} s of {len(t_check)} runs "
          f"({1000 * median / n:.2f} ms per application)")
    print(f"to_json / to_text / to_html: {t_json[0]:.3f} / {t_text[0]:.3f} / {t_html[0]:.3f} s")
    budget = n / 100
    ok = median < budget
    print(f"budget {budget:.2f} s: {'OK' if ok else 'TOO SLOW'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100))
