"""Values of a fillable PDF, read from the fields' /V, whatever filled them.

Acrobat, Foxit, browsers, pypdf, PyPDFForm and pdftk all store the value in
/V; their drawn appearances differ and are never read.  Repairs: text stored
as UTF-8 without a BOM or as GBK bytes; a tick box with /AS but no /V; radio
values as names or strings.  The file is opened once, with qpdf (pikepdf),
several times faster than a pure-Python parser; the flattened route reads the
same open document.

Fields are those /AcroForm reaches and the widgets on the pages' /Annots that it
does not (pdfunite keeps one file's /AcroForm; some tools drop it).  A PDF with
several annexes' fields is read as each annex.  Text put over the form with an
"add text" / typewriter tool (FreeText annotations) fills the empty field it lies
in; on a printed form (no fields) it is drawn into the page for the reader of the
drawn text; elsewhere it is reported, never dropped in silence.
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
    """Every field of ours with a value (``pdf``: a pikepdf document), as one file: a PDF
    holding several annexes' fields says so.  ``annex`` from the document info or the names."""
    return read_forms(pdf, file, split=False)[0]


def read_forms(pdf, file: str, split: bool = True, first_page: int = 1,
               outside: list | None = None, loose: list | None = None) -> list[ParsedFile]:
    """The values of every field of ours: those /AcroForm reaches and the widgets on each
    page's /Annots it does not (pdfunite keeps one file's /AcroForm; a form whose /AcroForm
    was removed keeps its widgets); text put over a field with an "add text" tool (FreeText
    annotation) fills the field when it is empty.  ``split``: a PDF holding several annexes'
    fields (pdfunite of the annexes) is one ParsedFile per annex, named by its pages.  Pages
    are numbered from ``first_page``.  ``outside`` (a list) gets the runs of pages (first,
    last) that lie outside every annex's pages with fields: pages of another kind put in
    the same PDF (a printed annex, a letter), to be read otherwise.  ``loose`` (a list) gets
    the added texts of a PDF with no field of ours, for the reader of its drawn text
    (``draw_free_texts``); without it they are reported as not read."""
    fields, seen, texts = _all_fields(pdf, first_page)
    by_annex: dict[str, list[_Field]] = {}
    for f in fields:
        by_annex.setdefault(f.name.annex, []).append(f)
    if split and len(by_annex) > 1:
        order = sorted(by_annex.items(), key=lambda kv: (_first_page(kv[1]), kv[0]))
        shown = {annex: _pages_said(own) for annex, own in order}
        twice = {v for v in shown.values() if list(shown.values()).count(v) > 1}
        parts = [_part(f"{file}（{_annex_said(annex, shown[annex], shown[annex] in twice)}）", annex, own)
                 for annex, own in order]
    else:
        pf = _part(file, annex_from_info(pdf) or (max(by_annex, key=lambda a: len(by_annex[a]))
                                                  if by_annex else None), fields)
        if len(by_annex) > 1:
            pf.problem("同一个PDF中有多个附件的字段：" + "、".join(sorted(by_annex)),
                       fix="请每个附件单独提交一个文件")
        if seen and not by_annex:
            pf.kind = "pdf-foreign"
        parts = [pf]
    parts[0].has_fields = bool(seen)
    if seen > MAX_FIELDS:
        parts[0].problem(f"PDF有超过{MAX_FIELDS}个表单字段，不是本工具生成的表格，已停止读取",
                         fix="请使用 fillable/ 中下载的表格")
    if loose is not None and not fields:
        loose.extend(texts)
    elif texts:
        from .pdf_added import place_texts
        place_texts(texts, fields, parts)
    if outside is not None and by_annex:
        outside.extend(_pages_outside(by_annex.values(), first_page, first_page + len(pdf.pages) - 1))
    for pf in parts:
        pf.has_fields = bool(seen)
        pf.values = [Value(f.name, f.raw, f.source) for f in fields if f.part is pf and f.raw is not None]
    return parts


def _pages_outside(groups, first: int, last: int) -> list[tuple[int, int]]:
    covered: set[int] = set()
    for own in groups:
        pages = [p for f in own for p in f.pages if p]
        if pages:
            covered.update(range(min(pages), max(pages) + 1))
    runs: list[tuple[int, int]] = []
    for n in range(first, last + 1):
        if n in covered:
            continue
        if runs and runs[-1][1] == n - 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs if covered else []


class _Field:
    """One terminal field of ours: its name, node, value, and (looked up when needed) its
    widgets' pages and boxes."""
    __slots__ = ("title", "name", "node", "raw", "widgets", "place", "part", "source", "_boxes")

    def __init__(self, title: str, name, node, widgets, place):
        self.title, self.name, self.node, self.widgets, self.place = title, name, node, widgets, place
        self.raw = _value(node)
        self.part = None
        self.source = f"字段 {title}"
        self._boxes = None

    @property
    def boxes(self) -> list[tuple[int | None, tuple | None]]:
        """(page number, box) of each widget."""
        if self._boxes is None:
            self._boxes = [(self.place.get(w.objgen) if w.is_indirect else None, _rect(w))
                           for w in self.widgets]
        return self._boxes

    @property
    def pages(self) -> list[int | None]:
        return [self.place.get(w.objgen) if w.is_indirect else None for w in self.widgets]

    @property
    def button(self) -> bool:
        return _inherited(self.node, "/FT") == "/Btn"

    @property
    def multiline(self) -> bool:
        ff = _inherited(self.node, "/Ff")
        return isinstance(ff, int) and bool(int(ff) & 4096)


def _part(file: str, annex: str | None, fields: list[_Field]) -> ParsedFile:
    pf = ParsedFile(file=file, kind="pdf-form", annex=annex)
    for f in fields:
        f.part = pf
    return pf


def _pages_said(fields: list[_Field]) -> str:
    pages = sorted({p for f in fields for p in f.pages if p})
    if not pages:
        return ""
    return f"第{pages[0]}页" if pages[0] == pages[-1] else f"第{pages[0]}–{pages[-1]}页"


def _annex_said(annex: str, pages: str, with_name: bool) -> str:
    """第4–5页, or 附件3，第4页 when another annex's fields share those pages."""
    from ..model import BY_ID
    name = BY_ID[annex].name if annex in BY_ID else annex
    return pages if pages and not with_name else "，".join(x for x in (name, pages) if x)


def _first_page(fields: list[_Field]) -> int:
    return min((p for f in fields for p in f.pages if p), default=1 << 30)


def _all_fields(pdf, first_page: int) -> tuple[list[_Field], int, list]:
    """(fields of ours, fields seen, FreeText annotations); stops taking fields after
    ``MAX_FIELDS``.  The pages' /Annots are walked once: what /AcroForm reached is skipped,
    the rest is looked at for widgets and added text."""
    import pikepdf

    from .pdf_added import Added, added_text
    place: dict[tuple, int] = {}                    # annotation objgen -> page number
    annots: list[tuple[int, object, tuple | None]] = []
    for number, page in enumerate(pdf.pages, first_page):
        arr = page.obj.get("/Annots")
        if not isinstance(arr, pikepdf.Array):
            continue
        for a in arr:
            if isinstance(a, pikepdf.Dictionary):
                og = a.objgen if a.is_indirect else None
                if og is not None:
                    place[og] = number
                annots.append((number, a, og))
    acro = pdf.Root.get("/AcroForm")
    fields = acro.get("/Fields") if isinstance(acro, pikepdf.Dictionary) else None
    done: set[tuple] = set()
    out: list[_Field] = []
    texts: list[Added] = []
    seen = 0

    def take(title: str, node) -> bool:
        nonlocal seen
        widgets = list(_widgets(node))
        for x in widgets if widgets and widgets[0] is node else [node, *widgets]:
            if x.is_indirect:
                done.add(x.objgen)
        seen += 1
        if seen > MAX_FIELDS:
            return False
        name = parse_name(title) or parse_name(title.split(".")[0])
        if name is not None:
            out.append(_Field(title, name, node, widgets, place))
        return True

    full = False
    for title, node in _terminal_fields(fields):
        if not take(title, node):
            full = True
            break
    for number, a, og in annots:
        if og is not None and og in done:
            continue
        kind = a.get("/Subtype")
        if kind == "/FreeText":
            text = added_text(a)
            if text:
                texts.append(Added(number, _rect(a), text))
        elif kind == "/Widget" and not full:
            parent = a.get("/Parent")
            node = parent if "/T" not in a and isinstance(parent, pikepdf.Dictionary) else a
            if node.is_indirect and node.objgen in done:
                continue
            full = not take(_full_name(node), node)
    return out, seen, texts


def _full_name(node) -> str:
    parts = []
    depth = 0
    while node is not None and depth < 20:
        t = node.get("/T")
        if t is not None:
            parts.append(_text(t))
        node = node.get("/Parent")
        depth += 1
    return ".".join(reversed(parts))


def _rect(node) -> tuple[float, float, float, float] | None:
    import pikepdf
    r = node.get("/Rect")
    if not isinstance(r, pikepdf.Array) or len(r) != 4:
        return None
    try:
        x1, y1, x2, y2 = (float(v) for v in r)
    except (TypeError, ValueError):
        return None
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


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
