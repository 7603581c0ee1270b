"""Benchmark (issue 15, item 6): a 1,000-row annex 5 XLSX parsed in at most 1 s.

Run on demand:  python tests/benchmarks/bench_xlsx.py
Parses the file with ``qhsme parse``'s route (find the header, read every row, assemble,
validate) and, in the same run, measures a peer on the same file: openpyxl's own read-only
load that only iterates the cells (no header finding, no validation), and prints the ratio.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from openpyxl import load_workbook  # noqa: E402

from toolkit import xlsxform  # noqa: E402
from toolkit.datafile import load  # noqa: E402
from toolkit.parse import parse_paths  # noqa: E402
from toolkit.validate import validate  # noqa: E402

N = 1000
TARGET = 1.0


def best(fn, runs=3):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    data = validate(load(ROOT / "samples" / "xining-complete.yaml")).data
    one = data["annex5"]["enterprises"]
    data["annex5"] = {**data["annex5"], "served_total": N,
                      "enterprises": [{**one[i % len(one)], "name": f"青海示例企业{i:04d}有限公司"} for i in range(N)]}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "annex5.xlsx"
        xlsxform.write_filled(5, data, path)

        def ours():
            return parse_paths([path])

        def peer():
            wb = load_workbook(path, read_only=True, data_only=True)
            rows = sum(1 for _ in wb.active.iter_rows(values_only=True))
            wb.close()
            return rows
        t_ours, result = best(ours)
        t_peer, rows = best(peer)
    got = len(result.data["annex5"]["enterprises"])
    assert got == N, got
    bad = [p for p in result.problems if p.severity == "错误"]
    assert not bad, bad[:3]
    print(f"annex 5 XLSX, {N} rows: parsed in {t_ours:.3f} s (target <= {TARGET:g} s: "
          f"{'OK' if t_ours <= TARGET else 'MISSED'}); openpyxl read-only load of the same file "
          f"({rows} rows) {t_peer:.3f} s; ratio {t_ours / t_peer:.1f}x")
    if t_ours > TARGET:
        sys.exit(1)


if __name__ == "__main__":
    main()
