"""The 台账 pages, over the registry database (``qhsme serve --db``):

- ``/registry``       each platform's status (``registry.status``: validity, re-review,
  reports due or late, revocation grounds with their articles), filtered by city,
  overdue only, expiring this year; a 市州 account sees its own city only (decided
  here, on the server: another city in the address is refused);
- ``/registry.xlsx``  the registry export of what the account may see (audited);
- ``/jobs/<id>/import`` 导入台账: a finished batch job's parse results imported as
  ``qhsme registry import`` of its JSON, conflicts listed as the command lists them
  (audited); a 市州 account imports only its own city's applications;
- ``/audit``          the audit log, for 省厅 accounts.
"""
from __future__ import annotations

import datetime as dt
import json

from flask import abort, render_template, request, send_file

from ..model.annexes import CITIES
from . import people


def install(app, reg, jobs, error) -> None:
    def need_registry():
        if reg is None:
            abort(404)

    def scope(asked: str | None):
        """The city to show: the account's own for 市州 (another asked: refused), else the one asked."""
        acc = people.current()
        asked = (asked or "").strip() or None
        if acc is not None and not acc.province:
            if asked and asked != acc.city:
                return None, error(403, f"本账号只能查看{acc.city}的平台。")
            return acc.city, None
        return asked, None

    @app.get("/registry")
    def registry_page():
        need_registry()
        from ..check.config import CheckConfig
        from ..registry.status import load
        city, refused = scope(request.args.get("city"))
        if refused:
            return refused
        today = dt.date.today()
        with reg.read() as conn:
            every = load(conn, today, CheckConfig().max_complaints)
        acc = people.current()
        seen = [s for s in every if acc is None or acc.sees(s.city)]
        cities = sorted({s.city for s in seen if s.city}, key=lambda c: (CITIES.index(c) if c in CITIES else 99, c))
        shown = [s for s in seen if city is None or s.city == city]
        overdue, expiring = bool(request.args.get("overdue")), bool(request.args.get("expiring"))
        if overdue:
            shown = [s for s in shown if s.overdue]
        if expiring:
            shown = [s for s in shown if s.state == "有效" and (s.validity_end or "").startswith(str(today.year))]
        return render_template("ledger.html", rows=shown, total=len(seen), cities=cities, city=city,
                               overdue=overdue, expiring=expiring, today=today,
                               fixed_city=acc is not None and not acc.province)

    @app.get("/registry.xlsx")
    def registry_xlsx():
        need_registry()
        import io

        from ..registry.export import export_workbook
        city, refused = scope(request.args.get("city"))
        if refused:
            return refused
        today = dt.date.today()
        body = export_workbook(reg, today, city=city)
        name = f"示范平台台账-{city or '全省'}-{today.isoformat()}.xlsx"
        people.audit(app, "registry-export", name)
        return send_file(io.BytesIO(body), as_attachment=True, download_name=name,
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @app.post("/jobs/<job_id>/import")
    def job_import(job_id):
        need_registry()
        job = people.own_job(app, jobs.get(job_id))
        if job is None or job.kind != "batch" or not job.finished_ok or "json" not in job.outputs:
            abort(404)
        from ..errors import QhsmeError
        from ..registry.store import import_files
        path, shown = job.outputs["json"]
        path, skipped = _own_city(path, job)
        label = f"{shown}（{job.title}，{job.id}）"
        if path is None:
            people.audit(app, "registry-import", label, "；".join(skipped))
            return render_template("ledger_import.html", job=job, shown=shown, outcomes=[], problems=[],
                                   conflicts=0, skipped=skipped)
        try:
            res = import_files(reg, [path])
        except QhsmeError as e:
            people.audit(app, "registry-import", label, f"未导入：{e}")
            return error(400, f"未导入：{e}", back="history")
        outcomes = [what for _, what in res.outcomes]
        problems = [str(p).replace(str(path), shown) for p in res.problems]
        people.audit(app, "registry-import", label, "；".join(outcomes + skipped)
                     + (f"；{len(res.conflicts)} 处与台账不一致" if res.conflicts else ""))
        return render_template("ledger_import.html", job=job, shown=shown, outcomes=outcomes, problems=problems,
                               conflicts=len(res.conflicts), skipped=skipped)

    @app.get("/audit")
    def audit_page():
        need_registry()
        acc = people.current()
        if acc is None:
            abort(404)                     # no named logins: no audit page
        if not acc.province:
            return error(403, "审计日志只有省厅账号可以查看。")
        from ..registry.accounts import ACTIONS, audit_rows
        who, what = request.args.get("account") or None, request.args.get("action") or None
        rows = audit_rows(reg, 500, account=who, action=what if what in ACTIONS else None)
        return render_template("audit.html", rows=rows, actions=ACTIONS, who=who or "", what=what or "")


def _own_city(path, job):
    """(the JSON to import, the applications left out): a 市州 account imports its own city's only."""
    acc = people.current()
    if acc is None or acc.province:
        return path, []
    doc = json.loads(path.read_text(encoding="utf-8"))
    keep, skipped = [], []
    for a in doc.get("applications") or []:
        a1 = (a.get("data") or {}).get("annex1") or {}
        if str(a1.get("city") or "").strip() == acc.city:
            keep.append(a)
        else:
            skipped.append(f"{a1.get('unit_name') or a.get('id')}：所在市（州）为“{a1.get('city') or '未填'}”，"
                           f"不属{acc.city}，未导入")
    if not skipped:
        return path, []
    if not keep:
        return None, skipped
    doc["applications"] = keep
    out = path.with_name(f"import-{acc.city}.json")
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return out, skipped
