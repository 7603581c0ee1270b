"""Deadlines of a recognised platform (articles 14 and 15, note under annex 6).

- 第十四条: the (semi-)annual summary report by the end of August (half year) and
  by the end of February of the next year (whole year);
- 附件6 note: the bureau's annex 6 summary by 20 July and by 30 January of the
  next year;
- 第十五条: recognition is valid three years; then a re-review, filed with that
  year's applications.

Pure functions; ``to_ics`` writes RFC 5545 text (all-day events, CRLF, folded).
"""
from __future__ import annotations

import calendar as _cal
import datetime as dt
import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    title: str
    article: str
    who: str
    detail: str = ""


def validity_end(recognized_on: dt.date) -> dt.date:
    """Last day of the three-year validity (第十五条)."""
    try:
        end = recognized_on.replace(year=recognized_on.year + 3)
    except ValueError:          # recognised on 29 February
        end = recognized_on.replace(year=recognized_on.year + 3, day=28)
    return end - dt.timedelta(days=1)


def _end_of_feb(year: int) -> dt.date:
    return dt.date(year, 2, _cal.monthrange(year, 2)[1])


def deadlines(recognized_on: dt.date, year: int | None = None) -> list[Deadline]:
    """Deadlines falling within the validity period (only those in ``year`` if given)."""
    end = validity_end(recognized_on)
    out: list[Deadline] = []
    for y in range(recognized_on.year, end.year + 2):
        out += [
            Deadline(dt.date(y, 7, 20), f"报送{y}年上半年运营情况汇总表（附件6）", "附件6说明",
                     "市（州）/园区中小企业主管部门", "示范平台先填报至市州主管部门，由其汇总后报省工业和信息化厅中小企业发展局"),
            Deadline(dt.date(y, 8, 31), f"报送{y}年上半年总结报告", "第十四条", "示范平台",
                     "向省工业和信息化厅中小企业发展局报送半年度总结报告，并填报附件6"),
            Deadline(dt.date(y + 1, 1, 30), f"报送{y}年度运营情况汇总表（附件6）", "附件6说明",
                     "市（州）/园区中小企业主管部门", "汇总后报省工业和信息化厅中小企业发展局"),
            Deadline(_end_of_feb(y + 1), f"报送{y}年度总结报告", "第十四条", "示范平台",
                     "向省工业和信息化厅中小企业发展局报送年度总结报告，并填报附件6"),
        ]
    # a report is due for the periods the platform was recognised in
    out = [d for d in out if _covers(d, recognized_on, end)]
    out.append(Deadline(end, "示范平台认定有效期届满，申请复核", "第十五条", "示范平台",
                        "复核与当年示范平台申报同时进行：报送三年工作总结、上一年度服务收支专项审计报告及复核申请推荐表（附件7）"))
    out.sort(key=lambda d: (d.date, d.title))
    if year is not None:
        out = [d for d in out if d.date.year == year]
    return out


def _covers(d: Deadline, start: dt.date, end: dt.date) -> bool:
    """Is the period this deadline reports on inside the validity period?"""
    period_year = int(d.title[2:6])
    half = "上半年" in d.title
    period_start = dt.date(period_year, 1, 1)
    period_end = dt.date(period_year, 6, 30) if half else dt.date(period_year, 12, 31)
    return period_end >= start and period_start <= end


def to_text(items: list[Deadline]) -> str:
    rows = [("日期", "事项", "依据", "负责方")] + [(d.date.isoformat(), d.title, d.article, d.who) for d in items]
    return "".join(pad(a, 12) + pad(b, 44) + pad(c, 12) + e + "\n" for a, b, c, e in rows)


def pad(s: str, width: int) -> str:
    """Left-justify counting CJK characters as two columns."""
    import unicodedata
    w = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)
    return s + " " * max(1, width - w)


def to_ics(items: list[Deadline], recognized_on: dt.date) -> str:
    stamp = recognized_on.strftime("%Y%m%dT000000Z")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//qhsme//calendar 1//ZH", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-CALNAME:示范平台报送日历"]
    for d in items:
        uid = hashlib.sha1(f"{recognized_on}|{d.date}|{d.title}".encode()).hexdigest()[:20]
        nxt = d.date + dt.timedelta(days=1)
        lines += ["BEGIN:VEVENT", f"UID:{uid}@qhsme", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{d.date:%Y%m%d}", f"DTEND;VALUE=DATE:{nxt:%Y%m%d}",
                  "SUMMARY:" + _escape(d.title),
                  "DESCRIPTION:" + _escape(f"{d.article}；{d.who}；{d.detail}"),
                  "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-P7D", "DESCRIPTION:" + _escape(d.title),
                  "END:VALARM", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(_fold(ln) + "\r\n" for ln in lines)


def _escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character."""
    out, cur = [], b""
    for ch in line:
        b = ch.encode("utf-8")
        if len(cur) + len(b) > (75 if not out else 74):
            out.append(cur)
            cur = b""
        cur += b
    out.append(cur)
    return "\r\n ".join(x.decode("utf-8") for x in out)
