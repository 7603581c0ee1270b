"""Named accounts of the web page and the audit log (migration 0003).

An account is a person at a city bureau (市州: sees its own city's platforms) or at
the province (省厅: sees every city, and the audit log).  Passwords are kept only
as werkzeug hashes (scrypt); an account is disabled, never deleted, so the audit
log keeps naming who did what.  The audit log holds who uploaded, downloaded,
imported or changed what, and every login, logout and wrong password: these files
hold personal data (names, phone numbers).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from ..errors import InputError
from ..model.annexes import CITIES
from .schema import accounts, audit

CITY, PROVINCE = "市州", "省厅"
ROLES = (PROVINCE, CITY)
MIN_PASSWORD = 8
COMMAND_LINE = "（命令行）"       # who changed accounts (qhsme registry account …)
# checked when the name is unknown, so a wrong name takes as long as a wrong password
_DUMMY = None


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    city: str | None = None

    @property
    def province(self) -> bool:
        return self.role == PROVINCE

    def sees(self, city: str | None) -> bool:
        """Whether this account may see a platform of ``city``."""
        return self.province or (city or "").strip() == self.city


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def _hash(password: str) -> str:
    from werkzeug.security import generate_password_hash
    return generate_password_hash(password, method="scrypt")


def add_account(reg, name: str, password: str, role: str, city: str | None = None) -> Account:
    name, city = (name or "").strip(), (city or "").strip() or None
    if not name:
        raise InputError("账号名不能为空")
    if role not in ROLES:
        raise InputError(f"角色只能是 {'、'.join(ROLES)}（给的是“{role}”）")
    if role == CITY and city not in CITIES:
        raise InputError("市州账号须用 --city 给出所在市（州）：" + "、".join(CITIES))
    if role == PROVINCE:
        city = None
    if len(password or "") < MIN_PASSWORD:
        raise InputError(f"口令太短：至少 {MIN_PASSWORD} 个字符")
    with reg.write() as conn:
        if conn.scalar(sa.select(accounts.c.id).where(accounts.c.name == name)) is not None:
            raise InputError(f"账号“{name}”已存在（停用的账号也不能重名）；请换一个名字")
        conn.execute(accounts.insert().values(name=name, password_hash=_hash(password), role=role, city=city,
                                              created_at=_now()))
        _write(conn, COMMAND_LINE, "account-add", name, f"{role} {city or ''}".strip())
    return Account(name, role, city)


def disable_account(reg, name: str) -> None:
    with reg.write() as conn:
        row = conn.execute(sa.select(accounts).where(accounts.c.name == name)).first()
        if row is None:
            raise InputError(f"没有账号“{name}”；用 qhsme registry account list 查看")
        if row.disabled_at is None:
            conn.execute(accounts.update().where(accounts.c.id == row.id).values(disabled_at=_now()))
            _write(conn, COMMAND_LINE, "account-disable", name, "")


def list_accounts(reg) -> list:
    with reg.read() as conn:
        return conn.execute(sa.select(accounts.c.name, accounts.c.role, accounts.c.city, accounts.c.created_at,
                                      accounts.c.disabled_at).order_by(accounts.c.id)).all()


def has_accounts(reg) -> bool:
    """Whether any account is in use (then the web page asks for a named login)."""
    with reg.read() as conn:
        return conn.scalar(sa.select(accounts.c.id).where(accounts.c.disabled_at.is_(None)).limit(1)) is not None


def get_account(reg, name: str | None) -> Account | None:
    """The enabled account ``name`` (None when unknown or disabled)."""
    if not name:
        return None
    with reg.read() as conn:
        row = conn.execute(sa.select(accounts).where(accounts.c.name == name,
                                                     accounts.c.disabled_at.is_(None))).first()
    return Account(row.name, row.role, row.city) if row else None


def check_login(reg, name: str, password: str) -> Account | None:
    """The account when ``password`` is its password (and it is enabled), else None."""
    from werkzeug.security import check_password_hash
    global _DUMMY
    with reg.read() as conn:
        row = conn.execute(sa.select(accounts).where(accounts.c.name == (name or "").strip())).first()
    if row is None:
        _DUMMY = _DUMMY or _hash("qhsme-no-such-account")
        check_password_hash(_DUMMY, password or "")
        return None
    if not check_password_hash(row.password_hash, password or "") or row.disabled_at is not None:
        return None
    return Account(row.name, row.role, row.city)


# ---------------------------------------------------------------- the audit log

ACTIONS = {
    "login": "登录", "logout": "退出登录", "login-failed": "登录失败", "upload": "上传",
    "download": "下载", "registry-import": "导入台账", "registry-export": "导出台账",
    "registry-view": "查看台账", "account-add": "新建账号", "account-disable": "停用账号",
}


def _write(conn, account: str | None, action: str, obj: str = "", detail: str = "") -> None:
    conn.execute(audit.insert().values(at=_now(), account=account, action=action, object=(obj or "")[:500],
                                       detail=detail or ""))


def record(reg, account: str | None, action: str, obj: str = "", detail: str = "") -> None:
    """One audit row, in its own transaction."""
    with reg.write() as conn:
        _write(conn, account, action, obj, detail)


def audit_rows(reg, limit: int = 500, account: str | None = None, action: str | None = None) -> list:
    """The newest audit rows first."""
    q = sa.select(audit).order_by(audit.c.id.desc()).limit(limit)
    if account:
        q = q.where(audit.c.account == account)
    if action:
        q = q.where(audit.c.action == action)
    with reg.read() as conn:
        return conn.execute(q).all()
