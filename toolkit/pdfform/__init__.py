"""Fillable PDF versions of annexes 1-7.

    write_blank(3, "fillable/annex3.pdf")
    write_filled(3, data, "out/annex3.pdf", base_dir=data_file.parent, flatten=False)
    write_index("fillable")

``data`` is the whole validated application (``toolkit.validate.validate(...).data``).
Fonts: ``toolkit.pdfform.fonts`` (Noto Serif SC by default; ``font=`` or the
environment variable ``QHSME_FONT`` choose another).
"""
from __future__ import annotations

from .api import render_blank, render_filled, write_blank, write_blanks, write_filled
from .index import write_index

__all__ = ["render_blank", "render_filled", "write_blank", "write_blanks", "write_filled", "write_index"]
