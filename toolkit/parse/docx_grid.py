"""The table grid of a DOCX body: cells by grid column, their text and content controls.

A vertically merged continuation keeps a link to the cell it continues (``origin``);
cell text that is one text repeated (what damaged controls leave) is reduced to one copy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..normalize import TICKS

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
TICKED = set(TICKS) | {"☒", "☑", "■", "✔"}
UNTICKED = {"", "□", "☐", "○"}


@dataclass
class Cell:
    row: int                  # index into Grid.rows
    col: int                  # grid column where the cell starts
    span: int
    text: str
    continued: bool           # a vertically merged continuation (no content of its own)
    tags: list = field(default_factory=list)     # (tag, text) of content controls inside
    repeated: bool = False    # the text was one text repeated; ``text`` holds one copy
    used: bool = False
    picture: bool = False     # holds a drawing (a photo)
    origin: "Cell | None" = field(default=None, repr=False)   # continued: the cell it continues
    merged: list = field(default_factory=list, repr=False)    # a restarting cell: its continuations

    def lines(self) -> list[str]:
        return [s.strip() for s in self.text.split("\n") if s.strip()]


@dataclass
class Grid:
    rows: list[list[Cell]]
    table_of_row: list[int]

    def next_cell(self, c: Cell) -> Cell | None:
        row = self.rows[c.row]
        i = row.index(c)
        return row[i + 1] if i + 1 < len(row) else None

    def below(self, c: Cell) -> Cell | None:
        """The cell under ``c`` (the one starting in its grid column, else the first)."""
        r = c.row + 1
        if r < len(self.rows) and self.rows[r]:
            row = [x for x in self.rows[r] if not x.continued]
            return next((x for x in row if x.col == c.col), None) or \
                next((x for x in row if x.col <= c.col < x.col + x.span), None)
        return None

    def where(self, c: Cell) -> str:
        return f"表格第{c.row + 1}行"


def build_grid(doc) -> Grid:
    rows: list[list[Cell]] = []
    table_of_row: list[int] = []
    for ti, tbl in enumerate(doc.iter(W + "tbl")):
        above: dict[int, Cell] = {}            # grid column -> the cell a merge there continues
        for tr in tbl.findall(W + "tr"):
            r = len(rows)
            col = 0
            before = tr.find(f"{W}trPr/{W}gridBefore")
            if before is not None:
                col = int(before.get(W + "val", "0"))
            cells = []
            for tc in tr.findall(W + "tc"):
                span_el = tc.find(f"{W}tcPr/{W}gridSpan")
                span = int(span_el.get(W + "val", "1")) if span_el is not None else 1
                vm = tc.find(f"{W}tcPr/{W}vMerge")
                continued = vm is not None and vm.get(W + "val") in (None, "continue")
                text, tags = cell_text(tc)
                one, repeated = _dedupe(text)
                cell = Cell(r, col, span, one, continued, tags, repeated,
                            picture=next(tc.iter(W + "drawing", W + "pict"), None) is not None)
                if continued and col in above:
                    cell.origin = above[col].origin or above[col]
                    cell.origin.merged.append(cell)
                above[col] = cell
                cells.append(cell)
                col += span
            rows.append(cells)
            table_of_row.append(ti)
    return Grid(rows, table_of_row)


def cell_text(tc) -> tuple[str, list]:
    """Paragraphs joined by newlines; placeholder text and deleted text left out."""
    paras = []
    for p in tc.iter(W + "p"):
        if _inside_nested_table(p, tc):
            continue
        paras.append(_para_text(p))
    tags = []
    for sdt in tc.iter(W + "sdt"):
        tag = sdt.find(f"{W}sdtPr/{W}tag")
        content = sdt.find(W + "sdtContent")
        txt = "" if sdt.find(f"{W}sdtPr/{W}showingPlcHdr") is not None else \
            "".join(_run_text(r) for r in content.iter(W + "r")) if content is not None else ""
        box = sdt.find(f"{W}sdtPr/{W14}checkbox/{W14}checked")
        if box is not None:
            txt = "☒" if box.get(W14 + "val") in ("1", "true") else "☐"
        if tag is not None:
            tags.append((tag.get(W + "val"), txt))
    return "\n".join(paras).strip("\n"), tags


def _inside_nested_table(p, tc) -> bool:
    parent = p.getparent()
    while parent is not None and parent is not tc:
        if parent.tag == W + "tbl":
            return True
        parent = parent.getparent()
    return False


def _para_text(p) -> str:
    out = []
    for el in p.iter(W + "r", W + "sdtPr"):
        if el.tag == W + "sdtPr":
            continue
        if _in_placeholder(el):
            continue
        out.append(_run_text(el))
    return "".join(out)


def _in_placeholder(run) -> bool:
    parent = run.getparent()
    while parent is not None and parent.tag != W + "p":
        if parent.tag == W + "sdtContent":
            pr = parent.getparent().find(W + "sdtPr")
            if pr is not None and pr.find(W + "showingPlcHdr") is not None:
                return True
        parent = parent.getparent()
    return False


def _run_text(r) -> str:
    out = []
    for el in r:
        if el.tag == W + "t":
            out.append(el.text or "")
        elif el.tag in (W + "br", W + "cr"):
            out.append("\n")
        elif el.tag == W + "tab":
            out.append(" ")
        elif el.tag == W + "sym":
            out.append(_SYMBOLS.get(el.get(W + "char", "").upper(), ""))
    return "".join(out)


# Wingdings ticks a user may insert as symbols
_SYMBOLS = {"F0FC": "√", "F0FE": "☒", "F0A8": "□", "F06F": "□", "F078": "☒", "F0FB": "☒"}


def _dedupe(text: str) -> tuple[str, bool]:
    """'值A值A值A' -> ('值A', True); a text is kept when it is not one text repeated."""
    s = text.strip()
    n = len(s)
    if n < 2:
        return text, False
    for size in range(2, n // 2 + 1):
        unit = s[:size]
        if n % size == 0 and unit * (n // size) == s and re.search(r"[^\d.,\-\s]", unit):
            return unit, True        # numbers like 7070 are left alone
    return text, False



def ticked(text: str) -> bool:
    s = text.strip()
    return s not in UNTICKED and (s in TICKED or any(ch in s for ch in "☒☑√✓✔■"))

