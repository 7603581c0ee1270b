"""Blank and pre-filled annex forms in both formats, written all-or-nothing.

The DOCX side is ``toolkit.docxform``, the PDF side ``toolkit.pdfform``, the Excel
versions of the table annexes 3-6 ``toolkit.xlsxform``; this
module only chooses which to call and moves the finished files into place
together, so a failure leaves no half-written set behind.  It also says how many
rows a blank's tables get (``blank_rows``: ``DOWNLOAD_ROWS`` over the model's printed
rows, ``--rows ID=N``, ``--like DATA``), for all three formats.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import DataProblems, InputError
from .model import ANNEXES

FORMATS = ("docx", "pdf", "xlsx", "all")

# Rows of the downloadable blanks beyond what the official form prints: room for a real
# applicant's list (第五条: 15 staff and 50 enterprises are minimums; a complete application
# lists more) and for the photos' captions.  The Excel blanks hold the same counts.
DOWNLOAD_ROWS = {"staff": 30, "enterprises": 100, "equipment": 30, "photos": 6, "platforms": 30}
MAX_ROWS = 2000         # per table: a bigger blank takes minutes to write
LIKE_SPARE = 5          # --like: rows beyond the data's, for the lines added while filling


def table_ids() -> list[str]:
    """Every table id of the model, in printed order (investors is in annexes 1 and 7)."""
    out: list[str] = []
    for a in ANNEXES:
        out += [t.id for t in a.tables() if t.id not in out]
    return out


def _tables(tid: str):
    return [t for a in ANNEXES for t in a.tables() if t.id == tid]


def default_rows() -> dict[str, int]:
    """Rows of each table in a blank form: ``DOWNLOAD_ROWS``, at least what the form prints."""
    return {tid: max([DOWNLOAD_ROWS.get(tid, 0)] + [t.blank_rows for t in _tables(tid)]) for tid in table_ids()}


def least_rows(tid: str) -> int:
    return max([1] + [t.min_rows for t in _tables(tid)])


def blank_rows(rows: dict[str, int] | None = None, limit: int = MAX_ROWS) -> dict[str, int]:
    """The row count of every table: ``rows`` (table id -> N) over the defaults, each checked."""
    out = default_rows()
    for tid, n in (rows or {}).items():
        if tid not in out:
            raise InputError(f"没有名为“{tid}”的表格。可用的表格：{'、'.join(table_ids())}"
                             f"（如 --rows staff=40 --rows enterprises=120）")
        low = least_rows(tid)
        if not isinstance(n, int) or isinstance(n, bool) or not low <= n <= limit:
            lab = "、".join(sorted({f"{a.name}{t.label}" for a in ANNEXES for t in a.tables() if t.id == tid}))
            raise InputError(f"表格 {tid}（{lab}）的行数应为 {low} 至 {limit} 之间的整数，实际为 {n}")
        out[tid] = n
    return out


def rows_help() -> str:
    """The tables of ``--rows``, each with its annex, label and default, for the help text."""
    d = default_rows()
    names = {}
    for a in ANNEXES:
        for t in a.tables():
            names.setdefault(t.id, []).append(f"{a.name}{t.label}")
    return "、".join(f"{tid}（{'、'.join(names[tid])}，默认{d[tid]}行）" for tid in table_ids())


def parse_rows(specs) -> dict[str, int]:
    """``["staff=40", "enterprises=120"]`` -> {"staff": 40, "enterprises": 120} (checked)."""
    rows: dict[str, int] = {}
    for spec in specs or ():
        tid, eq, num = str(spec).partition("=")
        tid, num = tid.strip(), num.strip()
        if not eq or not tid:
            raise InputError(f"--rows 应写成 表格=行数（如 --rows staff=40），实际为“{spec}”。"
                             f"可用的表格：{'、'.join(table_ids())}")
        try:
            rows[tid] = int(num)
        except ValueError:
            rows[tid] = num            # blank_rows says it is no whole number
    blank_rows(rows)
    return rows


def rows_like(data_path, spare: int = LIKE_SPARE) -> dict[str, int]:
    """Rows for blanks sized to an application: each table as long as the data's list plus
    ``spare`` rows, at least the defaults.  The data file is read, not validated (a draft
    with mistakes still sizes the blanks)."""
    from .datafile import load
    data = load(data_path)
    if not isinstance(data, dict):
        raise InputError("数据文件应为键值表（annex1: …）", file=str(data_path))
    out = default_rows()
    for a in ANNEXES:
        part = data.get(a.id)
        if not isinstance(part, dict):
            continue
        for t in a.tables():
            got = part.get(t.id)
            if isinstance(got, list) and got:
                out[t.id] = min(MAX_ROWS, max(out[t.id], len(got) + spare))
    return out


def _writers(fmt: str):
    out = []
    if fmt in ("docx", "all"):
        from . import docxform
        out.append(("docx", docxform))
    if fmt in ("pdf", "all"):
        from . import pdfform
        out.append(("pdf", pdfform))
    if fmt in ("xlsx", "all"):
        from . import xlsxform
        out.append(("xlsx", xlsxform))
    return out


def _for(mod, nums: list[int], strict: bool) -> list[int]:
    """The annexes a writer makes: the Excel versions are of the table annexes 3-6 only; asked
    for nothing else in that format alone (``strict``: --format xlsx --annex 1) it says so."""
    have = getattr(mod, "ANNEXES", None)
    if have is None:
        return nums
    picked = [n for n in nums if n in have]
    if not picked and strict:
        raise InputError(f"附件{'、'.join(map(str, nums))}没有Excel版本（Excel版只有附件{'、'.join(map(str, have))}）")
    return picked


def _annexes(numbers) -> list[int]:
    nums = sorted(set(numbers)) if numbers else [a.number for a in ANNEXES]
    for n in nums:
        if not 1 <= n <= len(ANNEXES):
            raise InputError(f"没有附件{n}（附件编号为1至7）")
    return nums


def _commit(tmp: Path, out: Path) -> list[Path]:
    written = []
    for p in sorted(tmp.rglob("*")):
        if p.is_file():
            target = out / p.relative_to(tmp)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(p, target)
            written.append(target)
    return written


def write_blank_forms(out, fmt: str = "all", annexes=None, index: bool | None = None,
                      rows: dict[str, int] | None = None) -> list[Path]:
    """annexN.docx / annexN.pdf; with both formats and every annex also index.html.
    ``rows``: table id -> rows of the blanks (``blank_rows``; the rest keep the defaults)."""
    counts = blank_rows(rows)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    nums = _annexes(annexes)
    with tempfile.TemporaryDirectory(dir=out, prefix=".qhsme-") as t:
        tmp = Path(t)
        for ext, mod in _writers(fmt):
            if ext == "pdf":
                mod.write_blanks(tmp, nums, rows=counts)     # on every core, longest annexes first
                continue
            for n in _for(mod, nums, strict=fmt == ext):
                if ext == "xlsx":
                    _xlsx_blank(mod, n, tmp / f"annex{n}.{ext}", counts)
                else:
                    mod.write_blank(n, tmp / f"annex{n}.{ext}", rows=counts)
        if index if index is not None else (fmt == "all" and not annexes):
            from . import pdfform
            for p in out.glob("annex*.*"):          # the index lists what is already there too
                if not (tmp / p.name).exists():
                    (tmp / p.name).write_bytes(p.read_bytes())
            pdfform.write_index(tmp)
        return _commit(tmp, out)


def _xlsx_blank(mod, n: int, path: Path, counts: dict[str, int]) -> None:
    """The Excel blank; with more rows than it holds, its rows are made by giving the writer
    that many empty entries (it writes a row per entry, at least its own count)."""
    from .xlsxform.build import SPARE_ROWS
    t = next(ANNEXES[n - 1].tables())
    if counts[t.id] <= max(t.blank_rows, SPARE_ROWS.get(f"annex{n}", 0)):
        mod.write_blank(n, path)
        return
    from .datafile import write_atomic
    write_atomic(path, mod.stable(mod.render(n, {f"annex{n}": {t.id: [{}] * counts[t.id]}})))


def load_valid(data_path) -> dict:
    from .datafile import load
    from .validate import validate
    checked = validate(load(data_path))
    if not checked.ok:
        for p in checked.problems:
            p.file = str(data_path)
        raise DataProblems(checked.problems, file=str(data_path))
    return checked.data


def write_filled_forms(data_path, out, fmt: str = "all", annexes=None, flatten: bool = False) -> list[Path]:
    """The annexes present in the data, pre-filled.  Relative photo paths are read
    from beside the data file."""
    data = load_valid(data_path)
    present = [n for n in _annexes(annexes) if data.get(f"annex{n}")]
    if not present:
        raise InputError("数据文件中没有任何附件的数据（annex1 … annex7）", file=str(data_path))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    base = Path(data_path).resolve().parent
    with tempfile.TemporaryDirectory(dir=out, prefix=".qhsme-") as t:
        tmp = Path(t)
        for ext, mod in _writers(fmt):
            for n in _for(mod, present, strict=fmt == ext):
                if ext == "pdf":
                    mod.write_filled(n, data, tmp / f"annex{n}.{ext}", base_dir=base, flatten=flatten)
                else:
                    mod.write_filled(n, data, tmp / f"annex{n}.{ext}", base_dir=base)
        return _commit(tmp, out)
