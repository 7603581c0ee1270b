"""The pages we author: cover, contents, the declaration and placeholders, drawn directly.

``sequence`` knows every page of the dossier from the page counts of the authored sections
and of the attachment files, so the contents show the real numbers.  The contents' length
depends only on its lines (the numbers sit in a fixed column at the right), so it is known
before anything is drawn.  Each page is placed line by line in the field font
(``glyphs.Glyphs``): centred titles, the cover's ruled table, the contents' lines with
dot leaders to the page number and a link to the item, wrapped paragraphs.  Measures are
those of A4 with the margins below; font sizes and spacing follow the regulation's
printed style of a 申报材料 cover (title 24 pt, headings 18 pt, text 12 pt, 1.6 lines).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .glyphs import Glyphs
from .pages import A4

if TYPE_CHECKING:
    from .bind import FilePart, Part

MM = 72 / 25.4
MARGIN = {"top": 20, "right": 18, "bottom": 22, "left": 28}     # mm; left is the binding edge
KIND_TITLES = {"application": "申报材料", "review": "复核材料", "report": "（半）年度总结报告材料"}
HEADING = "青海省中小企业公共服务示范平台"
COVER_ROWS = (("unit", "单位名称："), ("platform", "申报平台名称："), ("city", "所在市（州）："), ("date", "日　　期："))
DECLARATION = (("本单位郑重声明：本次申报青海省中小企业公共服务示范平台所提交的全部材料（包括申请推荐表、申请报告及各项证明材料）"
                "均真实、准确、完整，不存在虚假记载、误导性陈述或重大遗漏。"),
               "如有不实，本单位愿意承担由此产生的一切责任。")
SIGN_ROWS = ("申报单位（盖章）：", "法定代表人（签字）：", "日　　期：")
PLACEHOLDER_NOTE = "此页为占位页（草稿装订）。正式报送前请补齐此项材料。"
TOC_TITLE = "目录"
MISSING_MARK = "（缺）"
RED = (0.667, 0.0, 0.0)
NO_BREAK_BEFORE = set("，。、；：？！）》」』”’】〕…—%％,.;:?!)]")
NO_BREAK_AFTER = set("（《「『“‘【〔([")


@dataclass
class Slot:
    """One page of the bound dossier: an authored page (its index among them), a page of
    an attachment file, or (neither) a blank page turning the next item to a right-hand page."""

    authored: int | None = None
    file: FilePart | None = None
    n: int = 0


@dataclass
class Drawn:
    """One authored page: its content stream and its links (anchor, PDF rectangle)."""

    ops: bytes
    links: list[tuple[str, tuple[float, float, float, float]]] = field(default_factory=list)


def content_box(page_index: int, duplex: bool) -> tuple[float, float, float, float]:
    """The area inside the margins of page ``page_index`` (0-based): x0, y0, x1, y1 in points.
    Printed on both sides, a left-hand page has its binding edge on the right."""
    left, right = MARGIN["left"], MARGIN["right"]
    if duplex and page_index % 2 == 1:
        left, right = right, left
    return (left * MM, MARGIN["bottom"] * MM, A4[0] - right * MM, A4[1] - MARGIN["top"] * MM)


def sequence(parts: list[Part], counts: dict[str, int], duplex: bool) -> tuple[list[Slot], dict[str, int]]:
    """Every page of the dossier in order, and the first page (0-based) of each anchor, from
    the page count of each authored section (``counts``: cover, toc, each authored part)."""
    slots: list[Slot] = []
    starts: dict[str, int] = {}
    laid = 0

    def pad():
        if duplex and len(slots) % 2 == 1:
            slots.append(Slot())

    def authored(anchor):
        nonlocal laid
        starts[anchor] = len(slots)
        for _ in range(counts[anchor]):
            slots.append(Slot(authored=laid))
            laid += 1

    authored("cover")
    pad()
    authored("toc")
    for part in parts:
        pad()
        if part.authored:
            authored(part.anchor)
            continue
        starts[part.anchor] = len(slots)
        for f in part.files:
            starts[f.anchor] = len(slots)
            slots += [Slot(file=f, n=n) for n in range(f.pages)]
    return slots, starts


# --- drawing ----------------------------------------------------------------------------------

class Pen:
    """Text and rules on one page, inside ``box``; ``top`` values are the tops of line boxes."""

    def __init__(self, g: Glyphs, box: tuple[float, float, float, float]):
        self.g = g
        self.x0, self.y0, self.x1, self.y1 = box
        self.ops: list[str] = []
        self.links: list[tuple[str, tuple[float, float, float, float]]] = []

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    def baseline(self, top: float, size: float, lh: float) -> float:
        """The baseline of a line box ``lh`` high whose glyphs (ascent + descent) sit in its middle."""
        a, d = self.g.ascent * size / 1000, self.g.descent * size / 1000
        return top - (lh - a - d) / 2 - a

    def text(self, x: float, y: float, s: str, size: float, rgb=(0, 0, 0), spacing: float = 0,
             bold: bool = False) -> None:
        if not s:
            return
        r, g, b = rgb
        style = f"2 Tr {size * 0.035:.2f} w {r:g} {g:g} {b:g} RG " if bold else ""
        tc = f"{spacing:.2f} Tc " if spacing else ""
        # q..Q: Tc and Tr are graphics state, and would carry over to the next text
        self.ops.append(f"q BT {style}{r:g} {g:g} {b:g} rg {tc}{x:.2f} {y:.2f} Td {self.g.show(s, size)} ET Q")

    def rule(self, xa: float, y: float, xb: float, width: float = 0.6, gray: float = 0, dots: bool = False) -> None:
        dash = "1 J [0 2.6] 0 d " if dots else "[] 0 d "
        self.ops.append(f"q {gray:g} G {width:.2f} w {dash}{xa:.2f} {y:.2f} m {xb:.2f} {y:.2f} l S Q")

    def lines(self, s: str, size: float, avail: float, spacing: float = 0, indent: float = 0) -> list[str]:
        return wrap(self.g, s, size, avail, spacing, indent)

    def centred(self, top: float, s: str, size: float, lh: float, **kw) -> float:
        """``s`` centred (wrapped when wider than the box); returns the top below it."""
        spacing = kw.get("spacing", 0)
        for line in self.lines(s, size, self.width, spacing):
            w = self.g.width(line, size, spacing)
            self.text(self.x0 + (self.width - w) / 2, self.baseline(top, size, lh), line, size, **kw)
            top -= lh
        return top

    def done(self) -> Drawn:
        return Drawn(("q\n" + "\n".join(self.ops) + "\nQ\n").encode("ascii"), self.links)


def wrap(g: Glyphs, s: str, size: float, avail: float, spacing: float = 0, indent: float = 0) -> list[str]:
    """``s`` broken into lines no wider than ``avail`` (the first ``indent`` narrower): between
    any two characters, not before closing or after opening punctuation, Latin words kept."""
    out: list[str] = []
    line = ""
    for ch in s:
        limit = avail - (0 if out else indent)
        if line and g.width(line + ch, size, spacing) > limit + 0.01:
            cut = _break_at(line, ch)
            out.append(line[:cut])
            line = line[cut:]
        line += ch
    out.append(line)
    return out


def _break_at(line: str, after: str) -> int:
    """Where ``line`` (followed by ``after``) may end: the last allowed break, else its end."""
    def ok(a: str, b: str) -> bool:
        latin = a.isascii() and a.isalnum() and b.isascii() and b.isalnum()
        return a not in NO_BREAK_AFTER and b not in NO_BREAK_BEFORE and not latin
    for cut in range(len(line), 0, -1):
        if ok(line[cut - 1], line[cut] if cut < len(line) else after):
            return cut
    return len(line)


def draw_cover(pen: Pen, cover: dict, kind: str, mark: str | None) -> None:
    top = pen.y1
    if mark:
        size, lh, spacing = 16, 25.6, 2          # at most 3 pt: extracted (and found) as one word
        w = pen.g.width(mark, size, spacing)
        pen.text(pen.x1 - w, pen.baseline(top, size, lh), mark, size, RED, spacing)
        top -= lh
    top = pen.centred(top - 50 * MM, HEADING, 24, 43.2, spacing=2, bold=True)
    top = pen.centred(top - 8 * MM, KIND_TITLES[kind], 20, 32, spacing=8)
    top -= 45 * MM
    rows = [(label, str(cover.get(key) or "")) for key, label in COVER_ROWS
            if key in ("unit", "date") or cover.get(key)]
    size, lh, pad_y, pad_x = 14, 22.4, 3 * MM, 2 * MM
    label_w = max(pen.g.width(label, size) for label, _ in rows) + 2 * pad_x
    value_max = pen.width - label_w
    value_w = min(value_max, max([80 * MM + 2 * pad_x] + [pen.g.width(v, size) + 2 * pad_x for _, v in rows]))
    left = pen.x0 + (pen.width - label_w - value_w) / 2
    for label, value in rows:
        lines = pen.lines(value, size, value_w - 2 * pad_x) if value else [""]
        bottom = top - 2 * pad_y - lh * len(lines)
        base = pen.baseline(bottom + pad_y + lh, size, lh)          # the last line: cells sit at the bottom
        pen.text(left + pad_x, base, label, size)
        for k, line in enumerate(lines):
            pen.text(left + label_w + pad_x, base + lh * (len(lines) - 1 - k), line, size)
        pen.rule(left + label_w, bottom, left + label_w + value_w)
        top = bottom


@dataclass
class Entry:
    """A line of the contents: an item or one file of an item."""

    anchor: str
    lines: list[str]
    size: float
    lh: float
    indent: float
    rgb: tuple = (0, 0, 0)

    @property
    def height(self) -> float:
        return self.lh * len(self.lines)


TOC_NUMBER_COLUMN = 12 * MM
TOC_GAP = 2 * MM


def toc_pages(parts: list[Part], g: Glyphs) -> list[list[Entry]]:
    """The contents' lines, page by page: known before the page numbers are (they sit in a
    column of their own), so the number of contents pages is exact."""
    box = content_box(0, False)
    width = box[2] - box[0]
    entries = []
    for part in parts:
        label = part.label + (MISSING_MARK if part.missing else "")
        entries.append(Entry(part.anchor, wrap(g, label, 12, width - TOC_NUMBER_COLUMN), 12, 19.2, 0,
                             RED if part.missing else (0, 0, 0)))
        if len(part.files) > 1:
            entries += [Entry(f.anchor, wrap(g, f.title, 10.5, width - 10 * MM - TOC_NUMBER_COLUMN), 10.5, 16.8, 10 * MM)
                        for f in part.files]
    pages: list[list[Entry]] = [[]]
    top = box[3] - 10 * MM - 28.8 - 8 * MM
    for e in entries:
        if pages[-1] and top - e.height < box[1]:
            pages.append([])
            top = box[3]
        pages[-1].append(e)
        top -= e.height + TOC_GAP
    return pages


def draw_toc(pen: Pen, entries: list[Entry], numbers: dict[str, int], first: bool) -> None:
    top = pen.y1
    if first:
        top = pen.centred(top - 10 * MM, TOC_TITLE, 18, 28.8, spacing=12) - 8 * MM
    for e in entries:
        x = pen.x0 + e.indent
        for k, line in enumerate(e.lines):
            base = pen.baseline(top - k * e.lh, e.size, e.lh)
            pen.text(x, base, line, e.size, e.rgb)
        number = str(numbers[e.anchor])
        nw = pen.g.width(number, e.size)
        pen.text(pen.x1 - nw, base, number, e.size)
        end = x + pen.g.width(e.lines[-1], e.size)
        if pen.x1 - nw - 3 > end + 3:
            pen.rule(end + 3, base + 1, pen.x1 - nw - 3, width=0.9, gray=0.35, dots=True)
        bottom = top - e.height
        pen.links.append((e.anchor, (x, bottom, pen.x1, top)))
        top = bottom - TOC_GAP


def draw_statement(pen: Pen, title: str, cover: dict) -> None:
    top = pen.centred(pen.y1 - 15 * MM, title, 18, 28.8) - 10 * MM
    size, lh = 12, 19.2
    for para in DECLARATION:
        for k, line in enumerate(pen.lines(para, size, pen.width, indent=2 * size)):
            pen.text(pen.x0 + (2 * size if k == 0 else 0), pen.baseline(top, size, lh), line, size)
            top -= lh
        top -= 4 * MM
    top -= 26 * MM                                    # 30 mm above the signature, the paragraph's 4 mm included
    x = pen.x0 + 0.55 * pen.width
    values = (cover.get("unit") or "", cover.get("legal_rep") or "", cover.get("date") or "")
    for label, value in zip(SIGN_ROWS, values):
        for line in pen.lines(label + value, size, pen.x1 - x):
            pen.text(x, pen.baseline(top, size, 28.8), line, size)
            top -= 28.8


def draw_placeholder(pen: Pen, label: str) -> None:
    top = pen.centred(pen.y1 - 90 * MM, f"缺：{label}", 28, 44.8, rgb=RED)
    pen.centred(top - 12, PLACEHOLDER_NOTE, 12, 19.2, rgb=(0.333, 0.333, 0.333))


def texts(parts: list[Part], cover: dict, kind: str, mark: str | None) -> str:
    """Every character the authored pages and the footers may draw (for ``Glyphs``)."""
    out = [HEADING, KIND_TITLES[kind], TOC_TITLE, MISSING_MARK, PLACEHOLDER_NOTE, "缺：", "0123456789 第页共",
           mark or "", *DECLARATION, *SIGN_ROWS, *(label for _, label in COVER_ROWS)]
    out += [str(v) for v in cover.values() if v]
    for part in parts:
        out += [part.label, part.item.title] + [f.title for f in part.files]
    return "".join(out)


def render(parts: list[Part], cover: dict, kind: str, mark: str | None, duplex: bool,
           g: Glyphs) -> tuple[list[Drawn], list[Slot], dict[str, int]]:
    """The authored pages drawn, the page sequence and the first page of each anchor."""
    toc = toc_pages(parts, g)
    counts = {"cover": 1, "toc": len(toc)} | {p.anchor: 1 for p in parts if p.authored}
    slots, starts = sequence(parts, counts, duplex)
    numbers = {a: i + 1 for a, i in starts.items()}
    at = {s.authored: i for i, s in enumerate(slots) if s.authored is not None}
    drawn: list[Drawn] = []

    def pen() -> Pen:
        return Pen(g, content_box(at[len(drawn)], duplex))

    p = pen()
    draw_cover(p, cover, kind, mark)
    drawn.append(p.done())
    for k, entries in enumerate(toc):
        p = pen()
        draw_toc(p, entries, numbers, k == 0)
        drawn.append(p.done())
    for part in parts:
        if not part.authored:
            continue
        p = pen()
        if part.authored == "statement":
            draw_statement(p, part.item.title, cover)
        else:
            draw_placeholder(p, part.item.label)
        drawn.append(p.done())
    return drawn, slots, starts
