"""Fillable Word (DOCX) forms of annexes 1-7, blank and pre-filled.

    write_blank(3, "annex3.docx")
    write_filled(3, application_data, "annex3.docx", base_dir=Path("samples"))

Templates are ``templates/annexN.docx`` (docxtpl), built from the model by
``tools/build_docx_templates.py``; ``layout`` documents where each value sits
so it can be read back even when content-control tags were lost.
"""
from .render import render, write_blank, write_filled

__all__ = ["render", "write_blank", "write_filled"]
