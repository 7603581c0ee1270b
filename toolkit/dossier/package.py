"""The electronic version (第九条 同时报送电子版材料): one .zip with Chinese names.

Inside: the bound PDF, each item's pages as a PDF of its own (cut from the
bound PDF, so page numbers match the printed copy), the data as JSON and
XLSX, and 目录.txt listing every file and its pages.
"""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pikepdf

from ..export import xlsx_bytes
from ..model.naming import PROP_DOSSIER
from .bind import dossier_info

FIXED_TIME = (2026, 1, 1, 0, 0, 0)
PIECES_DIR = "分项材料"       # each item's pages; beside the bound PDF, part of the same dossier
DATA_DIR = "数据"


def write_package(tmp: Path, bound: Path, ranges: dict, parts, data: dict, base: str, kind: str,
                  ident: str) -> Path:
    out = tmp / f"{base}（电子版）.zip"
    index = [f"{base}（电子版）", "", f"{base}.pdf  装订本（共{_pages(bound)}页）", ""]
    with pikepdf.open(bound) as pdf, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        _add(z, f"{base}.pdf", bound.read_bytes())
        for part in parts:
            first, last = ranges[part.item.number]
            name = f"{PIECES_DIR}/{part.item.number:02d}-{_safe(part.item.title)}.pdf"
            piece = pikepdf.new()
            piece.pages.extend(pdf.pages[first - 1:last])
            piece.docinfo["/" + PROP_DOSSIER] = dossier_info(kind, parts, ranges, ident, part.item.number)
            buf = io.BytesIO()
            piece.save(buf, compress_streams=True)
            _add(z, name, buf.getvalue())
            state = "（缺，占位页）" if part.missing else ""
            index.append(f"{name}  第{first}–{last}页{state}")
        clean = {k: v for k, v in data.items() if k != "sources"}
        _add(z, f"{DATA_DIR}/申报数据.json", json.dumps(clean, ensure_ascii=False, indent=2).encode("utf-8"))
        _add(z, f"{DATA_DIR}/申报数据.xlsx", xlsx_bytes([(str(data.get("id") or "申报"), clean)]))
        index += [f"{DATA_DIR}/申报数据.json  申报数据（JSON）", f"{DATA_DIR}/申报数据.xlsx  申报数据（Excel）"]
        _add(z, "目录.txt", ("\r\n".join(index) + "\r\n").encode("utf-8-sig"))
    return out


def _pages(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def _safe(title: str) -> str:
    for ch in '/\\:*?"<>|':
        title = title.replace(ch, "-")
    return title[:60]


def _add(z: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.flag_bits |= 0x800
    z.writestr(info, data)
