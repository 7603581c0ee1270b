"""The electronic version's checksum list: written when binding, verified when it comes back.

校验清单.json holds every other file of the package with its SHA-256 and size
(SHA256SUMS says the same in ``sha256sum -c`` form).  ``verify_zip`` /
``verify_dir`` read a returned package, as a .zip or unpacked in a folder,
and give one located 错误 per file changed or missing since binding, and a
提示 per file added.
"""
from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

from ..problems import ERROR, WARNING, Problem

CHECKSUMS = "校验清单.json"
SUMS_FILE = "SHA256SUMS"
FORMAT = "qhsme-checksums/1"
UNLISTED = {CHECKSUMS, SUMS_FILE}


def checksum_files(files: list[tuple[str, bytes]], ident: str, kind: str) -> tuple[bytes, bytes]:
    """(校验清单.json, SHA256SUMS) for ``files`` (name inside the package, content)."""
    entries = [{"file": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
               for name, data in files]
    listing = {"format": FORMAT, "说明": "电子版中每个文件的SHA-256校验值和字节数；任何文件在装订后被修改、"
               "删除或替换，校验值都会不同。可用 qhsme parse 或 sha256sum -c SHA256SUMS 核对。",
               "dossier": ident, "kind": kind, "algorithm": "SHA-256", "files": entries}
    sums = "".join(f"{e['sha256']}  {e['file']}\n" for e in entries)
    return (json.dumps(listing, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), sums.encode("utf-8")


def _listing(raw: bytes, where: str) -> tuple[list[dict] | None, list[Problem]]:
    try:
        doc = json.loads(raw.decode("utf-8"))
        entries = [{"file": str(e["file"]), "sha256": str(e["sha256"]).lower(), "bytes": int(e["bytes"])}
                   for e in doc["files"]]
        if doc.get("format") != FORMAT:
            raise ValueError(doc.get("format"))
        return entries, []
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None, [Problem(f"{CHECKSUMS} 无法读取（不是本工具写出的校验清单，或已损坏），无法核对电子版是否完整",
                              fix="请用 qhsme dossier --package 重新生成电子版", file=where)]


def _compare(entries: list[dict], present: dict[str, tuple[str, int]], shown: str) -> list[Problem]:
    """``present``: name -> (sha256, size) of what the package holds now."""
    out = []
    listed = set()
    for e in entries:
        listed.add(e["file"])
        where = f"{shown}/{e['file']}"
        got = present.get(e["file"])
        if got is None:
            out.append(Problem(f"电子版中缺少文件“{e['file']}”（校验清单中列出）", severity=ERROR, file=where,
                               fix="请补回该文件，或重新装订生成电子版"))
        elif got != (e["sha256"], e["bytes"]):
            out.append(Problem(f"文件“{e['file']}”与装订时不同（SHA-256不符，装订时{e['bytes']}字节，"
                               f"现为{got[1]}字节）：装订后被修改或替换", severity=ERROR, file=where,
                               fix="请使用装订时生成的原文件，或修改后重新装订生成电子版"))
    for name in sorted(set(present) - listed - UNLISTED):
        out.append(Problem(f"文件“{name}”不在校验清单中（装订后加入）", severity=WARNING,
                           file=f"{shown}/{name}", fix="如非有意加入，请删除；需要时请重新装订"))
    return out


def _sha(data_iter) -> tuple[str, int]:
    h, n = hashlib.sha256(), 0
    for chunk in data_iter:
        h.update(chunk)
        n += len(chunk)
    return h.hexdigest(), n


def _chunks(f, size: int = 1 << 20):
    while chunk := f.read(size):
        yield chunk


def _prefix(names: list[str]) -> str | None:
    """Where 校验清单.json is: the package's root, or one folder it was zipped in."""
    hits = sorted((n for n in names if n == CHECKSUMS or n.endswith("/" + CHECKSUMS)), key=len)
    return hits[0][:-len(CHECKSUMS)] if hits else None


def verify_zip(zpath) -> list[Problem] | None:
    """Problems of the package ``zpath``; None when it has no checksum list (not a package)."""
    zpath = Path(zpath)
    try:
        with zipfile.ZipFile(zpath) as z:
            names = [i.filename for i in z.infolist() if not i.is_dir()]
            prefix = _prefix(names)
            if prefix is None:
                return None
            entries, problems = _listing(z.read(prefix + CHECKSUMS), f"{zpath}/{prefix}{CHECKSUMS}")
            if entries is None:
                return problems
            present = {}
            for n in names:
                if n.startswith(prefix):
                    with z.open(n) as f:
                        present[n[len(prefix):]] = _sha(_chunks(f))
    except (zipfile.BadZipFile, OSError, RuntimeError) as e:
        return [Problem(f"压缩包无法读取（{type(e).__name__}），无法核对校验清单", file=str(zpath))]
    return _compare(entries, present, f"{zpath}/{prefix}".rstrip("/"))


def verify_dir(root) -> list[Problem] | None:
    """Problems of the package unpacked in folder ``root``; None when it holds no checksum list."""
    root = Path(root)
    hits = sorted(root.rglob(CHECKSUMS), key=lambda p: len(p.parts))
    if not hits:
        return None
    base = hits[0].parent
    entries, problems = _listing(hits[0].read_bytes(), str(hits[0]))
    if entries is None:
        return problems
    present = {}
    for p in sorted(base.rglob("*")):
        if p.is_file():
            with p.open("rb") as f:
                present[p.relative_to(base).as_posix()] = _sha(_chunks(f))
    return _compare(entries, present, str(base))
