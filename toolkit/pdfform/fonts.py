"""Fonts for the PDF forms, made safe for PDF once and cached.

Three fonts are built from one source font (by default Noto Serif SC from the
PyPI package ``pylopdf-fonts-zh-cn``, SIL OFL 1.1):

* ``QhsmeSerif``: every character the annex models print, ASCII and all of
  GB2312; the fallback for page text (photo captions) and the font other
  generated pages use (the dossier).
* ``QhsmeField`` for form fields (``/DA``): what a person may type in a viewer
  that redraws a field with the /DA font (Acrobat, Foxit): ASCII, all of GB2312
  (6,763 hanzi and its symbols), every character of Qinghai's county-level
  divisions (``toolkit/data/qinghai_divisions.txt``) and the name characters
  outside GB2312 of ``toolkit/data/name_chars.txt`` (the 1,467 characters of the
  通用规范汉字表 that GB2312 lacks), plus the choices the forms offer (about
  2 MB in a PDF).  It is added to each PDF by ``fields.finish`` from parts
  prepared once per process.
* ``QhsmeLabels``: only what the blank forms print (the model's words, ASCII),
  about 100 KB, so WeasyPrint's per-document subsetting is quick.  Page text
  falls back to ``QhsmeSerif`` and then to a rare-character font.

All are TrueType outlines (WeasyPrint then writes CIDFontType2 with an
identity CIDToGIDMap, which every viewer reads alike) and keep only the code
points listed, so the Kangxi radical and compatibility aliases of the source
(U+2E80-2FDF, U+F900-FAFF, U+2F800-2FA1F) are gone and text extracts as the
unified ideographs.  ``rare_font(chars)`` makes a tiny subset for characters
outside them (堃, 喆); characters no font has (𠀀 in most fonts) get a
last-resort glyph: a box with the code point in hex.

The source font is chosen by ``set_source_font(path)`` or the environment
variable ``QHSME_FONT`` (an installed 仿宋/宋体 TTF or OTF; for a collection
``file.ttc#N`` picks its N-th font, counted from 0).  Built fonts
go to ``$QHSME_CACHE`` or ``~/.cache/qhsme/fonts`` with the licence beside them.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import ResourceMissing

BUILD_VERSION = "5"
SERIF_FAMILY = "QhsmeSerif"
FIELD_FAMILY = "QhsmeField"
LABELS_FAMILY = "QhsmeLabels"
RARE_FAMILY = "QhsmeRare"   # per document: the few value characters no other font has

logging.getLogger("fontTools").setLevel(logging.ERROR)

_lock = threading.Lock()
_source_override: Path | None = None

# Code points that are aliases of unified ideographs in CJK fonts.
_ALIAS_RANGES = ((0x2E80, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))
EXTRA_CHARS = "□☐☑√✓×（）：；，。、％%／/—－·“”‘’《》〔〕【】…℃㎡〇"


def is_alias(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _ALIAS_RANGES)


def set_source_font(path) -> None:
    """Use ``path`` (TTF/OTF/TTC, e.g. an installed 仿宋) instead of Noto Serif SC; None resets."""
    global _source_override
    _source_override = Path(path) if path else None
    fonts.cache_clear()


def source_font() -> tuple[Path, int]:
    """(path, index in a collection) of the font the forms are built from."""
    chosen = str(_source_override) if _source_override else os.environ.get("QHSME_FONT")
    if chosen:
        index = 0
        base, _, num = chosen.rpartition("#")
        if base and num.isdigit():
            chosen, index = base, int(num)
        path = Path(chosen)
        if not path.is_file():
            raise ResourceMissing(f"找不到指定的字体文件 {path}（选项或环境变量 QHSME_FONT），请检查路径")
        return path, index
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        raise ResourceMissing("缺少中文字体包 pylopdf-fonts-zh-cn；请运行 pip install pylopdf-fonts-zh-cn，"
                              "或用环境变量 QHSME_FONT 指定一个中文字体文件")
    return Path(pylopdf_fonts_zh_cn.serif_path()), 0


def licence_text() -> str | None:
    """The OFL text of the default font, from the installed package's metadata."""
    try:
        from importlib.metadata import distribution
        dist = distribution("pylopdf-fonts-zh-cn")
        for f in dist.files or ():
            if "LICENSE" in f.name.upper() or f.name.upper().startswith("OFL"):
                return f.read_text(encoding="utf-8")
        return dist.metadata.get("License")
    except Exception:
        return None


def cache_dir() -> Path:
    base = os.environ.get("QHSME_CACHE")
    if base:
        return Path(base) / "fonts"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "qhsme" / "fonts"


# --- character sets -------------------------------------------------------------------------

def _gb2312(rows: range) -> set[int]:
    out = set()
    for hi in rows:
        for lo in range(0xA1, 0xFF):
            try:
                out.update(ord(c) for c in bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return out


def _model_chars() -> set[int]:
    from ..model.annexes import ANNEXES
    out = set()
    for a in ANNEXES:
        for t in a.printed_texts():
            out.update(map(ord, t))
        for f in a.fields():
            for c in f.choices + f.suggestions:
                out.update(map(ord, c))
            out.update(map(ord, f.label))
        for t in a.tables():
            for c in t.columns:
                for ch in c.choices + c.suggestions:
                    out.update(map(ord, ch))
    out.update(map(ord, "附件0123456789年月日（盖章）单位："))
    return out


def _base_chars() -> set[int]:
    return set(range(0x20, 0x7F)) | {0xA0, 0x3000} | set(map(ord, EXTRA_CHARS))


def gb2312_chars() -> set[int]:
    """All of GB2312: its symbols (rows 1-9) and its 6,763 hanzi (rows 16-87)."""
    return _gb2312(range(0xA1, 0xF8))


def _data_lines(name: str) -> list[str]:
    from ..resources import data_path
    text = data_path(name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def qinghai_divisions() -> dict[str, list[str]]:
    """Qinghai's prefectures and their county-level divisions (toolkit/data/qinghai_divisions.txt)."""
    out: dict[str, list[str]] = {}
    for ln in _data_lines("qinghai_divisions.txt"):
        head, _, rest = ln.partition("：")
        out[head] = rest.split()
    return out


def name_chars() -> str:
    """Name characters outside GB2312 the field font holds (toolkit/data/name_chars.txt)."""
    return "".join(_data_lines("name_chars.txt"))


def serif_chars() -> set[int]:
    return _base_chars() | gb2312_chars() | _model_chars()


@lru_cache(maxsize=1)
def field_chars() -> frozenset[int]:
    places = "".join(k + "".join(v) for k, v in qinghai_divisions().items())
    return frozenset(_base_chars() | gb2312_chars() | _model_chars() | set(map(ord, places))
                     | set(map(ord, name_chars())))


# --- building -------------------------------------------------------------------------------

def _load(path: Path, index: int):
    """The whole font, read from memory (no file left open)."""
    from fontTools.ttLib import TTFont
    return TTFont(io.BytesIO(path.read_bytes()), fontNumber=index, lazy=False)


def _subset(font, unicodes: set[int]):
    from fontTools import subset
    cmap = font.getBestCmap()
    keep = {u for u in unicodes if u in cmap and not is_alias(u)}
    opts = subset.Options()
    opts.layout_features = []
    opts.hinting = False
    opts.desubroutinize = True
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.drop_tables += ["VORG", "vhea", "vmtx", "DSIG", "GSUB", "GPOS", "GDEF", "BASE"]
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=keep)
    sub.subset(font)
    return font


def _to_truetype(font) -> None:
    """Convert CFF outlines to TrueType quadratic outlines in place (fontTools otf2ttf)."""
    if "glyf" in font:
        return
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    gs = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        gs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "CFF2", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                 "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    post = font["post"]
    post.formatType = 3.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = None
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def _rename(font, family: str) -> None:
    name = font["name"]
    for rec in list(name.names):
        if rec.nameID in (1, 3, 4, 6, 16, 17, 21, 22):
            name.removeNames(nameID=rec.nameID)
    for nid, value in ((1, family), (2, "Regular"), (3, f"{family}-{BUILD_VERSION}"), (4, family),
                       (6, family)):
        name.setName(value, nid, 3, 1, 0x409)
        name.setName(value, nid, 1, 0, 0)


def _dedupe_cmap(font) -> None:
    """Keep one code point per glyph (the first in code order), so ToUnicode is unambiguous."""
    seen: dict[str, int] = {}
    for table in font["cmap"].tables:
        if not table.isUnicode():
            continue
        for cp in sorted(table.cmap):
            g = table.cmap[cp]
            if is_alias(cp):
                del table.cmap[cp]
            elif g in seen and seen[g] != cp and cp > 0x7F:
                del table.cmap[cp]
            else:
                seen.setdefault(g, cp)


def build(path: Path, index: int, unicodes: set[int], family: str) -> bytes:
    font = _load(path, index)
    _subset(font, unicodes)
    _to_truetype(font)
    _rename(font, family)
    _dedupe_cmap(font)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


@dataclass(frozen=True)
class FontSet:
    serif: Path
    field: Path
    labels: Path
    source: Path
    source_index: int


def _key(path: Path, index: int) -> str:
    st = path.stat()
    h = hashlib.sha256(f"{BUILD_VERSION}|{path.resolve()}|{index}|{st.st_size}|{st.st_mtime_ns}".encode())
    h.update("".join(map(chr, sorted(_model_chars() | field_chars()))).encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def fonts() -> FontSet:
    """The built fonts, made on first use (about 20-40 s) and cached on disk."""
    path, index = source_font()
    key = _key(path, index)
    d = cache_dir()
    serif, field = d / f"{SERIF_FAMILY}-{key}.ttf", d / f"{FIELD_FAMILY}-{key}.ttf"
    labels = d / f"{LABELS_FAMILY}-{key}.ttf"
    with _lock:
        if not (serif.is_file() and field.is_file() and labels.is_file()):
            from ..datafile import write_atomic
            try:
                d.mkdir(parents=True, exist_ok=True)
                write_atomic(labels, build(path, index, _base_chars() | _model_chars(), LABELS_FAMILY))
                write_atomic(field, build(path, index, field_chars(), FIELD_FAMILY))
                write_atomic(serif, build(path, index, serif_chars(), SERIF_FAMILY))
            except OSError as e:
                raise ResourceMissing(f"无法在 {d} 中生成字体（{e.strerror}）；可用环境变量 QHSME_CACHE 指定可写目录")
            except Exception as e:  # a font fontTools cannot read
                raise ResourceMissing(f"字体 {path} 无法使用（{type(e).__name__}: {e}）；请换一个 TTF/OTF 中文字体")
            lic = licence_text()
            if lic and not (d / "OFL.txt").exists() and _source_override is None \
                    and not os.environ.get("QHSME_FONT"):
                write_atomic(d / "OFL.txt", lic.encode("utf-8"))
    return FontSet(serif, field, labels, path, index)


@lru_cache(maxsize=4)
def cmap_of(path: Path) -> dict[int, int]:
    """Code point -> glyph id of the built font at ``path`` (read straight from its tables:
    milliseconds, where fontTools takes a third of a second on the field font)."""
    from .subset import metrics
    return metrics(path.read_bytes())[0]


@lru_cache(maxsize=1)
def _source_cmap() -> dict[int, str]:
    fs = fonts()
    from fontTools.ttLib import TTFont
    with TTFont(str(fs.source), fontNumber=fs.source_index, lazy=True) as font:
        return dict(font.getBestCmap())


def missing(text: str, path: Path) -> str:
    """Characters of ``text`` the font at ``path`` does not have (no controls, no spaces)."""
    cm = cmap_of(path)
    return "".join(sorted({c for c in text if ord(c) >= 0x20 and ord(c) not in cm and not c.isspace()}))


@lru_cache(maxsize=64)
def rare_font(chars: str, family: str = RARE_FAMILY) -> bytes:
    """A tiny TrueType font with ``chars`` from the source font; characters the source lacks
    get a last-resort glyph (a box with the code point in hex).  Building it reads the whole
    source font (a second or more), so it is kept in the font cache, keyed by the source
    font's build key and the characters: the same rare characters again cost a file read."""
    from ..datafile import write_atomic
    fs = fonts()
    key = hashlib.sha256(f"{fs.field.name}|{family}|{chars}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
    cached = cache_dir() / f"{family}-{key}.ttf"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    data = _build_rare(chars, family)
    try:
        write_atomic(cached, data)
    except OSError:
        pass                                # a read-only cache: built again next time
    return data


def _build_rare(chars: str, family: str) -> bytes:
    fs = fonts()
    src_cmap = _source_cmap()
    have = {ord(c) for c in chars if ord(c) in src_cmap}
    lack = sorted({ord(c) for c in chars} - have)
    font = _load(fs.source, fs.source_index)
    _subset(font, have | set(map(ord, "0123456789ABCDEF")))
    _to_truetype(font)
    if lack:
        _add_last_resort(font, lack)
    _rename(font, family)
    _dedupe_cmap(font)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def _add_last_resort(font, cps: list[int]) -> None:
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.transformPen import TransformPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    upm = font["head"].unitsPerEm
    gs = font.getGlyphSet()
    cmap = font.getBestCmap()
    order = list(font.getGlyphOrder())
    glyf, hmtx = font["glyf"], font["hmtx"]
    for cp in cps:
        name = f"lastresort{cp:X}"
        pen = TTGlyphPen(None)
        m, w = upm * 0.06, upm * 0.04      # margin, stroke
        top, bottom = upm * 0.82, -upm * 0.08
        for x0, y0, x1, y1 in ((m, bottom, upm - m, bottom + w), (m, top - w, upm - m, top),
                               (m, bottom, m + w, top), (upm - m - w, bottom, upm - m, top)):
            pen.moveTo((x0, y0)); pen.lineTo((x0, y1)); pen.lineTo((x1, y1)); pen.lineTo((x1, y0))
            pen.closePath()
        digits = f"{cp:X}"
        half = (digits[: (len(digits) + 1) // 2], digits[(len(digits) + 1) // 2:])
        scale = 0.38
        for row, part in enumerate(half):
            x = m + w + upm * 0.06
            y = (upm * 0.42 if row == 0 else upm * 0.04)
            for ch in part:
                g = cmap.get(ord(ch))
                if g is None:
                    continue
                tp = TransformPen(Cu2QuPen(pen, max_err=1.0), (scale, 0, 0, scale, x, y))
                gs[g].draw(tp)
                x += gs[g].width * scale
        glyph = pen.glyph()
        glyf.glyphs[name] = glyph
        order.append(name)
        hmtx.metrics[name] = (upm, 0)
        for table in font["cmap"].tables:
            if table.isUnicode() and (cp <= 0xFFFF or table.format == 12):
                table.cmap[cp] = name
        if cp > 0xFFFF and not any(t.format == 12 for t in font["cmap"].tables):
            from fontTools.ttLib.tables._c_m_a_p import cmap_format_12
            t12 = cmap_format_12(12)
            t12.platformID, t12.platEncID, t12.language = 3, 10, 0
            t12.cmap = dict(font.getBestCmap())
            t12.cmap[cp] = name
            font["cmap"].tables.append(t12)
    font.setGlyphOrder(order)
    glyf.glyphOrder = order
    font["maxp"].numGlyphs = len(order)
