"""Values of a fillable PDF, read from the fields' /V, whatever filled them.

Acrobat, Foxit, browsers, pypdf, PyPDFForm and pdftk all store the value in
/V; their drawn appearances differ and are never read.  Repairs: text stored
as UTF-8 without a BOM or as GBK bytes; a tick box with /AS but no /V; radio
values as names or strings.  The file is opened once, with qpdf (pikepdf),
several times faster than a pure-Python parser; the flattened route reads the
same open document.
"""
from __future__ import annotations

from ..errors import InputError
from ..model.naming import PROP_ANNEX, parse_name
from .values import ParsedFile, Value

MAX_FIELDS = 5000           # a form of ours has < 1,000; more is not our form

def open_form(path):
    """The PDF opened with qpdf (fast, C++): a path, or a binary file object."""
    import pikepdf
    try:
        return pikepdf.open(path if hasattr(path, "read") else str(path))
    except pikepdf.PasswordError:
        raise InputError("PDF设置了打开密码，无法读取；请取消密码后重新保存再提交", file=str(path))
    except (pikepdf.PdfError, ValueError, OSError, RecursionError) as e:
        raise InputError(f"PDF文件已损坏或不完整，无法读取（{type(e).__name__}）；请重新导出后提交",
                         file=str(path))


def annex_from_info(pdf) -> str | None:
    try:
        v = pdf.docinfo.get("/" + PROP_ANNEX)
    except Exception:
        return None
    return str(v) if v is not None and str(v).startswith("annex") else None


def read_form(pdf, file: str) -> ParsedFile:
    """Every field of ours with a value (``pdf``: a pikepdf document).
    ``annex`` from the document info or the names."""
    import pikepdf
    pf = ParsedFile(file=file, kind="pdf-form")
    acro = pdf.Root.get("/AcroForm")
    fields = acro.get("/Fields") if isinstance(acro, pikepdf.Dictionary) else None
    seen = 0
    annexes: dict[str, int] = {}
    for name, node in _terminal_fields(fields):
        seen += 1
        if seen > MAX_FIELDS:
            pf.problem(f"PDF有超过{MAX_FIELDS}个表单字段，不是本工具生成的表格，已停止读取",
                       fix="请使用 fillable/ 中下载的表格")
            break
        fname = parse_name(name) or parse_name(name.split(".")[0])
        if fname is None:
            continue
        annexes[fname.annex] = annexes.get(fname.annex, 0) + 1
        raw = _value(node)
        if raw is None:
            continue
        pf.values.append(Value(fname, raw, f"字段 {name}"))
    pf.annex = annex_from_info(pdf) or (max(annexes, key=annexes.get) if annexes else None)
    if annexes and len(annexes) > 1:
        pf.problem("同一个PDF中有多个附件的字段：" + "、".join(sorted(annexes)), fix="请每个附件单独提交一个文件")
    if seen and not annexes:
        pf.kind = "pdf-foreign"
    pf.has_fields = bool(seen)
    return pf


def _terminal_fields(fields, prefix: str = "", depth: int = 0):
    import pikepdf
    if not isinstance(fields, pikepdf.Array) or depth > 20:
        return
    for node in fields:
        if not isinstance(node, pikepdf.Dictionary):
            continue
        t = node.get("/T")
        t = _text(t) if t is not None else None
        name = f"{prefix}.{t}" if prefix and t is not None else (t if t is not None else prefix)
        kids = node.get("/Kids")
        named_kids = isinstance(kids, pikepdf.Array) and any(
            isinstance(k, pikepdf.Dictionary) and "/T" in k for k in kids)
        if named_kids:
            # a parent; a radio group of WeasyPrint names its kids too: keep the group's own value
            if node.get("/FT") == "/Btn" and "/V" in node:
                yield name, node
            yield from _terminal_fields(kids, name, depth + 1)
        else:
            yield name, node


def _value(node):
    import pikepdf
    ft = _inherited(node, "/FT")
    v = _inherited(node, "/V")
    if ft == "/Btn":
        return _button_value(node, v)
    if v is None:
        return None
    if isinstance(v, pikepdf.String):
        return _text(v)
    if isinstance(v, pikepdf.Array):          # multi-select choice: join
        return "、".join(_text(x) if isinstance(x, pikepdf.String) else str(x).lstrip("/") for x in v)
    if isinstance(v, pikepdf.Name):
        return str(v)[1:]
    return str(v)


def _button_value(node, v):
    """A tick box: True/False; a radio group: the chosen state's name."""
    state = str(v) if v is not None else None
    if state in (None, "", "/Off", "Off"):
        for widget in _widgets(node):
            a = widget.get("/AS")
            if a is not None and str(a) not in ("/Off", "Off"):
                state = str(a)
                break
    if state in (None, "", "/Off", "Off"):
        return False
    return state.lstrip("/")


def _widgets(node):
    import pikepdf
    kids = node.get("/Kids")
    if not isinstance(kids, pikepdf.Array):
        yield node
        return
    for k in kids:
        if isinstance(k, pikepdf.Dictionary):
            yield k


def _inherited(node, key, depth: int = 0):
    while node is not None and depth < 20:
        if key in node:
            return node[key]
        node = node.get("/Parent")
        depth += 1
    return None


def _text(s) -> str:
    """A PDF text string: UTF-16 with a BOM, else PDFDocEncoding — or, from fillers that
    wrote UTF-8 or GBK bytes without a BOM, those (repaired)."""
    raw = bytes(s)
    if raw.startswith((b"\xfe\xff", b"\xff\xfe")) or raw.isascii():
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
