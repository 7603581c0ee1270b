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


def dossier_info(pdf) -> tuple[dict, tuple[str, bool]] | None:
    """(``{item number: {pages, annex, missing, title}}``, (dossier id, whole?)) of a bound
    dossier or a piece of one, or None."""
    try:
        raw = pdf.docinfo.get("/" + PROP_DOSSIER)
        if raw is None:
            return None
        info = json.loads(str(raw))
        out = {int(k): v for k, v in info["items"].items()}
        for v in out.values():
            first, last = (int(x) for x in v["pages"])
            if not 1 <= first <= last <= len(pdf.pages):
                return None
            v["pages"] = (first, last)
        return out, (str(info.get("id", "")), bool(info.get("whole", len(out) > 1)))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def dossier_parts(path: Path, parse_pdf) -> list[ParsedFile] | None:
    """Each annex of the dossier at ``path`` parsed by ``parse_pdf(path, blob, name, first)``, and a
    note naming the items that are not forms; None when ``path`` is not a bound dossier."""
    import pikepdf

    from .pdf_form import open_form
    with open_form(path) as pdf:
        found = dossier_info(pdf)
        if not found or not found[0]:
            return None
        items, ident = found
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
    for pf in out:
        pf.dossier = ident
    return out


def drop_pieces_of_whole(files: list[ParsedFile]) -> list[ParsedFile]:
    """The pieces (分项材料) of a dossier whose whole bound copy is among ``files`` repeat its
    pages: they are left out, and the bound copy says so once."""
    wholes = {pf.dossier[0]: pf for pf in files if pf.dossier and pf.dossier[1] and pf.dossier[0]}
    kept, dropped = [], {}
    for pf in files:
        if pf.dossier and not pf.dossier[1] and pf.dossier[0] in wholes:
            dropped.setdefault(pf.dossier[0], set()).add(pf.file)
        else:
            kept.append(pf)
    for ident, names in dropped.items():
        whole = wholes[ident]
        note = ParsedFile(file=whole.file.split("（第")[0], kind="dossier", dossier=whole.dossier)
        note.problem(f"同一份装订材料的{len(names)}个分项文件与装订本内容相同，已按装订本读取",
                     severity=WARNING)
        kept.append(note)
    return kept
