"""A dossier bound by this toolkit, returned as one PDF (the bound copy, the electronic
version's 申报材料.pdf) or as its pieces (分项材料/…): the annexes in it are read page range
by page range; the other items (licence, audit report, certificates…) are not forms and are
listed, not guessed at.

The ranges come from the document info the binder wrote (``PROP_DOSSIER``), never from the
file name or the contents page.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

from ..model.naming import PROP_DOSSIER
from ..problems import WARNING
from ..regulation import cn_number
from .values import ParsedFile


def dossier_info(pdf) -> dict | None:
    """``{item number: {pages, annex, missing, title}}`` of a bound dossier, or None."""
    try:
        raw = pdf.docinfo.get("/" + PROP_DOSSIER)
        items = json.loads(str(raw))["items"] if raw is not None else None
        out = {int(k): v for k, v in items.items()}
        for v in out.values():
            first, last = (int(x) for x in v["pages"])
            if not 1 <= first <= last <= len(pdf.pages):
                return None
            v["pages"] = (first, last)
        return out
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def dossier_parts(path: Path, parse_pdf) -> list[ParsedFile] | None:
    """Each annex of the dossier at ``path`` parsed by ``parse_pdf(path, blob, name, first)``, and a
    note naming the items that are not forms; None when ``path`` is not a bound dossier."""
    import pikepdf

    from .pdf_form import open_form
    with open_form(path) as pdf:
        items = dossier_info(pdf)
        if not items:
            return None
        out: list[ParsedFile] = []
        skipped: list[str] = []
        whole = len(items) > 1
        for number, it in sorted(items.items()):
            label = f"（{cn_number(number)}）{it.get('title', '')}"
            first, last = it["pages"]
            if it.get("missing"):
                skipped.append(f"{label}（缺，占位页）")
                continue
            if not it.get("annex"):
                skipped.append(label)
                continue
            piece = pikepdf.new()
            piece.pages.extend(pdf.pages[first - 1:last])
            buf = io.BytesIO()
            piece.save(buf)
            name = f"{path}（第{first}–{last}页）" if whole else str(path)
            out.append(parse_pdf(path, buf.getvalue(), name, first))
    if skipped:
        note = ParsedFile(file=str(path), kind="dossier")
        note.problem(f"装订材料中的{'、'.join(skipped)}不是表格，未解析", severity=WARNING,
                     fix="这些材料请人工审阅")
        out.append(note)
    return out
