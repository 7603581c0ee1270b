"""Benchmark (issue 3): the 7 blank DOCX forms in under 1 s.

Run on demand from the repository root; pytest does not collect it::

    python tests/benchmarks/bench_docx.py [ROUNDS]

Times writing all 7 blank forms (``write_blank``, template read, docxtpl
render, deterministic zip, atomic write) in a fresh process's first round
(template bytes not yet cached) and in later rounds, then the 7 forms
pre-filled from the complete sample (annex 2 with its photos).
Exit code 1 when a round of the 7 blank forms takes 1 s or more.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from toolkit.datafile import load  # noqa: E402
from toolkit.docxform import write_blank, write_filled  # noqa: E402
from toolkit.validate import validate  # noqa: E402

BUDGET = 1.0


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(rounds: int = 5) -> int:
    data = validate(load(ROOT / "samples" / "xining-complete.yaml")).data
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)

        def blank_all():
            for n in range(1, 8):
                write_blank(n, out / f"annex{n}.docx")

        def filled_all():
            for n in range(1, 8):
                write_filled(n, data, out / f"filled{n}.docx", base_dir=ROOT / "samples")

        first = timed(blank_all)
        blank = [timed(blank_all) for _ in range(rounds)]
        filled = [timed(filled_all) for _ in range(rounds)]
        per = {}
        for n in range(1, 8):
            per[n] = min(timed(lambda: write_blank(n, out / "one.docx")) for _ in range(3))
    script = ("import sys, tempfile; sys.path.insert(0, sys.argv[1]); from pathlib import Path; "
              "from toolkit.docxform import write_blank; d = Path(tempfile.mkdtemp()); "
              "[write_blank(n, d / f'a{n}.docx') for n in range(1, 8)]")
    process = timed(lambda: subprocess.run([sys.executable, "-c", script, str(ROOT)], check=True))
    print(f"whole process (python start, imports, 7 blank DOCX): {process:.3f} s")
    print(f"7 blank DOCX, first round (cold):  {first:.3f} s")
    print(f"7 blank DOCX, {rounds} rounds:  median {statistics.median(blank):.3f} s, "
          f"max {max(blank):.3f} s  (budget {BUDGET:.1f} s)")
    print(f"7 filled DOCX, {rounds} rounds: median {statistics.median(filled):.3f} s, "
          f"max {max(filled):.3f} s")
    print("per annex (blank, best of 3): " + ", ".join(f"附件{n} {t * 1000:.0f} ms" for n, t in per.items()))
    return 0 if max([first] + blank) < BUDGET else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
