"""第六条 服务功能: at least one function meets its thresholds.

The annexes carry few of these figures.  年培训人次 is read from 附件1
主要服务产品 when a product mentions 培训 and its 服务规模 gives 人次
(``680人/次``); every other figure comes from the application's ``declared``
block, and a function met only by declared figures is reported as
自行申报、未见附件佐证 (tag ``declared-not-evidenced``), not as evidenced.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import facts
from .config import CheckConfig
from .findings import (DECLARED_NOT_EVIDENCED, FAIL, INFO, PASS, VERIFY, Finding, Location,
                       loc, num)

A = 6
_PERSON_TIMES = re.compile(r"(\d[\d,]*)\s*人\s*[/／]?\s*次")


@dataclass
class Figure:
    label: str
    unit: str
    value: float | None
    minimum: float
    where: Location
    declared: bool
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.value is not None and self.value >= self.minimum

    def text(self) -> str:
        v = "未填写" if self.value is None else f"{num(self.value)} {self.unit}"
        return f"{self.label} {v}" + ("（自行申报）" if self.declared and self.value is not None else "")


def _declared(data: dict, fid: str, minimum: float, short: str | None = None) -> Figure:
    from ..model import DECLARED
    f = DECLARED[fid]
    value = facts.number(facts.block(data, "declared").get(fid))
    return Figure(short or f.label.split("：")[-1], f.unit or "", value, minimum,
                  loc("declared", fid), declared=True)


def _training(data: dict, cfg: CheckConfig) -> Figure:
    """年培训人次: the declared figure, evidenced when 附件1 主要服务产品 gives the
    same number for a 培训 product; 附件1's figure alone when none is declared."""
    declared = _declared(data, "training_person_times", cfg.training_min)
    for i, r in enumerate(facts.rows(data, "annex1", "products"), 1):
        m = _PERSON_TIMES.search(str(r.get("scale") or ""))
        if "培训" in str(r.get("product") or "") and m:
            value = int(m.group(1).replace(",", ""))
            where = loc("annex1", "scale", table="products", row=i)
            if declared.value is None or declared.value == value:
                return Figure(declared.label, "人次", value, cfg.training_min, where, declared=False)
            declared.note = f"附件1主要服务产品“{r.get('product')}”服务规模为 {value} 人次，与自行申报不一致"
            return declared
    return declared


def functions(data: dict, cfg: CheckConfig) -> list[tuple[str, int, str, list[list[Figure]]]]:
    """(rule, item, name, alternatives): a function is met when every figure of
    one alternative is met."""
    d = facts.block(data, "declared")
    financing = [[_declared(data, "financing_activities", cfg.financing_activities_min),
                  _declared(data, "financing_amount", cfg.financing_amount_min)]]
    if d.get("is_guarantor") or d.get("guarantee_new_amount") is not None:
        guarantee = _declared(data, "guarantee_new_amount", cfg.guarantee_min)
        if not d.get("is_guarantor"):
            guarantee.note = "未勾选“是否为融资担保机构”，此项不计"
            guarantee.minimum = float("inf")
        financing.append([guarantee])
    return [
        ("a6.info", 1, "信息服务", [[_declared(data, "info_offline_enterprises", cfg.info_offline_min),
                                    _declared(data, "info_activities", cfg.info_activities_min)]]),
        ("a6.tech", 2, "技术服务", [[_declared(data, "tech_activities", cfg.tech_activities_min)]]),
        ("a6.startup", 3, "创业服务", [[_declared(data, "startup_activities", cfg.startup_activities_min)]]),
        ("a6.training", 4, "培训服务", [[_training(data, cfg)]]),
        ("a6.financing", 5, "融资服务", financing),
    ]


def _requirement(alternatives) -> str:
    return "；或".join("，".join(f"{f.label} ≥ {num(f.minimum) if f.minimum != float('inf') else '—'} {f.unit}"
                                for f in alt) for alt in alternatives)


def service_functions(data: dict, cfg: CheckConfig) -> list[Finding]:
    out: list[Finding] = []
    met_evidenced, met_declared, names = [], [], []
    where: list[Location] = []
    for rule, item, name, alternatives in functions(data, cfg):
        figures = [f for alt in alternatives for f in alt]
        if all(f.value is None for f in figures):
            continue
        names.append(name)
        met = [alt for alt in alternatives if all(f.ok for f in alt)]
        declared = bool(met) and all(any(f.declared for f in alt) for alt in met)
        notes = [f.note for f in figures if f.note]
        tags = [DECLARED_NOT_EVIDENCED] if declared or (not met and any(f.declared for f in figures)) else []
        if declared:
            notes.insert(0, "自行申报，未见附件佐证")
        if met:
            (met_declared if declared else met_evidenced).append(name)
        if not met:
            notes.append("未达到此项功能要求（第六条只需满足一项）")
        where.extend(f.where for f in figures)
        out.append(Finding(PASS if met else INFO, rule, A, item, name, _requirement(alternatives),
                           "，".join(f.text() for f in figures), [f.where for f in figures],
                           "；".join(notes), tags))
    where = where or [loc("declared")]
    overall = dict(rule="a6.any_function", article=A, item=None, title="至少满足一项服务功能要求",
                   requirement="信息、技术、创业、培训、融资服务至少一项达到第六条要求")
    if met_evidenced:
        out.insert(0, Finding(PASS, actual="满足：" + "、".join(met_evidenced + met_declared),
                              where=where, **overall))
    elif met_declared:
        out.insert(0, Finding(VERIFY, actual="满足：" + "、".join(met_declared) + "（均为自行申报）",
                              where=where, tags=[DECLARED_NOT_EVIDENCED],
                              note="所用数字为自行申报，附件中没有佐证",
                              evidence="提供活动通知、签到表、培训记录、融资对接或担保凭证等"
                                       "（第九条第（十）项 能够证明符合申报条件的其他材料）",
                              **overall))
    else:
        actual = ("无一项达到：" + "、".join(names)) if names else "未申报任何服务功能数据"
        out.insert(0, Finding(FAIL, actual=actual, where=where, relaxable=True,
                              evidence="填写第六条服务功能数据（declared 部分）并附佐证材料" if not names
                              else "补充达到第六条要求的服务功能数据及佐证材料",
                              **overall))
    return out


RULES = (service_functions,)
