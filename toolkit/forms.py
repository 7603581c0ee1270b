"""Blank and pre-filled annex forms in both formats, written all-or-nothing.

The DOCX side is ``toolkit.docxform``, the PDF side ``toolkit.pdfform``, the Excel
versions of the table annexes 3-6 ``toolkit.xlsxform``; this
module only chooses which to call and moves the finished files into place
together, so a failure leaves no half-written set behind.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .datafile import load
from .errors import DataProblems, InputError
from .model import ANNEXES
from .validate import validate

FORMATS = ("docx", "pdf", "xlsx", "all")


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
        raise InputError(f"附件{'、'.join(map(str, nums))}没有Excel版本（Excel版只有附件3、4、5、6）")
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


def write_blank_forms(out, fmt: str = "all", annexes=None, index: bool | None = None) -> list[Path]:
    """annexN.docx / annexN.pdf; with both formats and every annex also index.html."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    nums = _annexes(annexes)
    with tempfile.TemporaryDirectory(dir=out, prefix=".qhsme-") as t:
        tmp = Path(t)
        for ext, mod in _writers(fmt):
            if ext == "pdf":
                mod.write_blanks(tmp, nums)             # on every core, longest annexes first
                continue
            for n in _for(mod, nums, strict=fmt == ext):
                mod.write_blank(n, tmp / f"annex{n}.{ext}")
        if index if index is not None else (fmt == "all" and not annexes):
            from . import pdfform
            for p in out.glob("annex*.*"):          # the index lists what is already there too
                if not (tmp / p.name).exists():
                    (tmp / p.name).write_bytes(p.read_bytes())
            pdfform.write_index(tmp)
        return _commit(tmp, out)


def load_valid(data_path) -> dict:
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
