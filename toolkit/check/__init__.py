"""Check an application against the regulation (articles 5–7, 9, 14–16) and
across annexes, each finding with its article and item cited.

    from toolkit.check import CheckConfig, check
    report = check(validate(load(path)).data, CheckConfig(as_of=date(2026, 3, 15)))
    report.blocking            # any 不符合 -> the CLI exits 1 (``report.exit_code``)
    report.to_text(), report.to_json(), report.to_html()

Input is the clean data of ``toolkit.validate.validate``.  Each rule is a pure
function ``(data, config) -> list[Finding]`` in a module per article; the
thresholds are fields of ``CheckConfig`` (defaults = the regulation; every
minimum is ``>=`` because 以上/不低于/不少于 include the number).

Rules (rule id — citation — what is measured — config):

article5      a5.operating_years   第五条第（一）项  注册日期 to as-of ≥ 2 years        min_years, as_of
              a5.total_assets      第五条第（一）项  附件1 总资产 ≥ 100 万元             min_assets
              a5.served_min        第五条第（三）项  enterprises named in 附件5 ≥ 50     min_served
              a5.served_stable     第五条第（三）项  附件1 latest year ≥ 80 % of the one before   stability_ratio
              a5.satisfaction      第五条第（三）项  附件5 满意 / ticks ≥ 80 %           min_satisfaction
              a5.institutions      第五条第（三）项  附件1 合作资源 units ≥ 5             min_institutions
              a5.staff_min         第五条第（四）项  附件3 rows ≥ 15                     min_staff
              a5.professional_ratio 第五条第（四）项 附件3 专业人员 (``staff.classify``) ≥ 50 %
              a5.legal_entity … a5.cooperation: conditions no annex measures, 需核实 with
              the evidence to bring
article6      a6.info/tech/startup/training/financing and a6.any_function (第六条): at
              least one function meets its thresholds; figures from ``declared`` are
              tagged ``declared-not-evidenced`` and a pass on them alone is 需核实
article7      a7.region; ``relax`` turns measured 第五、六条 shortfalls of 青南/环湖
              applicants (``qingnan``, ``huanhu``) into 需核实 tagged ``article7-relaxation``
consistency   c.staff_count, c.professional_count, c.served_total_list,
              c.served_annex1_annex5, c.enterprise_duplicates, c.satisfaction_rate
              (rate_tolerance), c.equipment_total_quantity/_value, c.equipment_count,
              c.service_revenue, c.agreement_count, c.investor_shares, c.asset_shares,
              c.own_site, c.unit_name (第九条 完整性和真实性), c.bureau_opinion (第十条, ≥ 20 字)
dossier       a9.item (第九条 items 1–11; annexes 1–5 from the data, 6–11 from ``items``),
              a9.items_unchecked, a15.validity, a16.complaints (max_complaints),
              a16.missed_reports, a16.admin_penalty, a16.judicial_penalty, a16.credit_blacklist

Severity: 不符合 blocks; 需核实 needs a person and evidence; 提示 informs; 符合 is
listed in ``Report.passed`` so a clerk sees what was checked.
"""
from __future__ import annotations

import datetime as dt

from . import article5, article6, article7, consistency, dossier
from .config import CheckConfig
from .findings import FAIL, INFO, PASS, VERIFY, Finding, Location
from .report import Report, sort_key
from .staff import classify

RULES = article5.RULES + article6.RULES + (article7.region_finding,) + consistency.RULES + (dossier.record,)
_ORDER = {}


def check(data: dict, config: CheckConfig | dict | str | None = None, items: dict | None = None,
          *, today: dt.date | None = None, package=None) -> Report:
    """Check the validated application ``data``.

    ``config``: a ``CheckConfig``, a dict of its fields, a path to a YAML file
    of them, or None for the regulation's defaults.  ``items``: files given
    for 第九条 items 6–11 (``{6: ["licence.pdf"]}``); None when unknown.
    ``today`` stands in for the clock when neither the config nor 附件1
    gives the as-of date (tests).  ``package``: the electronic version (zip or unpacked
    folder) whose files are checked against its checksum list (第九条 电子版).
    """
    cfg = CheckConfig.resolve(config).for_application(data, today)
    found: list[Finding] = []
    for rule in RULES:
        found.extend(rule(data, cfg))
    found.extend(dossier.completeness(data, cfg, items))
    if package is not None:
        found.extend(dossier.package(package))
    found = article7.relax(found, data, cfg)
    order = {f.rule: i for i, f in reversed(list(enumerate(found)))}
    found.sort(key=lambda f: sort_key(f, order))
    a1 = data.get("annex1") if isinstance(data.get("annex1"), dict) else {}
    app = {"id": data.get("id"), "unit": a1.get("unit_name"), "platform": a1.get("platform_name"),
           "city": a1.get("city"), "region": cfg.region(a1.get("city"))}
    return Report([f for f in found if f.severity != PASS], [f for f in found if f.severity == PASS],
                  cfg, app)


__all__ = ["check", "CheckConfig", "Report", "Finding", "Location", "classify",
           "FAIL", "VERIFY", "INFO", "PASS"]
