"""Any drawn layout of the model (the Word form exported by Word, WPS or LibreOffice): the
page is cut into blocks, one per ruled cell (the cell around each glyph, ``cells.Grid``) and
one per line of text outside the rules; the model is walked in printed order and each label
is found as the start of a block; its value is

* the rest of the label's block (a borderless line ``标签：值``, a cell with the label over
  its text, as in an opinion box), else
* the cell right of the label (a unit printed in the value's cell is dropped), unless that
  cell holds another printed word of the model (合作资源's second header), else
* the cell below it;

tick boxes are the cell right of each option's words; tables are read by ``tables`` between
the columns of their header cells.  Nothing is guessed: a label not found, a value cell not
found, are reported on the file with the field."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from ...model.annexes import YMD
from ...model.fields import Annex, Field, Row, Table, Text
from ...model.fields import FieldType as T
from ...problems import WARNING
from ..geometry import Box, G, PageGeo
from .cells import Grid, ticked_in
from .read import MANUAL, Emitter
from .tables import TYPED_TICKS, Span, read_table
from .text import lines, squash, wrapped



@dataclass
class Block:
    page: int
    box: Box
    glyphs: list[G]             # reading order: lines top to bottom, each left to right
    cell: bool                  # a ruled cell (else one line outside the rules)
    text: str = ""              # the glyphs' text without white space
    owner: list[int] | None = None      # glyph index of each character of ``text``

    def __post_init__(self):
        self.owner = []
        parts = []
        for k, g in enumerate(self.glyphs):
            t = squash(g.text)
            parts.append(t)
            self.owner.extend([k] * len(t))
        self.text = "".join(parts)


@dataclass
class Hit:
    block: int
    end: int                    # glyph index in the block after the found words


def page_blocks(page: PageGeo, grid: Grid) -> list[Block]:
    by_cell: dict[tuple, list[G]] = {}
    boxes: dict[tuple, Box] = {}
    free: list[G] = []
    seen: dict[tuple[int, int], Box | None] = {}
    for n, line in enumerate(lines(page.glyphs)):
        xs = grid.crossing(line[0].cy)
        for g in line:
            key = (n, bisect_right(xs, g.cx))
            if key not in seen:
                seen[key] = grid.cell_of(g)
            _place(g, seen[key], by_cell, boxes, free)
    out = [Block(page.number, boxes[k], [g for line in lines(gs) for g in line], True)
           for k, gs in by_cell.items()]
    for line in lines(free):
        out.append(Block(page.number, Box(line[0].x0, min(g.top for g in line), line[-1].x1,
                                          max(g.bottom for g in line)), line, False))
    out.sort(key=lambda b: (b.box.top, b.box.x0))
    return out


def _place(g: G, box: Box | None, by_cell: dict, boxes: dict, free: list) -> None:
    """A glyph into its cell's list, or the free ones (outside any rules, or in a frame
    round the whole page)."""
    if box is None or box.h > 0.8 * 842 and box.w > 0.8 * 595:
        free.append(g)
        return
    key = (round(box.x0, 1), round(box.top, 1), round(box.x1, 1), round(box.bottom, 1))
    by_cell.setdefault(key, []).append(g)
    boxes[key] = box


class GridReader(Emitter):
    def __init__(self, annex: Annex, pages: list[PageGeo], pf):
        super().__init__(annex, pages, pf)
        self.grids = {p.number: Grid(p) for p in pages}
        self.blocks: list[Block] = []
        for p in pages:
            self.blocks.extend(page_blocks(p, self.grids[p.number]))
        self.index = {id(b): k for k, b in enumerate(self.blocks)}
        self.words = self._model_words()
        self.ends = [w for w in self.words if len(w) > 2 and w.endswith((":", "："))] + \
            [squash(i.text) for s in annex.all_sections() for i in s.items if isinstance(i, Text) and len(i.text) > 3]
        self.cursor = 0
        self.offset = 0                     # glyphs of the cursor's block already read
        self.missing: list[str] = []
        self.found = 0
        self.used: set[int] = set()         # blocks read as words or values
        self.totals = {f"total_{c}" for t in annex.tables() for c in t.total_columns}   # in 合计 rows

    def _model_words(self) -> set[str]:
        words = set()
        for w in self.a.printed_texts():
            words.add(squash(w))
            words.add(squash(w + "："))
        for t in self.a.tables():
            for c in t.columns:
                words.add(squash(_head(t, c)))
        words.discard("")
        return words

    # finding words --------------------------------------------------------------------------
    def find(self, words: str, exact_only: bool = False, limit: int = 60) -> Hit | None:
        """The first block from the cursor that starts with ``words`` (then ``：``): a whole
        cell, a cell with the value under the words, or a line (anywhere after the words
        found before on it) with the value after."""
        w = squash(words)
        if not w:
            return None
        for k in range(self.cursor, min(len(self.blocks), self.cursor + limit)):
            b = self.blocks[k]
            text = b.text
            if text == w or text == w + "：" or text == w + ":":
                return Hit(k, len(b.glyphs))
            if exact_only:
                continue
            if b.cell:
                pos = 0 if text.startswith(w) else -1
            else:
                skip = self.offset if k == self.cursor else 0
                pos = text.find(w, sum(len(squash(g.text)) for g in b.glyphs[:skip]))
            if pos < 0:
                continue
            end_char = pos + len(w)
            end = b.owner[end_char - 1] + 1
            if end_char < len(text) and text[end_char] in "：:":
                end = b.owner[end_char] + 1
            elif b.cell and end < len(b.glyphs) and abs(b.glyphs[end].cy - b.glyphs[end - 1].cy) < 1:
                continue            # the cell's words go on after the label on its line: another label
            return Hit(k, end)
        return None

    def locate(self, words: str, **kw) -> Hit | None:
        hit = self.find(words, **kw)
        if hit is None:
            self.missing.append(words)
            return None
        self.found += 1
        self.used.add(hit.block)
        if hit.end < len(self.blocks[hit.block].glyphs):
            self.cursor, self.offset = hit.block, hit.end
        else:
            self.cursor, self.offset = hit.block + 1, 0
        return hit

    # the walk ---------------------------------------------------------------------------
    def read(self) -> None:
        a = self.a
        self.next_title = a.title
        if a.cover is not None:
            self._items(a.cover.items, later=[])
        self.locate(a.title)
        titles = [s.title for s in a.sections]
        for k, sec in enumerate(a.sections):
            if sec.title:
                self.locate(sec.title)
            self.next_title = next((t for t in titles[k + 1:] if t), None)
            self._items(sec.items, later=[i for s in a.sections[k + 1:] for i in s.items])
        total = self.found + len(self.missing)
        if total and self.found / total < 0.5:
            self.pf.values.clear()
            self.pf.problem(f"{a.name}：只找到{self.found}/{total}处表格文字，版式无法识别，{MANUAL}",
                            fix="请提交本工具表格填写后保存的PDF")
            return
        if self.missing:
            names = "”“".join(self.missing[:5])
            self.pf.problem(f"{a.name}：页面上找不到“{names}”{'等' if len(self.missing) > 5 else ''}，"
                            "相关的值未读出，请人工核对", severity=WARNING)
        self._unplaced()

    def _unplaced(self) -> None:
        """Text in a cell that no label or table claims: said, not dropped."""
        heads = {squash(self.a.name), squash(self.a.title)}
        left = [b for k, b in enumerate(self.blocks) if k not in self.used and b.text
                and b.text not in self.words and b.text not in heads]
        for b in left[:5]:
            self.pf.problem(f"{self.a.name}：第{b.page}页有内容不在任何栏目下，未读取：“{b.text[:40]}”",
                            severity=WARNING, fix="请人工核对该内容应填在哪一栏")
        if len(left) > 5:
            self.pf.problem(f"{self.a.name}：另有{len(left) - 5}处内容不在任何栏目下，未读取", severity=WARNING,
                            fix="请人工核对")

    def _items(self, items, later: list) -> None:
        pending: Hit | None = None          # words whose block may go on with a value
        items = list(items)
        for k, it in enumerate(items):
            if isinstance(it, Text):
                nxt = items[k + 1] if k + 1 < len(items) else None
                if isinstance(nxt, Table):
                    continue                # printed as the first header's prefix (其中：)
                pending = self.locate(it.text)
            elif isinstance(it, Table):
                self._table(it, items[k + 1:], later)
                pending = None
            elif isinstance(it, Row):
                for f in it.fields:
                    if f.id not in self.totals:
                        self._field(f, None)
                pending = None
            elif isinstance(it, Field) and it.id not in self.totals:
                self._field(it, pending)
                pending = None

    def _field(self, f: Field, pending: Hit | None) -> None:
        if not f.printed and f.blank:           # no label: the value follows the words before it
            got = self._rest(pending) if pending is not None else None
            if got is None:
                k = self.cursor
                if k < len(self.blocks) and self.blocks[k].text and squash(self.blocks[k].text) not in self.words:
                    b = self.blocks[k]
                    got = (b, b.glyphs)
                    self.used.add(k)
                    self.cursor, self.offset = k + 1, 0
            if got is not None:
                self._value(f, *got)
            return
        hit = self.locate(f.label)
        if hit is None:
            return
        b = self.blocks[hit.block]
        if f.type is T.CHOICE and not f.choice_list:
            self._ticks(f, b)
            return
        got = self._rest(hit)
        if got is None and not b.cell:
            got = self._beside(b)
        if got is None and b.cell:
            grid = self.grids[b.page]
            label_y = b.glyphs[hit.end - 1].cy
            right = grid.right_of(b.box, label_y)
            cell = self._block_at(b.page, right) if right is not None else None
            own = {squash(f.unit or ""), "%" if f.unit == "％" else ""} - {""}
            if right is not None and (cell is None or squash(cell.text) not in self.words
                                      or squash(cell.text) in own):
                got = (cell, cell.glyphs) if cell is not None else None
                if cell is not None and self.index[id(cell)] >= self.cursor:
                    self.cursor, self.offset = self.index[id(cell)] + 1, 0
            else:
                below = grid.below(b.box)
                cell = self._block_at(b.page, below) if below is not None else None
                if below is None:
                    self.pf.problem(f"{self.a.name}：第{b.page}页找到了“{f.label}”，但找不到它的填写格，"
                                    "该项未读取，请人工核对", field=f.id, severity=WARNING)
                if cell is not None:
                    got = (cell, cell.glyphs)
        if got is not None:
            self._value(f, *got)

    def _rest(self, hit: Hit | None) -> tuple[Block, list[G]] | None:
        """The glyphs of the hit's block after its words, up to the next words of the model
        on that line (a borderless line holds several labels)."""
        if hit is None:
            return None
        b = self.blocks[hit.block]
        rest = b.glyphs[hit.end:]
        if not rest:
            return None
        if not b.cell:
            text = "".join(squash(g.text) for g in rest)
            cut = min((p for p in (text.find(w) for w in self.ends) if p > 0), default=None)
            if cut is not None:
                rest = rest[:_owner(rest, cut)]
        return (b, rest) if rest else None

    def _beside(self, label: Block) -> tuple[Block, list[G]] | None:
        """A borderless label ending its line: the value printed right of it, on lines
        centred on the label's (a value that wrapped in the cover's table)."""
        last = label.glyphs[-1]
        reach = 1.5 * last.size
        k = self.index[id(label)]
        got = []
        for b in self.blocks[max(0, k - 3):k + 4]:
            if b is label or b.cell or b.page != label.page or squash(b.text) in self.words:
                continue
            gl = [g for g in b.glyphs if g.x0 >= last.x1 - 1 and abs(g.cy - last.cy) <= reach]
            if len(gl) == len(b.glyphs):
                got.extend(gl)
                self.used.add(self.index[id(b)])
        if not got:
            return None
        return Block(label.page, Box(min(g.x0 for g in got), min(g.top for g in got),
                                     max(g.x1 for g in got), max(g.bottom for g in got)), got, False), got

    def _block_at(self, page: int, box: Box) -> Block | None:
        for b in self.blocks:
            if b.page == page and b.cell and abs(b.box.x0 - box.x0) < 0.5 and abs(b.box.top - box.top) < 0.5 \
                    and abs(b.box.x1 - box.x1) < 0.5 and abs(b.box.bottom - box.bottom) < 0.5:
                return b
        return None

    def _value(self, f: Field, b: Block, glyphs: list[G]) -> None:
        if id(b) in self.index:
            self.used.add(self.index[id(b)])
        box = b.box if b.cell else Box(glyphs[0].x0, b.box.top, 1e9, b.box.bottom)
        text = wrapped(glyphs, box, multiline=f.type is T.MULTILINE)
        if f.unit and text.endswith(f.unit):
            text = text[:-len(f.unit)].rstrip()
        elif f.unit in ("％", "%") and text.endswith(("％", "%")):
            text = text[:-1].rstrip()
        if f.blank and f.blank != YMD:              # （2025年度）: the blank's words around the value
            cut = max((k for k in range(len(f.blank) + 1)
                       if text.startswith(f.blank[:k]) and text.endswith(f.blank[k:])
                       and len(text) > len(f.blank)), default=None)
            if cut is not None:
                text = text[cut:len(text) - (len(f.blank) - cut)].strip()
        if text and squash(text) != squash(f.blank or ""):
            self.emit(f, text, b.page)

    def _ticks(self, f: Field, label: Block) -> None:
        grid = self.grids[label.page]
        for k, choice in enumerate(f.choices, 1):
            hit = self.locate(choice, exact_only=True, limit=8)
            if hit is None:
                continue
            cb = self.blocks[hit.block]
            box = grid.right_of(cb.box) if cb.cell else None
            if box is None:
                self.pf.problem(f"{self.a.name}：找不到“{f.label}”选项“{choice}”的勾选框，请人工核对",
                                field=f.id, severity=WARNING)
                continue
            cell = self._block_at(cb.page, box)
            typed = cell is not None and squash(cell.text) in TYPED_TICKS
            page = self.pages[cb.page]
            self.emit(f, "", cb.page, option=k, raw=typed or ticked_in(page, box))
            if cell is not None:
                self.used.add(self.index[id(cell)])
            if cell is not None and self.index[id(cell)] >= self.cursor:
                self.cursor, self.offset = self.index[id(cell)] + 1, 0

    # tables ------------------------------------------------------------------------------
    def _table(self, t: Table, after: list, later: list) -> None:
        cols = [c for c in t.columns if c.printed]
        if not cols:
            if any(c.type is T.IMAGE for c in t.columns):
                self.photos(t)
                nxt = self._next_words(after, later)        # the photos' captions: said with the photos
                self.used.update(range(self.cursor, nxt.block if nxt is not None else self.cursor))
            return
        heads = [squash(_head(t, c)) for c in cols]
        first = None
        for k in range(self.cursor, min(len(self.blocks), self.cursor + 80)):
            b = self.blocks[k]
            if b.cell and any(h and h in b.text for h in heads):
                first = k
                break
        if first is None:
            self.missing.append(t.label)
            return
        self.found += 1
        b0 = self.blocks[first]
        words = set(heads) | {squash(g.label) for g in t.groups} | \
            {squash(ch) for c in t.columns if c.id in t.choice_columns for ch in c.choices}
        if t.numbered:
            words.add(squash(t.number_label))
        head = [b for b in self.blocks[max(0, first - 3):first + 40]
                if b.page == b0.page and b.cell and -2 < b.box.top - b0.box.top < 60
                and any(w and w in b.text for w in words)]
        x0 = min(b.box.x0 for b in head)
        x1 = max(b.box.x1 for b in head)
        self.cursor, self.offset = first + 1, 0
        last_page, bottom = max(self.pages), 1e9
        nxt = self._next_words(after, later)
        if nxt is not None:
            nb = self.blocks[nxt.block]
            last_page, bottom = nb.page, nb.box.top + 0.5
        g0 = b0.glyphs[0]
        span = Span(b0.page, b0.box.top - 0.5, last_page, bottom, x0, x1)
        labels = [_head(t, c) for c in cols] + [g.label for g in t.groups] + \
            [ch for c in t.columns if c.id in t.choice_columns for ch in c.choices] + \
            ([t.number_label] if t.numbered else [])
        read_table(self, t, tuple(labels), span, g0, spaced=True)
        if nxt is not None:
            self.cursor, self.offset = max(self.cursor, nxt.block), 0
        for k, b in enumerate(self.blocks):            # the table's cells: read (or said) by it
            if b.cell and span.first <= b.page <= span.last and span.x0 - 1 <= b.box.x0 and b.box.x1 <= span.x1 + 1 \
                    and not (b.page == span.first and b.box.top < span.top - 1) \
                    and not (b.page == span.last and b.box.bottom > span.bottom + 1):
                self.used.add(k)

    def _next_words(self, after: list, later: list) -> Hit | None:
        """Where the words printed after a table are (they end it), without moving on: the
        section's next words, else the next section's title, else the words after it."""
        for it in after:
            hit = self._words_of(it)
            if hit is not None:
                return hit
        if self.next_title:
            hit = self.find(self.next_title, limit=1 << 20)
            if hit is not None:
                return hit
        for it in later:
            hit = self._words_of(it)
            if hit is not None:
                return hit
        return None

    def _words_of(self, it) -> Hit | None:
        words = it.text if isinstance(it, Text) else it.label if isinstance(it, Field) and it.printed \
            else it.fields[0].label if isinstance(it, Row) else None
        return self.find(words, limit=1 << 20) if words else None


def _head(t: Table, c: Field) -> str:
    """A column's header as the Word form prints it (``docxform.layout.header_label``)."""
    from ...docxform.layout import header_label
    return header_label(t, c)


def _owner(glyphs: list[G], char: int) -> int:
    n = 0
    for k, g in enumerate(glyphs):
        n += len(squash(g.text))
        if n > char:
            return k
    return len(glyphs)
