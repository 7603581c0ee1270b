"""Several annexes pasted into one Word document: the body cut where each annex's title is
(with the 附件N line and the cover before it)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model import BY_ID
from ..regulation import squash
from .docx_grid import W


@dataclass
class Part:
    annex: str
    first: int                    # its elements in the document body: [first, end)
    end: int
    body: "Elements | None" = None            # after ``cut``: its elements


@dataclass
class Split:
    parts: list[Part] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)   # 附件N lines whose annex title is not there


def _text(el) -> str:
    if el.tag not in (W + "p", W + "sdt"):
        return ""
    return squash("".join(t.text or "" for t in el.iter(W + "t")))


def _has_table(els) -> bool:
    return any(el.tag == W + "tbl" or next(el.iter(W + "tbl"), None) is not None for el in els)


def find_parts(body) -> Split:
    """Where each annex starts in ``body`` (nothing is moved).  One part: one annex."""
    blocks = [b for b in BY_ID.values() if b.number]
    titles = {squash(b.title): b.id for b in blocks}
    names = {squash(b.name): b.id for b in blocks}
    els = list(body)
    texts = [_text(el) for el in els]
    hits = [(i, titles[t]) for i, t in enumerate(texts) if t in titles]
    kept: list[tuple[int, str]] = []
    for i, annex in hits:         # a title repeated before its table belongs to the same annex
        if kept and kept[-1][1] == annex and not _has_table(els[kept[-1][0]:i]):
            continue
        kept.append((i, annex))
    split = Split()
    starts = []
    prev = -1
    for i, annex in kept:
        start = next((j for j in range(i - 1, prev, -1) if names.get(texts[j]) == annex), i)
        starts.append((start, annex))
        prev = i
    claimed = {s for s, _ in starts}
    split.orphans = [BY_ID[names[t]].name for j, t in enumerate(texts)
                     if t in names and j not in claimed and names[t] not in {a for _, a in kept}]
    for k, (start, annex) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(els)
        split.parts.append(Part(annex, 0 if k == 0 else start, end))
    return split


class Elements(list):
    """A run of body elements, read like one element (``iter``) without moving them."""

    def iter(self, *tags):
        for el in self:
            yield from el.iter(*tags)


def cut(body, split: Split) -> list[Part]:
    """Each part's elements, as ``Part.body``."""
    els = list(body)
    for p in split.parts:
        p.body = Elements(el for el in els[p.first:p.end] if el.tag != W + "sectPr")
    return split.parts
