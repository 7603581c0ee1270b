"""The items of each kind of dossier, read from the regulation's own text.

- ``application``: article 9's eleven items, in order (（一）…（十一）);
- ``review``: article 15's re-review materials (三年工作总结, 审计报告, 附件7);
- ``report``: article 14's (semi-)annual report (总结报告 + 附件6).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import regulation

KINDS = ("application", "review", "report")
_CN = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}


@dataclass(frozen=True)
class Item:
    number: int                 # position in the dossier, 1-based
    title: str                  # as the regulation words it
    annex: int | None = None    # rendered from the data when an annex form
    generated: bool = False     # made by the toolkit when no file is given (the declaration)

    @property
    def label(self) -> str:
        """（六）营业执照复印件 — the numbering the regulation uses."""
        return f"（{cn_number(self.number)}）{self.title}"


def cn_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n <= 10:
        return "十" if n == 10 else digits[n]
    return "十" + digits[n - 10] if n < 20 else digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


def _cn_value(s: str) -> int:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN[s[1]]
    return _CN[s]


def application_items() -> list[Item]:
    items = []
    for m in re.finditer(r"（([一二三四五六七八九十]+)）\s*(.+?)[；。]", regulation.article(9)):
        title = m.group(2).strip()
        annex = re.search(r"（附件(\d)）$", title)
        n = _cn_value(m.group(1))
        items.append(Item(n, title, int(annex.group(1)) if annex else None, generated=(n == 11)))
    return items


def review_items() -> list[Item]:
    m = re.search(r"由示范平台将(.+?)、(.+?)及《(.+?)》（附件(\d)）", regulation.article(15))
    return [Item(1, m.group(1)), Item(2, m.group(2)), Item(3, f"{m.group(3)}（附件{m.group(4)}）",
                                                          int(m.group(4)))]


def report_items() -> list[Item]:
    m = re.search(r"报送(.+?总结报告)，并填报《(.+?)》（附件(\d)）", regulation.article(14))
    return [Item(1, m.group(1)), Item(2, f"{m.group(2)}（附件{m.group(3)}）", int(m.group(3)))]


def items_for(kind: str) -> list[Item]:
    return {"application": application_items, "review": review_items, "report": report_items}[kind]()
