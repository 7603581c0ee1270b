"""Named accounts and the audit log (migration 0003): scrypt hashes, never the password; roles
省厅 / 市州 (a 市州 account has a city); disabled, never deleted; ``qhsme registry account``
reads the password from a prompt or stdin, never from an argument; a 0002 database with data
upgraded to 0003 keeps it."""
import datetime as dt

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from test_registry_db import db_url  # noqa: F401 - the fixture (SQLite and PostgreSQL)
from toolkit.cli import main
from toolkit.errors import InputError
from toolkit.registry import db as regdb
from toolkit.registry.accounts import (add_account, audit_rows, check_login, disable_account, get_account,
                                       has_accounts, list_accounts, record)


def test_migration_2_with_data_upgraded_to_3_keeps_it_and_adds_accounts_and_audit(db_url):
    reg = regdb.Registry.__new__(regdb.Registry)          # open without migrating, then to revision 2
    reg.url, reg.name = regdb.resolve(db_url)
    reg.sqlite = reg.url.drivername == "sqlite"
    reg.engine = sa.create_engine(reg.url)
    if reg.sqlite:
        sa.event.listen(reg.engine, "connect", regdb._sqlite_connect)
        sa.event.listen(reg.engine, "begin", regdb._sqlite_begin)
    regdb.migrate(reg, "0002")
    with reg.write() as c:
        assert regdb.current(c) == "0002" and not sa.inspect(c).has_table("accounts")
        c.execute(sa.text("INSERT INTO platforms (unit_name, city, created_at, record) "
                          "VALUES ('甲单位', '西宁市', :t, :r)"), {"t": dt.datetime(2026, 1, 1), "r": '{"complaints": 1}'})
    reg.close()
    with regdb.Registry(db_url) as reg2:
        with reg2.read() as c:
            assert regdb.current(c) == "0003" == regdb.HEAD
            assert c.execute(sa.text("SELECT unit_name, city FROM platforms")).one() == ("甲单位", "西宁市")
            assert sa.inspect(c).has_table("accounts") and sa.inspect(c).has_table("audit")
        assert not has_accounts(reg2)
        add_account(reg2, "张处长", "省厅口令12345", "省厅")
        assert has_accounts(reg2)


def test_password_kept_as_a_scrypt_hash_and_checked(tmp_path):
    with regdb.Registry(tmp_path / "r.sqlite3") as reg:
        add_account(reg, "李科长", "xining-2026!", "市州", "西宁市")
        with reg.read() as c:
            h = c.execute(sa.text("SELECT password_hash FROM accounts")).scalar()
        assert h.startswith("scrypt:") and "xining-2026!" not in h
        acc = check_login(reg, "李科长", "xining-2026!")
        assert acc is not None and acc.role == "市州" and acc.city == "西宁市"
        assert acc.sees("西宁市") and not acc.sees("海东市") and not acc.sees(None)
        assert check_login(reg, "李科长", "wrong-password") is None
        assert check_login(reg, "没有此人", "xining-2026!") is None


def test_roles_cities_and_names_are_checked(tmp_path):
    with regdb.Registry(tmp_path / "r.sqlite3") as reg:
        with pytest.raises(InputError, match="--city"):
            add_account(reg, "甲", "12345678", "市州")                  # a 市州 account needs its city
        with pytest.raises(InputError, match="--city"):
            add_account(reg, "甲", "12345678", "市州", "北京市")
        with pytest.raises(InputError, match="角色"):
            add_account(reg, "甲", "12345678", "管理员")
        with pytest.raises(InputError, match="太短"):
            add_account(reg, "甲", "1234", "省厅")
        assert add_account(reg, "甲", "12345678", "省厅", "西宁市").city is None    # 省厅: every city
        with pytest.raises(InputError, match="已存在"):
            add_account(reg, "甲", "87654321", "省厅")
        assert list_accounts(reg)[0].name == "甲"


def test_a_disabled_account_cannot_log_in_and_is_kept_with_its_audit_rows(tmp_path):
    with regdb.Registry(tmp_path / "r.sqlite3") as reg:
        add_account(reg, "王科员", "haidong-pw", "市州", "海东市")
        record(reg, "王科员", "download", "解析汇总.xlsx")
        disable_account(reg, "王科员")
        assert check_login(reg, "王科员", "haidong-pw") is None and get_account(reg, "王科员") is None
        assert not has_accounts(reg)
        assert list_accounts(reg)[0].disabled_at is not None
        actions = [(r.account, r.action) for r in audit_rows(reg)]
        assert actions == [("（命令行）", "account-disable"), ("王科员", "download"), ("（命令行）", "account-add")]
        with pytest.raises(InputError, match="没有账号"):
            disable_account(reg, "没有此人")


def test_account_commands_read_the_password_from_stdin_not_an_argument(tmp_path):
    db = str(tmp_path / "r.sqlite3")
    run = CliRunner().invoke
    r = run(main, ["registry", "account", "add", "--name", "李科长", "--role", "市州", "--city", "西宁市",
                   "--db", db], input="xining-2026!\n")
    assert r.exit_code == 0, r.output
    assert "已新建账号 李科长（市州，西宁市）" in r.output and "xining-2026!" not in r.output
    r = run(main, ["registry", "account", "add", "--name", "x", "--role", "省厅", "--password", "p", "--db", db])
    assert r.exit_code == 2 and "--password" in r.output              # no such option
    r = run(main, ["registry", "account", "list", "--db", db])
    assert "李科长\t市州\t西宁市" in r.output and "使用中" in r.output
    r = run(main, ["registry", "account", "disable", "--name", "李科长", "--db", db])
    assert r.exit_code == 0 and "已停用" in r.output
    assert "已停用" in run(main, ["registry", "account", "list", "--db", db]).output
    with regdb.Registry(db) as reg:
        assert check_login(reg, "李科长", "xining-2026!") is None
