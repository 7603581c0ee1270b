"""第五条 申报条件: each condition the annexes can measure, and the rest as 需核实.

Each rule is a pure function ``(data, config) -> list[Finding]``; measured
shortfalls are ``relaxable`` (article 7 may turn them into 需核实).
"""
from __future__ import annotations

from . import facts
from .config import CheckConfig
from .findings import FAIL, PASS, VERIFY, Finding, loc, num, pct, pct_text

A = 5


def _measured(ok: bool, **kw) -> Finding:
    return Finding(PASS if ok else FAIL, article=A, relaxable=not ok, **kw)


def _missing(rule, item, title, requirement, where, what: str | None = None) -> Finding:
    """The value the rule needs is not in the data; ``what`` defaults to the model's labels
    of ``where`` (never retyped)."""
    what = what or "、".join(dict.fromkeys(w.label for w in where if w.label))
    return Finding(VERIFY, rule, A, item, title, requirement, f"{what}未填写", where,
                   evidence=f"补填{what}")


def operating_years(data: dict, cfg: CheckConfig) -> list[Finding]:
    """（一）依法设立、运营2年以上: 注册日期 to the as-of date."""
    where = [loc("annex1", "reg_date")]
    title, req = "运营年限", f"运营满 {cfg.min_years} 年"
    reg = facts.date(facts.block(data, "annex1").get("reg_date"))
    if reg is None:
        return [_missing("a5.operating_years", 1, title, req, where)]
    due = facts.add_years(reg, cfg.min_years)
    ok = cfg.as_of >= due
    days = (cfg.as_of - reg).days
    actual = f"注册日期 {reg.isoformat()}，至 {cfg.as_of.isoformat()} 运营 {_span(reg, cfg.as_of)}"
    note = "" if ok else f"满{cfg.min_years}年之日为 {due.isoformat()}，差 {(due - cfg.as_of).days} 天"
    return [_measured(ok, rule="a5.operating_years", item=1, title=title, requirement=req,
                      actual=actual, where=where, note=note, threshold=cfg.min_years,
                      value=round(days / 365.25, 2))]


def _span(start, end) -> str:
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    if months < 0:
        return "0 个月"
    y, m = divmod(months, 12)
    return (f"{y} 年" if y else "") + (f" {m} 个月" if m else "") if (y or m) else "不足 1 个月"


def total_assets(data: dict, cfg: CheckConfig) -> list[Finding]:
    """（一）资产总额不低于100万元: 附件1 总资产."""
    where = [loc("annex1", "total_assets")]
    title, req = "资产总额", f"≥ {num(cfg.min_assets)} 万元"
    v = facts.number(facts.block(data, "annex1").get("total_assets"))
    if v is None:
        return [_missing("a5.total_assets", 1, title, req, where)]
    return [_measured(v >= cfg.min_assets, rule="a5.total_assets", item=1, title=title,
                      requirement=req, actual=f"{num(v)} 万元", where=where,
                      threshold=cfg.min_assets, value=v)]


def served_min(data: dict, cfg: CheckConfig) -> list[Finding]:
    """（三）年服务中小企业不少于50家: the enterprises 附件5 names (the evidence);
    附件1's latest 服务中小企业户（次）数 when 附件5 has no list."""
    title, req = "年服务中小企业数量", f"≥ {cfg.min_served} 家"
    listed = facts.enterprises(data)
    if listed:
        n, where, source = len(listed), [loc("annex5", table="enterprises")], "附件5名单"
    else:
        ops = facts.operations(data)
        last = ops[-1] if ops else None
        if last is None or facts.number(last[1].get("served_count")) is None:
            return [_missing("a5.served_min", 3, title, req, [loc("annex5", table="enterprises")])]
        n, source = last[1]["served_count"], f"附件1 {last[1]['year']}年"
        where = [loc("annex1", "served_count", table="operations", row=last[0])]
    return [_measured(n >= cfg.min_served, rule="a5.served_min", item=3, title=title,
                      requirement=req, actual=f"{n} 家（{source}）", where=where,
                      threshold=cfg.min_served, value=n)]


def served_stable(data: dict, cfg: CheckConfig) -> list[Finding]:
    """（三）近两年服务企业数量相对稳定: the latest year of 附件1 近三年平台运营管理
    is at least ``stability_ratio`` of the year before."""
    title = "近两年服务企业数量相对稳定"
    ratio = f"{cfg.stability_ratio * 100:g}%"
    ops = [(i, r) for i, r in facts.operations(data) if facts.number(r.get("served_count")) is not None]
    if len(ops) < 2:
        return [_missing("a5.served_stable", 3, title, f"上一年度 ≥ 前一年度的 {ratio}",
                         [loc("annex1", "served_count", table="operations")])]
    (i0, prev), (i1, last) = ops[-2], ops[-1]
    need = cfg.stability_ratio * prev["served_count"]
    ok = last["served_count"] >= need
    share = pct(last["served_count"], prev["served_count"]) if prev["served_count"] else 100.0
    return [_measured(
        ok, rule="a5.served_stable", item=3, title=title,
        requirement=f"{last['year']}年 ≥ {prev['year']}年的 {ratio}（{num(round(need, 1))} 户）",
        actual=f"{last['year']}年 {last['served_count']} 户，{prev['year']}年 {prev['served_count']} 户"
               f"（{pct_text(share)}）",
        where=[loc("annex1", "served_count", table="operations", row=i0),
               loc("annex1", "served_count", table="operations", row=i1)],
        note=f"“相对稳定”无数量标准，本工具按配置 stability_ratio={cfg.stability_ratio:g} 衡量",
        threshold=cfg.stability_ratio, value=round(share / 100, 4))]


def satisfaction(data: dict, cfg: CheckConfig) -> list[Finding]:
    """（三）用户满意度在80%以上: 满意 ticks / all ticks of 附件5."""
    title, req = "用户满意度", f"≥ {num(cfg.min_satisfaction)}%"
    where = [loc("annex5", "satisfaction", table="enterprises")]
    yes, total = facts.satisfaction(data)
    if not total:
        return [_missing("a5.satisfaction", 3, title, req, where)]
    rate = pct(yes, total)
    return [_measured(yes * 100 >= cfg.min_satisfaction * total, rule="a5.satisfaction", item=3,
                      title=title, requirement=req,
                      actual=f"{pct_text(rate)}（满意 {yes} 家 / 评价 {total} 家）", where=where,
                      note="按附件5逐行勾选计算", threshold=cfg.min_satisfaction,
                      value=round(rate, 2))]


def institutions(data: dict, cfg: CheckConfig) -> list[Finding]:
    """（三）集聚服务机构5家以上: units named in 附件1 合作资源."""
    names = facts.institutions(data)
    return [_measured(len(names) >= cfg.min_institutions, rule="a5.institutions", item=3,
                      title="集聚服务机构数量", requirement=f"≥ {cfg.min_institutions} 家",
                      actual=f"{len(names)} 家" + (f"（{'、'.join(n for _, n in names[:8])}"
                                                  f"{'等' if len(names) > 8 else ''}）" if names else ""),
                      where=[loc("annex1", "coop_signed"), loc("annex1", "coop_other")],
                      note="按附件1合作资源所列单位计数（每行一家）",
                      threshold=cfg.min_institutions, value=len(names))]


def staff_min(data: dict, cfg: CheckConfig) -> list[Finding]:
    """（四）平台从业人数不少于15人: rows of 附件3."""
    n, _ = facts.staff_counts(data)
    return [_measured(n >= cfg.min_staff, rule="a5.staff_min", item=4, title="平台从业人数",
                      requirement=f"≥ {cfg.min_staff} 人", actual=f"{n} 人（附件3所列）",
                      where=[loc("annex3", table="staff")], threshold=cfg.min_staff, value=n)]


def professional_ratio(data: dict, cfg: CheckConfig) -> list[Finding]:
    """（四）大专及以上学历和中级及以上技术职称专业人员比例不低于50%: 附件3 rows
    classified by ``staff.classify``."""
    title, req = "专业人员比例", f"≥ {num(cfg.min_professional_pct)}%"
    where = [loc("annex3", "education", table="staff"), loc("annex3", "certificate", table="staff")]
    n, prof = facts.staff_counts(data)
    if not n:
        return [_missing("a5.professional_ratio", 4, title, req, [loc("annex3", table="staff")])]
    rate = pct(prof, n)
    return [_measured(prof * 100 >= cfg.min_professional_pct * n, rule="a5.professional_ratio",
                      item=4, title=title, requirement=req,
                      actual=f"{pct_text(rate)}（{prof} / {n} 人）", where=where,
                      note="按附件3学历、资格证名称判断：大专及以上学历或中级及以上职称",
                      threshold=cfg.min_professional_pct, value=round(rate, 2))]


# Conditions the annexes cannot measure: (rule, item, title, evidence, where).
_BY_EVIDENCE = (
    ("a5.legal_entity", 1, "依法设立的独立法人单位",
     "提供营业执照复印件（第九条第（六）项）", [("annex1", "unit_nature")]),
    ("a5.finance", 1, "财务收支状况良好，经营规范，具有可持续发展能力",
     "提供上一年度服务收支情况的专项审计报告（第九条第（七）项）", [("annex1", None, "operations")]),
    ("a5.region_focus", 2, "主要服务于中小企业集聚的区域或行业",
     "提供申请报告第2部分所述区域、行业情况及佐证材料", [("annex2", "s2_region")]),
    ("a5.reputation", 3, "在专业服务领域或区域内有一定的声誉和品牌影响力",
     "提供从业资格、资质、认定证书、荣誉证书（证明）复印件（第九条第（九）项）", [("annex1", "honors")]),
    ("a5.premises", 4, "有固定的经营服务场所和必要的服务设施、专业仪器设备",
     "提供场地产权证明或租赁合同、实景照片（申请报告第7部分）、附件4设备清单",
     [("annex1", "site_area"), ("annex4", None, "equipment")]),
    ("a5.management", 5, "组织架构清晰稳定，管理制度、服务流程、收费标准和服务质量保证措施完善，"
     "有发展规划、年度目标和品牌建设方案",
     "提供服务平台组织架构及发展规划（第九条第（八）项）、管理制度和收费标准文本",
     [("annex2", "s3_management"), ("annex2", "s8_plan")]),
    ("a5.cooperation", 6, "积极参加服务活动，与社会服务资源有稳定、广泛的合作关系",
     "提供合作协议复印件、参加活动的通知或报道", [("annex1", "coop_signed")]),
)


def by_evidence(data: dict, cfg: CheckConfig) -> list[Finding]:
    out = []
    for rule, item, title, evidence, places in _BY_EVIDENCE:
        where = [loc(p[0], p[1], table=p[2] if len(p) > 2 else None) for p in places]
        out.append(Finding(VERIFY, rule, A, item, title, requirement="由评审人员审阅材料判断",
                           actual="附件无法量化", where=where, evidence=evidence))
    return out


RULES = (operating_years, total_assets, served_min, served_stable, satisfaction, institutions,
         staff_min, professional_ratio, by_evidence)
