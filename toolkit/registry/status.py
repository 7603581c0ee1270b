"""Where each platform stands on a day: articles 14, 15, 16 (and 17).

- 第十五条: recognition is valid three years (``bureau.calendar.validity_end``);
  then a re-review, filed with that year's applications;
- 第十四条: a half-year report by the end of August, an annual one by the end of
  February of the next year, for every period inside the validity;
- 第十六条: the grounds for revoking the title, in the regulation's words;
- 第十七条: a platform with none of them and every report on time is noted as a
  candidate for priority (its service strength is judged elsewhere).

Pure: ``statuses(platforms, events, as_of)`` on plain rows; ``load`` reads them.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import sqlalchemy as sa

from ..bureau.calendar import _end_of_feb, validity_end
from ..bureau.workdays import PUBLICITY_DAYS
from ..regulation import article
from ..model import annex
from .schema import events, platforms, years

OVERDUE, DUE, GROUND, LATE, INFO = "逾期", "待办", "撤消情形", "逾期已报", "提示"
DUE_WINDOW = 60          # days before a report deadline it is listed as due
REVIEW_WINDOW = 90       # days before the validity ends the re-review is listed
ANNEX6_NOTE = annex(6).texts[0]


@lru_cache(maxsize=1)
def grounds_text() -> tuple[str, ...]:
    """第十六条's five grounds, as the regulation words them."""
    text = article(16)
    return tuple(s for s in re.split("[；。]", text.split("：", 1)[1]) if s)


def ground(key: str) -> str:
    i = {"admin_penalty": 0, "judicial_penalty": 1, "credit_blacklist": 2, "complaints": 3, "missed_reports": 4}[key]
    return grounds_text()[i]


@dataclass
class Item:
    kind: str           # 逾期 / 待办 / 撤消情形 / 逾期已报 / 提示
    article: str        # 第十四条 ...
    title: str
    date: str | None = None
    detail: str = ""


@dataclass
class PlatformStatus:
    unit_name: str
    platform_name: str | None
    city: str | None
    state: str                           # 有效 / 已期满 / 已撤消 / 未认定
    recognized_on: str | None = None
    document: str | None = None
    validity_end: str | None = None
    review_due: str | None = None
    complaints: int = 0
    reports_on_time: int = 0
    items: list[Item] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return any(i.kind in (OVERDUE, GROUND) for i in self.items)

    def to_dict(self) -> dict:
        return {**asdict(self), "overdue": self.overdue}


def periods(start: dt.date, end: dt.date):
    """(period key, half, period end, report due) of every period inside [start, end] (第十四条)."""
    for y in range(start.year, end.year + 1):
        for half, p_end, due in ((True, dt.date(y, 6, 30), dt.date(y, 8, 31)),
                                 (False, dt.date(y, 12, 31), _end_of_feb(y + 1))):
            if p_end >= start and dt.date(y, 1, 1) <= end:
                yield (f"{y}H1" if half else str(y)), half, p_end, due


def platform_status(p, evs: list, as_of: dt.date, max_complaints: int = 2,
                    annex6_years: set | None = None) -> PlatformStatus:
    """``p``: a platforms row; ``evs``: its events rows (any order); ``annex6_years``: the years the
    registry has the platform's annex 6 figures for (None: not checked)."""
    evs = sorted(evs, key=lambda e: (e.on_date or dt.date.min, e.id))
    st = PlatformStatus(p.unit_name, p.platform_name, p.city, "未认定")
    rec = p.record or {}
    revokes = [e.on_date for e in evs if e.kind == "revoked" and e.on_date and e.on_date <= as_of]
    recog = [e for e in evs if e.kind == "recognized" and e.on_date and e.on_date <= as_of]
    since = [e for e in recog if not revokes or e.on_date > revokes[-1]]     # this title's recognitions
    complaints = sum(1 for e in evs if e.kind == "complaint" and (e.on_date or dt.date.min) <= as_of)
    st.complaints = complaints + int(rec.get("complaints") or 0)
    pub = [e for e in evs if e.kind == "publicity" and e.on_date and e.note and e.on_date <= as_of]
    if pub and (not recog or pub[-1].on_date > recog[-1].on_date):
        end = dt.date.fromisoformat(pub[-1].note)
        if as_of <= end:
            st.items.append(Item(INFO, "第十一条", "公示中", end.isoformat(), f"自 {pub[-1].on_date.isoformat()} 起公示{PUBLICITY_DAYS}个工作日"))
        else:
            st.items.append(Item(DUE, "第十二条", "公示期满，对公示无异议的授予称号", end.isoformat(),
                                 "授予称号后请用 registry recognize 登记"))
    if not recog:
        if rec.get("recognized_on"):
            recog_on, doc = dt.date.fromisoformat(rec["recognized_on"]), None
        else:
            return st
    else:
        recog_on, doc = recog[-1].on_date, recog[-1].document
    first_on = since[0].on_date if since else recog_on
    st.recognized_on, st.document = recog_on.isoformat(), doc
    revoked = [e for e in evs if e.kind == "revoked" and e.on_date and recog_on <= e.on_date <= as_of]
    if revoked:
        st.state = "已撤消"
        st.items.append(Item(INFO, "第十六条", "已撤消称号", revoked[-1].on_date.isoformat(), revoked[-1].note or ""))
        return st
    end = validity_end(recog_on)
    st.validity_end = st.review_due = end.isoformat()
    st.state = "有效" if as_of <= end else "已期满"
    if as_of > end:
        st.items.append(Item(OVERDUE, "第十五条", "有效期已满，未见复核", end.isoformat(),
                             "有效期满后需申请复核（复核与当年示范平台申报同时进行）；复核合格请用 registry recognize 登记"))
    elif (end - as_of).days <= REVIEW_WINDOW:
        st.items.append(Item(DUE, "第十五条", "有效期即将届满，需申请复核", end.isoformat(),
                             "报送有效期三年工作总结、上一年度服务收支专项审计报告及附件7复核申请推荐表"))
    # 第十四条: reports for every period of the platform's validity (from its first recognition)
    got = {e.period: e.on_date for e in evs if e.kind == "report" and e.on_date}
    missed = 0
    for key, half, p_end, due in periods(first_on, min(end, as_of)):
        name = f"{key[:4]}年{'上半年' if half else '度'}总结报告"
        received = got.get(key)
        if received is not None and received <= as_of:
            if received > due:
                st.items.append(Item(LATE, "第十四条", f"{name}逾期报送", received.isoformat(),
                                     f"应于 {due.isoformat()} 前报送"))
            else:
                st.reports_on_time += 1
        elif as_of > due:
            missed += 1
            st.items.append(Item(OVERDUE, "第十四条", f"{name}逾期未报送", due.isoformat(),
                                 "于每年8月底和次年2月底前报送（半）年度总结报告，并填报附件6"))
        elif (due - as_of).days <= DUE_WINDOW:
            st.items.append(Item(DUE, "第十四条", f"报送{name}", due.isoformat(), "并填报附件6"))
    if annex6_years is not None:             # 附件6: the city's summary of the year by 30 January next year
        for y in range(first_on.year, min(end, as_of).year + 1):
            due = dt.date(y + 1, 1, 30)
            if as_of > due and y not in annex6_years:
                st.items.append(Item(OVERDUE, "附件6说明", f"{y}年度运营情况汇总表（附件6）未收到", due.isoformat(),
                                     ANNEX6_NOTE))
    missed += int(rec.get("missed_reports") or 0)
    # 第十六条
    if missed:
        st.items.append(Item(GROUND, "第十六条", ground("missed_reports"), None, f"未报送 {missed} 次"))
    if st.complaints >= max_complaints:
        st.items.append(Item(GROUND, "第十六条", ground("complaints"), None, f"被投诉 {st.complaints} 次"))
    for kind in ("admin_penalty", "judicial_penalty", "credit_blacklist"):
        hits = [e for e in evs if e.kind == kind and (e.on_date or dt.date.min) <= as_of]
        if hits or rec.get(kind):
            when = hits[-1].on_date.isoformat() if hits and hits[-1].on_date else None
            st.items.append(Item(GROUND, "第十六条", ground(kind), when, (hits[-1].note or "") if hits else "数据文件记录"))
    if st.state == "有效" and not any(i.kind in (OVERDUE, GROUND, LATE) for i in st.items):
        st.items.append(Item(INFO, "第十七条", "无第十六条情形，总结报告均按时报送", None,
                             "信誉良好的可优先推荐申报国家中小企业公共服务示范平台（服务功能、示范带动效果另行评价）"))
    return st


def load(conn, as_of: dt.date, max_complaints: int = 2) -> list[PlatformStatus]:
    """Every platform's status (two queries, whatever the number of platforms)."""
    by_pid: dict[int, list] = {}
    for e in conn.execute(sa.select(events)):
        by_pid.setdefault(e.platform_id, []).append(e)
    have: dict[int, set] = {}
    for pid, y in conn.execute(sa.select(years.c.platform_id, years.c.year)):
        have.setdefault(pid, set()).add(y)
    rows = conn.execute(sa.select(platforms).order_by(platforms.c.city, platforms.c.unit_name)).all()
    return [platform_status(p, by_pid.get(p.id, []), as_of, max_complaints, have.get(p.id, set())) for p in rows]


# ---------------------------------------------------------------- output

def to_text(statuses: list[PlatformStatus], as_of: dt.date) -> str:
    lines = [f"台账状态（截至 {as_of.isoformat()}）：共 {len(statuses)} 个平台，"
             f"需处理 {sum(s.overdue for s in statuses)} 个"]
    for s in statuses:
        head = f"\n{s.unit_name}（{s.platform_name or '—'}，{s.city or '—'}）：{s.state}"
        if s.recognized_on:
            head += f"，认定 {s.recognized_on}" + (f"（{s.document}）" if s.document else "") + \
                f"，有效期至 {s.validity_end}"
        lines.append(head)
        for i in s.items:
            when = f" {i.date}" if i.date else ""
            lines.append(f"  [{i.kind}] {i.article}：{i.title}{when}" + (f"；{i.detail}" if i.detail else ""))
    cited = sorted({i.article for s in statuses for i in s.items if i.article.endswith("条")}, key=_article_number)
    if cited:
        lines.append("\n依据：")
        lines += [f"  {a} {article(_article_number(a))}" for a in cited]
    return "\n".join(lines) + "\n"


def _article_number(a: str) -> int:
    from ..regulation import cn_value
    return cn_value(a[1:-1])


def to_json(statuses, as_of) -> str:
    import json
    return json.dumps({"as_of": as_of.isoformat(), "platforms": [s.to_dict() for s in statuses],
                       "articles": {n: article(n) for n in (11, 12, 14, 15, 16, 17)}},
                      ensure_ascii=False, indent=2) + "\n"
