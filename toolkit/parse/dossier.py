"""A dossier bound by this toolkit, returned as one PDF (the bound copy, the electronic
version's 申报材料.pdf) or as its pieces (分项材料/…): the annexes in it are read page range
by page range; the other items (licence, audit report, certificates…) are not forms and are
listed, not guessed at.

The ranges come from the document info the binder wrote (``PROP_DOSSIER``), never from the
file name or the contents page.  The electronic version (a .zip, or unpacked in a folder) is
also checked against its checksum list (``package_problems``): a file changed or missing since
binding is an error naming it.
"""
from __future__ import annotations

import json

from ..model.naming import PROP_DOSSIER
from ..problems import WARNING
from .values import ParsedFile

PAGES = "（第{first}–{last}页）"      # after the file name: the pages of the bound copy read


def dossier_info(pdf) -> tuple[dict, tuple[str, bool]] | None:
    """(``{item number: {pages, annex, missing, label}}``, (dossier id, whole?)) of a bound
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


def dossier_parts(pdf, file: str, read) -> list[ParsedFile] | None:
    """Each annex of the dossier ``pdf`` (pikepdf, shown as ``file``) read by
    ``read(piece, name, first_page)`` from its own pages, and a note naming the items that
    are not forms; None when ``pdf`` is not a bound dossier."""
    import pikepdf
    found = dossier_info(pdf)
    if not found or not found[0]:
        return None
    items, ident = found
    out: list[ParsedFile] = []
    skipped: list[str] = []
    for it in (items[n] for n in sorted(items)):
        first, last = it["pages"]
        label = str(it.get("label", ""))
        if it.get("missing"):
            skipped.append(f"{label}（缺，占位页）")
        elif not it.get("annex"):
            skipped.append(label)
        else:
            piece = pikepdf.new()
            piece.pages.extend(pdf.pages[first - 1:last])
            out.append(read(piece, f"{file}{PAGES.format(first=first, last=last)}" if ident[1] else file,
                            first))
    if skipped:
        note = ParsedFile(file=file, kind="dossier")
        note.problem(f"装订材料中的{'、'.join(skipped)}不是表格，未解析", severity=WARNING,
                     fix="这些材料请人工审阅")
        out.append(note)
    for pf in out:
        pf.dossier = (*ident, file)
    return out


def package_problems(path) -> list:
    """What the checksum list (校验清单.json) of the electronic version at ``path`` (a .zip or
    a folder) says changed, went missing or was added since binding; [] when ``path`` is
    not such a package or all is as bound."""
    from pathlib import Path

    from ..dossier.verify import verify_dir, verify_zip
    path = Path(path)
    if path.is_dir():
        return verify_dir(path) or []
    if path.is_file() and path.suffix.lower() == ".zip":
        return verify_zip(path) or []
    return []


def package_notes(paths) -> list[ParsedFile]:
    """``package_problems`` of each folder among ``paths``, each on a note of its own."""
    out = []
    for p in paths:
        problems = package_problems(p) if not str(p).lower().endswith(".zip") else []
        if problems:
            note = ParsedFile(file=str(p), kind="package")
            note.problems = problems
            out.append(note)
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
        note = ParsedFile(file=whole.dossier[2], kind="dossier", dossier=whole.dossier)
        note.problem(f"同一份装订材料的{len(names)}个分项文件与装订本内容相同，已按装订本读取",
                     severity=WARNING)
        kept.append(note)
    return kept
