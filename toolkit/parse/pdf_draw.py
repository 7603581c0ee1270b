"""What a page draws: glyphs and path outlines, read fast with qpdf's content parser.

pdfminer (under pdfplumber) parses content streams in Python and takes 0.3-1.5 s for
one of our flattened forms; qpdf (``pikepdf.parse_content_stream``) parses them in C++.
This module interprets the few operators that place glyphs and paths, for the fonts
our forms and common PDF printers write: composite fonts with 2-byte codes
(``Identity-H``) or simple TrueType/Type 1 fonts, each with a ``/ToUnicode`` map.
Anything else (Type 3 fonts, other CMaps, no ToUnicode) raises ``Unsupported`` and the
caller reads the document with pdfplumber instead, which also reports ``(cid:N)``.

Coordinates are pdfplumber's: points from the top-left of the media box, before /Rotate.
"""
from __future__ import annotations

import re

import pikepdf

MAX_DEPTH = 12
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


class Unsupported(Exception):
    """The page uses something this reader does not interpret: use pdfplumber."""


class _Font:
    """Codes to text and widths: composite fonts with 2-byte Identity-H codes, or simple
    (TrueType / Type 1) fonts with 1-byte codes; both need a /ToUnicode map."""

    __slots__ = ("descent", "dw", "step", "uni", "widths")

    def __init__(self, font: pikepdf.Object):
        sub = font.get("/Subtype")
        tu = font.get("/ToUnicode")
        if tu is None or not isinstance(tu, pikepdf.Stream):
            raise Unsupported("no ToUnicode")
        if sub == "/Type0":
            if str(font.get("/Encoding")) != "/Identity-H":
                raise Unsupported("CMap")
            d = font.DescendantFonts[0]
            self.step = 2
            self.dw = float(d.get("/DW", 1000))
            self.widths = _widths(d.get("/W"))
            fd = d.get("/FontDescriptor")
        elif sub in ("/TrueType", "/Type1", "/MMType1"):
            self.step = 1
            first = int(font.get("/FirstChar", 0))
            self.widths = {first + k: float(w) for k, w in enumerate(font.get("/Widths", ()))}
            fd = font.get("/FontDescriptor")
            self.dw = float(fd.get("/MissingWidth", 0)) if fd is not None else 0.0
        else:
            raise Unsupported("font")
        self.uni = _tounicode_cached(tu.read_bytes())
        desc = float(fd.get("/Descent", -200)) if fd is not None else -200.0
        self.descent = desc / 1000 if desc < 0 else -desc / 1000


_MAPS: dict[bytes, dict[int, str]] = {}


def _tounicode_cached(data: bytes) -> dict[int, str]:
    """Maps by content: every form of ours embeds the same field font and its map."""
    got = _MAPS.get(data)
    if got is None:
        if len(_MAPS) > 32:
            _MAPS.clear()
        got = _MAPS[data] = _tounicode(data)
    return got


def _tounicode(data: bytes) -> dict[int, str]:
    out: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.DOTALL):
        vals = _HEX.findall(block)
        for src, dst in zip(vals[::2], vals[1::2]):
            out[int(src, 16)] = _utf16(dst)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.DOTALL):
        for m in re.finditer(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", block):
            lo, hi, dst = int(m.group(1), 16), int(m.group(2), 16), m.group(3)
            if hi - lo > 65535:
                continue
            if dst.startswith(b"["):
                for k, v in enumerate(_HEX.findall(dst)):
                    out[lo + k] = _utf16(v)
            else:
                base = bytearray(bytes.fromhex(dst[1:-1].decode()))
                for code in range(lo, hi + 1):
                    out[code] = _utf16(base.hex().encode())
                    base[-1] = (base[-1] + 1) & 0xFF
    return out


def _utf16(hexs: bytes) -> str:
    try:
        return bytes.fromhex(hexs.decode()).decode("utf-16-be", "replace")
    except ValueError:
        return ""


def _widths(w) -> dict[int, float]:
    out: dict[int, float] = {}
    if w is None:
        return out
    items = list(w)
    i = 0
    while i < len(items):
        first = int(items[i])
        nxt = items[i + 1]
        if isinstance(nxt, pikepdf.Array):
            for k, v in enumerate(nxt):
                out[first + k] = float(v)
            i += 2
        else:
            last, v = int(nxt), float(items[i + 2])
            if last - first < 70000:
                for c in range(first, last + 1):
                    out[c] = v
            i += 3
    return out


def _mul(m, n):
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


class _Page:
    def __init__(self, height: float):
        self.h = height
        self.chars: list[tuple] = []      # text, x0, top, x1, bottom, size, a, b
        self.edges: list[tuple] = []      # x0, top, x1, bottom
        self.rects: list[tuple] = []
        self.curves: list[tuple] = []
        self.hidden = 0
        self.fonts: dict = {}

    def box(self, pts):
        xs = [p[0] for p in pts]
        ys = [self.h - p[1] for p in pts]
        return min(xs), min(ys), max(xs), max(ys)


def page_drawing(page: pikepdf.Page):
    """(chars, edges, rects, curves, hidden) of ``page`` or raises ``Unsupported``.
    ``hidden`` counts glyphs drawn invisibly (render mode 3: the OCR layer of a scan);
    they are not in ``chars``."""
    mb = [float(v) for v in page.mediabox]
    out = _Page(mb[3] - mb[1])
    ctm = (1, 0, 0, 1, -mb[0], -mb[1])
    _run(out, page.obj, page.obj.get("/Resources"), ctm, 0)
    return out.chars, out.edges, out.rects, out.curves, out.hidden


def _font(out: _Page, resources, name) -> _Font:
    fonts = resources.get("/Font") if resources is not None else None
    f = fonts.get(name) if fonts is not None else None
    if f is None:
        raise Unsupported("font missing")
    key = f.objgen if f.is_indirect else id(f)
    got = out.fonts.get(key)
    if got is None:
        got = out.fonts[key] = _Font(f)
    return got


def _run(out: _Page, stream, resources, ctm, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise Unsupported("nesting")
    stack = []
    font = None
    size = 1.0
    tc = tw = rise = lead = 0.0
    mode = 0
    tz = 1.0
    tm = tlm_base = (1, 0, 0, 1, 0, 0)
    path: list[list] = []
    rects_in_path: list[tuple] = []
    cur: list = []
    for operands, op in pikepdf.parse_content_stream(stream):
        op = str(op)
        if op == "TJ" or op == "Tj" or op == "'" or op == '"':
            if op == "'" or op == '"':
                if op == '"':
                    tw, tc = float(operands[0]), float(operands[1])
                tm = tlm_base = _mul((1, 0, 0, 1, 0, -lead), tlm_base)
            if font is None:
                raise Unsupported("text without font")
            items = operands[0] if op == "TJ" else [operands[-1]]
            for it in items:
                if isinstance(it, pikepdf.String):
                    raw = bytes(it)
                    two = font.step == 2
                    for k in range(0, len(raw) - 1 if two else len(raw), font.step):
                        code = (raw[k] << 8) | raw[k + 1] if two else raw[k]
                        w = font.widths.get(code, font.dw) / 1000
                        trm = _mul((size * tz, 0, 0, size, 0, rise), _mul(tm, ctm))
                        a, b, c, d, e, f = trm
                        x0, y0 = e + c * font.descent, f + d * font.descent
                        pts = ((x0, y0), (x0 + a * w, y0 + b * w), (x0 + c, y0 + d), (x0 + a * w + c, y0 + b * w + d))
                        bx = out.box(pts)
                        text = font.uni.get(code)
                        if text is None:
                            text = f"(cid:{code})"
                        if mode == 3 or mode == 7:
                            out.hidden += 1
                        else:
                            out.chars.append((text, bx[0], bx[1], bx[2], bx[3], (c * c + d * d) ** 0.5, a, b))
                        adv = (w * size + tc + (tw if code == 32 and not two else 0)) * tz
                        tm = (tm[0], tm[1], tm[2], tm[3], tm[4] + adv * tm[0], tm[5] + adv * tm[1])
                else:
                    adv = -float(it) / 1000 * size * tz
                    tm = (tm[0], tm[1], tm[2], tm[3], tm[4] + adv * tm[0], tm[5] + adv * tm[1])
            continue
        if op == "q":
            stack.append((ctm, font, size, tc, tw, tz, lead, rise, mode))
        elif op == "Q":
            if stack:
                ctm, font, size, tc, tw, tz, lead, rise, mode = stack.pop()
        elif op == "cm":
            ctm = _mul(tuple(float(v) for v in operands), ctm)
        elif op == "BT":
            tm = tlm_base = (1, 0, 0, 1, 0, 0)
        elif op == "Tf":
            font = _font(out, resources, operands[0])
            size = float(operands[1])
        elif op == "Tm":
            tm = tlm_base = tuple(float(v) for v in operands)
        elif op == "Td" or op == "TD":
            tx, ty = float(operands[0]), float(operands[1])
            if op == "TD":
                lead = -ty
            tm = tlm_base = _mul((1, 0, 0, 1, tx, ty), tlm_base)
        elif op == "T*":
            tm = tlm_base = _mul((1, 0, 0, 1, 0, -lead), tlm_base)
        elif op == "Tc":
            tc = float(operands[0])
        elif op == "Tw":
            tw = float(operands[0])
        elif op == "Tz":
            tz = float(operands[0]) / 100
        elif op == "TL":
            lead = float(operands[0])
        elif op == "Ts":
            rise = float(operands[0])
        elif op == "Tr":
            mode = int(operands[0])
        elif op == "m":
            cur = [_pt(operands, 0, ctm)]
            path.append(cur)
        elif op == "l":
            cur.append(_pt(operands, 0, ctm))
        elif op == "c":
            cur.extend((_pt(operands, 0, ctm), _pt(operands, 2, ctm), _pt(operands, 4, ctm)))
            cur.append(None)            # marks a curve
        elif op == "v" or op == "y":
            cur.extend((_pt(operands, 0, ctm), _pt(operands, 2, ctm)))
            cur.append(None)
        elif op == "re":
            x, y, w, h = (float(v) for v in operands)
            pts = [_pt((x, y), 0, ctm), _pt((x + w, y), 0, ctm), _pt((x + w, y + h), 0, ctm), _pt((x, y + h), 0, ctm)]
            rects_in_path.append(pts)
        elif op in ("S", "s", "f", "F", "f*", "B", "B*", "b", "b*"):
            _paint(out, path, rects_in_path)
            path, rects_in_path, cur = [], [], []
        elif op == "n":
            path, rects_in_path, cur = [], [], []
        elif op == "Do":
            xo = resources.get("/XObject", {}).get(operands[0]) if resources is not None else None
            if xo is not None and xo.get("/Subtype") == "/Form":
                m = tuple(float(v) for v in xo.get("/Matrix", (1, 0, 0, 1, 0, 0)))
                _run(out, xo, xo.get("/Resources", resources), _mul(m, ctm), depth + 1)
        elif op == "BI" or op == "INLINE IMAGE":
            pass


def _pt(ops, k, ctm):
    x, y = float(ops[k]), float(ops[k + 1])
    a, b, c, d, e, f = ctm
    return (a * x + c * y + e, b * x + d * y + f)


def _paint(out: _Page, path, rects) -> None:
    for pts in rects:
        bx = out.box(pts)
        out.rects.append(bx)
        x0, t0, x1, t1 = bx
        out.edges.extend(((x0, t0, x1, t0), (x0, t1, x1, t1), (x0, t0, x0, t1), (x1, t0, x1, t1)))
    for sub in path:
        curved = None in sub
        pts = [p for p in sub if p is not None]
        if len(pts) < 2:
            continue
        if not curved and len(pts) == 2:
            bx = out.box(pts)
            out.edges.append(bx)
        elif not curved and len(pts) in (4, 5) and _axis_rect(pts):
            bx = out.box(pts)
            out.rects.append(bx)
            x0, t0, x1, t1 = bx
            out.edges.extend(((x0, t0, x1, t0), (x0, t1, x1, t1), (x0, t0, x0, t1), (x1, t0, x1, t1)))
        else:
            out.curves.append(out.box(pts))


def _axis_rect(pts) -> bool:
    for (xa, ya), (xb, yb) in zip(pts, pts[1:] + pts[:1]):
        if abs(xa - xb) > 0.01 and abs(ya - yb) > 0.01:
            return False
    return True
