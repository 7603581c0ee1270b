"""The registry database: SQLite by default, PostgreSQL by URL (QHSME_TEST_PG), Alembic migrations
that upgrade an older database with its data, and refusal of a file that is not a qhsme registry."""
import datetime as dt
import os

import pytest
import sqlalchemy as sa

from conftest import unavailable
from toolkit.errors import InputError
from toolkit.registry import db as regdb
from toolkit.registry.schema import metadata

PG_ENV = "QHSME_TEST_PG"


def pg_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        unavailable(f"需要 PostgreSQL（设置 {PG_ENV}=postgresql+psycopg://用户:口令@主机/数据库）")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("需要 Python 包 psycopg（pip install 'psycopg[binary]'）")
    return url


def fresh_pg() -> str:
    """The test database emptied (every test starts from nothing)."""
    url = pg_url()
    eng = sa.create_engine(sa.make_url(url).set(drivername="postgresql+psycopg"))
    with eng.begin() as c:
        c.exec_driver_sql("DROP SCHEMA public CASCADE")
        c.exec_driver_sql("CREATE SCHEMA public")
    eng.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A new, empty registry database of each kind (``--db`` value)."""
    if request.param == "sqlite":
        return str(tmp_path / "台账.sqlite3")
    return fresh_pg()


def test_a_new_database_is_at_head_and_matches_the_schema_module(db_url):
    with regdb.Registry(db_url) as reg, reg.read() as conn:
        assert regdb.current(conn) == regdb.head() == regdb.HEAD
        insp = sa.inspect(conn)
        for table in metadata.sorted_tables:
            got = {c["name"] for c in insp.get_columns(table.name)}
            assert got == {c.name for c in table.columns}, table.name


def test_migration_1_with_data_upgraded_to_head_keeps_it(db_url):
    reg = regdb.Registry.__new__(regdb.Registry)          # open without migrating, then to revision 1
    reg.url, reg.name = regdb.resolve(db_url)
    reg.sqlite = reg.url.drivername == "sqlite"
    reg.engine = sa.create_engine(reg.url)
    if reg.sqlite:
        sa.event.listen(reg.engine, "connect", regdb._sqlite_connect)
        sa.event.listen(reg.engine, "begin", regdb._sqlite_begin)
    regdb.migrate(reg, "0001")
    now = dt.datetime(2026, 1, 1)
    with reg.write() as c:
        assert regdb.current(c) == "0001"
        assert "record" not in {x["name"] for x in sa.inspect(c).get_columns("platforms")}
        c.execute(sa.text("INSERT INTO platforms (unit_name, platform_name, city, created_at) "
                          "VALUES ('甲单位', '甲平台', '西宁市', :t)"), {"t": now})
        pid = c.execute(sa.text("SELECT id FROM platforms")).scalar()
        c.execute(sa.text("INSERT INTO events (platform_id, kind, on_date, created_at) "
                          "VALUES (:p, 'recognized', :d, :t)"), {"p": pid, "d": dt.date(2024, 3, 20), "t": now})
    reg.close()
    with regdb.Registry(db_url) as reg2, reg2.read() as c:               # a newer qhsme opens it
        assert regdb.current(c) == regdb.head() != "0001"
        assert c.execute(sa.text("SELECT unit_name, city FROM platforms")).one() == ("甲单位", "西宁市")
        assert c.execute(sa.text("SELECT kind, on_date FROM events")).one()[0] == "recognized"
        assert "record" in {x["name"] for x in sa.inspect(c).get_columns("platforms")}


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    f = tmp_path / "notes.sqlite3"
    f.write_bytes(b"not a database\n" * 10)
    with pytest.raises(InputError) as e:
        regdb.Registry(str(f))
    assert str(f) in str(e.value) and "不是 SQLite" in str(e.value)
    assert f.read_bytes() == b"not a database\n" * 10


def test_another_programs_sqlite_database_is_refused_untouched(tmp_path):
    f = tmp_path / "other.db"
    eng = sa.create_engine(f"sqlite:///{f}")
    with eng.begin() as c:
        c.exec_driver_sql("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    eng.dispose()
    with pytest.raises(InputError) as e:
        regdb.Registry(str(f))
    assert "不是 qhsme 台账" in str(e.value)
    eng = sa.create_engine(f"sqlite:///{f}")
    assert sa.inspect(eng).get_table_names() == ["customers"]
    eng.dispose()


def test_a_database_from_a_newer_qhsme_is_refused(tmp_path):
    f = tmp_path / "r.sqlite3"
    regdb.Registry(str(f)).close()
    eng = sa.create_engine(f"sqlite:///{f}")
    with eng.begin() as c:
        c.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    eng.dispose()
    with pytest.raises(InputError) as e:
        regdb.Registry(str(f))
    assert "9999" in str(e.value) and "升级 qhsme" in str(e.value)


def test_the_default_database_and_qhsme_db(tmp_path, monkeypatch):
    monkeypatch.delenv("QHSME_DB", raising=False)
    url, name = regdb.resolve(None)
    assert name.endswith("registry.sqlite3") and url.drivername == "sqlite"
    monkeypatch.setenv("QHSME_DB", str(tmp_path / "x.sqlite3"))
    assert regdb.resolve(None)[1] == str(tmp_path / "x.sqlite3")
    url, name = regdb.resolve("postgresql://clerk:secret@db.example/qh")
    assert url.drivername == "postgresql+psycopg" and "secret" not in name
    with pytest.raises(InputError):
        regdb.resolve("mysql://a@b/c")
