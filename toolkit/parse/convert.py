"""Returns saved as .doc/.wps, .odt, .rtf or Word 2003 XML, read after LibreOffice makes them .docx;
spreadsheets saved as .xls/.et or .ods, read after it makes them .xlsx.

LibreOffice (``soffice``) runs headless on a copy under a generated name in a private
temporary folder, with a profile of its own there (so it never meets a running
LibreOffice or another conversion, and leaves nothing behind), for at most
``TIMEOUT`` seconds.  The values are located in the original file and say they were
read from its conversion.  Without LibreOffice the file is refused as before, saying
how to save it as .docx.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import InputError
from .sniff import REFUSED, SPREADSHEETS, SUFFIX
from .values import ParsedFile

TIMEOUT = 60                    # seconds for one conversion
CONVERTED = "（经LibreOffice转换为.docx后读取）"
CONVERTED_XLSX = "（经LibreOffice转换为.xlsx后读取）"
XLSX_FILTER = ("xlsx:Calc MS Excel 2007 XML", "xlsx", "Excel或WPS")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_converted(path: Path, kind: str) -> list[ParsedFile]:
    """The file (``kind``: one of ``sniff.CONVERTIBLE``) read as the .docx LibreOffice makes of it."""
    exe = soffice()
    if exe is None:
        raise InputError(REFUSED[kind], file=str(path))
    if kind in SPREADSHEETS:            # .xls/.et/.ods: read as the .xlsx LibreOffice makes
        return read_converted_sheet(exe, Path(path), kind)
    with tempfile.TemporaryDirectory(prefix="qhsme-convert-") as tmp:
        docx = to_docx(exe, Path(path), Path(tmp), SUFFIX[kind])
        from . import docx as reader
        read = getattr(reader, "read_docx_all", None)
        files = read(docx) if read else [reader.read_docx(docx)]
    for pf in files:
        _relocate(pf, str(docx), str(path))
    return files


def read_converted_sheet(exe: str, path: Path, kind: str) -> list[ParsedFile]:
    from .xlsx import read_xlsx
    with tempfile.TemporaryDirectory(prefix="qhsme-convert-") as tmp:
        xlsx = to_docx(exe, path, Path(tmp), SUFFIX[kind], target=XLSX_FILTER)
        files = read_xlsx(xlsx, shown=str(path))
    for pf in files:
        for v in pf.values:
            v.source = f"{v.source}{CONVERTED_XLSX}"
        for p in pf.problems:
            p.file = p.file or str(path)
            p.source = f"{p.source}{CONVERTED_XLSX}" if p.source else CONVERTED_XLSX.strip("（）")
    return files


def to_docx(exe: str, path: Path, tmp: Path, suffix: str,
            target: tuple[str, str, str] = ("docx:MS Word 2007 XML", "docx", "Word或WPS")) -> Path:
    """``tmp``/out/in.docx made by LibreOffice from a copy of ``path``; raises InputError.
    ``target``: (LibreOffice's filter, the suffix made, the programs to save it with)."""
    filt, ext, programs = target
    src = tmp / f"in{suffix}"
    shutil.copyfile(path, src)
    out = tmp / "out"
    cmd = [exe, f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless", "--invisible",
           "--norestore", "--nolockcheck", "--nodefault", "--nologo",
           "--convert-to", filt, "--outdir", str(out), str(src)]
    err, late = b"", False
    with subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          cwd=tmp, start_new_session=True, env={**os.environ, "HOME": str(tmp)}) as proc:
        try:
            _, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            late = True
        finally:
            _kill(proc)
    if late:
        raise InputError(f"用LibreOffice转换为.{ext}超过{TIMEOUT:g}秒未完成（文件可能过大或已损坏）；"
                         f"请在{programs}中“另存为”.{ext}格式后再提交", file=str(path))
    result = out / f"in.{ext}"
    if not result.is_file():
        why = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
        raise InputError(f"LibreOffice未能把此文件转换为.{ext}（文件可能已损坏或加密"
                         + (f"：{why[0][:120]}" if why else "") + f"）；请在{programs}中“另存为”.{ext}格式后再提交",
                         file=str(path))
    return result


def _kill(proc: subprocess.Popen) -> None:
    """The conversion's process group (soffice starts soffice.bin), if anything is left of it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def _relocate(pf: ParsedFile, temp: str, original: str) -> None:
    """Names the original file, not the temporary .docx, and says where the values came from."""
    def shown(f):
        return original + f[len(temp):] if f and f.startswith(temp) else f
    pf.file = shown(pf.file)
    for v in pf.values:
        v.source = f"{v.source}{CONVERTED}"
    for p in pf.problems:
        p.file = shown(p.file) if p.file else original
        p.source = f"{p.source}{CONVERTED}" if p.source else CONVERTED.strip("（）")
