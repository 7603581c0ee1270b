"""Regenerate the committed blank PDF forms, the download page and its thumbnails:

    python tools/build_pdf_forms.py            # fillable/annex1.pdf ... annex7.pdf, index.html, thumbs/

tests/test_pdf_forms.py fails when a committed blank differs from a fresh one on content.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.pdfform import write_blank, write_index  # noqa: E402


def main() -> None:
    out = ROOT / "fillable"
    t = time.perf_counter()
    for n in range(1, 8):
        write_blank(n, out / f"annex{n}.pdf")
        print(f"fillable/annex{n}.pdf  {(out / f'annex{n}.pdf').stat().st_size / 1024:.0f} KB")
    write_index(out)
    print(f"fillable/index.html, thumbs/  ({time.perf_counter() - t:.1f} s)")


if __name__ == "__main__":
    main()
