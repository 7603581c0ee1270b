"""A clerk's batch: each subfolder or .zip of a folder is one application.

Loose files directly in the folder are each taken as an application of their
own.  Zips are opened with limits (member count, total and per-member size,
compression ratio) and their member names are never used as paths on disk.
One bad file or zip never stops the batch: its problem is listed and the
rest goes on.

Large batches use every core (``parse_batch``, ``jobs``): the units of work are files, not
applications (a zip is one unit), started costliest first (a scan is OCR: seconds a page),
so one scanned application does not hold up the rest; workers are capped by the memory
available (OCR peaks near 600 MB a process).  Results are the same with any number of
workers, and come in the order of ``find_applications``.
"""
from __future__ import annotations

import os
import threading
import tempfile
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import ERROR, Problem
from . import SUFFIXES, expand, parse_paths
from .dossier import package_problems

MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 60 * 1024 * 1024
MAX_TOTAL_BYTES = 300 * 1024 * 1024
MAX_RATIO = 200                     # uncompressed / compressed, per member
PARALLEL_FROM = 8                   # files; below this one process is quicker (unless scans)
SCANS = {".jpg", ".jpeg", ".png", ".tif", ".tiff"}
MB = 1024 * 1024
WORKER_MB = 300                     # a worker reading PDF/Word/Excel, peak
OCR_WORKER_MB = 650                 # a worker reading scans (rapidocr + onnxruntime), peak


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


@dataclass
class _Unit:
    """One piece of work: a file of an application (``part`` its index), or a whole zip."""
    app: int
    part: int | None
    path: Path
    cost: float = 1.0
    name: str = ""          # a zip's application id


def _read_unit(path: Path) -> list:
    """A file as parsed files (``parse_files``); never raises."""
    from . import parse_files
    from .values import ParsedFile
    try:
        return parse_files(path)
    except Exception as e:  # noqa: BLE001 - the batch must go on
        pf = ParsedFile(file=str(path))
        pf.problem(f"处理时出错：{type(e).__name__}: {str(e)[:200]}", fix="请把此文件发给维护人员")
        return [pf]


def _run_unit(unit: _Unit):
    if unit.part is None:
        return parse_application(unit.name, unit.path)
    return _read_unit(unit.path)


def estimated_cost(path: Path) -> float:
    """Rough seconds to read ``path``: scans (images, PDFs of images) are OCR, the rest is
    quick.  Only the order of work depends on it, never a result."""
    try:
        size = path.stat().st_size
    except OSError:
        return 0.0
    suffix = path.suffix.lower()
    if suffix in SCANS:
        return 20 + size / 100_000
    if suffix == ".pdf" and _looks_scanned(path):
        return 20 + size / 50_000
    if suffix in (".doc", ".wps", ".odt", ".rtf", ".xml", ".xls", ".et", ".ods"):
        return 5                                        # LibreOffice converts it first
    if suffix == ".zip":
        return _zip_cost(path)
    return 0.5 + size / 500_000


def _looks_scanned(path: Path) -> bool:
    """A PDF with images and no font in its first megabytes: pages that are pictures."""
    try:
        with open(path, "rb") as f:
            head = f.read(4 * MB)
    except OSError:
        return False
    return b"/Image" in head and b"/Font" not in head


def _zip_cost(path: Path) -> float:
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()[:MAX_MEMBERS]
    except (zipfile.BadZipFile, OSError):
        return 0.1
    cost = 0.5
    for info in infos:
        s = Path(info.filename).suffix.lower()
        cost += (20 + info.file_size / 100_000) if s in SCANS else 0.5 + info.file_size / 300_000
    return cost


def _plan(apps: list[tuple[str, Path]]) -> tuple[list[list[Path] | None], list[_Unit]]:
    """Each application's files (None for a zip) and the units of work."""
    files_of: list[list[Path] | None] = []
    units: list[_Unit] = []
    for k, (app_id, path) in enumerate(apps):
        if path.is_file() and path.suffix.lower() == ".zip":
            files_of.append(None)
            units.append(_Unit(k, None, path, estimated_cost(path), app_id))
            continue
        files = expand([path])
        files_of.append(files)
        units += [_Unit(k, n, f, estimated_cost(f)) for n, f in enumerate(files)]
    return files_of, units


def available_memory() -> int | None:
    """Bytes of memory available now (Linux MemAvailable, else free pages), None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def worker_count(jobs: int | None, units: list[_Unit], memory: int | None = None) -> int:
    """Processes to use: ``jobs`` (default every core), no more than the units, and no more
    than the available memory holds at a worker's peak (more for scans)."""
    n = jobs or os.cpu_count() or 1
    n = min(n, max(1, len(units)))
    memory = available_memory() if memory is None else memory
    if memory:
        scans = any(u.cost >= 20 for u in units)
        per = (OCR_WORKER_MB if scans else WORKER_MB) * MB
        n = min(n, max(1, (memory - 200 * MB) // per))
    return max(1, int(n))


def parse_batch(root, progress=None, jobs: int | None = None, on_unit=None):
    """Yield each Application (order of ``find_applications``).  ``progress(app)`` is called
    as each application is done; ``on_unit(done, total)`` once before any work (0, total)
    and after each unit (file, or zip) of work."""
    root = Path(root)
    apps = find_applications(root)
    files_of, units = _plan(apps)
    total = len(units)
    if on_unit:
        on_unit(0, total)
    workers, parallel = _workers(jobs, units)
    left = [0] * len(apps)
    for u in units:
        left[u.app] += 1
    got: list[dict] = [{} for _ in apps]
    done_apps: dict[int, Application] = {}
    nxt = 0
    done = 0

    def finished(u: _Unit, result) -> None:
        nonlocal done
        done += 1
        got[u.app][u.part] = result
        left[u.app] -= 1
        if left[u.app] == 0:
            done_apps[u.app] = app = _assemble(apps[u.app], files_of[u.app], got[u.app])
            got[u.app] = {}
            if progress:
                progress(app)
        if on_unit:
            on_unit(done, total)

    for k, n in enumerate(left):          # applications with nothing in them
        if n == 0:
            done_apps[k] = app = _assemble(apps[k], files_of[k], {})
            if progress:
                progress(app)

    for u, result in _execute(units, workers, parallel):
        finished(u, result)
        while nxt in done_apps:
            yield done_apps.pop(nxt)
            nxt += 1
    while nxt in done_apps:
        yield done_apps.pop(nxt)
        nxt += 1


def _workers(jobs: int | None, units: list[_Unit]) -> tuple[int, bool]:
    """(processes, whether to start them): a few quick files are read quicker here."""
    workers = worker_count(jobs, units)
    scans = any(u.cost >= 20 for u in units)
    if threading.active_count() > 1 and jobs is None:
        # a threaded process (the web server) starts workers by forkserver, ~1.2 s before the
        # first file: measured slower than one process for 200 quick files, so only scans go wide
        return workers, workers > 1 and scans and len(units) >= 2
    return workers, workers > 1 and (len(units) >= PARALLEL_FROM or scans and len(units) >= 2)


def _execute(units: list[_Unit], workers: int, parallel: bool):
    """(unit, result) of each unit as it is done: in this process in order, or on ``workers``
    processes costliest first (no long tail), each OCR engine given its share of the cores."""
    if not parallel:
        for u in units:
            yield u, _run_unit(u)
        return
    order = sorted(units, key=lambda u: -u.cost)
    threads = max(1, (os.cpu_count() or 1) // workers)
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_init_worker,
                             initargs=(threads,)) as pool:
        futures = {pool.submit(_run_unit, u): u for u in order}
        try:
            for fut in as_completed(futures):
                u = futures[fut]
                yield u, _result(fut, u)
        except GeneratorExit:           # the caller stopped early: do not read the rest
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _init_worker(threads: int) -> None:
    """A worker's OCR engine uses its share of the cores, not all of them (oversubscribed
    threads on every worker are slower than one each)."""
    try:
        from .scan import ocr
    except ImportError:                 # pragma: no cover - numpy missing: no scans anyway
        return
    ocr.THREADS = min(ocr.THREADS, threads)


def read_files(paths, jobs: int | None = None, on_file=None) -> list[list]:
    """Each file's parsed files (``parse_files``), in the order given, read on every core
    as ``parse_batch`` reads them; ``on_file(done, total)`` after each.  For callers that
    group files themselves (the web page's uploads)."""
    units = [_Unit(0, n, Path(p), estimated_cost(Path(p))) for n, p in enumerate(paths)]
    workers, parallel = _workers(jobs, units)
    out: list = [None] * len(units)
    for done, (u, result) in enumerate(_execute(units, workers, parallel), 1):
        out[u.part] = result
        if on_file:
            on_file(done, len(units))
    return out


def _context():
    """fork when this process runs no other thread (quick: workers share what is imported),
    else forkserver (forking a threaded process can deadlock)."""
    import multiprocessing
    if threading.active_count() > 1 and "forkserver" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("forkserver")
    return None


def _result(fut, u: _Unit):
    """A unit's result; a worker that died (out of memory, a crash) is said on its file."""
    from .values import ParsedFile
    try:
        return fut.result()
    except Exception as e:  # noqa: BLE001 - BrokenProcessPool and the like: the batch goes on
        msg = f"处理此文件的进程意外退出（{type(e).__name__}，可能内存不足）"
        fix = "请用 qhsme parse --batch … --jobs 1 重新解析，或单独解析此文件"
        if u.part is None:
            return Application(u.name, problems=[Problem(msg, file=str(u.path), fix=fix)])
        pf = ParsedFile(file=str(u.path))
        pf.problem(msg, fix=fix)
        return [pf]


def _assemble(app_entry: tuple[str, Path], files: list[Path] | None, parts: dict) -> Application:
    """An application from its units' results, as ``parse_application`` reads it."""
    app_id, path = app_entry
    if files is None:                                   # a zip: read whole by one worker
        return parts[None]
    app = Application(app_id)
    try:
        from . import ParseResult, collect
        from .dossier import package_notes
        parsed = [pf for n in range(len(files)) for pf in parts[n]]
        validated, sources, kept = collect(parsed + package_notes(files))
        _collect(app, ParseResult(validated, sources, kept), len(files))
        app.problems += package_problems(path)
    except Exception as e:  # noqa: BLE001 - the batch must go on
        app.problems.append(Problem(f"处理时出错：{type(e).__name__}: {str(e)[:200]}", file=str(path),
                                    fix="请把此文件发给维护人员"))
    if app.files == 0 and not app.problems:
        app.problems.append(Problem("没有找到可解析的表格文件（.pdf/.docx）", file=str(path)))
    return app
