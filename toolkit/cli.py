"""The ``qhsme`` command.  Each command parses its arguments, makes one library
call and prints; library errors become Chinese messages and exit codes.

Exit codes: 0 ok, 1 the data has problems, 2 usage error or unreadable input.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .bureau.workdays import PUBLICITY_DAYS
from .errors import QhsmeError


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except QhsmeError as e:
            for p in getattr(e, "problems", ()):
                click.echo(str(p), err=True)
            click.echo(f"错误：{e}", err=True)
            ctx.exit(e.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qhsme")
def main():
    """青海省中小企业公共服务示范平台 申报材料工具 (qhsme).

    生成可填写的附件1–7（Word/PDF），解析回收的表格，按认定管理办法检查，装订申报材料。
    """


@main.command()
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="写入文件；不给则打印到屏幕。")
def schema(out):
    """打印申报数据文件的 JSON Schema（由附件模型生成）。"""
    from .datafile import write_atomic
    from .schema import json_schema
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if out:
        write_atomic(out, text.encode("utf-8"))
        click.echo(f"已写入 {out}")
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="输出格式。")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="把校验并规范化后的数据写入此文件（.json/.yaml）。")
def validate(data, fmt, out):
    """逐项校验申报数据文件 DATA（YAML/JSON）的格式：日期、电话、邮编、金额、百分比、必填项。

    发现错误时退出码为 1，并列出每个问题所在的附件、行、字段。
    """
    from .datafile import load, save
    from .problems import group_problems, has_errors
    from .validate import validate as run
    result = run(load(data))
    for p in result.problems:
        p.file = str(data)
    result.problems[:] = group_problems(result.problems)
    if fmt == "json":
        click.echo(json.dumps({"file": str(data), "ok": result.ok,
                               "problems": [p.to_dict() for p in result.problems]},
                              ensure_ascii=False, indent=2))
    else:
        for p in result.problems:
            click.echo(str(p))
        errors = sum(p.severity == "错误" for p in result.problems)
        warnings = len(result.problems) - errors
        click.echo(f"{data}：{'通过' if result.ok else '未通过'}，错误 {errors} 个，警告或提示 {warnings} 个。")
    if out:
        save(result.data, out)
    sys.exit(1 if has_errors(result.problems) else 0)


@main.command()
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="输出目录。")
@click.option("--sample", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="用哪份申报数据（默认：自带的西宁市完整示例）。")
def demo(out, sample):
    """用自带示例走一遍全流程：校验、生成表格、填写、解析、检查、装订。"""
    from .demo import run_demo
    for line in run_demo(out, sample):
        click.echo(line)


def _iso_date(ctx, param, value):
    """A click callback: a date typed as the forms accept it (2026-03-15, 2026年3月15日…)."""
    import datetime as dt
    if value is None:
        return None
    from .normalize import BadValue, normalize
    from .model import Field, FieldType
    try:
        return dt.date.fromisoformat(normalize(Field("d", param.name, FieldType.DATE), value))
    except BadValue as e:
        raise click.BadParameter(e.message)


@main.command()
@click.option("--recognized-on", callback=_iso_date,
              help="认定日期，如 2026-03-20 或 2026年3月20日。")
@click.option("--year", type=int, help="只列出这一年的事项。")
@click.option("--ics", "ics", type=click.Path(dir_okay=False, path_type=Path),
              help="另存为日历文件（.ics），可导入手机或Outlook日历。")
@click.option("--publicity-from", "publicity_from", callback=_iso_date,
              help=f"公示开始日期：打印{PUBLICITY_DAYS}个工作日公示的最后一天（第十一条；当天是工作日则计入）。")
@click.option("--holidays", "holidays", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="节假日文件（YAML/JSON，按国务院办公厅节假日安排通知填写：year、holidays、workdays），"
                   "用于内置日历没有的年份。")
def calendar(recognized_on, year, ics, publicity_from, holidays):
    """列出示范平台的报送期限：半年/年度总结报告（第十四条）、附件6汇总表、三年有效期届满复核（第十五条）。"""
    if publicity_from:
        from .bureau.workdays import publicity_text
        click.echo(publicity_text(publicity_from, holidays))
        if not recognized_on:
            return
    if not recognized_on:
        raise click.UsageError("请给出 --recognized-on（认定日期）或 --publicity-from（公示开始日期）")
    from .bureau.calendar import deadlines, to_ics, to_text
    from .datafile import write_atomic
    items = deadlines(recognized_on, year)
    click.echo(to_text(items), nl=False)
    if ics:
        write_atomic(ics, to_ics(items, recognized_on).encode("utf-8"))
        click.echo(f"已写入日历文件 {ics}")


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--year", type=int, required=True, help="汇总年度，如 2025。")
@click.option("--previous", type=click.Path(path_type=Path),
              help="上一年度的汇总表（本工具生成的 .xlsx，或含附件6的数据文件），用于计算累计数和同比增长。")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="输出文件：.xlsx（也可 .docx、.pdf）。")
@click.option("--bureau", help="市（州）/园区工信局名称。")
@click.option("--filler", help="填报人。")
@click.option("--phone", "filler_phone", help="联系电话。")
@click.option("--date", "fill_date", help="填报时间（默认今天）。")
@click.option("--db", "db", help="台账数据库（见 qhsme registry --help）：上一年度数据从台账取，用于累计数和同比增长。")
def summary(inputs, year, previous, out, bureau, filler, filler_phone, fill_date, db):
    """汇总各示范平台数据，生成某年度的附件6《运营情况汇总表》。

    INPUTS 为各平台的申报数据文件（YAML/JSON，含附件1或附件6）、各平台交回的附件6 Excel表（.xlsx），
    或其所在文件夹。
    """
    from .bureau.service import make_summary
    result = make_summary(inputs, year, out, previous=previous, header=dict(
        bureau=bureau, filler=filler, filler_phone=filler_phone, fill_date=fill_date), db=db)
    for p in result.notes:
        click.echo(str(p))
    click.echo(f"已汇总 {len(result.rows)} 个平台，写入 {out}")


@main.command()
@click.argument("manifest", type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="输出目录。")
@click.option("--copies", type=click.IntRange(1, 2), default=2, show_default=True,
              help="份数：2 为正本、副本各一份（第九条：一式两份）。")
@click.option("--duplex", is_flag=True, help="双面打印：每项材料从右页（奇数页）开始，不足补空白页。")
@click.option("--draft", is_flag=True, help="草稿：缺少的材料以“缺：……”占位页代替，不拒绝装订。")
@click.option("--package", is_flag=True, help="同时生成电子版压缩包：装订本、分项PDF、数据JSON/Excel、目录。")
def dossier(manifest, out, copies, duplex, draft, package):
    """按第九条顺序装订申报材料：封面、目录、各项材料、页码（第N页 共M页）、书签。

    MANIFEST 为装订清单（YAML），示例见 samples/dossier.yaml。缺项时拒绝装订并列出缺少的材料（退出码1），
    加 --draft 则以占位页代替。
    """
    from .dossier.bind import bind
    result = bind(manifest, out, copies=copies, duplex=duplex, draft=draft, package=package)
    for item in result.missing:
        click.echo(f"[草稿] 缺少：{item.label}（已插入占位页）")
    for p in result.problems:            # e.g. an attachment that keeps the dossier from PDF/A-2b
        click.echo(str(p))
    for p in result.outputs:
        click.echo(f"已写入 {p}")
    click.echo(f"共 {result.page_count} 页。")


class _BatchBar:
    """A progress bar (tqdm) on stderr over a batch's files, when stderr is a terminal;
    nothing otherwise (logs, pipes).  QHSME_PROGRESS=1 shows it anyway, 0 never."""

    def __init__(self):
        import os
        force = os.environ.get("QHSME_PROGRESS", "")
        self.show = force == "1" or force != "0" and sys.stderr.isatty()
        self.delay = 0 if force == "1" else 0.5          # short batches stay quiet, as pip's bar
        self.bar = None

    def update(self, done: int, total: int) -> None:
        if not self.show:
            return
        if self.bar is None:
            from tqdm import tqdm
            self.bar = tqdm(total=total, desc="解析中", unit="个文件", file=sys.stderr, delay=self.delay,
                            dynamic_ncols=True, leave=False)
        self.bar.update(done - self.bar.n)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="输出：.json/.yaml（申报数据文件，可直接用于 fill、check）、.xlsx 或 .csv。")
@click.option("--batch", "batch", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="批量：此文件夹中每个子文件夹或 .zip 为一家单位的材料。")
@click.option("--jobs", type=click.IntRange(1, 256), default=None,
              help="并行进程数（默认：全部CPU核；按可用内存限制，识别扫描件每个进程约需600 MB）。")
def parse(paths, out, batch, jobs):
    """解析交回的表格（PDF、Word；附件3–6也可为Excel），还原为申报数据。

    PATHS 为一家单位交回的附件文件（或其所在文件夹）；附件类别从文件内容判断，与文件名无关。
    有问题的文件会列出（文件、附件、行、字段、问题），其余照常解析；有错误时退出码为 1。
    """
    from .export import write_outputs
    from .problems import has_errors
    if batch and paths:
        raise click.UsageError("--batch 与文件参数只能二选一")
    if not batch and not paths:
        raise click.UsageError("请给出要解析的文件，或用 --batch 指定文件夹")
    if batch:
        from .parse.batch import parse_batch
        apps, problems, total = [], [], 0
        with _BatchBar() as bar:
            for app in parse_batch(batch, jobs=jobs, on_unit=bar.update):
                total += 1
                if app.data:
                    apps.append((app.id, app.data))
                problems += app.problems
        write_outputs(apps, problems, out, single=False)
        bad = sum(1 for p in problems if p.severity == "错误")
        click.echo(f"共 {total} 家单位，解析出数据 {len(apps)} 家；错误 {bad} 个，"
                   f"提示 {len(problems) - bad} 个。结果：{out}")
        for p in problems:
            if p.severity == "错误":
                click.echo(str(p), err=True)
        sys.exit(1 if bad else 0)
    from .parse import parse_paths
    result = parse_paths(paths)
    write_outputs([(str(result.data.get("id") or "申报"), result.data)], result.problems, out, single=True)
    for p in result.problems:
        click.echo(str(p))
    from .parse import expand
    n = len(expand(paths))
    parts = len([f for f in result.files if f.annex])
    more = f"（其中读出 {parts} 份附件）" if parts > n else ""
    click.echo(f"解析 {n} 个文件{more}，写入 {out}。")
    sys.exit(1 if has_errors(result.problems) else 0)


@main.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text",
              show_default=True, help="报告格式；html 可打印。")
@click.option("--as-of", "as_of", callback=_iso_date, help="按哪一天判断（默认：附件1的填报日期）。")
@click.option("--config", "config", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="检查设置（YAML）：门槛、青南/环湖地区范围等。")
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="装订清单（YAML），用于核对第九条第（六）至（十一）项材料是否齐全。")
@click.option("--package", type=click.Path(exists=True, path_type=Path),
              help="电子版（qhsme dossier --package 生成的 .zip 或其解压后的文件夹）：核对每个文件与装订时的SHA-256是否一致。")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="报告写入此文件（默认打印）。")
def check(data, fmt, as_of, config, manifest, package, out):
    """按认定管理办法检查申报数据：第五、六、七条条件，附件之间的一致性，第九条材料，第十六条情形。

    每条结论注明：不符合 / 需核实 / 提示，条款（如 第五条第（三）项），要求与实际值，出自哪个附件哪一行。
    没有“不符合”时退出码为 0，否则为 1。
    """
    from .check.service import run_check
    report, text = run_check(data, fmt=fmt, as_of=as_of, config=config, manifest=manifest, package=package)
    if out:
        from .datafile import write_atomic
        write_atomic(out, text.encode("utf-8"))
        click.echo(f"{report.verdict}。报告已写入 {out}")
    else:
        click.echo(text, nl=False)
    sys.exit(1 if report.blocking else 0)


from . import forms as _forms  # noqa: E402  (row counts for the forms command's help)

_format_option = click.option("--format", "fmt", type=click.Choice(["docx", "pdf", "xlsx", "all"]), default="all",
                              show_default=True,
                              help="格式：Word（docx）、PDF、Excel（xlsx，仅附件3–6），或全部（all）。")
_annex_option = click.option("--annex", "annexes", type=click.IntRange(1, 7), multiple=True,
                             help="只生成某个附件（可重复，如 --annex 3 --annex 5）；默认附件1–7。")


@main.command()
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="输出目录。")
@_format_option
@_annex_option
@click.option("--rows", "rows", multiple=True, metavar="表格=行数",
              help="某个表格的空白行数（可重复），如 --rows staff=40 --rows enterprises=120。表格："
                   + _forms.rows_help() + f"。行数 1 至 {_forms.MAX_ROWS}。")
@click.option("--like", "like", type=click.Path(path_type=Path), metavar="DATA",
              help=f"按数据文件 DATA 中各表格的行数（另加{_forms.LIKE_SPARE}行备用，不少于默认行数）生成空白表格。")
def forms(out, fmt, annexes, rows, like):
    """生成空白的可填写表格 annex1 … annex7（.docx 与 .pdf；附件3–6另有 .xlsx），供申报单位下载填写。

    表格行多时续排到下一页，表头重复、序号接续。"""
    from .forms import parse_rows, rows_like, write_blank_forms
    counts = rows_like(like) if like else {}
    counts.update(parse_rows(rows))
    for p in write_blank_forms(out, fmt, annexes, rows=counts):
        click.echo(f"已写入 {p}")


@main.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="输出目录。")
@_format_option
@_annex_option
@click.option("--flatten", is_flag=True, help="PDF 打印版：不保留可填写字段。")
def fill(data, out, fmt, annexes, flatten):
    """用申报数据文件 DATA 生成已填写的附件（.docx 与 .pdf；附件3–6另有 .xlsx）。"""
    from .forms import write_filled_forms
    for p in write_filled_forms(data, out, fmt, annexes, flatten):
        click.echo(f"已写入 {p}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址。默认只允许本机访问；设为 0.0.0.0 等其他地址时必须设置口令。")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="端口。")
@click.option("--token", envvar="QHSME_TOKEN",
              help="访问口令（命令行上的口令其他用户可用 ps 看到：宜用 --token-file 或环境变量 QHSME_TOKEN）。")
@click.option("--token-file", "token_file", envvar="QHSME_TOKEN_FILE", type=click.Path(dir_okay=False),
              help="从文件第一行读取访问口令（文件应只有本人可读）。")
@click.option("--max-mb", type=click.IntRange(1, 10240), default=300, show_default=True,
              help="每次上传的最大总大小（MB）。")
@click.option("--max-files", type=click.IntRange(1, 100000), default=500, show_default=True,
              help="每次上传的最多文件数。")
@click.option("--keep-minutes", type=click.IntRange(1, 10080), default=60, show_default=True,
              help="处理结果（连同上传的文件）在处理完成后保留多少分钟，之后自动删除。")
@click.option("--behind-proxy", is_flag=True,
              help="经本机的反向代理（如 nginx）访问：按 X-Forwarded-For 识别访问者（口令错误次数按人计）。")
@click.option("--db", "db", envvar="QHSME_DB",
              help="台账数据库（与 qhsme registry 相同：文件路径或 postgresql://…）：网页上显示台账、可导入解析结果；"
                   "数据库中建有账号时须用账号登录，并记录审计日志。")
def serve(host, port, token, token_file, max_mb, max_files, keep_minutes, behind_proxy, db):
    """启动本机网页：下载表格、批量解析回收材料、自检与装订。

    在浏览器中打开显示的地址即可使用。上传的文件只保存在本机临时文件夹中，到期自动删除。
    """
    from .web import serve as run
    from .web.server import read_token_file
    if token_file:
        token = read_token_file(token_file)
    elif token and click.get_current_context().get_parameter_source("token").name == "COMMANDLINE":
        click.echo("注意：--token 写在命令行中，本机其他用户可用 ps 看到；建议改用 --token-file 口令文件。", err=True)
    run(host, port, {"token": token or None, "max_mb": max_mb, "max_files": max_files,
                     "ttl": keep_minutes * 60, "behind_proxy": behind_proxy, "db": db or None},
        announce=click.echo)


@main.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="输出目录。")
@click.option("--as-of", "as_of", callback=_iso_date, help="复核日期（默认今天）。")
@click.option("--db", "db", help="从台账数据库取数据：此时 DATA 为单位名称（见 qhsme registry --help）。")
def review(data, out, as_of, db):
    """为已认定的示范平台生成附件7《复核申请推荐表》（Word、PDF），并按第十五、十六条检查。

    DATA 为平台的申报数据（含附件1，或已有附件7）；近三年运营数据取复核年度之前的三年，
    复核意见留给主管部门填写。管理记录（record：认定日期、投诉次数等）用于第十五、十六条检查。
    """
    from .bureau.review import write_review
    written, findings, report = write_review(data, out, as_of, db=db)
    for f in findings:
        click.echo(f"[{f.severity}] {f.citation} {f.title}：要求 {f.requirement}，实际 {f.actual}")
    if not findings:
        click.echo("数据中没有管理记录（record），未检查第十五、十六条。")
    for p in written:
        click.echo(f"已写入 {p}")
    sys.exit(1 if any(f.severity == "不符合" for f in findings) else 0)


from .cli_registry import registry  # noqa: E402 - the registry group lives in its own module
main.add_command(registry)
