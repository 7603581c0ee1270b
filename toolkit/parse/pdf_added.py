"""Text put over a PDF with an "add text" / typewriter tool: FreeText annotations, as
Acrobat, MuPDF, Preview and Foxit write them (/Contents, or rich text /RC).

On a fillable form, an added text lying mostly inside a field's box fills that field when
it is empty, and is reported when it differs from the field's value.  On a form without
fields (printed to PDF), the added texts are drawn into their pages (in memory) and read
where they stand by the reader of the drawn text.  Each is said, with its page; none is
dropped in silence.
"""
from __future__ import annotations

from .pdf_form import _Field, _text, repair_bytes
from .values import ParsedFile


class Added:
    """A FreeText annotation: its page, box and words."""
    __slots__ = ("page", "rect", "text")

    def __init__(self, page: int, rect, text: str):
        self.page, self.rect, self.text = page, rect, text


def added_text(a) -> str:
    """The words of a FreeText annotation: /Contents, else its rich text /RC without markup."""
    import html
    import re

    import pikepdf
    c = a.get("/Contents")
    text = _text(c).strip() if isinstance(c, pikepdf.String) else ""
    if text:
        return text
    rc = a.get("/RC")
    if isinstance(rc, pikepdf.Stream):
        rc = repair_bytes(rc.read_bytes())
    elif isinstance(rc, pikepdf.String):
        rc = _text(rc)
    else:
        return ""
    rc = re.sub(r"<\s*(br|/p|/div)\b[^>]*>", "\n", rc, flags=re.I)
    return html.unescape(re.sub(r"<[^>]*>", "", rc)).strip()


def place_texts(texts: list[Added], fields: list[_Field], parts: list[ParsedFile]) -> None:
    """Each added text lying mostly inside a field's box fills that field when it is empty and
    is reported when it differs from the field's value; text outside every field is reported
    as not read, with its page."""
    if not texts:
        return
    from ..normalize import is_empty, is_tick
    from ..problems import WARNING, label_of
    by_page: dict[int, list[tuple[tuple, _Field]]] = {}
    for f in fields:
        for page, box in f.boxes:
            if page and box:
                by_page.setdefault(page, []).append((box, f))
    over: dict[int, tuple[_Field, list[Added]]] = {}
    for t in texts:
        f = _under(t, by_page.get(t.page, ()))
        if f is None:
            pf = next((p for p in parts if _holds(p, t.page, fields)), parts[0])
            pf.problem(f"用添加文字工具放在页面上的文字“{_short(t.text)}”不在任何字段内，未读取",
                       severity=WARNING, source=f"第{t.page}页 添加的文字（FreeText注释）",
                       fix="请把这些内容填入表格对应的字段后保存，再重新提交")
            continue
        over.setdefault(id(f), (f, []))[1].append(t)
    for f, ts in over.values():
        ts.sort(key=lambda t: (-(t.rect[3] if t.rect else 0), t.rect[0] if t.rect else 0))
        text = ("\n" if f.multiline else "").join(t.text for t in ts)
        n = f.name
        where = dict(annex=n.annex, table=n.table, row=n.row, field=n.field,
                     label=label_of(n.annex, n.table, n.field) or None,
                     source=f"第{ts[0].page}页 添加的文字（FreeText注释）")
        empty = f.raw is None or f.raw is False or isinstance(f.raw, str) and is_empty(f.raw)
        if empty and (not f.button or is_tick(text)):
            f.raw = True if f.button else text
            f.source = where["source"] + f" 字段 {f.title}"
            f.part.problem(f"字段中没有填写，其上用添加文字工具放了“{_short(text)}”，已作为该字段的值读取",
                           severity=WARNING, fix="请核对；填写时请直接在表格的字段中输入", **where)
        elif empty:
            f.part.problem(f"勾选框上用添加文字工具放了“{_short(text)}”，不是勾选，未读取", severity=WARNING,
                           fix="请直接勾选该方框", **where)
        elif f.button and is_tick(text) or not f.button and str(f.raw).strip() == text.strip():
            continue
        else:
            shown = "已勾选" if f.raw is True or f.button else f"“{_short(str(f.raw))}”"
            f.part.problem(f"字段的值是{shown}，其上用添加文字工具放的文字“{_short(text)}”与之不同，"
                           "已采用字段的值", severity=WARNING, fix="请核对后只保留一个，直接填写在字段中", **where)


def draw_free_texts(pdf) -> set[int]:
    """Added texts drawn into their pages' content (qpdf flattens their appearance streams, in
    memory), so that a printed form's reader reads them where they stand; the other
    annotations are left as they were.  The ids of the pages' objects changed: (page index)."""
    import pikepdf
    held: dict[int, list] = {}
    for i, page in enumerate(pdf.pages):
        annots = page.obj.get("/Annots")
        if not isinstance(annots, pikepdf.Array):
            continue
        free = [a for a in annots if isinstance(a, pikepdf.Dictionary) and a.get("/Subtype") == "/FreeText"
                and isinstance(a.get("/AP"), pikepdf.Dictionary)]
        if free:
            held[i] = [a for a in annots if not any(a is f for f in free)]
            page.obj.Annots = pikepdf.Array(free)
    if not held:
        return set()
    pdf.flatten_annotations("all")
    for i, others in held.items():
        pdf.pages[i].obj.Annots = pikepdf.Array(others)       # the added texts are drawn now
    return set(held)


def say_free_texts(pf: ParsedFile, texts: list[Added], drawn: set[int] | None, first_page: int = 1) -> None:
    """What became of each added text on a form without fields of ours: read as a value (found
    in one), or not read, with its page.  ``drawn``: the page indexes whose added texts were
    drawn in (``draw_free_texts``); None when none was."""
    from ..problems import WARNING, label_of
    squash = "".join
    for t in texts:
        words = squash(t.text.split())
        hit = next((v for v in pf.values if words and words == squash(str(v.raw).split())), None) or \
            next((v for v in pf.values if words and words in squash(str(v.raw).split())), None)
        where = dict(source=f"第{t.page}页 添加的文字（FreeText注释）")
        if hit is not None:
            n = hit.name
            pf.problem(f"用添加文字工具放的文字“{_short(t.text)}”已按它在页面上的位置读取", severity=WARNING,
                       fix="请核对；填写时请直接在表格的字段中输入", annex=n.annex, table=n.table, row=n.row,
                       field=n.field, label=label_of(n.annex, n.table, n.field) or None, **where)
        else:
            why = ("不在任何字段内" if drawn is None else
                   "不在任何栏目的位置" if t.page - first_page in drawn else "没有显示外观，无法按位置读取")
            pf.problem(f"用添加文字工具放在页面上的文字“{_short(t.text)}”{why}，未读取", severity=WARNING,
                       fix="请把这些内容填入表格对应的栏目后保存，再重新提交", **where)


def _under(t: Added, boxes) -> _Field | None:
    """The field whose box holds most of ``t``'s box (at least half of it)."""
    if t.rect is None:
        return None
    x1, y1, x2, y2 = t.rect
    area = max((x2 - x1) * (y2 - y1), 1e-6)
    best, most = None, 0.5
    for (a1, b1, a2, b2), f in boxes:
        w = min(x2, a2) - max(x1, a1)
        h = min(y2, b2) - max(y1, b1)
        if w <= 0 or h <= 0:
            continue
        share = w * h / area
        if share >= most:
            best, most = f, share
    return best


def _holds(pf: ParsedFile, page: int, fields: list[_Field]) -> bool:
    return any(p == page for f in fields if f.part is pf for p, _ in f.boxes)


def _short(s: str, n: int = 30) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[:n - 1] + "…"
