"""The result of a check and its three renderings: text for a terminal, JSON
for programs (stable keys, ``format: qhsme-check/1``) and printable HTML for
a clerk (``templates/check_report.html``)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from .config import CheckConfig
from .findings import FAIL, INFO, PASS, RANK, SEVERITIES, VERIFY, Finding

FORMAT = "qhsme-check/1"


@dataclass
class Report:
    """``findings``: everything to act on or know (不符合, 需核实, 提示), most
    serious first; ``passed``: the rules checked and met (符合)."""

    findings: list[Finding]
    passed: list[Finding]
    config: CheckConfig
    application: dict = field(default_factory=dict)   # id, unit, platform, city, region

    @property
    def blocking(self) -> bool:
        return any(f.severity == FAIL for f in self.findings)

    @property
    def exit_code(self) -> int:
        """0 when nothing blocks, 1 when there is any 不符合."""
        return 1 if self.blocking else 0

    @property
    def counts(self) -> dict[str, int]:
        c = {s: 0 for s in SEVERITIES}
        for f in self.findings + self.passed:
            c[f.severity] += 1
        return c

    def by_severity(self, severity: str) -> list[Finding]:
        pool = self.passed if severity == PASS else self.findings
        return [f for f in pool if f.severity == severity]

    @property
    def verdict(self) -> str:
        if self.blocking:
            return "不通过：有不符合项，须更正或补充后再报"
        if any(f.severity == VERIFY for f in self.findings):
            return "无不符合项；需核实的事项请对照佐证材料确认"
        return "通过"

    def to_json(self) -> dict:
        """Plain data for programs.  Keys never change within ``format``
        ``qhsme-check/1``: application {id, unit, platform, city, region},
        as_of (ISO date), as_of_source (config | annex1.fill_date | today),
        blocking, counts {severity: n}, findings and passed (lists of
        ``Finding.to_json``: severity, rule, article, item, citation, title,
        requirement, actual, threshold, value, where [{annex, table, row, field,
        label, path}], note, tags, evidence), config (every ``CheckConfig`` field).
        Findings are ordered by severity, article, item, then rule order."""
        return {
            "format": FORMAT,
            "application": dict(self.application),
            "as_of": self.config.as_of.isoformat() if self.config.as_of else None,
            "as_of_source": self.config.as_of_source,
            "blocking": self.blocking,
            "counts": self.counts,
            "findings": [f.to_json() for f in self.findings],
            "passed": [f.to_json() for f in self.passed],
            "config": self.config.to_json(),
        }

    def to_text(self) -> str:
        app = self.application
        lines = [f"{app.get('unit') or '（未填单位名称）'} {app.get('platform') or ''}".rstrip(),
                 f"核对日期 {self.config.as_of.isoformat()}（{_AS_OF[self.config.as_of_source]}）"
                 + (f"，{app['city']}（{app['region']}地区）" if app.get("region") else "")]
        for sev in (FAIL, VERIFY, INFO, PASS):
            group = self.by_severity(sev)
            if not group:
                continue
            lines.append("")
            lines.append(f"{sev}（{len(group)}）")
            for f in group:
                lines.append("  " + f.line())
                if f.where and sev != PASS:
                    lines.append("    位置：" + "；".join(f"{w}（{w.path}）" for w in f.where))
        c = self.counts
        lines.append("")
        lines.append(f"{self.verdict}。不符合 {c[FAIL]} 项，需核实 {c[VERIFY]} 项，提示 {c[INFO]} 项，"
                     f"符合 {c[PASS]} 项。")
        return "\n".join(lines) + "\n"

    def to_html(self) -> str:
        env, name = _environment()
        return env.get_template(name).render(
            report=self, groups=[(s, self.by_severity(s)) for s in (FAIL, VERIFY, INFO, PASS)],
            counts=self.counts, as_of_source=_AS_OF[self.config.as_of_source],
            quotes=self.quotes(), generated=dt.date.today().isoformat())

    def quotes(self) -> list[tuple[str, str]]:
        """(citation, the regulation's words) for every article and item cited, in order."""
        seen: dict[tuple, tuple[str, str]] = {}
        for f in self.findings + self.passed:
            seen.setdefault((f.article, f.item or 0), (f.citation, _quote(f)))
        return [seen[k] for k in sorted(seen)]


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from ..resources import template_path
    path = template_path("check_report.html")
    env = Environment(loader=FileSystemLoader(str(path.parent)),
                      autoescape=select_autoescape(["html"], default=True),
                      trim_blocks=True, lstrip_blocks=True)
    return env, path.name


_AS_OF = {"config": "指定日期", "annex1.fill_date": "按附件1填报日期", "today": "当天"}


def _quote(f: Finding) -> str:
    """The regulation's words for a finding's article and item."""
    from ..regulation import article
    text = article(f.article)
    if f.item:
        from ..regulation import cn_number
        mark = f"（{cn_number(f.item)}）"
        start = text.find(mark)
        if start >= 0:
            end = text.find("\n", start)
            return text[start:end if end > 0 else None].strip()
    first = text.split("\n", 1)[0].strip()
    return first if len(first) <= 160 else first[:157] + "…"


def sort_key(f: Finding, order: dict[str, int]):
    return (RANK[f.severity], f.article, f.item or 0, order.get(f.rule, 0))
