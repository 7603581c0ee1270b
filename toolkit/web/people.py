"""Named logins of the web page, over the registry database (``--db``).

When the database has an account in use, every page asks for a named login
(name and password, checked against the werkzeug hash in ``accounts``); the
start token is then not accepted.  Each request looks the session's account up
again, so a disabled account is signed out at once.  Wrong passwords are
throttled per client as wrong tokens are (``guard.Throttle``).  Who did what
(logins, uploads, downloads, imports) goes into the ``audit`` table.

A 市州 account sees only the jobs it submitted and its own city's platforms; a
省厅 account sees every job, every city and the audit log.
"""
from __future__ import annotations

from flask import g, has_request_context, redirect, render_template, request, session

from ..registry.accounts import Account, check_login, get_account, has_accounts, record


def open_registry(app, cfg):
    """The registry named by ``cfg.db`` (None without one); the app's login rule."""
    reg = None
    if cfg.db:
        from ..registry.db import Registry
        reg = Registry(cfg.db, create=True)
    app.extensions["qhsme_registry"] = reg
    app.extensions["qhsme_login_required"] = lambda: login_required(app)
    return reg


def registry(app):
    return app.extensions.get("qhsme_registry")


def accounts_on(app) -> bool:
    """Whether named logins are required (the database has an account in use)."""
    reg = registry(app)
    if reg is None:
        return False
    if not has_request_context():                  # waitress's header check, before the app runs
        return has_accounts(reg)
    if "qhsme_accounts_on" not in g:
        g.qhsme_accounts_on = has_accounts(reg)
    return g.qhsme_accounts_on


def login_required(app) -> bool:
    return bool(app.config["QHSME"].token) or accounts_on(app)


def signed_in(app) -> bool:
    """Whether the session is an enabled account's (remembered for the request)."""
    if "qhsme_account" not in g:
        name = session.get("account") if session.get("auth") else None
        g.qhsme_account = get_account(registry(app), name) if name else None
        if name and g.qhsme_account is None:
            session.clear()                        # disabled (or removed) since the login
    return g.qhsme_account is not None


def current() -> Account | None:
    return g.get("qhsme_account")


def audit(app, action: str, obj: str = "", detail: str = "", account: str | None = None) -> None:
    """One audit row (nothing without a registry database)."""
    reg = registry(app)
    if reg is None:
        return
    acc = current()
    record(reg, account or (acc.name if acc else None), action, obj, detail)


def own_job(app, job):
    """``job`` when this login may see it (its own, or any for 省厅), else None."""
    if job is None or not accounts_on(app):
        return job
    acc = current()
    if acc is None or not (acc.province or job.owner == acc.name):
        return None
    return job


def login_page(app, nxt: str, throttle, client, locked):
    """The named login: GET the form; POST name and password."""
    if signed_in(app):
        return redirect(nxt)
    wrong = False
    if request.method == "POST":
        wait = throttle.wait(client())
        if wait:
            return locked(wait)
        name = request.form.get("name", "").strip()
        acc = check_login(registry(app), name, request.form.get("password", ""))
        if acc is not None:
            throttle.passed(client())
            session.clear()
            session["auth"], session["account"] = True, acc.name
            g.qhsme_account = acc
            audit(app, "login", acc.name, client())
            return redirect(nxt)
        audit(app, "login-failed", name[:100], client())
        if throttle.failed(client()):
            return locked(throttle.wait(client()))
        wrong = True
    return render_template("login.html", next=nxt, wrong=wrong, named=True), (403 if wrong else 200)
