"""Excel (XLSX) versions of the table annexes 3, 4, 5 and 6, blank and pre-filled.

    write_blank(5, "annex5.xlsx")
    write_filled(5, application_data, "annex5.xlsx")

Everything (title, labels, two-row headers, units, number formats, drop-down lists)
comes from the annex model; ``toolkit.parse.xlsx`` reads the files back, by their
title and header words, so a WPS or LibreOffice re-save still reads.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ..datafile import write_atomic
from ..errors import InputError
from ..model import annex
from .build import workbook

ANNEXES = (3, 4, 5, 6)          # the annexes that are tables

__all__ = ["ANNEXES", "workbook", "render", "write_blank", "write_filled"]


def render(annex_number: int, data: dict | None = None) -> bytes:
    if annex_number not in ANNEXES:
        raise InputError(f"附件{annex_number}没有Excel版本（Excel版只有附件{'、'.join(map(str, ANNEXES))}）")
    a = annex(annex_number)
    buf = io.BytesIO()
    workbook(a, (data or {}).get(a.id)).save(buf)
    return buf.getvalue()


def write_blank(annex_number: int, path) -> None:
    """The blank form, the same bytes every time (fixed dates inside), so the copies kept in
    fillable/ change only when the form does."""
    write_atomic(Path(path), stable(render(annex_number)))


BLANK_DATE = "2026-01-01T00:00:00Z"


def stable(xlsx: bytes) -> bytes:
    """``xlsx`` with its members dated 2026-01-01 and its created/modified properties too."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + BLANK_DATE.encode(), data)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0)), data,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def write_filled(annex_number: int, data: dict, path, base_dir: Path | None = None) -> None:
    """Annex ``annex_number`` pre-filled from validated application ``data`` (the whole
    dict: ``data["annex5"]`` is used)."""
    if not isinstance(data, dict):
        raise InputError("申报数据应为键值表（annex1: …）")
    write_atomic(Path(path), render(annex_number, data))
