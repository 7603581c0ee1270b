"""第七条 青南、环湖地区的示范服务平台认定时，以上条件可适度放宽.

For an applicant whose 所在市（州） is in ``config.qingnan`` or ``config.huanhu``,
every measured shortfall of articles 5 and 6 becomes 需核实 with a note that
article 7 allows relaxation; the evaluators decide how far.
"""
from __future__ import annotations

import dataclasses

from . import facts
from .config import CheckConfig
from ..model import annex
from .findings import ARTICLE7_RELAXATION, FAIL, INFO, VERIFY, Finding, loc


def region_finding(data: dict, cfg: CheckConfig) -> list[Finding]:
    city = facts.block(data, "annex1").get("city")
    region = cfg.region(city)
    if region is None:
        return []
    return [Finding(INFO, "a7.region", 7, None, f"{region}地区适用第七条",
                    requirement="青南、环湖地区条件可适度放宽", actual=f"{annex(1)['city'].label}：{city}（{region}地区）",
                    where=[loc("annex1", "city")],
                    note="第五、六条可量化条件未达到的，列为需核实，由评审专家决定是否放宽")]


def relax(findings: list[Finding], data: dict, cfg: CheckConfig) -> list[Finding]:
    """``findings`` with relaxable 不符合 turned into 需核实 for 青南/环湖 applicants."""
    city = facts.block(data, "annex1").get("city")
    region = cfg.region(city)
    if region is None:
        return findings
    out = []
    for f in findings:
        if f.severity == FAIL and f.relaxable:
            note = f"{region}地区（{city}），第七条规定条件可适度放宽，由评审专家决定"
            f = dataclasses.replace(f, severity=VERIFY, note="；".join(x for x in (f.note, note) if x),
                                    tags=f.tags + [ARTICLE7_RELAXATION])
        out.append(f)
    return out
