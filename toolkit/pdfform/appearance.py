"""Appearance streams for filled fields, drawn with the field font (or a tiny font for
characters outside it), so values show in viewers that never regenerate them.

Text is written as 2-byte glyph ids: both fonts are TrueType, embedded here as
Type0/CIDFontType2, Identity-H, CIDToGIDMap Identity, with a ToUnicode map.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pikepdf

from .subset import font_box, metrics, to_unicode

PAD = 2.0          # points between the box edge and the text
MIN_SIZE = 4.0


@dataclass
class Face:
    """A font as the appearance writer needs it: name in /DR, cmap, advance widths."""

    name: str                       # resource name, without the slash
    cmap: dict[int, int]            # code point -> glyph id
    widths: list[float]             # glyph id -> advance in 1/1000 em

    def has(self, ch: str) -> bool:
        return ord(ch) in self.cmap


def _metrics(data: bytes) -> tuple[dict[int, int], list[float]]:
    return metrics(data)


def face(name: str, data: bytes) -> Face:
    cmap, widths = _metrics(data)
    return Face(name, cmap, widths)


@lru_cache(maxsize=8)
def _font_parts(data: bytes) -> tuple[bytes, list[int], bytes, dict]:
    """What a Type0 font needs, computed once per font: the deflated program, widths,
    the deflated ToUnicode map and the descriptor numbers."""
    import zlib
    cmap, widths = _metrics(data)
    desc = font_box(data)
    first: dict[int, str] = {}
    for cp, gid in sorted(cmap.items()):
        first.setdefault(gid, chr(cp))
    return (zlib.compress(data, 9), _w_array(widths),
            zlib.compress(to_unicode(first), 9), desc)


def _w_array(widths: list[float], default: int = 1000) -> list:
    """/W of a CID font: runs ``first [w w …]`` of the glyphs whose advance is not /DW
    (the hanzi, nearly all of the font, are 1000 wide and need no entry)."""
    out: list = []
    run: list[int] = []
    for gid, w in enumerate(round(w) for w in widths):
        if w != default:
            if not run:
                out.append(gid)
            run.append(w)
        elif run:
            out.append(run)
            run = []
    if run:
        out.append(run)
    return out


def _deflated(pdf: pikepdf.Pdf, blob: bytes, **keys) -> pikepdf.Stream:
    s = pikepdf.Stream(pdf, b"")
    s.write(blob, filter=pikepdf.Name.FlateDecode)
    for k, v in keys.items():
        s[f"/{k}"] = v
    return s


def embed_font(pdf: pikepdf.Pdf, data: bytes, base: str) -> pikepdf.Object:
    """A Type0 font dictionary for TrueType ``data`` (Identity-H, glyph ids as codes)."""
    program, widths, tounicode, d = _font_parts(data)
    descriptor = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/" + base), Flags=4,
        FontBBox=d["bbox"], ItalicAngle=0, Ascent=d["ascent"], Descent=d["descent"],
        CapHeight=d["cap"], StemV=80, FontFile2=_deflated(pdf, program, Length1=len(data)),
    ))
    cid = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=pikepdf.Name("/" + base),
        CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        FontDescriptor=descriptor, CIDToGIDMap=pikepdf.Name.Identity, DW=1000,
        W=pikepdf.Array([x if isinstance(x, int) else pikepdf.Array(x) for x in widths]),
    ))
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name("/" + base),
        Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[cid],
        ToUnicode=_deflated(pdf, tounicode),
    ))


def _runs(text: str, faces: list[Face]) -> list[tuple[Face, str]]:
    """Split ``text`` into runs each drawn by the first face that has the character."""
    runs: list[tuple[Face, str]] = []
    for ch in text:
        f = next((f for f in faces if f.has(ch)), faces[0])
        if runs and runs[-1][0] is f:
            runs[-1] = (f, runs[-1][1] + ch)
        else:
            runs.append((f, ch))
    return runs


def width(text: str, faces: list[Face], size: float) -> float:
    total = 0.0
    for f, run in _runs(text, faces):
        for ch in run:
            gid = f.cmap.get(ord(ch), 0)
            total += f.widths[gid] if gid < len(f.widths) else 1000
    return total * size / 1000


def _show(text: str, faces: list[Face], size: float) -> str:
    out = []
    for f, run in _runs(text, faces):
        hexs = "".join(f"{f.cmap.get(ord(ch), 0):04X}" for ch in run)
        out.append(f"/{f.name} {size:.2f} Tf <{hexs}> Tj")
    return " ".join(out)


def wrap(text: str, faces: list[Face], size: float, avail: float) -> list[str]:
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for ch in para:
            if line and width(line + ch, faces, size) > avail:
                # keep Latin words together when a space allows it
                cut = line.rfind(" ")
                if ch.isascii() and ch.isalnum() and 0 < cut and line[cut + 1:].isascii():
                    lines.append(line[:cut])
                    line = line[cut + 1:] + ch
                else:
                    lines.append(line)
                    line = ch
            else:
                line += ch
        lines.append(line)
    return lines


@dataclass
class Drawn:
    """An appearance and how it draws the value, which the field's /DA, /Q and /Ff must say
    (a viewer that redraws the field after an edit follows them)."""

    content: str
    size: float            # the font size the text is drawn at
    multiline: bool        # wrapped lines from the top (else one line, vertically centred)


def _x(line: str, faces: list[Face], size: float, w: float, align: str) -> float:
    return PAD if align == "left" else max(PAD, (w - width(line, faces, size)) / 2)


def text_stream(text: str, faces: list[Face], size: float, w: float, h: float, *,
                multiline: bool, align: str = "left", may_wrap: bool = True) -> Drawn:
    """Content of an appearance: one line vertically centred, or lines wrapped from the top,
    each placed by ``align`` (left, or centred: /Q 1).  The font shrinks (not below 4 pt)
    until the text fits.  A one-line value too long for a readable line (under 6.5 pt) is
    wrapped instead, if two lines of at least 5 pt fit and ``may_wrap``: the returned
    ``multiline`` then says the field must become multiline."""
    avail = max(w - 2 * PAD, 1)
    if not multiline:
        one = text.replace("\n", " ")
        size = min(size, max(MIN_SIZE, (h - 1) / 1.1))
        two = min(size, (h - 2 * PAD) / 2.5)
        if may_wrap and width(one, faces, min(size, 6.5)) > avail and two >= 5:
            return _lines(one, faces, size, w, h, avail, align)
        while width(one, faces, size) > avail and size > MIN_SIZE:
            size = max(MIN_SIZE, size - 0.25)
        y = (h - size * 0.88) / 2 + size * 0.12
        body = f"1 0 0 1 {_x(one, faces, size, w, align):.2f} {y:.2f} Tm {_show(one, faces, size)}"
        return Drawn(f"/Tx BMC q BT 0 g {body} ET Q EMC", size, False)
    return _lines(text, faces, size, w, h, avail, align)


def _lines(text: str, faces: list[Face], size: float, w: float, h: float, avail: float,
           align: str) -> Drawn:
    while True:
        lines = wrap(text, faces, size, avail)
        if len(lines) * size * 1.25 <= h - 2 * PAD or size <= MIN_SIZE:
            break
        size = max(MIN_SIZE, size - 0.25)
    lead = size * 1.25
    y = h - PAD - size * 0.95
    parts = []
    for line in lines:
        parts.append(f"1 0 0 1 {_x(line, faces, size, w, align):.2f} {y:.2f} Tm {_show(line, faces, size)}")
        y -= lead
    return Drawn(f"/Tx BMC q BT 0 g {' '.join(parts)} ET Q EMC", size, True)
