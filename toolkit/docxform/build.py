"""The committed docxtpl templates ``templates/annexN.docx``, made from the model.

``template_bytes(annex)`` is deterministic; ``tools/build_docx_templates.py``
writes the files and a test checks the committed ones equal a fresh build.
"""
from __future__ import annotations

from ..model.fields import Annex
from ..model.naming import PROP_ANNEX, PROP_VERSION, TEMPLATE_VERSION
from . import ooxml
from .layout import template_xml


def template_name(number: int) -> str:
    return f"annex{number}.docx"


def properties(annex: Annex) -> dict[str, str]:
    return {PROP_ANNEX: annex.id, PROP_VERSION: TEMPLATE_VERSION}


def template_bytes(annex: Annex) -> bytes:
    return ooxml.package(template_xml(annex), annex.title, properties(annex))
