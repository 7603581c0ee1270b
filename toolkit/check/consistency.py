"""Consistency between annexes (and within one), reported against 第九条:
申报单位须确保申报材料的完整性和真实性.  A contradiction the applicant must
correct is 不符合; a difference that can have a reason (附件3 lists 主要
从业人员; a 专业人员 count read from free text) is 需核实.
"""
from __future__ import annotations

from . import facts
from .config import CheckConfig
from .findings import FAIL, PASS, VERIFY, Finding, loc, num, pct, pct_text
from .staff import classify

A, ITEM = 9, None


def _f(ok: bool, rule: str, title: str, requirement: str, actual: str, where, *,
       severity: str = FAIL, note: str = "", evidence: str = "") -> Finding:
    return Finding(PASS if ok else severity, rule, A, ITEM, title, requirement, actual, where,
                   note=note if not ok else "", evidence=evidence if not ok else "")


def staff(data: dict, cfg: CheckConfig) -> list[Finding]:
    """附件1 从业人数 and 专业人员 against the rows of 附件3."""
    a1 = facts.block(data, "annex1")
    if "annex3" not in data:
        return []
    out = []
    rows = facts.rows(data, "annex3", "staff")
    n, prof = len(rows), sum(classify(r).professional for r in rows)
    stated = facts.number(a1.get("staff_count"))
    if stated is not None:
        out.append(_f(stated == n, "c.staff_count", "从业人数与附件3一致",
                      "附件1从业人数 = 附件3所列人数", f"附件1 {num(stated)} 人，附件3 {n} 人",
                      [loc("annex1", "staff_count"), loc("annex3", table="staff")],
                      evidence="更正附件1从业人数或补全附件3人员名单"))
    stated = facts.number(a1.get("professional_count"))
    if stated is not None:
        out.append(_f(stated == prof, "c.professional_count", "专业人员人数与附件3一致",
                      "附件1专业人员人数 = 附件3中大专及以上学历或中级及以上职称人数",
                      f"附件1 {num(stated)} 人，附件3 {prof} 人",
                      [loc("annex1", "professional_count"), loc("annex3", "education", table="staff"),
                       loc("annex3", "certificate", table="staff")], severity=VERIFY,
                      note="附件3人数按学历、资格证名称文字判断",
                      evidence="核对附件1人数，必要时提供学历证书、职称证书复印件"))
    return out


def served(data: dict, cfg: CheckConfig) -> list[Finding]:
    """附件1 latest 服务中小企业户（次）数, 附件5 上一年度共服务企业 and 附件5's list."""
    a5 = facts.block(data, "annex5")
    if not a5:
        return []
    out = []
    listed = len(facts.enterprises(data))
    total = facts.number(a5.get("served_total"))
    if total is not None:
        out.append(_f(total == listed, "c.served_total_list", "上一年度共服务企业数与名单一致",
                      "附件5上一年度共服务企业数 = 名单所列企业数",
                      f"共服务 {num(total)} 家，名单 {listed} 家",
                      [loc("annex5", "served_total"), loc("annex5", table="enterprises")],
                      evidence="补全附件5名单或更正共服务企业数"))
    ops = facts.operations(data)
    if ops and facts.number(ops[-1][1].get("served_count")) is not None:
        i, last = ops[-1]
        other, where = (total, loc("annex5", "served_total")) if total is not None else \
            (listed, loc("annex5", table="enterprises"))
        out.append(_f(last["served_count"] == other, "c.served_annex1_annex5",
                      "附件1服务企业数与附件5一致",
                      f"附件1 {last['year']}年服务中小企业户（次）数 = 附件5上一年度共服务企业数",
                      f"附件1 {last['served_count']} 户，附件5 {num(other)} 家",
                      [loc("annex1", "served_count", table="operations", row=i), where],
                      evidence="更正附件1或附件5，使两表服务企业数一致"))
    names = [str(r.get("name")).strip() for r in facts.enterprises(data)]
    dupes = sorted({n for n in names if names.count(n) > 1}) if len(set(names)) != len(names) else []
    if dupes:
        rows = [i for i, n in enumerate(names, 1) if n in dupes]
        out.append(Finding(VERIFY, "c.enterprise_duplicates", A, ITEM, "服务企业名单无重复",
                           "每家企业只列一次", f"重复：{'、'.join(dupes[:5])}",
                           [loc("annex5", "name", table="enterprises", row=r) for r in rows[:10]]))
    return out


def satisfaction_rate(data: dict, cfg: CheckConfig) -> list[Finding]:
    """附件5 总体满意率 against its 满意/不满意 ticks."""
    stated = facts.number(facts.block(data, "annex5").get("satisfaction_rate"))
    yes, total = facts.satisfaction(data)
    if stated is None or not total:
        return []
    rate = pct(yes, total)
    return [_f(abs(stated - rate) <= cfg.rate_tolerance, "c.satisfaction_rate", "总体满意率与勾选一致",
               f"总体满意率 = 满意家数 / 评价家数（允许误差 {num(cfg.rate_tolerance)} 个百分点）",
               f"填写 {num(stated)}%，按勾选计算 {pct_text(rate)}（{yes} / {total}）",
               [loc("annex5", "satisfaction_rate"), loc("annex5", "satisfaction", table="enterprises")],
               evidence="按勾选结果更正总体满意率")]


def equipment(data: dict, cfg: CheckConfig) -> list[Finding]:
    """附件4 合计 against its rows; 附件1 仪器设备台（套） against 附件4."""
    a4 = facts.block(data, "annex4")
    rows = facts.rows(data, "annex4", "equipment")
    if not a4:
        return []
    out = []
    qty = sum(facts.number(r.get("quantity")) or 0 for r in rows)
    value = round(sum(facts.number(r.get("value")) or 0 for r in rows), 4)
    stated_q = facts.number(a4.get("total_quantity"))
    if stated_q is not None:
        out.append(_f(stated_q == qty, "c.equipment_total_quantity", "附件4合计数量与各行之和一致",
                      "合计数量 = 各行数量之和", f"合计 {num(stated_q)}，各行之和 {num(qty)}",
                      [loc("annex4", "total_quantity"), loc("annex4", "quantity", table="equipment")],
                      evidence="更正附件4合计行"))
    stated_v = facts.number(a4.get("total_value"))
    if stated_v is not None:
        out.append(_f(abs(stated_v - value) <= cfg.amount_tolerance, "c.equipment_total_value",
                      "附件4合计设备原值与各行之和一致", "合计设备原值 = 各行设备原值之和",
                      f"合计 {num(stated_v)} 万元，各行之和 {num(value)} 万元",
                      [loc("annex4", "total_value"), loc("annex4", "value", table="equipment")],
                      evidence="更正附件4合计行"))
    count = facts.number(facts.block(data, "annex1").get("equipment_count"))
    if count is not None and rows:
        out.append(_f(count == qty, "c.equipment_count", "附件1仪器设备数量与附件4一致",
                      "附件1仪器设备台（套）数 = 附件4各行数量之和",
                      f"附件1 {num(count)} 台（套），附件4 {num(qty)}",
                      [loc("annex1", "equipment_count"), loc("annex4", "quantity", table="equipment")],
                      severity=VERIFY, note="附件4还列服务设施和软件，数量可能不同",
                      evidence="说明差异，或更正其中一表"))
    return out


def operations(data: dict, cfg: CheckConfig) -> list[Finding]:
    """Each year of 附件1: 服务收入 ≤ 营业收入, 签订服务协议户数 ≤ 服务户数."""
    out = []
    ok_rev = ok_agr = True
    seen_rev = seen_agr = False
    for i, r in facts.operations(data):
        rev, srv = facts.number(r.get("revenue")), facts.number(r.get("service_revenue"))
        if rev is not None and srv is not None:
            seen_rev = True
            if srv > rev + cfg.amount_tolerance:
                ok_rev = False
                out.append(_f(False, "c.service_revenue", "服务收入不超过营业收入",
                              "服务收入 ≤ 营业收入", f"{r['year']}年 服务收入 {num(srv)} 万元，"
                              f"营业收入 {num(rev)} 万元",
                              [loc("annex1", "service_revenue", table="operations", row=i),
                               loc("annex1", "revenue", table="operations", row=i)],
                              evidence="更正附件1该年度收入（服务收入是营业收入的一部分）"))
        served, agreed = facts.number(r.get("served_count")), facts.number(r.get("agreement_count"))
        if served is not None and agreed is not None:
            seen_agr = True
            if agreed > served:
                ok_agr = False
                out.append(_f(False, "c.agreement_count", "签订服务协议户数不超过服务户数",
                              "签订服务协议户数 ≤ 服务中小企业户（次）数",
                              f"{r['year']}年 签订协议 {num(agreed)} 户，服务 {num(served)} 户",
                              [loc("annex1", "agreement_count", table="operations", row=i),
                               loc("annex1", "served_count", table="operations", row=i)],
                              evidence="更正附件1该年度户数"))
    where = [loc("annex1", table="operations")]
    if seen_rev and ok_rev:
        out.append(_f(True, "c.service_revenue", "服务收入不超过营业收入", "服务收入 ≤ 营业收入",
                      "各年度均满足", where))
    if seen_agr and ok_agr:
        out.append(_f(True, "c.agreement_count", "签订服务协议户数不超过服务户数",
                      "签订服务协议户数 ≤ 服务中小企业户（次）数", "各年度均满足", where))
    return out


def investors(data: dict, cfg: CheckConfig) -> list[Finding]:
    """附件1 主要投资方 投资比例 sum to 100 %."""
    rows = facts.rows(data, "annex1", "investors")
    shares = [(i, facts.number(r.get("share_pct"))) for i, r in enumerate(rows, 1)]
    given = [(i, s) for i, s in shares if s is not None]
    if not given:
        return []
    total = round(sum(s for _, s in given), 4)
    where = [loc("annex1", "share_pct", table="investors", row=i) for i, _ in given]
    if total > 100 + 1e-6:
        return [_f(False, "c.investor_shares", "投资比例合计为100%", "各投资方投资比例之和 = 100%",
                   f"合计 {num(total)}%", where, evidence="更正投资比例")]
    return [_f(abs(total - 100) < 1e-6, "c.investor_shares", "投资比例合计为100%",
               "各投资方投资比例之和 = 100%", f"合计 {num(total)}%", where, severity=VERIFY,
               note="若只列了主要投资方，请补列其余投资方或说明",
               evidence="补全投资方及比例，或提供章程、股权结构证明")]


def asset_shares(data: dict, cfg: CheckConfig) -> list[Finding]:
    """服务设施、软件 + 仪器设备 + 自有场地 shares of 总资产 ≤ 100 %."""
    a1 = facts.block(data, "annex1")
    ids = ("facility_software_pct", "equipment_pct", "own_site_pct")
    parts = [(fid, facts.number(a1.get(fid))) for fid in ids]
    given = [(fid, v) for fid, v in parts if v is not None]
    out = []
    if given:
        total = round(sum(v for _, v in given), 4)
        out.append(_f(total <= 100 + 1e-6, "c.asset_shares", "各类资产占总资产比例合计不超过100%",
                      "服务设施软件 + 仪器设备 + 自有场地占比 ≤ 100%",
                      "，".join(f"{a1_label(fid)} {num(v)}%" for fid, v in given) + f"，合计 {num(total)}%",
                      [loc("annex1", fid) for fid, _ in given], evidence="更正资产占比"))
    own = facts.number(a1.get("own_site_pct"))
    if a1.get("site_nature") == "租用" and own:
        out.append(Finding(VERIFY, "c.own_site", A, ITEM, "租用场地不应有自有场地占比",
                           "场地性质为租用时自有场地占比为 0", f"租用，自有场地占总资产的 {num(own)}%",
                           [loc("annex1", "site_nature"), loc("annex1", "own_site_pct")]))
    return out


def a1_label(fid: str) -> str:
    from ..model import annex
    a1 = annex(1)
    label = a1[fid].label.removeprefix("其中：")
    return a1["equipment_count"].label + label if fid == "equipment_pct" else label


# Annex fields that carry the applicant's name.
NAME_FIELDS = (("annex1", "applicant"), ("annex2", "unit_name"), ("annex3", "applicant"),
               ("annex4", "applicant"), ("annex5", "unit_name"), ("annex7", "unit_name"))


def unit_names(data: dict, cfg: CheckConfig) -> list[Finding]:
    """The unit's name is the same on every annex (附件1 单位名称 is the reference)."""
    ref = facts.block(data, "annex1").get("unit_name")
    if not ref:
        return []
    out = []
    for annex, fid in NAME_FIELDS:
        value = facts.block(data, annex).get(fid)
        if value and facts.unit_name(value) != facts.unit_name(ref):
            out.append(_f(False, "c.unit_name", "各附件单位名称一致", f"与附件1单位名称“{ref}”一致",
                          f"“{value}”", [loc(annex, fid), loc("annex1", "unit_name")],
                          evidence="各附件统一使用营业执照上的单位全称"))
    if not out:
        out.append(_f(True, "c.unit_name", "各附件单位名称一致", "与附件1单位名称一致", f"“{ref}”",
                      [loc("annex1", "unit_name")]))
    return out


def bureau_opinion(data: dict, cfg: CheckConfig) -> list[Finding]:
    """附件1 市（州）中小企业主管部门审核意见 不少于20字."""
    from ..model import annex
    f = annex(1)["bureau_opinion"]
    if "annex1" not in data:
        return []
    text = str(facts.block(data, "annex1").get("bureau_opinion") or "")
    n = len("".join(text.split()))
    where = [loc("annex1", "bureau_opinion")]
    if n == 0:
        return [Finding(VERIFY, "c.bureau_opinion", 10, None, "主管部门审核推荐意见",
                        f"不少于 {f.min_length} 字", "未填写", where,
                        note="由市（州）中小企业主管部门审核后填写",
                        evidence="市（州）中小企业主管部门填写审核意见（不少于20字）并盖章")]
    return [Finding(PASS if n >= f.min_length else FAIL, "c.bureau_opinion", 10, None,
                    "主管部门审核推荐意见", f"不少于 {f.min_length} 字", f"{n} 字", where,
                    threshold=f.min_length, value=n)]


RULES = (staff, served, satisfaction_rate, equipment, operations, investors, asset_shares,
         unit_names, bureau_opinion)
