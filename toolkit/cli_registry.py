"""``qhsme registry``: the bureau's 台账 of recognised platforms (articles 11–17).

Thin commands over ``toolkit.registry``; errors are ``QhsmeError`` and become
Chinese messages and exit codes in ``toolkit.cli`` (0 ok, 1 overdue or
conflicts, 2 unusable input).
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

DB_HELP = ("台账数据库：SQLite 文件路径（默认在用户数据目录中的 registry.sqlite3），"
           "或 PostgreSQL 地址 postgresql://用户:口令@主机/数据库（省市共用）。也可用环境变量 QHSME_DB。")


def _date(ctx, param, value):
    from .cli import _iso_date       # imported late: cli registers this group
    return _iso_date(ctx, param, value)


_db = click.option("--db", "db", envvar="QHSME_DB", help=DB_HELP)
_unit = click.option("--unit", required=True, help="单位名称（也可用统一社会信用代码或平台名称）。")


def _open(db, create: bool = False):
    from .registry.db import Registry
    return Registry(db, create=create)


@click.group()
def registry():
    """示范平台台账：导入申报数据和附件6，登记认定、撤消、投诉、处罚、报告，查看到期和逾期事项。

    依据第十一至十七条：公示、认定、（半）年度总结报告、三年有效期与复核、撤消称号的情形。
    """


@registry.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_db
@click.option("--replace", is_flag=True, help="与台账不一致的值以文件为准（逐项列出）；默认保留台账的值。")
def import_(files, db, replace):
    """导入申报数据文件、qhsme parse 的结果（.json/.yaml/.xlsx）和附件6汇总表（.xlsx 或数据文件）。

    同一文件导入两次不改动任何数据；平台按统一社会信用代码或单位名称对应（附件6按平台名称）。
    与台账不一致的值列出，不覆盖（退出码1）；有文件无法读取时不导入任何文件（退出码2）。
    """
    from .registry.store import import_files
    with _open(db, create=True) as reg:
        res = import_files(reg, files, replace=replace)
    for name, what in res.outcomes:
        click.echo(f"{name}：{what}")
    for p in res.problems:
        click.echo(str(p), err=True)
    if res.conflicts:
        click.echo(f"有 {len(res.conflicts)} 处与台账不一致或未能导入，见上。", err=True)
    sys.exit(1 if res.conflicts else 0)


def _event(db, unit, kind, on, **kw):
    from .registry.store import add_event
    with _open(db, create=kw.get("create", False)) as reg:
        click.echo(add_event(reg, unit, kind, on, **kw))


@registry.command()
@_unit
@click.option("--from", "start", required=True, callback=_date, help="公示开始日期。")
@click.option("--holidays", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="节假日文件（内置日历没有的年份，见 qhsme calendar --help）。")
@_db
def publicity(unit, start, holidays, db):
    """登记拟认定名单的公示（第十一条：公示若干个工作日，天数取自规章原文）；台账中没有该单位时新建。"""
    from .bureau.workdays import OFFICIAL, PUBLICITY_DAYS, load_holidays, publicity_end
    end = publicity_end(start, cal=load_holidays(holidays) if holidays else OFFICIAL)
    _event(db, unit, "publicity", start, note=end.isoformat(), create=True)
    click.echo(f"公示{PUBLICITY_DAYS}个工作日，至 {end.isoformat()}（第十一条）")


@registry.command()
@_unit
@click.option("--on", "on", required=True, callback=_date, help="认定日期（公布之日）。")
@click.option("--document", help="认定文号。")
@click.option("--credit-code", help="统一社会信用代码（18位）。")
@_db
def recognize(unit, on, document, credit_code, db):
    """登记授予称号（第十二条）或复核合格（第十五条）；台账中没有该单位时新建。"""
    _event(db, unit, "recognized", on, document=document, create=True, credit_code=credit_code)


@registry.command()
@_unit
@click.option("--on", "on", required=True, callback=_date, help="撤消日期。")
@click.option("--document", help="撤消文号。")
@click.option("--reason", help="撤消原因（第十六条的情形，或复核不合格）。")
@_db
def revoke(unit, on, document, reason, db):
    """登记撤消称号（第十五条复核不合格，或第十六条的情形）。"""
    _event(db, unit, "revoked", on, document=document, note=reason)


@registry.command()
@_unit
@click.option("--on", "on", required=True, callback=_date, help="投诉日期。")
@click.option("--note", required=True, help="投诉内容、投诉企业。")
@_db
def complaint(unit, on, note, db):
    """登记中小企业的投诉（第十六条：被投诉2次以上的撤消称号）。"""
    _event(db, unit, "complaint", on, note=note)


@registry.command()
@_unit
@click.option("--kind", required=True, type=click.Choice(["admin", "judicial", "blacklist"]),
              help="admin：受到有关行政部门处分；judicial：被司法机关处罚；blacklist：被列入“信用青海”征信系统黑名单。")
@click.option("--on", "on", required=True, callback=_date, help="处分、处罚或列入黑名单的日期。")
@click.option("--note", help="文号、说明。")
@_db
def penalty(unit, kind, on, note, db):
    """登记处分、处罚或列入“信用青海”黑名单（第十六条）。"""
    kinds = {"admin": "admin_penalty", "judicial": "judicial_penalty", "blacklist": "credit_blacklist"}
    _event(db, unit, kinds[kind], on, note=note)


@registry.command()
@_unit
@click.option("--period", required=True, help="报告期：上半年 2026H1，全年 2026。")
@click.option("--received", "received", required=True, callback=_date, help="收到日期。")
@_db
def report(unit, period, received, db):
    """登记收到（半）年度总结报告（第十四条：8月底、次年2月底前）。"""
    _event(db, unit, "report", received, period=period)


@registry.command()
@click.option("--as-of", "as_of", callback=_date, help="按哪一天判断（默认今天）。")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "xlsx"]), default="text", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="写入文件（xlsx 必须给出）。")
@_db
def status(as_of, fmt, out, db):
    """各平台的有效期与复核（第十五条）、总结报告待报或逾期（第十四条）、撤消称号的情形（第十六条）。

    有逾期或撤消情形时退出码为 1。
    """
    from .check.config import CheckConfig
    from .datafile import write_atomic
    from .registry import status as st
    as_of = as_of or dt.date.today()
    with _open(db) as reg, reg.read() as conn:
        items = st.load(conn, as_of, CheckConfig().max_complaints)
    if fmt == "xlsx":
        if not out:
            raise click.UsageError("--format xlsx 须用 --out 给出文件")
        from .registry.export import status_workbook
        write_atomic(out, status_workbook(items))
        click.echo(f"已写入 {out}")
    else:
        text = st.to_json(items, as_of) if fmt == "json" else st.to_text(items, as_of)
        if out:
            write_atomic(out, text.encode("utf-8"))
            click.echo(f"已写入 {out}")
        else:
            click.echo(text, nl=False)
    sys.exit(1 if any(s.overdue for s in items) else 0)


@registry.command("export")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="输出 .xlsx 文件。")
@click.option("--as-of", "as_of", callback=_date, help="状态按哪一天判断（默认今天）。")
@_db
def export_(out, as_of, db):
    """导出台账（.xlsx）：各平台状态、历年附件6数据、登记的事项。"""
    from .datafile import write_atomic
    from .errors import InputError
    from .registry.export import export_workbook
    if out.suffix.lower() != ".xlsx":
        raise InputError("输出文件须为 .xlsx", file=str(out))
    with _open(db) as reg:
        write_atomic(out, export_workbook(reg, as_of or dt.date.today()))
    click.echo(f"已写入 {out}")


@registry.group()
def account():
    """网页的实名账号：省厅（看全部市州、审计日志）和市州（只看本市州的平台）。

    有账号后 qhsme serve --db 同一数据库时须用账号登录；账号只停用、不删除（审计日志保留）。
    """


@account.command("add")
@click.option("--name", required=True, help="账号名（姓名或工号）。")
@click.option("--role", required=True, type=click.Choice(["省厅", "市州"]), help="省厅：全部市州；市州：只看本市州。")
@click.option("--city", help="市州账号所在的市（州），如 西宁市。")
@_db
def account_add(name, role, city, db):
    """新建账号；口令在提示时输入两次（或从标准输入读一行），不写在命令行上。"""
    from .registry.accounts import add_account
    if sys.stdin.isatty():
        password = click.prompt("口令", hide_input=True, confirmation_prompt="再输入一次")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    with _open(db, create=True) as reg:
        acc = add_account(reg, name, password, role, city)
    click.echo(f"已新建账号 {acc.name}（{acc.role}{'，' + acc.city if acc.city else ''}）")


@account.command("disable")
@click.option("--name", required=True, help="账号名。")
@_db
def account_disable(name, db):
    """停用账号：不能再登录，已登录的网页立即失效。"""
    from .registry.accounts import disable_account
    with _open(db) as reg:
        disable_account(reg, name)
    click.echo(f"已停用账号 {name}")


@account.command("list")
@_db
def account_list(db):
    """列出账号（角色、市州、建立和停用时间）。"""
    from .registry.accounts import list_accounts
    with _open(db) as reg:
        rows = list_accounts(reg)
    if not rows:
        click.echo("还没有账号（网页使用启动口令）。")
    for r in rows:
        state = f"已停用 {r.disabled_at:%Y-%m-%d %H:%M}" if r.disabled_at else "使用中"
        click.echo(f"{r.name}\t{r.role}\t{r.city or '全部市州'}\t建立 {r.created_at:%Y-%m-%d %H:%M}\t{state}")
