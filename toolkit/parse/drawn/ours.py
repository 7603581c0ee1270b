"""The fast path for our own print: the printed words of the annex (labels, units, section
titles, option words, table headers: all from ``toolkit.pdfform.layout``) are found in
reading order; the drawn text between two printed words is the value of the field declared
between them.  Long texts are read from inside their drawn box, line by line; tables by
``tables``; tick boxes from a drawn tick (path or glyph) inside the option's box.

``recognised`` says whether a page is our layout (its labelled words found in order)."""
from __future__ import annotations

from dataclasses import dataclass

from ...model.fields import Annex, Field, Table
from ...model.naming import DATE_PARTS, parse_name
from ...problems import WARNING
from ..geometry import Box, G, PageGeo
from .cells import box_below, ticked_in
from .read import MANUAL, Emitter
from .tables import Span, read_table
from .text import width_fold, join_line, lines, paragraphs

@dataclass
class Anchor:
    kind: str                  # text | slot | tick | mlabel | mbox | table | photos
    text: str = ""
    field: Field | None = None
    part: str = ""             # y/m/d of a date
    option: int = 0
    fields: tuple = ()
    table: Table | None = None
    grid: object = None
    head: tuple[str, ...] = ()
    start: int | None = None   # glyph index of the first glyph (found anchors)
    end: int | None = None     # glyph index after the last glyph


def _sequence(annex: Annex) -> list[Anchor]:
    """What the form prints, in order: words to find and the values between them."""
    from ...pdfform import layout
    page = layout.page(annex, None)
    seq: list[Anchor] = [Anchor("text", annex.name)]

    def fld(name: str) -> Field | None:
        fn = parse_name(name)
        if fn is None:
            return None
        if fn.table:
            return annex[fn.table].column(fn.field)
        return annex[fn.field]

    def cells(cs):
        for c in cs:
            if c.label:
                seq.append(Anchor("text", c.label + "："))
            if c.prefix:
                seq.append(Anchor("text", c.prefix))
            for i in c.inputs:
                f = fld(i.name)
                if i.kind == "date":
                    parts = [(parse_name(p.name), w) for p, w in getattr(i, "parts", ())]
                    words = [(n.part, w) for n, w in parts if n is not None and n.part] or DATE_PARTS
                    for part, word in words:
                        seq.append(Anchor("slot", field=f, part=part))
                        seq.append(Anchor("text", word))
                else:
                    seq.append(Anchor("slot", field=f))
            for k, (label, i) in enumerate(c.choices, 1):
                seq.append(Anchor("text", label))
                seq.append(Anchor("tick", field=fld(i.name), option=k, text=label))
            if c.suffix:
                seq.append(Anchor("text", c.suffix))
            if c.unit:
                seq.append(Anchor("text", c.unit))

    def blocks(part):
        if part.title:
            seq.append(Anchor("text", part.title))
        for b in part.blocks:
            if b.kind == "text":
                seq.append(Anchor("text", b.text))
            elif b.kind == "table":
                t = annex[b.grid.id]
                seq.append(Anchor("table", table=t, grid=b.grid,
                                  head=tuple(h.label for row in b.grid.head for h in row)))
            elif b.kind == "photos":
                seq.append(Anchor("photos", table=annex[b.grid.id]))
            elif b.kind in ("multiline", "mrow"):
                fs = []
                for c in b.cells:
                    seq.append(Anchor("mlabel", c.label or ""))
                    fs.append(fld(c.inputs[0].name))
                seq.append(Anchor("mbox", fields=tuple(fs)))
            else:
                cells(b.cells)

    if page.cover:
        blocks(page.cover)
    seq.append(Anchor("text", annex.title))
    for p in page.parts:
        blocks(p)
    for t in page.texts:
        seq.append(Anchor("text", t))
    return seq



# --- values ---------------------------------------------------------------------------------

class Reader(Emitter):
    def __init__(self, annex: Annex, pages: list[PageGeo], pf):
        super().__init__(annex, pages, pf)
        self.seq = _sequence(annex)
        self.missing: list[str] | None = None

    def recognised(self) -> bool:
        """Whether the pages are our print: every labelled word (``X：``) found, except
        those after the last one found (a page missing at the end)."""
        if self.missing is None:
            self.missing = self._locate()
        labelled = [a for a in self.seq if a.kind == "text" and a.text.endswith("：")]
        found = [k for k, a in enumerate(labelled) if a.start is not None]
        if not found:
            return False
        return all(a.start is not None for a in labelled[:found[-1] + 1])

    # anchors ---------------------------------------------------------------------------
    def _locate(self) -> list[str]:
        cursor = 0
        last = None
        missing = []
        for an in self.seq:
            if an.kind in ("text", "mlabel"):
                k = self.st.find(an.text, cursor)
                if k is not None and len(an.text) <= 2 and not self._near(last, k):
                    k = None        # a unit or 年/月/日 far from the words before it: not this one
                if k is None:
                    missing.append(an.text)
                    continue
                last = k
                an.start, an.end = k, self._glyph_after(k, an.text)
                cursor = an.end
            elif an.kind == "table":
                hits = [h for h in (self.st.find(lab, cursor) for lab in an.head) if h is not None]
                if hits:
                    an.start = an.end = min(hits)
                    cursor = last = an.start
                else:
                    missing.append(an.table.label)
        return missing

    def _near(self, before: int | None, k: int) -> bool:
        if before is None:
            return False
        a, b = self.st.glyphs[before], self.st.glyphs[k]
        return a.page == b.page and b.line - a.line <= 2

    def _glyph_after(self, k: int, text: str) -> int:
        end_char = self.st.starts[k] + len(width_fold(text))
        j = k
        while j < len(self.st.glyphs) and self.st.starts[j] < end_char:
            j += 1
        return j

    def _neighbours(self, i: int) -> tuple[Anchor | None, Anchor | None]:
        prev = next((a for a in reversed(self.seq[:i]) if a.start is not None and a.kind != "slot"), None)
        nxt = next((a for a in self.seq[i + 1:] if a.start is not None and a.kind != "slot"), None)
        return prev, nxt

    def read(self) -> None:
        missing = self._locate() if self.missing is None else self.missing
        found = sum(1 for a in self.seq if a.kind in ("text", "mlabel") and a.start is not None)
        total = sum(1 for a in self.seq if a.kind in ("text", "mlabel"))
        if total and found / total < 0.5:
            self.pf.problem(f"{self.a.name}：只找到{found}/{total}处表格文字，版式与本工具的表格不符，{MANUAL}",
                            fix="请提交本工具表格填写后保存的PDF")
            return
        if missing:
            self.pf.problem(f"{self.a.name}：页面上找不到“{'”“'.join(missing[:5])}”"
                            f"{'等' if len(missing) > 5 else ''}，相关的值可能未读出，请人工核对",
                            severity=WARNING)
        dates: dict[str, dict[str, tuple[str, int]]] = {}
        for i, an in enumerate(self.seq):
            if an.kind == "slot" and an.field is not None:
                got = self._slot(i)
                if got is None:
                    continue
                text, page = got
                if an.part:
                    dates.setdefault(an.field.id, {})[an.part] = (text, page)
                elif text:
                    self.emit(an.field, text, page)
            elif an.kind == "tick":
                self._tick(i, an)
            elif an.kind == "mbox":
                self._mbox(i, an)
            elif an.kind == "table" and an.start is not None:
                self._table(i, an)
            elif an.kind == "photos":
                self.photos(an.table)
        for fid, parts in dates.items():
            y, m, d = (parts.get(k, ("", 0))[0] for k in "ymd")
            page = next((p for _, p in parts.values() if p), 0)
            if y or m or d:
                self.emit(self.a[fid], f"{y}年{m}月{d}日", page)

    # one-line values ---------------------------------------------------------------------
    def _slot(self, i: int) -> tuple[str, int] | None:
        before = next((a for a in reversed(self.seq[:i]) if a.kind != "slot"), None)
        after = next((a for a in self.seq[i + 1:] if a.kind != "slot"), None)
        if before is not None and before.start is None:
            return None                     # the words before the value were not found
        prev, nxt = self._neighbours(i)
        if after is not None and after.start is None and not (prev is not None and prev.text.endswith("：")):
            return None
        lo = prev.end if prev is not None else 0
        hi = nxt.start if nxt is not None else len(self.st.glyphs)
        if prev is None or hi < lo:
            return None
        gl = self.st.glyphs[lo:hi]
        labelled = prev.kind == "text" and prev.text.endswith("：")
        if labelled:
            cell = self._cell_right_of(self.st.glyphs[prev.end - 1], nxt)
            if cell is not None:        # a ruled cell (附件1/7): every line of a value that wrapped
                page, box = cell
                inside = [g for g in page.glyphs if box.x0 <= g.cx <= box.x1 and box.top <= g.cy <= box.bottom]
                return "".join(join_line(line) for line in lines(inside)).strip(), page.number
        if labelled:
            last = self.st.glyphs[prev.end - 1]
            h = last.bottom - last.top
            gl = [g for g in gl if g.page == last.page and last.top - 0.6 * h <= g.cy <= last.bottom + 0.6 * h]
        elif gl:
            page = self.st.glyphs[hi - 1].page if hi > 0 else gl[0].page
            gl = [g for g in gl if g.page == page]
        if not gl:
            return "", 0
        return join_line(gl).strip(), gl[0].page

    def _cell_right_of(self, label: G, nxt: Anchor | None) -> tuple[PageGeo, Box] | None:
        """The ruled cell right of a label printed in a ruled cell of its own, up to the next
        printed words on that row (a unit shares the value's cell); None off a grid."""
        page = self.pages[label.page]
        above = [t for t, a, b in page.hrules if a <= label.x1 <= b and t <= label.top + 0.5]
        below = [t for t, a, b in page.hrules if a <= label.x1 <= b and t >= label.bottom - 0.5]
        if not above or not below:
            return None
        top, bottom = max(above), min(below)
        if bottom - top > 6 * (label.bottom - label.top):
            return None
        mid = (top + bottom) / 2
        xs = sorted(x for x, a, b in page.vrules if a <= mid <= b and x >= label.x1 - 0.5)
        if len(xs) < 2:
            return None
        x0 = xs[0]
        x1 = next((x for x in xs[1:] if x - x0 > 2), None)
        if x1 is None:
            return None
        if nxt is not None:
            g = self.st.glyphs[nxt.start]
            if g.page == page.number and top <= g.cy <= bottom and x0 < g.x0 < x1:
                x1 = g.x0
        return page, Box(x0, top, x1, bottom)

    # tick boxes --------------------------------------------------------------------------
    def _tick(self, i: int, an: Anchor) -> None:
        prev = self.seq[i - 1]
        if prev.start is None or an.field is None:
            return
        label = self.st.glyphs[prev.end - 1]
        page = self.pages[label.page]
        h = label.bottom - label.top
        box = None
        for r in page.rects:
            if 4 < r.w < 3 * h and 0.6 < r.w / max(r.h, 0.1) < 1.6 and label.x1 - 2 <= r.x0 <= label.x1 + 2 * h \
                    and r.top < label.bottom and r.bottom > label.top:
                if box is None or r.x0 < box.x0 or r.w > box.w and abs(r.x0 - box.x0) < 2:
                    box = r
        if box is None:
            box = Box(label.x1, label.top - 0.3 * h, label.x1 + 1.6 * h, label.bottom + 0.3 * h)
        ticked = ticked_in(page, box)
        self.emit(an.field, "", label.page, option=an.option, raw=ticked)

    # long texts --------------------------------------------------------------------------
    def _mbox(self, i: int, an: Anchor) -> None:
        labels = []
        k = i - 1
        while k >= 0 and self.seq[k].kind == "mlabel":
            labels.insert(0, self.seq[k])
            k -= 1
        labels = labels[-len(an.fields):]
        for j, (lab, f) in enumerate(zip(labels, an.fields)):
            if f is None:
                continue
            if lab.start is None:
                continue
            first, last = self.st.glyphs[lab.start], self.st.glyphs[lab.end - 1]
            page = self.pages[last.page]
            box = box_below(page, first.x0, last.bottom)
            if box is None:                 # a ruled cell with the label over its text (附件1/7)
                box = self._cell_under(i, page, first, last)
            if box is None and last.page + 1 in self.pages:      # the box went over to the next page
                page = self.pages[last.page + 1]
                box = box_below(page, first.x0, min((g.top for g in page.glyphs), default=0) - 12)
            if box is None:
                self.pf.problem(f"{self.a.name}：找不到“{f.label}”的填写框，该项未读取，请人工核对",
                                field=f.id, severity=WARNING)
                continue
            inside = [g for g in page.glyphs if box.x0 - 1 <= g.cx <= box.x1 + 1 and box.top - 1 <= g.cy <= box.bottom + 1]
            text = paragraphs(inside, box, inset=None)
            if text:
                self.emit(f, text, page.number)

    def _cell_under(self, i: int, page: PageGeo, first: G, last: G) -> Box | None:
        """The ruled cell a label is printed at the top of: between the vertical rules either
        side of the label, from under the label down to the next printed words (or the
        lowest rule of the page)."""
        nxt = next((a for a in self.seq[i + 1:] if a.start is not None and a.kind != "slot"), None)
        top = last.bottom + 0.5
        g = self.st.glyphs[nxt.start] if nxt is not None else None
        if g is not None and g.page == page.number:
            bottom = g.top - 0.5
        else:
            bottom = max((t for t, a, b in page.hrules if a <= first.x0 <= b), default=top)
        if bottom - top < 4:
            return None
        mid = (top + bottom) / 2
        xs = [x for x, a, b in page.vrules if a <= mid <= b]
        left = max((x for x in xs if x <= first.x0 + 0.5), default=None)
        right = min((x for x in xs if x >= last.x1 - 0.5), default=None)
        if left is None or right is None:
            return None
        return Box(left, top, right, bottom)

    # tables ------------------------------------------------------------------------------

    # tables ------------------------------------------------------------------------------
    def _table(self, i: int, an: Anchor) -> None:
        prev, nxt = self._neighbours(i)
        g0 = self.st.glyphs[an.start]
        top = self.st.glyphs[prev.end - 1].bottom if prev is not None and \
            self.st.glyphs[prev.end - 1].page == g0.page else -1e9
        top = max(top, g0.top - 40)
        if nxt is not None:
            gn = self.st.glyphs[nxt.start]
            last_page, bottom = gn.page, gn.top
        else:
            last_page, bottom = max(self.pages), 1e9
        read_table(self, an.table, an.head, Span(g0.page, top, last_page, bottom), g0)
