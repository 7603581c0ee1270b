"""What a check rule returns: a ``Finding`` with its severity, the article and
item it applies, the requirement, the actual value and where in which annex
the value comes from.

Severities, from most to least serious:

* ``不符合`` (FAIL)   the application does not meet the rule; it blocks.
* ``需核实`` (VERIFY) a person must look at evidence the annexes cannot show,
  or article 7 allows the shortfall to be relaxed.
* ``提示`` (INFO)     worth knowing; does not need action.
* ``符合`` (PASS)     the rule was checked and is met (listed so a clerk sees
  what was checked).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model import BY_ID, Table
from ..problems import data_path
from ..regulation import cn_number

FAIL = "不符合"
VERIFY = "需核实"
INFO = "提示"
PASS = "符合"
SEVERITIES = (FAIL, VERIFY, INFO, PASS)
RANK = {s: i for i, s in enumerate(SEVERITIES)}

# Notes with a machine-readable code, so programs need not parse Chinese.
DECLARED_NOT_EVIDENCED = "declared-not-evidenced"
ARTICLE7_RELAXATION = "article7-relaxation"


@dataclass(frozen=True)
class Location:
    """One place in the application: ``annex3.staff[12].education``.

    ``label`` is the model's Chinese label (a table column as 教育情况/学历);
    ``row`` is 1-based; ``table`` and ``row`` are None for a plain field.
    """

    annex: str
    field: str | None = None
    table: str | None = None
    row: int | None = None
    label: str | None = None

    @property
    def path(self) -> str:
        return data_path(self.annex, self.table, self.row, self.field)

    def __str__(self) -> str:
        block = BY_ID.get(self.annex)
        parts = [block.name if block is not None else self.annex]
        if self.row:
            parts.append(f"第{self.row}行")
        if self.label:
            parts.append(self.label)
        return " ".join(parts)

    def to_json(self) -> dict:
        return {"annex": self.annex, "table": self.table, "row": self.row, "field": self.field,
                "label": self.label, "path": self.path}


def loc(annex: str, field: str | None = None, *, table: str | None = None,
        row: int | None = None) -> Location:
    """A location whose label is taken from the annex model, never retyped.

    ``loc("annex1", "staff_count")`` -> 附件1 从业人数;
    ``loc("annex3", "education", table="staff", row=4)`` -> 附件3 第4行 教育情况/学历;
    ``loc("annex5", table="enterprises")`` -> the whole table.
    """
    block = BY_ID[annex]
    label = None
    if table:
        t = block[table]
        assert isinstance(t, Table)
        label = t.column_label(field) if field else t.label
    elif field:
        label = block[field].label
    return Location(annex, field, table, row, label)


@dataclass
class Finding:
    """One result of one rule.

    ``rule`` is a stable ASCII id (``a5.served_min``); ``article``/``item``
    are numbers (item None for a whole article); ``requirement`` and
    ``actual`` are short Chinese texts (``≥ 50 家`` / ``47 家``);
    ``threshold``/``value`` the same as numbers when there are numbers;
    ``where`` the annex fields the actual value comes from; ``note`` extra
    words for the reader and ``tags`` machine codes such as
    ``declared-not-evidenced``.  ``relaxable`` marks article 5/6 numeric
    conditions that article 7 allows to be relaxed.
    """

    severity: str
    rule: str
    article: int
    item: int | None
    title: str
    requirement: str = ""
    actual: str = ""
    where: list[Location] = field(default_factory=list)
    note: str = ""
    tags: list[str] = field(default_factory=list)
    threshold: float | None = None
    value: float | None = None
    evidence: str = ""          # what to do or bring, as an instruction (提供…、更正…)
    relaxable: bool = False

    @property
    def citation(self) -> str:
        """第五条第（三）项, or 第七条 for a whole article."""
        s = f"第{cn_number(self.article)}条"
        if self.item:
            s += f"第（{cn_number(self.item)}）项"
        return s

    @property
    def blocking(self) -> bool:
        return self.severity == FAIL

    def to_json(self) -> dict:
        return {
            "severity": self.severity, "rule": self.rule, "article": self.article,
            "item": self.item, "citation": self.citation, "title": self.title,
            "requirement": self.requirement, "actual": self.actual,
            "threshold": self.threshold, "value": self.value,
            "where": [w.to_json() for w in self.where],
            "note": self.note, "tags": list(self.tags), "evidence": self.evidence,
        }

    def line(self) -> str:
        """One line of text: [不符合] 第五条第（三）项 年服务中小企业数量：要求 ≥ 50 家，实际 47 家。"""
        s = f"[{self.severity}] {self.citation} {self.title}"
        bits = []
        if self.requirement:
            bits.append(f"要求 {self.requirement}")
        if self.actual:
            bits.append(f"实际 {self.actual}")
        if bits:
            s += "：" + "，".join(bits)
        s += "。"
        if self.note:
            s += self.note.rstrip("。") + "。"
        if self.evidence:
            s += f"处理：{self.evidence.rstrip('。')}。"
        return s


def num(x) -> str:
    """47 -> '47', 47.0 -> '47', 688.90 -> '688.9', 12.345 -> '12.35' (no exponent)."""
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.2f}".rstrip("0").rstrip(".")
    return str(x)


def pct_text(x: float) -> str:
    """A computed percentage with one decimal: 73.9%."""
    return f"{x:.1f}%"


def pct(numerator: int, denominator: int) -> float:
    return 100.0 * numerator / denominator if denominator else 0.0
