"""What kind of file is this?  Decided from the bytes, never from the name."""
from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import InputError

PDF, DOCX, IMAGE, UNKNOWN = "pdf", "docx", "image", "unknown"

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"     # .doc, .wps, .xls and encrypted Office files
_IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8", b"BM")


def sniff(path: Path) -> str:
    """``pdf`` or ``docx``; raises InputError with what to do for anything else."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as e:
        raise InputError(f"无法读取文件（{e.strerror}）", file=str(path))
    if not head:
        raise InputError("文件是空的（0字节），请重新上传", file=str(path))
    if head.startswith(b"%PDF") or b"%PDF" in _first_kb(path):
        return PDF
    if head.startswith(_OLE):
        raise InputError("这是旧版Word（.doc）、WPS（.wps）格式或加密的Office文件，无法读取；"
                         "请在Word或WPS中“另存为”.docx格式（不加密码）后再提交", file=str(path))
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            raise InputError("文件已损坏（压缩包结构不完整），请重新保存或重新上传", file=str(path))
        if "word/document.xml" in names:
            return DOCX
        if "content.xml" in names:
            raise InputError("这是OpenDocument（.odt）文件；请另存为.docx格式后再提交", file=str(path))
        raise InputError("这是压缩包或其他Office文件，不是Word表格", file=str(path))
    if head.startswith(_IMAGES):
        raise InputError("这是扫描图片，没有可读取的文字，需要人工录入", file=str(path))
    if head.startswith(b"{\\rtf"):
        raise InputError("这是RTF文件；请另存为.docx格式后再提交", file=str(path))
    raise InputError("无法识别的文件格式（不是PDF或.docx）", file=str(path))


def _first_kb(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(1024)
