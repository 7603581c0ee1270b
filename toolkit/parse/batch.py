"""A clerk's batch: each subfolder or .zip of a folder is one application.

Loose files directly in the folder are each taken as an application of their
own.  Zips are opened with limits (member count, total and per-member size,
compression ratio) and their member names are never used as paths on disk.
One bad file or zip never stops the batch: its problem is listed and the
rest goes on.  Large batches use every core.
"""
from __future__ import annotations

import os
import tempfile
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import ERROR, Problem
from . import SUFFIXES, expand, parse_paths
from .dossier import package_problems

MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 60 * 1024 * 1024
MAX_TOTAL_BYTES = 300 * 1024 * 1024
MAX_RATIO = 200                     # uncompressed / compressed, per member
PARALLEL_FROM = 8                   # applications; below this one process is quicker


@dataclass
class Application:
    id: str
    data: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)


def find_applications(root: Path) -> list[tuple[str, Path]]:
    """(id, path) for each subfolder, .zip and loose form file of ``root``."""
    out = []
    for p in sorted(root.iterdir()):
        if p.name.startswith("."):
            continue
        if p.is_dir() or p.suffix.lower() == ".zip" or p.suffix.lower() in SUFFIXES:
            out.append((p.stem if p.is_file() else p.name, p))
    return out


def parse_application(app_id: str, path: Path) -> Application:
    """Never raises for bad input."""
    app = Application(app_id)
    try:
        if path.is_file() and path.suffix.lower() == ".zip":
            with tempfile.TemporaryDirectory(prefix="qhsme-zip-") as tmp:
                files, names, problems = safe_extract(path, Path(tmp))
                app.problems += problems + package_problems(path)    # the checksum list
                result = parse_paths(files)
                _rename_files(result, names)
                _collect(app, result, len(files))
        else:
            files = expand([path])
            result = parse_paths(files)
            _collect(app, result, len(files))
            app.problems += package_problems(path)
    except Exception as e:  # noqa: BLE001 - the batch must go on
        app.problems.append(Problem(f"处理时出错：{type(e).__name__}: {str(e)[:200]}", file=str(path),
                                    fix="请把此文件发给维护人员"))
    if app.files == 0 and not app.problems:
        app.problems.append(Problem("没有找到可解析的表格文件（.pdf/.docx）", file=str(path)))
    return app


def _collect(app: Application, result, nfiles: int) -> None:
    app.data = result.data
    app.problems += result.problems
    app.files += nfiles
    if result.data:
        app.data.setdefault("id", app.id)


def _rename_files(result, names: dict[str, str]) -> None:
    """Problems and sources name the file as it was inside the zip, not its temp copy (a part
    of a file keeps its page range: 申报材料.pdf（第3–5页）)."""
    def shown(f: str) -> str:
        return _shown(f, names)
    for p in result.problems:
        if p.file:
            p.file = shown(p.file)
    for k, v in list(result.sources.items()):
        f, sep, rest = v.partition("：")
        result.sources[k] = shown(f) + sep + rest


def safe_extract(zpath: Path, dest: Path) -> tuple[list[Path], dict[str, str], list[Problem]]:
    """Form files of a zip, written under generated names; (paths, temp->shown names, problems)."""
    problems: list[Problem] = []
    files: list[Path] = []
    names: dict[str, str] = {}
    try:
        z = zipfile.ZipFile(zpath)
    except (zipfile.BadZipFile, OSError) as e:
        return [], {}, [Problem(f"压缩包已损坏，无法打开（{type(e).__name__}）", file=str(zpath),
                                fix="请重新打包后提交")]
    with z:
        infos = [i for i in z.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            return [], {}, [Problem(f"压缩包内文件超过{MAX_MEMBERS}个，不像一份申报材料，未解析", file=str(zpath))]
        total = 0
        for n, info in enumerate(infos, 1):
            shown = f"{zpath.name}/{_decode_name(info)}"
            suffix = Path(_decode_name(info)).suffix.lower()
            if suffix not in SUFFIXES or Path(info.filename).name.startswith((".", "__MACOSX")) \
                    or "__MACOSX/" in info.filename:
                continue
            ratio = info.file_size / max(1, info.compress_size)
            if info.file_size > MAX_MEMBER_BYTES or ratio > MAX_RATIO or total + info.file_size > MAX_TOTAL_BYTES:
                problems.append(Problem("压缩包中的文件解压后过大（疑似压缩炸弹），已跳过", file=shown,
                                        fix="请直接提交原文件"))
                continue
            target = dest / f"{n:04d}{suffix}"
            try:
                with z.open(info) as src, open(target, "wb") as out:
                    copied = _copy_limited(src, out, MAX_MEMBER_BYTES)
            except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError) as e:
                problems.append(Problem(f"无法从压缩包中取出（{type(e).__name__}，可能已损坏或加密）", file=shown))
                continue
            if copied is None:
                problems.append(Problem("压缩包中的文件解压后过大，已跳过", file=shown))
                target.unlink(missing_ok=True)
                continue
            total += copied
            files.append(target)
            names[str(target)] = shown
    return files, names, problems


def _decode_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its maker meant it.  Without the UTF-8 flag Python decoded the bytes
    as cp437: Info-ZIP and macOS wrote UTF-8 there, Chinese Windows GBK; UTF-8 is tried first
    (GBK text is rarely valid UTF-8, while UTF-8 often is valid GBK: 混合单位 → 娣峰悎鍗曚綅)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def read_zip(zpath: Path, read) -> list:
    """The form files of one zip as parsed files (``read``: path -> parsed files), named as
    inside the zip (申报.zip/附件1.pdf); what could not be taken out is said on the zip."""
    from .values import ParsedFile
    with tempfile.TemporaryDirectory(prefix="qhsme-zip-") as tmp:
        files, names, problems = safe_extract(zpath, Path(tmp))
        problems += package_problems(zpath)          # an electronic version's checksum list
        out = []
        for f in files:
            if _is_zip(f):
                problems.append(Problem("压缩包中又是压缩包，未解析", file=names[str(f)],
                                        fix="请把其中的表格文件直接放进压缩包"))
                continue
            for pf in read(f):
                pf.file = _shown(pf.file, names)
                for p in pf.problems:
                    p.file = _shown(p.file, names) if p.file else pf.file
                out.append(pf)
    if problems or not out:
        carrier = ParsedFile(file=str(zpath), kind="zip")
        carrier.problems = problems or [Problem("压缩包中没有可解析的表格文件（.pdf/.docx）", file=str(zpath),
                                                fix="请把填好的附件打包后重新提交")]
        out.append(carrier)
    return out


def _is_zip(path: Path) -> bool:
    from ..errors import InputError
    from .sniff import ZIP, sniff
    try:
        return sniff(path) == ZIP
    except InputError:
        return False


def _shown(f: str, names: dict[str, str]) -> str:
    if f in names:
        return names[f]
    for temp, name in names.items():
        if f.startswith(temp):
            return name + f[len(temp):]
    return f


def _copy_limited(src, out, limit: int) -> int | None:
    n = 0
    while True:
        chunk = src.read(1 << 16)
        if not chunk:
            return n
        n += len(chunk)
        if n > limit:
            return None
        out.write(chunk)


def _worker(args):
    return parse_application(*args)


def parse_batch(root, progress=None, jobs: int | None = None):
    """Yield each Application as it is done (order of ``find_applications``)."""
    root = Path(root)
    apps = find_applications(root)
    jobs = jobs or os.cpu_count() or 1
    if len(apps) >= PARALLEL_FROM and jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for app in pool.map(_worker, apps, chunksize=4):
                if progress:
                    progress(app)
                yield app
    else:
        for a in apps:
            app = parse_application(*a)
            if progress:
                progress(app)
            yield app
