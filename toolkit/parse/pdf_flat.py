"""Values of one of our PDF forms printed to PDF or flattened: no fields left, only drawn text.

The page is read as geometry, never by cropping the template's field boxes:

1. Glyphs (pdfplumber chars) are turned upright: the dominant text direction of each
   page gives a quarter turn, so a rotated page (``/Rotate`` or rotated content) reads
   like the original.
2. Scale and offset are fitted from printed labels (the annex number and the title)
   against the blank form's layout, so a print scaled to fit the page (93 %, re-centred)
   or with a shifted margin is measured in the form's own points.
3. The annex is decided from its printed title, never from the file name.
4. The printed words of the annex (labels, units, section titles, option words, table
   headers: all from ``toolkit.pdfform.layout``) are found in reading order; the drawn text
   between two printed words is the value of the field declared between them.
5. Long texts are read from inside their drawn box, line by line (a line the writer
   wrapped is joined again, a line the applicant ended stays a new line); tables from the
   observed rules (rows between horizontal rules, columns between vertical rules), on
   every page they continue to, with the repeated header skipped; tick boxes from a
   drawn tick (path or glyph) inside the option's box.

What cannot be read is reported on the file, and whatever was read is kept.  Photos of
annex 2 are not read: a print does not carry the image files' paths.
"""
from __future__ import annotations

import io
import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import pikepdf

from ..model.annexes import ANNEXES
from ..model.fields import Annex, Field, Table
from ..model.fields import FieldType as T
from ..model.naming import FieldName, parse_name
from ..problems import WARNING
from .geometry import Box, G, PageGeo
from .values import ParsedFile, Value

PAD = 2.0            # points between a drawn box's edge and its text (pdfform.appearance.PAD)
TICK_GLYPHS = frozenset("√✓✔☑☒■●◉✗✘×Xx")
_CID = re.compile(r"^\(cid:\d+\)$")
MANUAL = "需要人工录入"


# --- reading the pages ------------------------------------------------------------------------

def _turn_of(chars) -> int:
    votes: Counter = Counter()
    for c in chars:
        a, b = c[6], c[7]
        if a == 0 and b == 0:
            continue
        votes[round(math.degrees(math.atan2(-b, a)) / 90) % 4] += 1
    return votes.most_common(1)[0][0] if votes else 0


_DIR = {0: (1, 0), 1: (0, 1), 2: (-1, 0), 3: (0, -1)}


def _rot(turn: int, x0, t0, x1, t1) -> tuple[float, float, float, float]:
    ux, uy = _DIR[turn]
    xa, ta = ux * x0 + uy * t0, -uy * x0 + ux * t0
    xb, tb = ux * x1 + uy * t1, -uy * x1 + ux * t1
    return min(xa, xb), min(ta, tb), max(xa, xb), max(ta, tb)


def _fold(text: str) -> str:
    """Kangxi radicals and compatibility ideographs some extractors give, back to the unified form."""
    if any(0x2E80 <= ord(ch) <= 0x2FDF or 0xF900 <= ord(ch) <= 0xFAFF for ch in text):
        import unicodedata
        return "".join(unicodedata.normalize("NFKC", ch) if 0x2E80 <= ord(ch) <= 0x2FDF
                       or 0xF900 <= ord(ch) <= 0xFAFF else ch for ch in text)
    return text


def _plumber_page(page) -> tuple[list, list, list, list]:
    chars = [(c.get("text") or "", c["x0"], c["top"], c["x1"], c["bottom"], float(c.get("size") or 0),
              *(c.get("matrix") or (1, 0))[:2]) for c in page.chars]
    edges = [(e["x0"], e["top"], e["x1"], e["bottom"]) for e in page.edges]
    rects = [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in page.rects]
    curves = [(c["x0"], c["top"], c["x1"], c["bottom"]) for c in page.curves]
    return chars, edges, rects, curves


def _orient(number: int, chars, edges, rects, curves, hidden: int = 0) -> PageGeo:
    """A page turned so its text runs left to right: chars are (text, x0, top, x1, bottom,
    size, a, b) with (a, b) the text direction (PDF y up), boxes are (x0, top, x1, bottom)."""
    turn = _turn_of(chars)
    geo = PageGeo(number, turn, hidden=hidden)
    for text, cx0, ctop, cx1, cbottom, size, _, _ in chars:
        if not text or text.isspace() and text != " ":
            continue
        x0, t0, x1, t1 = _rot(turn, cx0, ctop, cx1, cbottom)
        geo.glyphs.append(G(_fold(text), x0, x1, t0, t1, size or (t1 - t0), number))
    for e in edges:
        x0, t0, x1, t1 = _rot(turn, *e)
        if t1 - t0 < 1.0 and x1 - x0 > 1.0:
            geo.hrules.append(((t0 + t1) / 2, x0, x1))
        elif x1 - x0 < 1.0 and t1 - t0 > 1.0:
            geo.vrules.append(((x0 + x1) / 2, t0, t1))
    for r in rects:
        x0, t0, x1, t1 = _rot(turn, *r)
        if x1 - x0 > 2 and t1 - t0 > 2:
            geo.rects.append(Box(x0, t0, x1, t1))
    for c in curves:
        geo.marks.append(Box(*_rot(turn, *c)))
    geo.ticks = [g for g in geo.glyphs if g.text in TICK_GLYPHS]
    return geo


def _apply_fit(pages: list[PageGeo], s: float, dx: float, dy: float) -> None:
    for p in pages:
        for g in p.glyphs:
            g.x0, g.x1 = s * g.x0 + dx, s * g.x1 + dx
            g.top, g.bottom = s * g.top + dy, s * g.bottom + dy
            g.size *= s
        p.hrules = [(s * t + dy, s * a + dx, s * b + dx) for t, a, b in p.hrules]
        p.vrules = [(s * x + dx, s * a + dy, s * b + dy) for x, a, b in p.vrules]
        for b in p.rects + p.marks:
            b.x0, b.x1, b.top, b.bottom = s * b.x0 + dx, s * b.x1 + dx, s * b.top + dy, s * b.bottom + dy


def _lines(glyphs: list[G]) -> list[list[G]]:
    """Glyphs of one page grouped into lines (close vertical centres), each sorted by x."""
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


class Stream:
    """Every glyph of the document in reading order, and its text for searching."""

    def __init__(self, pages: list[PageGeo]):
        self.glyphs: list[G] = []
        line_no = 0
        for p in pages:
            for line in _lines(p.glyphs):
                for g in line:
                    g.line = line_no
                    self.glyphs.append(g)
                line_no += 1
        pieces, self.owner = [], []
        for i, g in enumerate(self.glyphs):
            pieces.append(g.text)
            self.owner.extend([i] * len(g.text))
        self.text = "".join(pieces)
        self.starts: list[int] = []
        pos = 0
        for g in self.glyphs:
            self.starts.append(pos)
            pos += len(g.text)

    def find(self, s: str, start_glyph: int) -> int | None:
        if not s:
            return None
        k = self.text.find(s, self.starts[start_glyph] if start_glyph < len(self.starts) else len(self.text))
        return None if k < 0 else self.owner[k]


# --- the reference layout ---------------------------------------------------------------------

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
    from ..pdfform import layout
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
                    for part, word in (("y", "年"), ("m", "月"), ("d", "日")):
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


@dataclass(frozen=True)
class Reference:
    no: tuple[float, float]          # top-left of the annex number (附件N)
    title: tuple[float, float, float, float]   # x0, top, x1, size of the title line
    no_size: float


@lru_cache(maxsize=8)
def reference(number: int) -> Reference:
    """Where the blank form prints its annex number and title (the fit's targets).

    Measured on the blank form rendered once, and kept on disk beside the built fonts
    (keyed by the template files and the font build), so parsing processes do not render."""
    import json
    key, path = _reference_key(number)
    try:
        got = json.loads(path.read_text(encoding="utf-8"))
        if got.get("key") == key:
            return Reference(tuple(got["no"]), tuple(got["title"]), got["no_size"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    found = _measure_reference(number)
    try:
        from ..datafile import write_atomic
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps({"key": key, "no": found.no, "title": found.title,
                                       "no_size": found.no_size}).encode("utf-8"))
    except OSError:
        pass
    return found


def _reference_key(number: int) -> tuple[str, Path]:
    import hashlib

    from ..model.naming import TEMPLATE_VERSION
    from ..pdfform import fonts as F
    from ..resources import templates_dir
    h = hashlib.sha256(f"{TEMPLATE_VERSION}|{F.BUILD_VERSION}|{number}".encode())
    for name in ("annex.html", "annex.css"):
        p = templates_dir() / name
        h.update(p.read_bytes() if p.is_file() else b"")
    layout = Path(__file__).resolve().parents[1] / "pdfform" / "layout.py"
    h.update(layout.read_bytes() if layout.is_file() else b"")
    h.update(os.environ.get("QHSME_FONT", "").encode())
    return h.hexdigest()[:16], F.cache_dir().parent / "flat-reference" / f"annex{number}.json"


def _measure_reference(number: int) -> Reference:
    import pdfplumber

    from ..pdfform import render_blank
    a = ANNEXES[number - 1]
    with pdfplumber.open(io.BytesIO(render_blank(number))) as pdf:
        pages = [_orient(i, *_plumber_page(p)) for i, p in enumerate(pdf.pages, 1)]
    found = _landmarks(pages, a)
    if found is None:          # pragma: no cover - the template changed beyond recognition
        raise RuntimeError(f"{a.name}：空白表格中找不到编号和标题")
    return found


def _landmarks(pages: list[PageGeo], a: Annex) -> Reference | None:
    st = Stream(pages)
    no = st.find(a.name, 0)
    ti = st.find(a.title, 0)
    if ti is None:
        return None
    first, last = st.glyphs[ti], st.glyphs[ti + len(a.title) - 1]
    n = (st.glyphs[no].x0, st.glyphs[no].top, st.glyphs[no].size) if no is not None else None
    return Reference((n[0], n[1]) if n else (math.nan, math.nan), (first.x0, first.top, last.x1, first.size),
                     n[2] if n else math.nan)


def _fit(obs: Reference, ref: Reference) -> tuple[float, float, float]:
    """Scale and offset mapping observed points onto the blank form's (least squares)."""
    pairs = [((obs.title[0], obs.title[1]), (ref.title[0], ref.title[1])),
             ((obs.title[2], obs.title[1]), (ref.title[2], ref.title[1]))]
    if not math.isnan(obs.no[0]) and not math.isnan(ref.no[0]):
        pairs.append((obs.no, ref.no))
    if len(pairs) < 3:
        s = ref.title[3] / obs.title[3] if obs.title[3] else 1.0
    else:
        mo = [sum(p[0][k] for p in pairs) / len(pairs) for k in (0, 1)]
        mr = [sum(p[1][k] for p in pairs) / len(pairs) for k in (0, 1)]
        num = sum((o[k] - mo[k]) * (r[k] - mr[k]) for o, r in pairs for k in (0, 1))
        den = sum((o[k] - mo[k]) ** 2 for o, _ in pairs for k in (0, 1))
        s = num / den if den else 1.0
    mo = [sum(p[0][k] for p in pairs) / len(pairs) for k in (0, 1)]
    mr = [sum(p[1][k] for p in pairs) / len(pairs) for k in (0, 1)]
    return s, mr[0] - s * mo[0], mr[1] - s * mo[1]


# --- the entry point ------------------------------------------------------------------------

def read_flat(pdf, file: str, first_page: int = 1) -> ParsedFile:
    """Values of a flattened or printed form of ours (``pdf``: opened with pikepdf); problems
    say what could not be read.
    ``first_page``: the number of the first page (pages cut from a bound dossier keep theirs)."""
    pf = ParsedFile(file=file, kind="pdf-flat")
    try:
        pages = _open_pages(pdf, file, first_page)
    except Exception as e:
        pf.problem(f"无法读取PDF中的文字（{type(e).__name__}），{MANUAL}", fix="请提交本工具表格填写后保存的PDF")
        return pf
    glyphs = [g for p in pages for g in p.glyphs]
    if len(glyphs) < 5:
        if sum(p.hidden for p in pages) >= 5:
            pf.problem(f"PDF是扫描件，文字只是识别（OCR）出的隐藏文字层，不能可靠读取，{MANUAL}",
                       fix="请提交本工具表格填写后保存（或打印成）的PDF")
        elif any(p.marks or p.rects for p in pages) or _has_images(pdf):
            pf.problem(f"PDF是扫描件或图片，没有可读取的文字，{MANUAL}", fix="请提交本工具表格填写后保存（或打印成）的PDF")
        else:
            pf.problem(f"PDF中没有文字，{MANUAL}", fix="请提交本工具表格填写后保存的PDF")
        return pf
    cid = sum(1 for g in glyphs if _CID.match(g.text))
    if cid / len(glyphs) > 0.2:
        pf.problem(f"PDF的字体没有字符映射（ToUnicode），文字无法可靠读取，{MANUAL}",
                   fix="请用本工具表格填写后直接保存PDF，不要“打印为PDF”或转换字体")
        return pf
    annexes = _which_annexes(pages)
    annex = annexes[0] if annexes else None
    if len(annexes) > 1:
        pf.problem(f"同一个PDF中有多个附件（{'、'.join(a.name for a in annexes)}），只读取了{annex.name}",
                   fix="请每个附件单独提交一个文件")
    if annex is None:
        pf.problem("无法判断这是哪个附件：页面上找不到附件的标题（不是本工具生成的表格）",
                   fix="请使用 fillable/ 中下载的表格填写")
        return pf
    pf.annex = annex.id
    from .pdf_form import annex_from_info
    said = annex_from_info(pdf)
    if said and said != annex.id:
        pf.problem(f"文件信息标注为{said}，但页面标题是{annex.name}；已按页面标题读取", severity=WARNING,
                   fix="请确认提交的是正确的附件")
    obs = _landmarks(pages, annex)
    s, dx, dy = _fit(obs, reference(annex.number))
    if not 0.2 < s < 5:
        pf.problem(f"{annex.name}：页面比例异常（{s:.2f}），{MANUAL}")
        return pf
    _apply_fit(pages, s, dx, dy)
    Reader(annex, pages, pf).read()
    if not pf.values and not pf.problems:
        pf.problem(f"{annex.name}：没有读到任何填写的内容（空白表格？）", severity=WARNING,
                   fix="请确认提交的是填写后的表格")
    return pf


def _open_pages(pdf, file: str, first: int = 1) -> list[PageGeo]:
    """The pages of ``pdf`` (pikepdf) read with qpdf's parser (``pdf_draw``), or with
    pdfplumber when they use fonts that reader does not interpret."""
    from .pdf_draw import Unsupported, page_drawing
    try:
        return [_orient(i, *page_drawing(p)) for i, p in enumerate(pdf.pages, first)]
    except (Unsupported, ValueError, TypeError, KeyError, AttributeError, IndexError, pikepdf.PdfError):
        pass
    import logging

    import pdfplumber
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    if Path(file).is_file():
        src = file
    else:
        src = io.BytesIO()
        pdf.save(src)
        src.seek(0)
    with pdfplumber.open(src) as plumber:
        return [_orient(i, *_plumber_page(p)) for i, p in enumerate(plumber.pages, first)]


def _has_images(pdf) -> bool:
    """Whether any page draws an image, also inside form XObjects (a scan wrapped by a printer)."""
    try:
        return any(len(page.get_images()) for page in pdf.pages)
    except (pikepdf.PdfError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return False


def _which_annexes(pages: list[PageGeo]) -> list[Annex]:
    """Annexes whose printed title is on the pages, first printed first."""
    text = "".join(g.text for p in pages for line in _lines(p.glyphs) for g in line)
    text = re.sub(r"\s+", "", text)
    found = [(text.find(re.sub(r"\s+", "", a.title)), a) for a in ANNEXES]
    return [a for pos, a in sorted((f for f in found if f[0] >= 0), key=lambda f: f[0])]


# --- values ---------------------------------------------------------------------------------

class Reader:
    def __init__(self, annex: Annex, pages: list[PageGeo], pf: ParsedFile):
        self.a = annex
        self.pages = {p.number: p for p in pages}
        self.pf = pf
        self.st = Stream(pages)
        self.seq = _sequence(annex)

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
        end_char = self.st.starts[k] + len(text)
        j = k
        while j < len(self.st.glyphs) and self.st.starts[j] < end_char:
            j += 1
        return j

    def _neighbours(self, i: int) -> tuple[Anchor | None, Anchor | None]:
        prev = next((a for a in reversed(self.seq[:i]) if a.start is not None and a.kind != "slot"), None)
        nxt = next((a for a in self.seq[i + 1:] if a.start is not None and a.kind != "slot"), None)
        return prev, nxt

    def read(self) -> None:
        missing = self._locate()
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
                    self._emit(an.field, text, page)
            elif an.kind == "tick":
                self._tick(i, an)
            elif an.kind == "mbox":
                self._mbox(i, an)
            elif an.kind == "table" and an.start is not None:
                self._table(i, an)
            elif an.kind == "photos":
                self.pf.problem(f"{self.a.name}：打印件中的实景照片无法还原为文件，照片表未读取",
                                fix="照片请另行提交原图", severity=WARNING, table=an.table.id)
        for fid, parts in dates.items():
            y, m, d = (parts.get(k, ("", 0))[0] for k in "ymd")
            page = next((p for _, p in parts.values() if p), 0)
            if y or m or d:
                self._emit(self.a[fid], f"{y}年{m}月{d}日", page)

    def _emit(self, f: Field, text: str, page: int, table: Table | None = None, row: int | None = None,
              option: int | None = None, raw=None) -> None:
        name = FieldName(self.a.id, f.id, table=table.id if table else None, row=row, option=option)
        if table is not None:
            where = f"第{page}页 {self.a.name}表格第{row}行 {table.column_label(f.id)}"
        else:
            where = f"第{page}页 {self.a.name} {f.label}"
        if option:
            where += f"（{f.choices[option - 1]}）"
        self.pf.values.append(Value(name, text if raw is None else raw, where))

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
                return "".join(_join_line(line) for line in _lines(inside)).strip(), page.number
        if labelled:
            last = self.st.glyphs[prev.end - 1]
            h = last.bottom - last.top
            gl = [g for g in gl if g.page == last.page and last.top - 0.6 * h <= g.cy <= last.bottom + 0.6 * h]
        elif gl:
            page = self.st.glyphs[hi - 1].page if hi > 0 else gl[0].page
            gl = [g for g in gl if g.page == page]
        if not gl:
            return "", 0
        return _join_line(gl).strip(), gl[0].page

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
        ticked = _ticked_in(page, box)
        self._emit(an.field, "", label.page, option=an.option, raw=ticked)

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
            box = _box_below(page, first.x0, last.bottom)
            if box is None:                 # a ruled cell with the label over its text (附件1/7)
                box = self._cell_under(i, page, first, last)
            if box is None and last.page + 1 in self.pages:      # the box went over to the next page
                page = self.pages[last.page + 1]
                box = _box_below(page, first.x0, min((g.top for g in page.glyphs), default=0) - 12)
            if box is None:
                self.pf.problem(f"{self.a.name}：找不到“{f.label}”的填写框，该项未读取，请人工核对",
                                field=f.id, severity=WARNING)
                continue
            inside = [g for g in page.glyphs if box.x0 - 1 <= g.cx <= box.x1 + 1 and box.top - 1 <= g.cy <= box.bottom + 1]
            text = _paragraphs(inside, box)
            if text:
                self._emit(f, text, page.number)

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
    def _table(self, i: int, an: Anchor) -> None:
        t = an.table
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
        cols = [c for c in t.columns if c.type is not T.IMAGE]
        layout: list[tuple[Field, int]] = []        # (column, option or 0) per body cell
        for c in cols:
            if c.id in t.choice_columns:
                layout.extend((c, k) for k in range(1, len(c.choices) + 1))
            else:
                layout.append((c, 0))
        ncells = len(layout) + (1 if t.numbered else 0)
        heads = {re.sub(r"\s+", "", h) for h in an.head}
        counter = 0
        last_cells = None
        cut_told = False
        for pno in range(g0.page, last_page + 1):
            head_glyphs: list[G] = []
            page = self.pages[pno]
            lo = top if pno == g0.page else -1e9
            hi = bottom if pno == last_page else 1e9
            for band in _bands(page, lo, hi):
                cells = _cells(page, band)
                in_band = [g for g in page.glyphs if band[0] <= g.cy <= band[1]]
                texts = [_cell_text(in_band, c) for c in cells]
                whole = "".join(g.text for line in _lines(in_band) for g in line)
                if sum(1 for x in texts if x and (x in heads or any(h in x for h in heads if len(h) > 1)))\
                        >= max(1, len([x for x in texts if x]) // 2) and texts \
                        or sum(1 for h in heads if len(h) > 1 and h in whole) >= 2:
                    head_glyphs = in_band                        # the (repeated) header
                    continue
                if not any(texts) and not _any_mark(page, cells):
                    continue
                if t.total_label and texts and texts[0] == t.total_label:
                    self._total(page, band, t, last_cells, layout)
                    continue
                use = layout
                if len(cells) < ncells and self._left_part(cells, head_glyphs, t, layout):
                    use = layout[:len(cells) - (1 if t.numbered else 0)]
                    if not cut_told:
                        cut_told = True
                        lost = "、".join(dict.fromkeys(t.column_label(c.id) for c, _ in layout[len(use):]))
                        self.pf.problem(f"{self.a.name}：第{pno}页表格右侧的列（{lost}）没有印出"
                                        f"（可能超出纸张被裁掉），这些列未读取", table=t.id, severity=WARNING,
                                        fix="请人工核对，或提交本工具表格填写后直接保存的PDF")
                elif len(cells) != ncells:
                    self.pf.problem(f"{self.a.name}：第{pno}页表格有一行的列数（{len(cells)}）与表头不符，"
                                    f"该行未读取：{'｜'.join(x for x in texts if x)[:60]}",
                                    table=t.id, severity=WARNING, fix="请人工核对该行")
                    continue
                last_cells = cells
                if t.numbered:
                    num = texts[0]
                    cells, texts = cells[1:], texts[1:]
                    row = int(num) if num.isdigit() else counter + 1
                else:
                    row = counter + 1
                counter = row
                for (c, opt), box, text in zip(use, cells, texts):
                    if opt:
                        if _ticked_in(page, box):
                            self._emit(c, "", pno, table=t, row=row, option=opt, raw=True)
                    elif text:
                        self._emit(c, text, pno, table=t, row=row)
        if counter == 0 and self._region_has_values(g0, last_page, bottom, heads):
            self.pf.problem(f"{self.a.name}：表格的格线没有印出或无法识别，“{t.label}”未读取，{MANUAL}",
                            table=t.id, fix="请提交本工具表格填写后保存的PDF")

    def _region_has_values(self, g0: G, last_page: int, bottom: float, heads: set[str]) -> bool:
        """Whether text other than the header is printed where the table should be."""
        words = "".join(heads) + "0123456789"
        for g in self.st.glyphs:
            if g0.page <= g.page <= last_page and not (g.page == g0.page and g.top < g0.top) \
                    and not (g.page == last_page and g.top >= bottom) and g.text not in words:
                return True
        return False

    @staticmethod
    def _left_part(cells: list[Box], head: list[G], t: Table, layout) -> bool:
        """Whether ``cells`` are the table's leftmost columns (the rest cut off), checked
        against the header printed above each cell."""
        if not head:
            return False
        want = ([t.number_label] if t.numbered else []) + \
            [c.choices[opt - 1] if opt else c.label for c, opt in layout]
        for box, label in zip(cells, want):
            got = _cell_text(head, Box(box.x0, -1e9, box.x1, 1e9))
            if re.sub(r"\s+", "", label) not in re.sub(r"\s+", "", got):
                return False
        return True

    def _total(self, page: PageGeo, band, t: Table, last_cells, layout) -> None:
        if last_cells is None:
            return
        body = last_cells[1:] if t.numbered else last_cells
        by_col = {c.id: box for (c, _), box in zip(layout, body)}
        totals = [f for f in self.a.fields() if f.id.startswith("total_")]
        row_fields = dict(zip(t.total_columns, totals))
        for cid, f in row_fields.items():
            box = by_col.get(cid)
            if box is None:
                continue
            text = _cell_text(page.glyphs, Box(box.x0, band[0], box.x1, band[1]))
            if text:
                self._emit(f, text, page.number)


# --- geometry helpers -----------------------------------------------------------------------

def _join_line(gl: list[G]) -> str:
    return "".join(g.text for g in gl)


def _ticked_in(page: PageGeo, box: Box) -> bool:
    pad = 0.5
    for m in page.marks:
        if m.x0 >= box.x0 - pad and m.x1 <= box.x1 + pad and m.top >= box.top - pad and m.bottom <= box.bottom + pad:
            return True
    for g in page.ticks:
        if box.x0 <= g.cx <= box.x1 and box.top <= g.cy <= box.bottom:
            return True
    return False


def _any_mark(page: PageGeo, cells: list[Box]) -> bool:
    return any(_ticked_in(page, c) for c in cells)


def _box_below(page: PageGeo, x0: float, bottom: float) -> Box | None:
    """The inner rectangle of a drawn box that starts just below a label."""
    cands = [r for r in page.rects if abs(r.x0 - x0) < 6 and -2 < r.top - bottom < 18 and r.w > 30 and r.h > 8]
    if not cands:
        return None
    outer_top = min(r.top for r in cands)
    near = [r for r in cands if r.top - outer_top < 3]
    return min(near, key=lambda r: r.w * r.h)


def _paragraphs(glyphs: list[G], box: Box) -> str:
    """Lines inside a multiline box joined back: a line the writer wrapped continues the
    previous one (with the space it dropped between Latin words), others start a new line."""
    lines = _lines(glyphs)
    avail = box.w - 2 * PAD
    out = ""
    prev = None
    for line in lines:
        text = _join_line(line)
        if prev is not None:
            used = prev[-1].x1 - prev[0].x0
            nxt = line[0].x1 - line[0].x0
            gap = line[0].top - prev[0].top
            lead = 1.25 * max(g.size for g in prev)
            if gap > 1.6 * lead:                           # empty lines between paragraphs
                out += "\n" * (round(gap / lead) - 1) + "\n" + text
            elif used + nxt > avail - 1.5:
                out += text
            elif prev[-1].text.isascii() and prev[-1].text.isalnum() and line[0].text.isascii() \
                    and line[0].text.isalnum() and used + _word_width(line) + 0.25 * line[0].size > avail - 1.5:
                out += " " + text
            else:
                out += "\n" + text
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


def _bands(page: PageGeo, lo: float, hi: float) -> list[tuple[float, float]]:
    """Rows of a table: between horizontal rules that run (nearly) the table's full width."""
    rules = sorted((t, a, b) for t, a, b in page.hrules if lo - 2 <= t <= hi + 2)
    clusters: list[list[tuple[float, float, float]]] = []
    for r in rules:
        if clusters and r[0] - clusters[-1][-1][0] < 1.2:
            clusters[-1].append(r)
        else:
            clusters.append([r])
    covered = []
    for c in clusters:
        spans = sorted((a, b) for _, a, b in c)
        total, cur_a, cur_b = 0.0, None, None
        for a, b in spans:
            if cur_b is None or a > cur_b + 0.5:
                if cur_b is not None:
                    total += cur_b - cur_a
                cur_a, cur_b = a, b
            else:
                cur_b = max(cur_b, b)
        if cur_b is not None:
            total += cur_b - cur_a
        covered.append((sum(t for t, _, _ in c) / len(c), total))
    if not covered:
        return []
    widest = max(w for _, w in covered)
    ys = [t for t, w in covered if w >= 0.7 * widest]
    return [(a, b) for a, b in pairwise(ys) if b - a > 4]


def _cells(page: PageGeo, band: tuple[float, float]) -> list[Box]:
    top, bottom = band
    h = bottom - top
    xs = sorted(x for x, a, b in page.vrules if a <= top + 0.2 * h and b >= bottom - 0.2 * h)
    merged: list[float] = []
    for x in xs:
        if merged and x - merged[-1] < 1.5:
            continue
        merged.append(x)
    return [Box(a, top, b, bottom) for a, b in pairwise(merged) if b - a > 2]


def _cell_text(glyphs: list[G], box: Box) -> str:
    inside = [g for g in glyphs if box.x0 <= g.cx <= box.x1 and box.top <= g.cy <= box.bottom]
    return "".join(_join_line(line) for line in _lines(inside)).strip()
