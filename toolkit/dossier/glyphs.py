"""The dossier's own text: cover, contents, declaration, placeholders, footers and marks.

All of it is drawn in the field font (GB2312 and every character the model uses), with a
tiny font (``fonts.rare_font``) for the characters outside it, such as 堃 or 𠀀 in a unit's
name.  Text is shown as 2-byte glyph ids; the glyphs drawn are recorded, and ``embed``
writes each font once per dossier, cut to those glyphs (``subset.keep_glyphs``, glyph ids
kept), as a Type 0 font with widths and a ToUnicode map, so the text is copied and
searched as text.  No layout engine is involved: the pages are simple enough to place
line by line (``authored``), and binding stays near the speed of copying pages.
"""
from __future__ import annotations

import hashlib

import pikepdf

from ..pdfform import fonts as F
from ..pdfform.subset import font_box, keep_glyphs, metrics, to_unicode

NAMES = ("/QhsmeF", "/QhsmeR")       # resource names: the field font, the rare font


class Glyphs:
    """The fonts for ``texts`` (every string the dossier will draw, so the rare font holds
    all the characters the field font lacks), as they are drawn."""

    def __init__(self, texts: str):
        fs = F.fonts()
        self.programs = [fs.field.read_bytes()]
        rare = F.missing(texts, fs.field)
        if rare:
            self.programs.append(F.rare_font(rare))
        self.maps = [metrics(p) for p in self.programs]
        self.used: list[dict[int, str]] = [{} for _ in self.programs]     # glyph id -> character
        box = font_box(self.programs[0])
        self.ascent, self.descent = box["ascent"], -box["descent"]        # 1/1000 em, both > 0
        self._fonts: list[pikepdf.Object] | None = None
        self._advance: dict[str, float] = {}

    def _face(self, ch: str) -> int:
        for k, (cmap, _) in enumerate(self.maps):
            if ord(ch) in cmap:
                return k
        return len(self.maps) - 1          # the rare font's last-resort box; never the field's .notdef

    def runs(self, text: str) -> list[tuple[int, str]]:
        out: list[tuple[int, str]] = []
        for ch in text:
            k = self._face(ch)
            if out and out[-1][0] == k:
                out[-1] = (k, out[-1][1] + ch)
            else:
                out.append((k, ch))
        return out

    def advance(self, ch: str) -> float:
        """Advance of ``ch`` in 1/1000 em."""
        got = self._advance.get(ch)
        if got is None:
            cmap, widths = self.maps[self._face(ch)]
            gid = cmap.get(ord(ch), 0)
            got = self._advance[ch] = widths[gid] if gid < len(widths) else 1000
        return got

    def width(self, text: str, size: float, spacing: float = 0) -> float:
        """Width in points, ``spacing`` added after every character but the last."""
        if not text:
            return 0.0
        return sum(self.advance(c) for c in text) * size / 1000 + spacing * (len(text) - 1)

    def show(self, text: str, size: float) -> str:
        """Text-showing operators for ``text`` at ``size`` (inside BT … ET)."""
        out = []
        for k, run in self.runs(text):
            cmap = self.maps[k][0]
            used = self.used[k]
            codes = []
            for ch in run:
                gid = cmap.get(ord(ch), 0)
                used.setdefault(gid, ch)
                codes.append(f"{gid:04X}")
            out.append(f"{NAMES[k]} {size:.2f} Tf <{''.join(codes)}> Tj")
        return " ".join(out)

    def resources(self, pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
        """The /Font resources naming the fonts (filled in by ``embed`` at the end)."""
        if self._fonts is None:
            self._fonts = [pdf.make_indirect(pikepdf.Dictionary()) for _ in self.programs]
        return pikepdf.Dictionary({NAMES[k]: f for k, f in enumerate(self._fonts)})

    def embed(self, pdf: pikepdf.Pdf) -> None:
        """Write each font, cut to the glyphs drawn, into the objects ``resources`` handed out."""
        for k, obj in enumerate(self._fonts or []):
            used = self.used[k] or {0: " "}
            program = keep_glyphs(self.programs[k], used)
            tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(repr(sorted(used)).encode()).digest()[:6])
            obj.update(_type0(pdf, f"{tag}+{'QhsmeField' if k == 0 else 'QhsmeRare'}", program, used,
                              self.maps[k][1]))


def _type0(pdf: pikepdf.Pdf, base: str, program: bytes, used: dict[int, str], widths: list[float]) -> dict:
    name = pikepdf.Name("/" + base)
    box = font_box(program)
    stream = pikepdf.Stream(pdf, program)
    stream.Length1 = len(program)
    descriptor = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=name, Flags=4, FontBBox=box["bbox"], ItalicAngle=0,
        Ascent=box["ascent"], Descent=box["descent"], CapHeight=box["cap"], StemV=80, FontFile2=stream))
    w = []
    for gid in sorted(used):
        adv = round(widths[gid]) if gid < len(widths) else 1000
        if adv != 1000:
            w += [gid, [adv]]
    cid = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=name,
        CIDSystemInfo=pikepdf.Dictionary(Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"),
                                         Supplement=0),
        FontDescriptor=descriptor, DW=1000, W=w, CIDToGIDMap=pikepdf.Name.Identity))
    return {"/Type": pikepdf.Name.Font, "/Subtype": pikepdf.Name.Type0, "/BaseFont": name,
            "/Encoding": pikepdf.Name("/Identity-H"), "/DescendantFonts": pikepdf.Array([cid]),
            "/ToUnicode": pikepdf.Stream(pdf, to_unicode(used))}
