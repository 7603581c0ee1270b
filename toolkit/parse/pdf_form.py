"""Values of a fillable PDF, read from the fields' /V, whatever filled them.

Acrobat, Foxit, browsers, pypdf, PyPDFForm and pdftk all store the value in
/V; their drawn appearances differ and are never read.  Repairs: text stored
as UTF-8 without a BOM or as GBK bytes; a tick box with /AS but no /V; radio
values as names or strings.
"""
from __future__ import annotations

import logging

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from ..errors import InputError
from ..model.naming import PROP_ANNEX, parse_name
from .values import ParsedFile, Value

MAX_FIELDS = 5000           # a form of ours has < 1,000; more is not our form

logging.getLogger("pypdf").setLevel(logging.ERROR)


def open_pdf(path) -> PdfReader:
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise InputError("PDF设置了打开密码，无法读取；请取消密码后重新保存再提交", file=str(path))
        len(reader.pages)
    except InputError:
        raise
    except FileNotDecryptedError:
        raise InputError("PDF设置了打开密码，无法读取；请取消密码后重新保存再提交", file=str(path))
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as e:
        raise InputError(f"PDF文件已损坏或不完整，无法读取（{type(e).__name__}）；请重新导出后提交",
                         file=str(path))
    return reader


def annex_from_info(reader: PdfReader) -> str | None:
    try:
        info = reader.metadata or {}
        v = info.get("/" + PROP_ANNEX)
    except Exception:
        return None
    return str(v) if v and str(v).startswith("annex") else None


def read_form(reader: PdfReader, file: str) -> ParsedFile:
    """Every field of ours with a value.  ``annex`` from the info or the names."""
    pf = ParsedFile(file=file, kind="pdf-form")
    root = reader.trailer["/Root"]
    acro = root.get("/AcroForm")
    fields = acro.get_object().get("/Fields") if acro is not None else None
    seen = 0
    foreign = 0
    annexes: dict[str, int] = {}
    for name, node in _terminal_fields(fields):
        seen += 1
        if seen > MAX_FIELDS:
            pf.problem(f"PDF有超过{MAX_FIELDS}个表单字段，不是本工具生成的表格，已停止读取",
                       fix="请使用 fillable/ 中下载的表格")
            break
        fname = parse_name(name) or parse_name(name.split(".")[0])
        if fname is None:
            foreign += 1
            continue
        annexes[fname.annex] = annexes.get(fname.annex, 0) + 1
        raw = _value(node)
        if raw is None:
            continue
        pf.values.append(Value(fname, raw, f"字段 {name}"))
    pf.annex = annex_from_info(reader) or (max(annexes, key=annexes.get) if annexes else None)
    if annexes and len(annexes) > 1:
        pf.problem("同一个PDF中有多个附件的字段：" + "、".join(sorted(annexes)), fix="请每个附件单独提交一个文件")
    if seen and not annexes:
        pf.kind = "pdf-foreign"
    return pf


def _terminal_fields(fields, prefix: str = "", depth: int = 0):
    if fields is None or depth > 20:
        return
    for ref in fields.get_object() if isinstance(fields.get_object(), ArrayObject) else []:
        try:
            node = ref.get_object()
        except Exception:
            continue
        if not isinstance(node, DictionaryObject):
            continue
        t = node.get("/T")
        name = f"{prefix}.{t}" if prefix and t is not None else (str(t) if t is not None else prefix)
        kids = node.get("/Kids")
        named_kids = kids is not None and any("/T" in k.get_object() for k in kids.get_object()
                                              if isinstance(k.get_object(), DictionaryObject))
        if named_kids:
            # a parent; a radio group of WeasyPrint names its kids too: keep the group's own value
            if node.get("/FT") == "/Btn" and "/V" in node:
                yield name, node
            yield from _terminal_fields(kids, name, depth + 1)
        else:
            yield name, node


def _value(node: DictionaryObject):
    ft = _inherited(node, "/FT")
    v = node.get("/V")
    if v is None:
        v = _inherited(node, "/V")
    if ft == "/Btn":
        return _button_value(node, v)
    if v is None:
        return None
    v = v.get_object()
    if isinstance(v, TextStringObject):
        return repair_text(v)
    if isinstance(v, ArrayObject):          # multi-select choice: join
        return "、".join(repair_text(x) if isinstance(x, TextStringObject) else str(x) for x in v)
    if isinstance(v, NameObject):
        return str(v)[1:]
    if isinstance(v, bytes):
        return repair_bytes(bytes(v))
    return str(v)


def _button_value(node: DictionaryObject, v):
    """A tick box: True/False; a radio group: the chosen state's name."""
    state = None
    if v is not None:
        state = str(v.get_object())
    if state in (None, "", "/Off", "Off"):
        for widget in _widgets(node):
            a = widget.get("/AS")
            if a is not None and str(a) not in ("/Off", "Off"):
                state = str(a)
                break
    if state in (None, "", "/Off", "Off"):
        return False
    return state.lstrip("/")


def _widgets(node: DictionaryObject):
    kids = node.get("/Kids")
    if kids is None:
        yield node
        return
    for k in kids.get_object():
        k = k.get_object()
        if isinstance(k, DictionaryObject):
            yield k


def _inherited(node, key, depth: int = 0):
    while node is not None and depth < 20:
        if key in node:
            return node[key]
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
        depth += 1
    return None


def repair_text(s: TextStringObject) -> str:
    """pypdf decodes strings without a BOM as PDFDocEncoding; fillers that wrote
    UTF-8 or GBK bytes then come out as mojibake.  Re-decode when that is so."""
    raw = getattr(s, "original_bytes", None)
    if raw is None or raw.startswith((b"\xfe\xff", b"\xff\xfe")):
        return str(s)
    if raw.isascii():
        return str(s)
    return repair_bytes(raw, fallback=str(s))


def repair_bytes(raw: bytes, fallback: str | None = None) -> str:
    for enc in ("utf-8", "gb18030"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if any("\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
               for ch in text):
            return text
    return fallback if fallback is not None else raw.decode("latin-1")
