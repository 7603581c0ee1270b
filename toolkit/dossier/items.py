"""The items of each kind of dossier, read from the regulation's own text.

- ``application``: article 9's eleven items, in order (（一）…（十一）);
- ``review``: article 15's re-review materials (三年工作总结, 审计报告, 附件7);
- ``report``: article 14's (semi-)annual report (总结报告 + 附件6).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .. import regulation

KINDS = ("application", "review", "report")


@dataclass(frozen=True)
class Item:
    number: int                 # position in the dossier, 1-based
    title: str                  # as the regulation words it
    annex: int | None = None    # rendered from the data when an annex form
    generated: bool = False     # made by the toolkit when no file is given (the declaration)

    @property
    def label(self) -> str:
        """（六）营业执照复印件 — the numbering the regulation uses."""
        return f"（{regulation.cn_number(self.number)}）{self.title}"


@lru_cache(maxsize=1)
def application_items() -> tuple[Item, ...]:
    items = []
    for m in re.finditer(r"（([一二三四五六七八九十]+)）\s*(.+?)[；。]", regulation.article(9)):
        title = m.group(2).strip()
        annex = re.search(r"（附件(\d)）$", title)
        n = regulation.cn_value(m.group(1))
        items.append(Item(n, title, int(annex.group(1)) if annex else None, generated=(n == 11)))
    return tuple(items)


def review_items() -> list[Item]:
    m = re.search(r"由示范平台将(.+?)、(.+?)及《(.+?)》（附件(\d)）", regulation.article(15))
    return [Item(1, m.group(1)), Item(2, m.group(2)), Item(3, f"{m.group(3)}（附件{m.group(4)}）",
                                                          int(m.group(4)))]


def report_items() -> list[Item]:
    m = re.search(r"报送(.+?总结报告)，并填报《(.+?)》（附件(\d)）", regulation.article(14))
    return [Item(1, m.group(1)), Item(2, f"{m.group(2)}（附件{m.group(3)}）", int(m.group(3)))]


def items_for(kind: str) -> list[Item]:
    return list({"application": application_items, "review": review_items, "report": report_items}[kind]())
