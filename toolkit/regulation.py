"""The regulation's text, kept in the package, and the printed cells of its annexes.

Tests compare the annex declarations and every rendered form against these
cells, so a label is never typed twice.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .resources import data_path

_ANNEX_START = re.compile(r"^附件(\d)\s*$", re.M)
# Characters the official form uses for alignment or as blanks, not as words.
_NOISE = re.compile(r"[\s_□：:，,；;。、]")


@lru_cache(maxsize=1)
def text() -> str:
    return data_path("regulation.txt").read_text(encoding="utf-8")


def annex_text(number: int) -> str:
    """The part of the regulation that prints annex ``number``."""
    t = text()
    starts = [(int(m.group(1)), m.start()) for m in _ANNEX_START.finditer(t)]
    for i, (n, pos) in enumerate(starts):
        if n == number:
            end = starts[i + 1][1] if i + 1 < len(starts) else len(t)
            return t[pos:end]
    raise KeyError(number)


def annex_cells(number: int) -> list[str]:
    """Every non-empty printed cell (one line of the text) of annex ``number``,
    without the leading 附件N line, with its alignment spaces kept."""
    lines = annex_text(number).split("\n")[1:]
    return [ln.strip() for ln in lines if squash(ln)]


def squash(s: str) -> str:
    """Drop alignment spaces, blanks and punctuation: the words of a printed cell."""
    return _NOISE.sub("", s)


def article(number: int) -> str:
    """The text of 第N条 (for reports that quote the regulation)."""
    cn = cn_number(number)
    m = re.search(rf"第{cn}条\s*(.*?)(?=\n\s*第[一二三四五六七八九十]+条|\n第[一二三四五六七八九十]+章|\n附件|\Z)",
                  text(), re.S)
    if not m:
        raise KeyError(number)
    return m.group(1).strip()


def cn_number(n: int) -> str:
    """5 -> 五, 11 -> 十一: numbers as the regulation writes articles and items."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def cn_value(s: str) -> int:
    """五 -> 5, 十一 -> 11 (up to 九十九)."""
    digits = {c: i for i, c in enumerate("一二三四五六七八九", 1)}
    if "十" not in s:
        return digits[s]
    tens, _, ones = s.partition("十")
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)
