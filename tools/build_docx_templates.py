#!/usr/bin/env python3
"""Regenerate the DOCX templates (templates/annexN.docx) from the annex model,
and the blank forms (fillable/annexN.docx) from the templates.

    python tools/build_docx_templates.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.datafile import write_atomic  # noqa: E402
from toolkit.docxform import render  # noqa: E402
from toolkit.docxform.build import template_bytes, template_name  # noqa: E402
from toolkit.model import ANNEXES  # noqa: E402


def main() -> None:
    for a in ANNEXES:
        write_atomic(ROOT / "templates" / template_name(a.number), template_bytes(a))
    render.__globals__["_template"].cache_clear()
    for a in ANNEXES:
        write_atomic(ROOT / "fillable" / template_name(a.number), render(a.number))
        print(f"templates/{template_name(a.number)}  fillable/{template_name(a.number)}")


if __name__ == "__main__":
    main()
