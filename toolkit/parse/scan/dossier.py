"""A scanned whole dossier (cover to declaration, one PDF of page images): the printed
footers (第 N 页 共 M 页) give each page its number, the printed contents (目录) and the
items' own titles (article 9, ``toolkit.dossier.items``) say which item each page belongs
to.  The annexes are read by ``scan.read``; the other items are listed as not parsed, with
their pages, for a person to review."""
from __future__ import annotations

import re

from ...problems import WARNING
from ..values import ParsedFile

_FOOTER = re.compile(r"第(\d{1,4})页共(\d{1,4})页")
_CONTENTS_LINE = re.compile(r"^[（(]([一二三四五六七八九十]{1,3})[）)](.+?)(\d{1,4})$")   # lines squashed: NFKC
COVER_WORDS = ("申报材料", "复核材料", "总结报告材料")


def _lines(page) -> list[str]:
    from ..drawn.text import lines, squash
    return [squash("".join(g.text for g in line)) for line in lines(page.glyphs)]


def printed_numbers(geos: list) -> dict[int, int]:
    """Scan page -> the page number its footer prints, where OCR read one."""
    out = {}
    for p in geos:
        for line in reversed(_lines(p)):
            m = _FOOTER.search(line)
            if m:
                out[p.number] = int(m.group(1))
                break
    return out


def _contents(geos: list) -> tuple[int | None, list[tuple[int, str, int]]]:
    """The contents page (scan number) and its items: (item number, title, printed page)."""
    from ...regulation import cn_value
    for p in geos:
        ls = _lines(p)
        if not any(line in ("目录", "目次") for line in ls[:4]):
            continue
        items = []
        for line in ls:
            m = _CONTENTS_LINE.match(line)
            if m:
                try:
                    items.append((cn_value(m.group(1)), m.group(2), int(m.group(3))))
                except (ValueError, KeyError):
                    continue
        return p.number, items
    return None, []


def item_pages(geos: list, printed: dict[int, int]) -> frozenset:
    """Scan pages the contents give to items after the annexes (（六）…) or that are the
    contents or the cover: no annex page continues onto them."""
    contents_page, listed = _contents(geos)
    if contents_page is None:
        return frozenset()
    firsts = sorted((page, n) for n, _, page in listed)
    out = {contents_page}
    for scan, no in printed.items():
        owner = next((n for first, n in reversed(firsts) if first <= no), None)
        if owner is None or owner > 5:
            out.add(scan)
    return frozenset(out)


def _item_titles() -> dict[int, str]:
    from ...dossier.items import application_items
    return {i.number: i.title for i in application_items()}


def other_items(geos: list, groups: list, printed: dict[int, int], name: str) -> ParsedFile | None:
    """A note listing what is no annex of a scanned dossier (cover, contents, items （六）–
    （十一） and their pages, 未解析（请人工审阅）); None when the scan is no dossier (no
    contents page, no cover and no item title)."""
    from ...regulation import cn_number
    from ..drawn.text import squash
    annex_pages = {p.number for _, pages in groups for p in pages}
    contents_page, listed = _contents(geos)
    titles = _item_titles()
    starts: list[tuple[int, str]] = []       # (printed page, label), from the contents
    for n, title, page in listed:
        if n > 5:
            starts.append((page, f"（{cn_number(n)}）{titles.get(n, title)}"))
    starts.sort()
    found: dict[str, list[int]] = {}
    for p in geos:
        if p.number in annex_pages:
            continue
        ls = _lines(p)
        head = "".join(ls[:3])
        if p.number == contents_page:
            label = "目录"
        elif p.number == geos[0].number and any(w in head for w in COVER_WORDS):
            label = "封面"
        else:
            label = next((f"（{cn_number(n)}）{t}" for n, t in titles.items() if n > 5 and squash(t) in head), None)
            no = printed.get(p.number)
            if label is None and no is not None:
                label = next((lab for first, lab in reversed(starts) if first <= no), None)
            if label is None:
                label = "其他页"
        found.setdefault(label, []).append(p.number)
    if not found or contents_page is None and "封面" not in found and not any(k.startswith("（") for k in found):
        return None
    parts = [f"{label}（{_pages(nums, printed)}）" for label, nums in found.items()]
    note = ParsedFile(file=name, kind="scan-dossier")
    note.problem(f"扫描的申报材料中：{'、'.join(parts)}不是附件表格，未解析（请人工审阅）", severity=WARNING,
                 fix="这些材料请对照纸质材料人工审阅")
    return note


def _pages(nums: list[int], printed: dict[int, int]) -> str:
    """第8–9页, by the printed footers when every page has one (扫描第… when they differ)."""
    def span(ns):
        return f"第{ns[0]}页" if len(ns) == 1 else f"第{ns[0]}–{ns[-1]}页"
    if all(n in printed for n in nums):
        shown = [printed[n] for n in nums]
        return span(shown) + ("" if shown == nums else f"，扫描{span(nums)}")
    return f"扫描{span(nums)}"
