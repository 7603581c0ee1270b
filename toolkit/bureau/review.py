"""附件7 复核申请推荐表 for a recognised platform (第十五条).

The form is annex 1's content for a 复核单位, so it is pre-filled from the
platform's annex 1 (or a returned annex 7): same field ids, the last three
years of operations up to the year before the review, and the bureau's 复核意见
left for the bureau.  The check's findings on articles 15 and 16 (validity,
complaints, missed reports, blacklist, penalties) go beside it.
"""
from __future__ import annotations

import datetime as dt

from ..model import annex

ANNEX1, ANNEX7 = annex(1), annex(7)
SHARED = ({n.id for n in ANNEX1.nodes()} & {n.id for n in ANNEX7.nodes()})


def review_data(data: dict, as_of: dt.date) -> dict:
    """``data`` with an annex 7 built from annex 1 when it has none."""
    out = dict(data)
    a7 = dict(data.get("annex7") or {})
    a1 = data.get("annex1") or {}
    for key in SHARED:
        if key not in a7 and key in a1 and key != "bureau_opinion":
            a7[key] = a1[key]
    ops = sorted(a7.get("operations") or [], key=lambda r: r.get("year") or 0)
    recent = [r for r in ops if (r.get("year") or 0) < as_of.year]
    a7["operations"] = (recent or ops)[-3:]
    out["annex7"] = a7
    return out


def review_findings(report):
    """The check's findings on articles 15 and 16 (met ones included)."""
    return [f for f in report.findings + report.passed if f.article in (15, 16)]


def write_review(data_path, out_dir, as_of: dt.date | None = None, db=None):
    """附件7 (DOCX and PDF), the check report and the review data; returns
    (written paths, article 15/16 findings, report).  With ``db`` (the registry),
    ``data_path`` is the unit's name and its stored data is used."""
    import dataclasses
    import os
    import tempfile
    from pathlib import Path

    from .. import docxform, pdfform
    from ..check import CheckConfig, check
    from ..datafile import dumps, write_atomic
    from ..forms import load_valid

    as_of = as_of or dt.date.today()
    if db is not None:
        from ..registry.db import Registry
        from ..registry.query import stored_data
        from ..validate import validate
        with Registry(db, create=False) as reg:
            data = validate(stored_data(reg, str(data_path), as_of)).data
        base = Path.cwd()
    else:
        data = load_valid(data_path)
        base = Path(data_path).resolve().parent
    data = review_data(data, as_of)
    report = check(data, dataclasses.replace(CheckConfig(), as_of=as_of))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(dir=out, prefix=".qhsme-") as t:
        tmp = Path(t)
        docxform.write_filled(7, data, tmp / "annex7.docx", base_dir=base)
        pdfform.write_filled(7, data, tmp / "annex7.pdf", base_dir=base)
        write_atomic(tmp / "复核检查报告.html", report.to_html().encode("utf-8"))
        write_atomic(tmp / "复核数据.json", dumps(data, "json").encode("utf-8"))
        for p in sorted(tmp.iterdir()):
            os.replace(p, out / p.name)
            written.append(out / p.name)
    return written, review_findings(report), report
