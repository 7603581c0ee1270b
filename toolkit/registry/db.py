"""Open the registry database and bring it to the newest schema.

``--db`` is a file path (SQLite, the default: ``registry.sqlite3`` in the user's
data directory, or ``$QHSME_DB``) or a PostgreSQL URL (``postgresql://user:pw@host/db``)
for a province database shared by the city bureaus.  Opening it runs the Alembic
migrations that ship in ``migrations/``, so a newer qhsme upgrades an older database.

Writers never interleave: on SQLite a write transaction starts with
``BEGIN IMMEDIATE`` (the second clerk waits, up to 60 s), on PostgreSQL it takes
a transaction-level advisory lock.  Every command is one transaction: it is
committed whole or not at all.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event, exc

from ..errors import InputError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
LOCK_KEY = 0x71_68_73_6D_65        # "qhsme": the advisory lock of writers on PostgreSQL
BUSY_MS = 60_000
HEAD = "0003"              # the newest migration (a test checks Alembic agrees): no Alembic import when at head
SQLITE_MAGIC = b"SQLite format 3\x00"


def default_path() -> Path:
    from platformdirs import user_data_dir
    return Path(user_data_dir("qhsme", appauthor=False)) / "registry.sqlite3"


def resolve(db: str | os.PathLike | None) -> tuple[sa.URL, str]:
    """(SQLAlchemy URL, what to call it in messages) of ``--db`` / ``$QHSME_DB`` / the default."""
    raw = str(db) if db else os.environ.get("QHSME_DB") or str(default_path())
    if "://" not in raw:
        path = Path(raw).expanduser().resolve()
        return sa.URL.create("sqlite", database=str(path)), str(path)
    try:
        url = sa.make_url(raw)
    except exc.ArgumentError:
        raise InputError("数据库地址格式不对；应为文件路径或 postgresql://用户:口令@主机/数据库", file=_hide(raw))
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        url = url.set(drivername="postgresql+psycopg")
    elif url.drivername != "sqlite":
        raise InputError("只支持 SQLite 文件和 PostgreSQL 数据库（postgresql://…）", file=_hide(raw))
    return url, url.render_as_string(hide_password=True)


def _hide(raw: str) -> str:
    head, at, tail = raw.rpartition("@")
    return ("".join(head.rpartition(":")[:1]) + ":***@" + tail) if at and ":" in head.split("//", 1)[-1] else raw


class Registry:
    """An open registry database."""

    def __init__(self, db=None, *, create: bool = True):
        """``create``: make a new SQLite file when there is none (else refuse: a mistyped path)."""
        self.url, self.name = resolve(db)
        self.sqlite = self.url.drivername == "sqlite"
        if self.sqlite:
            if not create and not Path(self.url.database).exists():
                raise InputError("台账数据库文件不存在；请检查 --db 路径（先用 qhsme registry import 建立台账）",
                                 file=self.name)
            _check_sqlite_file(Path(self.url.database), self.name)
            self.engine = sa.create_engine(self.url, connect_args={"timeout": BUSY_MS / 1000})
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:
            self.engine = sa.create_engine(self.url, pool_pre_ping=True)
            event.listen(self.engine, "begin", _pg_begin)
        migrate(self)

    @contextmanager
    def write(self):
        """One write transaction, serialised with every other writer."""
        with self._errors(), self.engine.connect() as conn:
            conn = conn.execution_options(qhsme_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def read(self):
        with self._errors(), self.engine.connect() as conn:
            with conn.begin():
                yield conn

    @contextmanager
    def _errors(self):
        try:
            yield
        except exc.OperationalError as e:
            if "locked" in _reason(e):
                raise InputError(f"数据库正由他人写入，等待{BUSY_MS // 1000}秒仍未轮到，未作任何改动；请稍后重试",
                                 file=self.name) from None
            raise InputError(f"数据库无法使用（{_reason(e)}）；请检查 --db 给出的数据库", file=self.name) from None
        except exc.DatabaseError as e:
            raise InputError(f"数据库拒绝了写入（{_reason(e)}），未作任何改动", file=self.name) from None

    def close(self):
        self.engine.dispose()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


def _reason(e: exc.DBAPIError) -> str:
    return str(getattr(e, "orig", e)).strip().splitlines()[0][:200]


def _check_sqlite_file(path: Path, name: str) -> None:
    if path.is_dir():
        raise InputError("这是一个文件夹，不是数据库文件", file=name)
    if path.exists() and path.stat().st_size:
        with path.open("rb") as fh:
            if fh.read(16) != SQLITE_MAGIC:
                raise InputError("不是 SQLite 数据库文件（不是 qhsme 台账），未改动；请检查 --db 路径", file=name)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)


def _sqlite_connect(dbapi_conn, _record):
    dbapi_conn.isolation_level = None          # SQLAlchemy's begin event issues BEGIN itself
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_MS}")
    cur.close()


def _sqlite_begin(conn):
    write = conn.get_execution_options().get("qhsme_write")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _pg_begin(conn):
    if conn.get_execution_options().get("qhsme_write"):
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_KEY})")


# ---------------------------------------------------------------- migrations

def _alembic_config(conn=None):
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def head() -> str:
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current(conn) -> str | None:
    from alembic.runtime.migration import MigrationContext
    return MigrationContext.configure(conn).get_current_revision()


def migrate(reg: Registry, target: str = "head") -> None:
    """Upgrade the database to ``target`` (the newest schema), refusing a foreign or newer one."""
    if target == "head":
        with reg.read() as conn:
            if _version(conn) == HEAD:
                return
    from alembic import command
    from alembic.script import ScriptDirectory
    script = ScriptDirectory.from_config(_alembic_config())
    want = script.get_current_head() if target == "head" else target
    with reg.read() as conn:
        rev = current(conn)
        tables = set(sa.inspect(conn).get_table_names())
    if rev == want:
        return
    known = {r.revision for r in script.walk_revisions()}
    if rev is None and tables - {"alembic_version"}:
        raise InputError("数据库中已有别的表，不是 qhsme 台账数据库，未改动；请换一个数据库", file=reg.name)
    if rev is not None and rev not in known:
        raise InputError(f"数据库版本（{rev}）比本程序新，请升级 qhsme 后再用", file=reg.name)
    with reg.write() as conn:
        if current(conn) != want:
            command.upgrade(_alembic_config(conn), target)


def _version(conn) -> str | None:
    """The database's migration, read directly (None when there is none yet)."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
