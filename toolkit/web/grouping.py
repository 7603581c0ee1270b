"""Uploads into applications.

Every uploaded file is stored under a generated name (``00001.pdf``); the name
the browser sent is kept only to be shown.  Grouping:

- a ``.zip`` is its own application, or one application per top-level folder
  when its members sit in folders (a common enclosing folder is looked through);
  the folders of an electronic dossier (分项材料/, 数据/) stay with the bound PDF
  beside them;
- loose files are grouped by the folder they came from (the relative path a
  folder upload sends), looking through the folder the user picked;
- loose files without a folder are one application.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..parse import SUFFIXES
from ..problems import WARNING, Problem

ZIP = ".zip"
DATA_SUFFIXES = {".yaml", ".yml", ".json"}
LOOSE = "上传的文件"
_DRIVE = re.compile(r"^[A-Za-z]:")


class BadName(ValueError):
    """An upload name that tries to be a path outside its folder."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(name)


@dataclass
class Upload:
    path: Path          # where it is stored (generated name)
    shown: str          # the name the browser sent, for display only

    @property
    def parts(self) -> list[str]:
        return name_parts(self.shown)

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.parts[-1]).suffix.lower() if self.parts else ""


@dataclass
class Application:
    id: str
    files: list[tuple[Path, str]] = field(default_factory=list)     # (stored path, shown name)
    problems: list[Problem] = field(default_factory=list)


def name_parts(name: str) -> list[str]:
    """The components of an upload name; ``BadName`` for absolute names or ``..``."""
    s = (name or "").replace("\\", "/")
    if s.startswith("/") or _DRIVE.match(s) or any(ord(c) < 32 for c in s):
        raise BadName(name)
    parts = [p for p in s.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise BadName(name)
    return parts


def suffix_of(name: str, allowed) -> str:
    """The lower-case suffix of ``name`` when it is one of ``allowed``, else ''."""
    suf = PurePosixPath(name_parts(name)[-1] if name_parts(name) else "").suffix.lower()
    return suf if suf in allowed else ""


def _keys(dirs: list[list[str]], fallback: str) -> list[str]:
    """One group key per entry: the first folder below the folders all entries share."""
    common: list[str] = []
    if dirs:
        for level in zip(*dirs):
            if len(set(level)) != 1:
                break
            common.append(level[0])
    from ..dossier.package import DATA_DIR, PIECES_DIR
    out = []
    for d in dirs:
        if len(d) > len(common) and d[len(common)] not in (PIECES_DIR, DATA_DIR):
            out.append(d[len(common)])
        else:
            out.append(common[-1] if common else fallback)
    return out


def group(uploads: list[Upload], scratch: Path) -> list[Application]:
    """Applications from the uploads; zips are opened (with the batch's limits) under ``scratch``."""
    from ..parse.batch import safe_extract
    apps: dict[str, Application] = {}

    def app(key: str) -> Application:
        if key not in apps:
            apps[key] = Application(key)
        return apps[key]

    loose = [u for u in uploads if u.suffix != ZIP]
    for key, u in zip(_keys([u.parts[:-1] for u in loose], LOOSE), loose):
        a = app(key)
        if u.suffix in SUFFIXES:
            a.files.append((u.path, u.shown))
        else:
            a.problems.append(Problem("不是可解析的表格文件（应为 PDF、Word 或 .zip），已忽略", file=u.shown,
                                      severity=WARNING))
    for n, u in enumerate((u for u in uploads if u.suffix == ZIP), 1):
        dest = scratch / f"zip{n:04d}"
        dest.mkdir(parents=True)
        files, names, problems = safe_extract(u.path, dest)
        stored_name = f"{u.path.name}/"
        members = []
        for f in files:
            inner = names.get(str(f), "")
            inner = inner[len(stored_name):] if inner.startswith(stored_name) else inner
            try:
                parts = name_parts(inner)
            except BadName:
                problems.append(Problem("压缩包中的文件名含有路径（如 ../），已跳过", file=f"{u.shown}/{inner}"))
                continue
            members.append((f, parts, f"{u.shown}/{'/'.join(parts)}"))
        for p in problems:
            if p.file and p.file.startswith(stored_name):
                p.file = f"{u.shown}/{p.file[len(stored_name):]}"
            elif p.file == str(u.path):
                p.file = u.shown
        zip_name = PurePosixPath(u.parts[-1]).stem if u.parts else "压缩包"
        keys = _keys([m[1][:-1] for m in members], zip_name)
        if not members:
            a = app(_unique(apps, zip_name))
            a.problems += problems or [Problem("压缩包中没有可解析的表格文件（.pdf/.docx）", file=u.shown)]
            continue
        made: dict[str, Application] = {}
        for key, (f, _, shown) in zip(keys, members):
            if key not in made:
                made[key] = app(_unique(apps, key))
            made[key].files.append((f, shown))
        next(iter(made.values())).problems += problems
    for a in apps.values():
        a.files.sort(key=lambda f: f[1])
    return sorted(apps.values(), key=lambda a: a.id)


def _unique(apps: dict, key: str) -> str:
    if key not in apps:
        return key
    n = 2
    while f"{key}（{n}）" in apps:
        n += 1
    return f"{key}（{n}）"
