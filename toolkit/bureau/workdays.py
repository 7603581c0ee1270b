"""Working days (工作日) in China: weekends, official holidays and 调休 make-up days.

第十一条: the list of platforms to be recognised is published for 7 working days.
A working day is one the State Council's yearly notice on holidays makes one:
Monday to Friday unless a holiday, and the Saturdays/Sundays it names as make-up
working days.  ``chinese-calendar`` carries those notices (2004–2026, checked
against the 2026 notice on all 365 days); a user can add a year from the notice
with a holiday file.  A year with neither is refused, never guessed.

Holiday file (YAML or JSON), written from the notice::

    year: 2027
    source: 国务院办公厅关于2027年部分节假日安排的通知
    holidays: [2027-01-01, 2027-02-06~2027-02-13, ...]   # days off (a~b: every day from a to b)
    workdays: [2027-02-14, ...]                          # make-up working days (调休上班)
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .. import regulation
from ..errors import InputError

# 第十一条：“在门户网站及相关媒体公示7个工作日”, read from the regulation's text
PUBLICITY_DAYS = int(re.search(r"公示(\d+)个工作日", regulation.article(11)).group(1))


class NoCalendar(InputError):
    """No official table of holidays for a year."""

    def __init__(self, year: int, file: str | None = None):
        self.year = year
        super().__init__(f"没有{year}年的法定节假日安排（国务院办公厅通知），无法计算工作日；"
                         f"请按通知写一个节假日文件，用 --holidays 文件 给出（格式见 qhsme calendar --help）",
                         file=file)


@dataclass
class Calendar:
    """Official working days; ``extra`` holds user-supplied years: year -> (holidays, workdays)."""
    extra: dict[int, tuple[frozenset, frozenset]] = field(default_factory=dict)

    def is_workday(self, day: dt.date) -> bool:
        if day.year in self.extra:
            off, on = self.extra[day.year]
            return day in on or (day.weekday() < 5 and day not in off)
        import chinese_calendar
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            raise NoCalendar(day.year) from None

    def covers(self, year: int) -> bool:
        try:
            self.is_workday(dt.date(year, 1, 1))
        except NoCalendar:
            return False
        return True


OFFICIAL = Calendar()


def add_working_days(start: dt.date, days: int, cal: Calendar = OFFICIAL, *, count_start: bool = True) -> dt.date:
    """The ``days``-th working day from ``start``: ``start`` itself is the first when it is a
    working day and ``count_start``; otherwise counting begins the next working day."""
    if days < 1:
        raise ValueError("days must be >= 1")
    d = start if count_start else start + dt.timedelta(days=1)
    n = 0
    while True:
        if cal.is_workday(d):
            n += 1
            if n == days:
                return d
        d += dt.timedelta(days=1)


def working_days(start: dt.date, end: dt.date, cal: Calendar = OFFICIAL) -> list[dt.date]:
    """The working days from ``start`` to ``end``, both included."""
    out, d = [], start
    while d <= end:
        if cal.is_workday(d):
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def publicity_end(start: dt.date, days: int = PUBLICITY_DAYS, cal: Calendar = OFFICIAL) -> dt.date:
    """Last day of a publicity (公示) of ``days`` working days beginning on ``start`` (第十一条)."""
    return add_working_days(start, days, cal)


# ---------------------------------------------------------------- the user's holiday file

def load_holidays(path) -> Calendar:
    """A ``Calendar`` with the years of a holiday file added (they replace chinese-calendar's)."""
    from ..datafile import load
    return Calendar(parse_holidays(load(path), str(path)))


def parse_holidays(doc: dict, file: str | None = None) -> dict[int, tuple[frozenset, frozenset]]:
    years = doc.get("year", doc.get("years"))
    years = [years] if isinstance(years, int) else years
    if not years or not all(isinstance(y, int) and 1900 < y < 2200 for y in years):
        raise InputError("节假日文件须写明年份（year: 2027），按当年国务院办公厅节假日安排通知填写", file=file)
    out = {y: (set(), set()) for y in years}
    for key, slot in (("holidays", 0), ("workdays", 1)):
        items = doc.get(key) or []
        if not isinstance(items, list):
            raise InputError(f"{key} 应为日期列表，如 [2027-01-01, 2027-02-06~2027-02-13]", file=file)
        for i, item in enumerate(items, 1):
            for day in _days(item, key, i, file):
                if day.year not in out:
                    raise InputError(f"{key} 第{i}项 {day.isoformat()} 不在文件写明的年份（{'、'.join(map(str, years))}）内",
                                     file=file)
                out[day.year][slot].add(day)
    for y, (off, on) in out.items():
        both = sorted(off & on)
        if both:
            raise InputError(f"{both[0].isoformat()} 同时列为放假和上班，请按通知改正", file=file)
        if not off:
            raise InputError(f"{y}年没有列出任何放假日期（holidays）；请按通知填写", file=file)
    return {y: (frozenset(off), frozenset(on)) for y, (off, on) in out.items()}


def _days(item, key: str, i: int, file) -> list[dt.date]:
    if isinstance(item, dt.date):
        return [item]
    text = str(item).strip()
    a, sep, b = text.replace("～", "~").partition("~")
    try:
        first = dt.date.fromisoformat(a.strip())
        last = dt.date.fromisoformat(b.strip()) if sep else first
    except ValueError:
        raise InputError(f"{key} 第{i}项“{text}”不是日期（应为 2027-01-01 或 2027-02-06~2027-02-13）", file=file)
    if last < first or (last - first).days > 31:
        raise InputError(f"{key} 第{i}项“{text}”的日期范围不对", file=file)
    return [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]


def publicity_text(start: dt.date, holidays_file=None) -> str:
    """What ``qhsme calendar --publicity-from`` prints."""
    cal = load_holidays(holidays_file) if holidays_file else OFFICIAL
    end = publicity_end(start, PUBLICITY_DAYS, cal)
    days = working_days(start, end, cal)
    listed = "、".join(f"{d.month}月{d.day}日" for d in days)
    return (f"公示{PUBLICITY_DAYS}个工作日（第十一条）：{start.isoformat()} 起，最后一天 {end.isoformat()}"
            f"（{WEEKDAYS[end.weekday()]}）\n计入的工作日：{listed}")


WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
