"""Check an application against the regulation (articles 5–7, 9, 14–16) and
across annexes, each finding with its article and item cited.

    from toolkit.check import check
    report = check(validate(load(path)).data)
    report.blocking, report.to_text(), report.to_json(), report.to_html()

Input is the clean data of ``toolkit.validate.validate``.  Each rule is a pure
function ``(data, config) -> list[Finding]`` in a module per article
(``article5``, ``article6``, ``article7``, ``consistency``, ``dossier``);
thresholds live in ``CheckConfig``.
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
          *, today: dt.date | None = None) -> Report:
    """Check the validated application ``data``.

    ``config``: a ``CheckConfig``, a dict of its fields, a path to a YAML file
    of them, or None for the regulation's defaults.  ``items``: files given
    for 第九条 items 6–11 (``{6: ["licence.pdf"]}``); None when unknown.
    ``today`` stands in for the clock when neither the config nor 附件1
    gives the as-of date (tests).
    """
    cfg = CheckConfig.resolve(config).for_application(data, today)
    found: list[Finding] = []
    for rule in RULES:
        found.extend(rule(data, cfg))
    found.extend(dossier.completeness(data, cfg, items))
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
