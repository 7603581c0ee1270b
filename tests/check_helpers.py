"""Helpers shared by the tests/test_check_*.py modules."""
from __future__ import annotations

import copy
import datetime as dt

from toolkit.check import check
from toolkit.model import BY_ID, Table

AS_OF = dt.date(2026, 3, 15)


def variant(base: dict, **changes) -> dict:
    """A deep copy of ``base`` with ``changes`` applied: ``annex1__staff_count=16``
    sets one field (None removes it); ``declared={...}`` replaces a whole block."""
    d = copy.deepcopy(base)
    for key, value in changes.items():
        if "__" not in key:
            d[key] = copy.deepcopy(value)
            continue
        annex, field = key.split("__", 1)
        if value is None:
            d.get(annex, {}).pop(field, None)
        else:
            d.setdefault(annex, {})[field] = value
    return d


def run(data: dict, **config):
    config.setdefault("as_of", AS_OF)
    return check(data, config)


def results(report, rule: str) -> list:
    return [f for f in report.findings + report.passed if f.rule == rule]


def one(report, rule: str):
    found = results(report, rule)
    assert len(found) == 1, f"{rule}: {[f.line() for f in found]}"
    return found[0]


def staff(n: int, qualified: int) -> list[dict]:
    return [{"name": f"员工{i}", "post": "专员",
             "education": "大学本科" if i < qualified else "高中及以下"} for i in range(n)]


def enterprises(n: int, satisfied: int | None = None) -> list[dict]:
    satisfied = n if satisfied is None else satisfied
    return [{"name": f"示例企业{i}", "satisfaction": "满意" if i < satisfied else "不满意"}
            for i in range(n)]


def assert_locates(data: dict, finding) -> None:
    """Every location of ``finding`` names a real annex field or table of the model
    and, when it gives a row, a row that exists in ``data``."""
    assert finding.where, finding.line()
    for w in finding.where:
        block = BY_ID[w.annex]
        if w.table:
            table = block[w.table]
            assert isinstance(table, Table)
            if w.field:
                table.column(w.field)
            if w.row:
                assert 1 <= w.row <= len(data[w.annex][w.table]), w.path
        elif w.field:
            assert w.field in block, w.path
        if w.field or w.table:
            assert w.label, w.path
