"""What kind of file is this?  Decided from the bytes, never from the name."""
from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path

from ..errors import InputError

PDF, DOCX, IMAGE, UNKNOWN = "pdf", "docx", "image", "unknown"
ZIP = "zip"                                     # a plain zip: one application's files
DOC, ODT, RTF, WORDXML = "doc", "odt", "rtf", "wordxml"
CONVERTIBLE = (DOC, ODT, RTF, WORDXML)          # read after LibreOffice made them .docx
XLSX = "xlsx"                                   # an Excel workbook (annexes 3-6)
XLS, ODS = "xls", "ods"                         # .xls/.et and .ods: read after LibreOffice made them .xlsx
SPREADSHEETS = (XLS, ODS)

# What to say about each convertible kind when LibreOffice is not installed.
REFUSED = {
    DOC: "这是旧版Word（.doc）或WPS（.wps）格式，本机未安装LibreOffice，无法读取；"
         "请在Word或WPS中“另存为”.docx格式后再提交",
    ODT: "这是OpenDocument（.odt）文件，本机未安装LibreOffice，无法读取；请另存为.docx格式后再提交",
    RTF: "这是RTF文件，本机未安装LibreOffice，无法读取；请另存为.docx格式后再提交",
    WORDXML: "这是Word 2003 XML文件，本机未安装LibreOffice，无法读取；请另存为.docx格式后再提交",
    XLS: "这是旧版Excel（.xls）或WPS表格（.et）文件，本机未安装LibreOffice，无法读取；"
         "请在Excel或WPS中“另存为”.xlsx格式后再提交",
    ODS: "这是OpenDocument表格（.ods）文件，本机未安装LibreOffice，无法读取；请另存为.xlsx格式后再提交",
}
SUFFIX = {DOC: ".doc", ODT: ".odt", RTF: ".rtf", WORDXML: ".xml", XLS: ".xls", ODS: ".ods"}

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"     # .doc, .wps, .xls and encrypted Office files
_IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8", b"BM")
_SCANS = _IMAGES[:4]                # JPEG, PNG, TIFF
_OLE_MAX = 60 * 1024 * 1024
_ENCRYPTED = ("这是加密的Office文件（设置了打开密码），无法读取；"
              "请取消密码后“另存为”.docx格式再提交")
_WORDXML = re.compile(rb"<\?mso-application\s+progid=[\"']Word\.Document[\"']|<w:wordDocument[\s>]")


def sniff(path: Path) -> str:
    """``pdf``, ``docx``, ``zip``, ``image`` (a scan: JPEG, PNG, TIFF) or one of ``CONVERTIBLE``; raises InputError with what to do
    for anything else."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as e:
        raise InputError(f"无法读取文件（{e.strerror}）", file=str(path))
    if not head:
        raise InputError("文件是空的（0字节），请重新上传", file=str(path))
    first = _first_kb(path)
    if head.startswith(b"%PDF") or b"%PDF" in first:
        return PDF
    if head.startswith(_OLE):
        return _ole(path)
    if head.startswith(b"PK"):
        return _zip(path)
    if head.startswith(_SCANS):
        return IMAGE                # a scan: read by OCR where the ocr extra is installed
    if head.startswith(_IMAGES):
        raise InputError("这是图片（GIF/BMP），无法识别，需要人工录入；扫描件请提交PDF、JPEG、PNG或TIFF格式",
                         file=str(path))
    if head.startswith(b"{\\rtf"):
        return RTF
    if first.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") and _WORDXML.search(first):
        return WORDXML
    raise InputError("无法识别的文件格式（不是PDF、.docx或.xlsx）", file=str(path))


def _zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            mimetype = z.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        raise InputError("文件已损坏（压缩包结构不完整），请重新保存或重新上传", file=str(path))
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    if "content.xml" in names:
        if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
            return ODT
        if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            return ODS
        raise InputError("这是OpenDocument表格或演示文稿，不是Word表格", file=str(path))
    if "[Content_Types].xml" in names:
        raise InputError("这是PowerPoint等其他Office文件，不是Word或Excel表格", file=str(path))
    return ZIP


def _ole(path: Path) -> str:
    """An OLE file: a Word 97–2003 (or WPS) document to convert, else refused: an encrypted
    Office file (its package is a stream "EncryptedPackage", or the Word header says so),
    or another program's file."""
    with open(path, "rb") as fh:
        raw = fh.read(_OLE_MAX)
    if _entry(raw, "EncryptedPackage") is not None:
        raise InputError(_ENCRYPTED, file=str(path))
    word = _entry(raw, "WordDocument")
    if word is None and _biff(raw):
        return XLS                      # Excel 97-2003, WPS 表格 (.et)
    if word is None:
        raise InputError("这是旧版Office文件，但不是Word文档（如Excel、PowerPoint），或文件已损坏，无法读取；"
                         "请在Word或WPS中打开填好的表格，“另存为”.docx格式后再提交", file=str(path))
    sector = 1 << struct.unpack_from("<H", raw, 0x1E)[0]
    start = struct.unpack_from("<I", raw, word + 0x74)[0]
    fib = (start + 1) * sector
    if fib + 0x0C <= len(raw) and raw[fib:fib + 2] in (b"\xec\xa5", b"\xdc\xa5"):
        flags = struct.unpack_from("<H", raw, fib + 0x0A)[0]
        if flags & 0x0100:              # fEncrypted
            raise InputError(_ENCRYPTED, file=str(path))
    return DOC


def _biff(raw: bytes) -> bool:
    """An Excel 97-2003 (or WPS 表格) workbook: a "Workbook" (or Excel 5 "Book") stream that
    starts with a BIFF BOF record (09 08); a stream below the 4096-byte cutoff lives in the
    mini stream and is taken on its name."""
    entry = _entry(raw, "Workbook")
    entry = _entry(raw, "Book") if entry is None else entry
    if entry is None:
        return False
    sector = 1 << struct.unpack_from("<H", raw, 0x1E)[0]
    start, size = struct.unpack_from("<II", raw, entry + 0x74)
    if size < 4096:
        return True
    at = (start + 1) * sector
    return raw[at:at + 2] == b"\x09\x08"


def _entry(raw: bytes, name: str) -> int | None:
    """Offset of the OLE directory entry named ``name`` (128-byte entries, the name in
    UTF-16LE with its length in bytes at 0x40)."""
    key = name.encode("utf-16-le") + b"\x00\x00"
    i = raw.find(key)
    while i >= 0:
        if i % 128 == 0 and i + 128 <= len(raw) and \
                struct.unpack_from("<H", raw, i + 0x40)[0] == len(key):
            return i
        i = raw.find(key, i + 1)
    return None


def _first_kb(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(1024)
