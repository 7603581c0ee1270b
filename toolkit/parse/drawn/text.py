"""Glyphs into lines and the document's reading order; the lines of a value joined back."""
from __future__ import annotations

import re
import unicodedata

from ..geometry import Box, G, PageGeo

PAD = 2.0            # points between a drawn box's edge and its text (pdfform.appearance.PAD)
_WS = re.compile(r"\s+")


def width_fold(text: str) -> str:
    """Text as compared: full and half width alike (a recogniser reads the form's ％ or （
    as % or (), NFKC)."""
    return unicodedata.normalize("NFKC", text) if not text.isascii() else text


def squash(text: str) -> str:
    """Text compared without white space (labels printed with letter spacing, wrapped),
    full and half width alike."""
    return _WS.sub("", width_fold(text))


def lines(glyphs: list[G]) -> list[list[G]]:
    """Glyphs grouped into lines (close vertical centres), each sorted by x."""
    out: list[list[G]] = []
    cur: list[G] = []
    cy = size = 0.0
    for g in sorted(glyphs, key=lambda g: g.cy):
        if cur and abs(g.cy - cy) <= 0.45 * max(size, g.size):
            cur.append(g)
            cy += (g.cy - cy) / len(cur)
            size = max(size, g.size)
        else:
            if cur:
                out.append(sorted(cur, key=lambda g: g.x0))
            cur, cy, size = [g], g.cy, g.size
    if cur:
        out.append(sorted(cur, key=lambda g: g.x0))
    return out


def join_line(gl: list[G]) -> str:
    return "".join(g.text for g in gl)


def spaced_line(gl: list[G]) -> str:
    """A line's text with the spaces a printer drew as a gap instead of a space glyph
    (between Latin words only: CJK text is justified and spaced freely)."""
    out = []
    prev = None
    for g in gl:
        if prev is not None and g.x0 - prev.x1 > 0.2 * max(g.size, prev.size) and prev.text != " " \
                and g.text != " " and prev.text.isascii() and g.text.isascii():
            out.append(" ")
        out.append(g.text)
        prev = g
    return "".join(out)


class Stream:
    """Every glyph of the document in reading order, and its text for searching."""

    def __init__(self, pages: list[PageGeo]):
        self.glyphs: list[G] = []
        line_no = 0
        for p in pages:
            for line in lines(p.glyphs):
                for g in line:
                    g.line = line_no
                    self.glyphs.append(g)
                line_no += 1
        pieces, self.owner = [], []
        self.starts: list[int] = []
        pos = 0
        for i, g in enumerate(self.glyphs):
            t = width_fold(g.text)
            pieces.append(t)
            self.owner.extend([i] * len(t))
            self.starts.append(pos)
            pos += len(t)
        self.text = "".join(pieces)

    def find(self, s: str, start_glyph: int) -> int | None:
        if not s:
            return None
        k = self.text.find(width_fold(s), self.starts[start_glyph] if start_glyph < len(self.starts) else len(self.text))
        return None if k < 0 else self.owner[k]


def inside(glyphs: list[G], box: Box, pad: float = 0.0) -> list[G]:
    return [g for g in glyphs if box.x0 - pad <= g.cx <= box.x1 + pad and box.top - pad <= g.cy <= box.bottom + pad]


def cell_text(glyphs: list[G], box: Box) -> str:
    return "".join(join_line(line) for line in lines(inside(glyphs, box))).strip()


def measured_inset(lns: list[list[G]], box: Box) -> float:
    """The text's inset from the box's left edge, taken as the inset on the right too
    (Word's cells: their cell margin)."""
    left = min(line[0].x0 for line in lns) - box.x0
    return PAD if left < PAD else min(left, 12.0)


def paragraphs(glyphs: list[G], box: Box, multiline: bool = True, inset: float | None = PAD) -> str:
    """Lines inside a box joined back: a line the writer wrapped continues the previous one
    (with the space it dropped between Latin words), others start a new line (``multiline``)
    or, in a one-line value, continue after a space.  ``inset``: the text's margin in the
    box, None to measure it (and read spaces drawn as gaps)."""
    lns = lines(glyphs)
    if not lns:
        return ""
    measured = inset is None
    avail = box.w - 2 * (measured_inset(lns, box) if measured else inset)
    out = ""
    prev = None
    for line in lns:
        text = spaced_line(line) if measured else join_line(line)
        if prev is not None:
            used = prev[-1].x1 - prev[0].x0
            nxt = line[0].x1 - line[0].x0
            gap = line[0].top - prev[0].top
            lead = 1.25 * max(g.size for g in prev)
            if multiline and gap > 1.6 * lead:                 # empty lines between paragraphs
                out += "\n" * (round(gap / lead) - 1) + "\n" + text
            elif used + nxt > avail - 1.5:
                out += text
            elif prev[-1].text.isascii() and prev[-1].text.isalnum() and line[0].text.isascii() \
                    and line[0].text.isalnum() and used + _word_width(line) + 0.25 * line[0].size > avail - 1.5:
                out += " " + text
            else:
                out += ("\n" if multiline else " ") + text
        else:
            out = text
        prev = line
    return out.strip()


def _word_width(line: list[G]) -> float:
    end = line[0].x1
    for g in line:
        if not (g.text.isascii() and g.text.isalnum()):
            break
        end = g.x1
    return end - line[0].x0


_OPENING = frozenset("（(“‘《〈【[「『")
_CLOSING = frozenset("）)”’》〉】]」』，。、；：！？,.;:!?%％")


def _first_unit(line: list[G]) -> float:
    """Width of what could not have stayed on the line before: opening brackets, then a
    Latin word or one character, then closing punctuation (which cannot start a line)."""
    k = 0
    while k < len(line) - 1 and line[k].text in _OPENING:
        k += 1
    if line[k].text.isascii() and line[k].text.isalnum():
        while k + 1 < len(line) and line[k + 1].text.isascii() and line[k + 1].text.isalnum():
            k += 1
    while k + 1 < len(line) and line[k + 1].text in _CLOSING:
        k += 1
    return line[k].x1 - line[0].x0


def wrapped(glyphs: list[G], box: Box, multiline: bool) -> str:
    """The lines of a value printed by a word processor joined back: a line the writer
    wrapped (what starts the next line would not have fitted) continues the previous one,
    Latin words with the space the wrap dropped; other breaks are the writer's own: a new
    line in a long text (``multiline``), a space in a one-line value.  Spaces drawn as
    gaps are read back."""
    lns = lines(glyphs)
    if not lns:
        return ""
    avail = box.w - 2 * measured_inset(lns, box)
    out = ""
    prev = None
    for line in lns:
        text = spaced_line(line)
        if prev is not None:
            used = prev[-1].x1 - prev[0].x0
            gap = line[0].top - prev[0].top
            lead = 1.2 * max(g.size for g in prev)
            latin = prev[-1].text.isascii() and prev[-1].text.isalnum() and line[0].text.isascii() \
                and line[0].text.isalnum()
            if multiline and gap > 1.7 * lead:                 # empty lines between paragraphs
                out += "\n" * (round(gap / lead) - 1) + "\n" + text
            elif latin:
                full = used + 0.25 * line[0].size + _first_unit(line) > avail - 1.0
                out += (" " if full or not multiline else "\n") + text
            elif used + _first_unit(line) > avail - 1.0 or not multiline:
                out += text
            else:
                out += "\n" + text
        else:
            out = text
        prev = line
    return out.strip()
