"""The electronic version (第九条 同时报送电子版材料): one .zip with Chinese names.

Inside: the bound PDF, each item's pages as a PDF of its own (cut from the
bound PDF, so page numbers match the printed copy; PDF/A-2b like it), the data
as JSON and XLSX, 目录.txt listing every file and its pages, and the checksum
list (``verify.CHECKSUMS``, 校验清单.json, plus SHA256SUMS for ``sha256sum -c``)
giving every other file's SHA-256 and size, so a clerk can verify that nothing
changed after binding (``qhsme parse`` does it).
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
from .verify import CHECKSUMS, SUMS_FILE, checksum_files

FIXED_TIME = (2026, 1, 1, 0, 0, 0)
PIECES_DIR = "分项材料"       # each item's pages; beside the bound PDF, part of the same dossier
DATA_DIR = "数据"


def write_package(tmp: Path, bound: Path, ranges: dict, parts, data: dict, base: str, kind: str,
                  ident: str) -> Path:
    out = tmp / f"{base}（电子版）.zip"
    from ..pdfmeta import make_pdfa
    sums: list[tuple[str, bytes]] = []
    with pikepdf.open(bound) as pdf, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        index = [f"{base}（电子版）", "", f"{base}.pdf  装订本（共{len(pdf.pages)}页）", ""]
        title = str(pdf.docinfo.get("/Title", base))
        _add(z, f"{base}.pdf", bound.read_bytes(), sums)
        for part in parts:
            first, last = ranges[part.item.number]
            name = f"{PIECES_DIR}/{part.item.number:02d}-{_safe(part.item.title)}.pdf"
            piece = pikepdf.new()
            piece.pages.extend(pdf.pages[first - 1:last])
            piece.docinfo["/" + PROP_DOSSIER] = dossier_info(kind, parts, ranges, ident, part.item.number)
            make_pdfa(piece, f"{title} {part.item.label}")
            buf = io.BytesIO()
            piece.save(buf, compress_streams=True)
            _add(z, name, buf.getvalue(), sums)
            state = "（缺，占位页）" if part.missing else ""
            index.append(f"{name}  第{first}–{last}页{state}")
        clean = {k: v for k, v in data.items() if k != "sources"}
        _add(z, f"{DATA_DIR}/申报数据.json", json.dumps(clean, ensure_ascii=False, indent=2).encode("utf-8"),
             sums)
        _add(z, f"{DATA_DIR}/申报数据.xlsx", xlsx_bytes([(str(data.get("id") or "申报"), clean)]), sums)
        index += [f"{DATA_DIR}/申报数据.json  申报数据（JSON）", f"{DATA_DIR}/申报数据.xlsx  申报数据（Excel）",
                  f"{CHECKSUMS}  校验清单：以上每个文件的SHA-256和大小（另有 {SUMS_FILE}）"]
        _add(z, "目录.txt", ("\r\n".join(index) + "\r\n").encode("utf-8-sig"), sums)
        listing, sha256sums = checksum_files(sums, ident, kind)
        _add(z, CHECKSUMS, listing)
        _add(z, SUMS_FILE, sha256sums)
    return out


def _safe(title: str) -> str:
    for ch in '/\\:*?"<>|':
        title = title.replace(ch, "-")
    return title[:60]


def _add(z: zipfile.ZipFile, name: str, data: bytes, sums: list | None = None) -> None:
    if sums is not None:
        sums.append((name, data))
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.flag_bits |= 0x800
    z.writestr(info, data)
