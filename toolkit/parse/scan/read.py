"""A scanned return read end to end: page images -> ``scan_pages`` -> ``read_drawn``, one
``ParsedFile`` per annex found by its printed title (a scan of several annexes, a scanned
whole dossier), each value marked with where it came from and how sure the recogniser was,
each （盖章） place checked for a red seal on colour scans.

Without the ``ocr`` extra a scan is reported for manual entry with what to install."""
from __future__ import annotations

import re

from ...model.annexes import ANNEXES
from ...problems import WARNING
from ..values import ParsedFile, Value

SCAN = "扫描件"
# below it a value is listed 请核对: measured on scans of annexes 1, 2, 5 (200 dpi), every misread
# value had ≤ 0.51 (a glyph no font draws: 0.2), 16 of 356 right ones were under 0.9
LOW_CONF = 0.9
SEAL_WORDS = "盖章"
_PAGE = re.compile(r"^第(\d+)页")


def manual(name: str, why: str) -> ParsedFile:
    pf = ParsedFile(file=name, kind="scan")
    pf.problem(f"这是扫描件（{why}），本机未安装文字识别组件，需要人工录入",
               fix='如需自动识别，请运行 pip install "qhsme[ocr]"')
    return pf


def read_scan(src, name: str, first_page: int = 1, why: str = "图片") -> list[ParsedFile]:
    """Every annex on a scan (image file, image-only PDF: a path, bytes or pikepdf.Pdf)."""
    from . import available
    reason = available()
    if reason is not None:
        return [manual(name, why)]
    from . import scan_pages
    geos = scan_pages(src, name, first_page)
    return read_geos(geos, name)


def _titled(page) -> list:
    """Annexes whose printed title heads the page (its first lines: 附件N, the title)."""
    from ..drawn.text import lines, squash
    head = squash("".join(g.text for line in lines(page.glyphs)[:4] for g in line))
    return [a for a in ANNEXES if squash(a.title) in head]


def split_annexes(geos: list, others: frozenset = frozenset()) -> tuple[list[tuple[object, list]], list]:
    """Pages grouped per annex by the printed titles: a page headed by an annex's title starts
    it, the pages after it without a title continue it (up to a page in ``others``: scan pages
    a dossier's contents give to its other items).  Returns ([(annex, pages)], loose pages)."""
    groups: list[tuple[object, list]] = []
    loose: list = []
    current = None
    for g in geos:
        found = _titled(g)
        if len(found) > 1 or g.number in others:     # a contents page lists the annexes' titles
            loose.append(g)
            current = None
        elif found:
            a = found[0]
            if current is not None and current[0] is a:      # the title repeated on a following page
                current[1].append(g)
            else:
                current = (a, [g])
                groups.append(current)
        elif current is not None:
            current[1].append(g)
        else:
            loose.append(g)
    return groups, loose


def read_geos(geos: list, name: str) -> list[ParsedFile]:
    from ..pdf_flat import read_drawn
    from .dossier import item_pages, printed_numbers
    printed = printed_numbers(geos)
    groups, loose = split_annexes(geos, item_pages(geos, printed))
    if not groups:
        pf = ParsedFile(file=name, kind="scan")
        legible = sum(len(g.glyphs) for g in geos)
        why = "识别出的文字中找不到附件的标题" if legible >= 20 else "没有识别出可读的文字"
        pf.problem(f"这是扫描件，{why}（不是本工具的附件表格，或扫描不清晰），需要人工录入",
                   fix="请提交清晰的彩色扫描件（200 dpi以上），或本工具表格填写后保存的PDF")
        return [pf]
    out = []
    for annex, pages in groups:
        pf = ParsedFile(file=name, kind="scan")
        read_drawn(pages, pf)
        mark(pf, pages, printed)
        seal_notes(pf, pages, printed)
        out.append(pf)
    from .dossier import other_items
    note = other_items(geos, groups, printed, name)
    if note is not None:
        out.append(note)
    elif loose:
        out[0].problem(f"{_pages(loose)}（扫描件）不是附件表格，未读取", severity=WARNING,
                       fix="如是申报材料的其他部分，请人工审阅")
    return out


def _pages(geos) -> str:
    nums = [g.number for g in geos]
    return f"第{nums[0]}页" if len(nums) == 1 else f"第{nums[0]}–{nums[-1]}页"


# --- marks ------------------------------------------------------------------------------------

def _conf_of(raw, page) -> float | None:
    """The recogniser's confidence in a value: the lowest of the glyphs that spell it on its
    page (a tick: the tick's glyph, or sure when none was drawn)."""
    from ..drawn.text import Stream, squash
    if page is None:
        return None
    if isinstance(raw, bool):
        return round(min((g.conf for g in page.ticks if g.conf is not None), default=1.0), 2) if raw else 1.0
    want = squash(str(raw))
    if not want:
        return None
    st = Stream([page])
    k = st.text.find(want)
    if k >= 0:
        owners = set(st.owner[k:k + len(want)])
        got = [st.glyphs[i].conf for i in owners if st.glyphs[i].conf is not None]
    else:                               # joined across boxes: the glyphs of its characters
        chars = set(want)
        got = [g.conf for g in page.glyphs if g.conf is not None and squash(g.text) and set(squash(g.text)) <= chars]
    return round(min(got), 2) if got else None


def mark(pf: ParsedFile, pages: list, printed: dict | None = None) -> None:
    """Each value read by OCR: ``via="ocr"``, its confidence, and a source saying 扫描件 and
    the confidence; values below ``LOW_CONF`` listed 请核对 (one 提示 each, located).
    ``printed``: scan page -> the number its footer prints (a scanned dossier), named first."""
    by_no = {p.number: p for p in pages}
    printed = printed or {}
    low = []
    for v in pf.values:
        m = _PAGE.match(v.source)
        page = by_no.get(int(m.group(1))) if m else None
        v.via = "ocr"
        v.conf = _conf_of(v.raw, page)
        n = int(m.group(1)) if m else None
        scan = f"{SCAN}第{n}页" if n in printed and printed[n] != n else SCAN
        note = f"{scan}，识别置信度{v.conf:.2f}" if v.conf is not None else scan
        head = f"第{printed.get(n, n)}页" if m else ""
        v.source = f"{head}（{note}）{v.source[m.end():]}" if m else f"{v.source}（{note}）"
        if v.conf is not None and v.conf < LOW_CONF:
            low.append(v)
    for v in low:
        n = v.name
        pf.problem(f"识别置信度较低（{v.conf:.2f}），请核对：{v.raw}", severity=WARNING,
                   fix="请对照扫描件核对，手写或模糊的内容请人工录入", annex=n.annex,
                   table=n.table, row=n.row, field=n.field, source=v.source, value=str(v.raw))


# --- seals ------------------------------------------------------------------------------------

_PLACE = re.compile(r"([^：:（）\s]{0,10}[（(][^（）()]{0,4}盖章[）)])")


def seal_places(page) -> list:
    """(box in points, printed words) of each （盖章） place on a scanned page: "申请单位（盖章）"."""
    from ..drawn.text import Stream
    from ..geometry import Box
    st = Stream([page])
    out, k = [], 0
    while True:
        i = st.find(SEAL_WORDS, k)
        if i is None:
            return out
        gl = st.glyphs[i:i + len(SEAL_WORDS)]
        line = "".join(g.text for g in st.glyphs if g.line == gl[0].line)
        m = _PLACE.search(line)
        out.append((Box(min(g.x0 for g in gl), min(g.top for g in gl), max(g.x1 for g in gl),
                        max(g.bottom for g in gl)), m.group(1) if m else "（盖章）"))
        k = i + len(SEAL_WORDS)


def _where(n: int, printed: dict) -> str:
    """第9页（扫描件第3页）: the printed footer's number first, where it differs."""
    return f"第{printed[n]}页（{SCAN}第{n}页）" if n in printed and printed[n] != n else f"第{n}页（{SCAN}）"


def seal_notes(pf: ParsedFile, pages: list, printed: dict | None = None) -> None:
    """On a colour scan, each （盖章） place without a red seal: 未盖章; a greyscale scan: the
    colour could not be checked.  ``pf.seals``: [(page, printed words, stamped True/False/None)]."""
    from .seal import stamped
    name = next((a.name for a in ANNEXES if a.id == pf.annex), pf.annex or "")
    seen = [(p.number, words, stamped(p.seals, box)) for p in pages for box, words in seal_places(p)]
    pf.seals = seen
    if not seen:
        return
    if any(s is None for _, _, s in seen):
        pf.problem(f"{name}：灰度扫描，无法检查是否盖章", severity=WARNING,
                   fix="请提交彩色扫描件，或人工核对盖章")
    for page, words, s in seen:
        if s is False:
            pf.problem(f"{name}：{_where(page, printed or {})}“{words}”处未盖章（没有找到红色印章）", severity=WARNING,
                       fix="请确认已加盖公章后重新彩色扫描")


def stamped_everywhere(pf: ParsedFile) -> bool | None:
    """For the dossier check: True when every （盖章） place of a scanned annex has a seal,
    False when one lacks it, None when unknown (not a scan, greyscale, no place found)."""
    seen = pf.seals
    if not seen or any(s is None for _, _, s in seen):
        return None
    return all(s for _, _, s in seen)


__all__ = ["read_scan", "read_geos", "split_annexes", "mark", "seal_notes", "LOW_CONF", "Value"]
