"""What a job does, off the request thread: the clerk's batch and the applicant's self-check.

Both write their downloads into the job's folder and leave what the page shows
in ``job.result``.  Names shown are the names the browser sent; files on disk
only ever have generated names.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..errors import QhsmeError
from ..problems import CAUTION, ERROR, WARNING, Problem, group_problems
from .grouping import DATA_SUFFIXES, Application, Upload, group
from .text import _EXC_WORDS, user_text

MISSING = "（此功能的模块尚未安装：{what}。请更新 qhsme 后再试）"


# ---------------------------------------------------------------- parsing

UNREADABLE = "无法读取此文件（{why}）"
UNREADABLE_FIX = "请用原软件重新保存或导出后再上传；仍不行请把此文件发给维护人员"


def read_all(paths: list[Path], progress=None) -> list[list]:
    """Each file's parsed files, in the order given, read on every core
    (``parse.batch.read_files``); ``progress()`` after each file (it may raise ``Cancelled``:
    the files not yet started are then dropped).  A file that failed says so in the page's words."""
    from ..parse.batch import read_files
    got = read_files(paths, on_file=(lambda done, total: progress()) if progress else None)
    for pfs in got:
        for pf in pfs:
            for p in pf.problems:
                if p.message.startswith("处理时出错："):
                    why = _EXC_WORDS["MemoryError"] if "MemoryError" in p.message else "文件可能已损坏或格式不受支持"
                    p.message, p.fix = UNREADABLE.format(why=why), UNREADABLE_FIX
    return got


def parse_files(files: list[tuple[Path, str]], progress=None, read: list[list] | None = None):
    """One application's files -> ``ParseResult``-like (validated, sources, problems); never raises.
    ``read``: the files' parsed files already read (``read_all``), else they are read here."""
    from ..parse import collect
    if read is None:
        read = read_all([path for path, _ in files], progress)
    parsed = []
    for (path, shown), got in zip(files, read):
        for pf in got:
            # the uploaded name, keeping what names a part of the file (（第3–5页）)
            pf.file = shown + pf.file[len(str(path)):] if pf.file.startswith(str(path)) else shown
            for p in pf.problems:
                p.file = pf.file
            parsed.append(pf)
    # unknown, blank (空白表格) and wrongly filled files said as on the command line, repeated
    # problems grouped
    validated, sources, _ = collect(parsed, forms="“下载表格”中的表格")
    from ..parse import ParseResult
    # as ``qhsme parse`` writes it: sources, the values read by OCR (ocr), a scan's seals
    return validated, ParseResult(validated, sources, parsed).data


def ocr_values(app_id: str, data: dict) -> list[dict]:
    """The values read from a scan (OCR), as the XLSX's 识别结果 sheet lists them;
    ``review``: below the confidence a clerk should compare with the paper (请核对)."""
    from ..export import ocr_rows
    out = []
    for _, path, label, value, conf, review, source in ocr_rows([(app_id, data)]):
        out.append({"path": path, "label": label or path, "value": value, "review": bool(review),
                    "confidence": "—" if conf is None else f"{conf:.2f}", "source": user_text(source)})
    return out


def run_check(data: dict, items=None):
    """(report, None) or (None, message) when the check cannot run."""
    try:
        from ..check import check
    except ImportError as e:
        return None, MISSING.format(what=f"检查（{e.name}）")
    if not any(k.startswith("annex") for k in data):
        return None, "没有读出任何附件的数据，无法检查"
    try:
        return check(data, None, items), None
    except QhsmeError as e:
        return None, str(e)
    except Exception as e:  # noqa: BLE001
        return None, f"检查时出错（{user_text(str(e)[:200])}），请把上传的文件发给维护人员"


def findings_rows(report) -> list[dict]:
    """The report's findings as plain rows for a table (passed rules last)."""
    rows = []
    for f in list(report.findings) + list(report.passed):
        rows.append({"severity": f.severity, "citation": f.citation, "title": f.title,
                     "requirement": f.requirement, "actual": user_text(f.actual),
                     "where": "；".join(str(w) for w in f.where),
                     "note": user_text(f.note), "evidence": user_text(f.evidence)})
    return rows


def problem_rows(problems: list[Problem]) -> list[dict]:
    from ..model import BY_ID
    from ..problems import _located
    out = []
    for p in problems:
        block = BY_ID.get(p.annex) if p.annex else None
        row, label, _ = _located(p)
        if label and label == p.field:
            label = ""                                   # a field id the model has no label for
        where = " ".join(x for x in (block.name if block else "", f"第{row}行" if row else "", label) if x)
        out.append({"severity": p.severity, "file": user_text(p.file or ""), "where": where,
                    "message": user_text(p.message), "fix": user_text(p.fix), "value": p.value or ""})
    return out


def scrub(problems: list[Problem], root: Path, names: dict[str, str]) -> list[Problem]:
    """The problems with server paths, exception and data-path names rewritten (in place, so the
    XLSX, CSV and JSON say what the page says)."""
    for p in problems:
        p.message = user_text(p.message, root, names)
        p.fix = user_text(p.fix, root, names)
        if p.file:
            p.file = user_text(p.file, root, names)
    return problems


def unit_name(data: dict) -> str:
    a1 = data.get("annex1") if isinstance(data, dict) else None
    return str(a1.get("unit_name") or "").strip() if isinstance(a1, dict) else ""


SEVERITIES = (ERROR, CAUTION, WARNING)


def common_findings(results: list[dict]) -> list[dict]:
    """需核实 / 提示 rows every checked applicant has word for word: said once above the list."""
    checked = [r for r in results if r["findings"]]
    if len(checked) < 2:
        return []
    key = lambda f: (f["severity"], f["citation"], f["title"], f["requirement"], f["actual"], f["note"])  # noqa: E731
    shared = set.intersection(*({key(f) for f in r["findings"] if f["severity"] in ("需核实", "提示")}
                                for r in checked))
    first = [f for f in checked[0]["findings"] if key(f) in shared]
    for r in checked:
        r["own_findings"] = [f for f in r["findings"] if key(f) not in shared]
    return first


# ---------------------------------------------------------------- the clerk's batch

def run_batch(job, uploads: list[Upload]) -> None:
    job.stage = "整理上传的文件"
    apps: list[Application] = group(uploads, job.dir / "unzipped")
    job.total = sum(len(a.files) for a in apps) or 1
    job.stage = "解析中"
    names = {str(p): s for a in apps for p, s in a.files}
    names.update({str(u.path): u.shown for u in uploads})
    results, all_apps, all_problems = [], [], []
    job.store = {}
    read = iter(read_all([p for a in apps for p, _ in a.files], progress=job.advance))
    for n, a in enumerate(apps, 1):
        validated, data = parse_files(a.files, read=[next(read) for _ in a.files])
        problems = scrub(a.problems + validated.problems, job.dir, names)
        if not a.files and not a.problems:
            problems.append(Problem("没有可解析的表格文件（.pdf/.docx）"))
        report, why = run_check(data) if validated.data else (None, None)
        has_data = bool(data and any(k.startswith("annex") for k in data))
        if has_data:
            data.setdefault("id", a.id)
            all_apps.append((a.id, data))
        all_problems += problems
        job.store[n] = {"id": a.id, "data": data if has_data else None, "problems": problems, "report": report}
        results.append({"n": n, "id": a.id, "name": unit_name(data), "files": [s for _, s in a.files],
                        "problems": problem_rows(problems),
                        "errors": sum(p.severity == ERROR for p in problems),
                        "by_severity": {s: sum(p.severity == s for p in problems) for s in SEVERITIES},
                        "findings": findings_rows(report) if report else [],
                        "counts": report.counts if report else {}, "verdict": report.verdict if report else "",
                        "check_note": why or ("" if report else "没有读出数据，未检查"),
                        "has_data": has_data, "report_json": report.to_json() if report else None,
                        "ocr": ocr_values(a.id, data) if has_data else []})
    for r in results:
        r["own_findings"] = r["findings"]
    common = common_findings(results)
    if not apps:
        job.done = job.total
    job.stage = "生成汇总表"
    _batch_outputs(job, all_apps, all_problems, results)
    job.result = {"applications": results, "files": sum(len(a.files) for a in apps), "common": common}


def _batch_outputs(job, apps, problems, results) -> None:
    from ..export import csv_text, workbook
    wb = workbook(apps, problems)
    ws = wb.create_sheet("检查结论")
    ws.append(["申报编号", "结论", "条款", "检查事项", "要求", "实际", "位置", "说明", "需要做的"])
    for r in results:
        for f in r["findings"]:
            ws.append([r["id"], f["severity"], f["citation"], f["title"], f["requirement"], f["actual"],
                       f["where"], f["note"], f["evidence"]])
    from openpyxl.styles import Font
    for c in ws[1]:
        c.font = Font(bold=True)
    for col, width in zip("ABCDEFGHI", (16, 8, 18, 36, 16, 16, 30, 36, 40)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "B2"
    out = job.dir / "out"
    out.mkdir(exist_ok=True)
    wb.save(out / "batch.xlsx")
    (out / "batch.csv").write_bytes(csv_text(apps, problems).encode("utf-8-sig"))
    checks = {r["id"]: r["report_json"] for r in results}
    doc = {"applications": [{"id": aid, "data": d, "check": checks.get(aid)} for aid, d in apps],
           "problems": [p.to_dict() for p in problems]}
    (out / "batch.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n",
                                    encoding="utf-8")
    job.add_output("xlsx", out / "batch.xlsx", "解析汇总.xlsx")
    job.add_output("csv", out / "batch.csv", "解析汇总.csv")
    job.add_output("json", out / "batch.json", "解析汇总.json")


# ---------------------------------------------------------------- the applicant's self-check

def run_self(job, data_uploads: list[Upload], item_uploads: dict[int, list[Upload]], options: dict,
             photos: list[Upload] = ()) -> None:
    from ..dossier.items import application_items
    items = {i.number: i for i in application_items()}
    forms_wanted = options.get("forms", True)
    job.total = 4
    result: dict = {"problems": [], "notes": [], "items": []}
    job.result = result
    job.stage = "读取申报数据"
    data, problems = _read_data(job, data_uploads)
    names = {str(u.path): u.shown for ups in [data_uploads, list(photos), *item_uploads.values()] for u in ups}
    result["problems"] = problem_rows(scrub(problems, job.dir, names))
    result["choose_again"] = choose_again(problems, data_uploads)
    job.advance()
    if not data or not any(k.startswith("annex") for k in data):
        result["notes"].append("没有读出申报数据：请上传数据文件（YAML/JSON）或填好的附件（PDF/Word）")
        job.done = job.total
        return
    data = _photos(data, list(photos), job.dir, result)
    given = {n: [u.shown for u in ups] for n, ups in item_uploads.items() if ups}
    result["items"] = [{"label": items[n].label, "files": given.get(n, []),
                        "generated": items[n].generated} for n in sorted(items) if n >= 6]
    job.stage = "检查"
    report, why = run_check(data, {n: given.get(n, []) for n in items if n >= 6})
    if report:
        (job.dir / "out").mkdir(exist_ok=True)
        (job.dir / "out" / "report.html").write_text(report.to_html(), encoding="utf-8")
        job.add_output("report", job.dir / "out" / "report.html", "检查报告.html")
        result["verdict"] = report.verdict
        result["counts"] = report.counts
        result["findings"] = findings_rows(report)
    else:
        result["notes"].append(why)
    job.advance()
    out = job.dir / "out"
    out.mkdir(exist_ok=True)
    (out / "data.json").write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n",
                                   encoding="utf-8")
    job.add_output("data", out / "data.json", "申报数据.json")
    if forms_wanted:
        job.stage = "填写表格"
        _filled_forms(job, data, out, result)
    job.advance()
    job.stage = "装订申报材料"
    _bind(job, data, item_uploads, options, out, result)
    job.advance()


def _read_data(job, uploads: list[Upload]) -> tuple[dict, list[Problem]]:
    from ..datafile import load
    from ..validate import validate
    datafiles = [u for u in uploads if u.suffix in DATA_SUFFIXES]
    forms = [u for u in uploads if u.suffix not in DATA_SUFFIXES]
    if datafiles:
        u = datafiles[0]
        extra = [Problem("只读取了第一个数据文件，其余上传的文件未使用", file=x.shown, severity=WARNING)
                 for x in uploads[1:]]
        try:
            raw = load(u.path)
        except QhsmeError as e:
            return {}, [Problem(e.message, file=u.shown)] + extra
        v = validate(raw)
        for p in v.problems:
            p.file = u.shown
        return v.data, group_problems(v.problems) + extra
    if forms:
        from ..parse import SUFFIXES
        ok = [(u.path, u.shown) for u in forms if u.suffix in SUFFIXES]
        bad = [Problem("不是数据文件（YAML/JSON）或表格（PDF/Word），已忽略", file=u.shown, severity=WARNING)
               for u in forms if u.suffix not in SUFFIXES]
        validated, data = parse_files(ok)
        return validated.data, bad + validated.problems
    return {}, []


def _photos(data: dict, photos: list[Upload], job_dir: Path, result: dict) -> dict:
    """Photo paths in a data file point at the uploader's disk, never at ours: each is matched by
    file name to an uploaded photo, else a blank placeholder stands in (so no file of this computer
    is ever read because a data file names it)."""
    from ..model import BLOCKS, FieldType
    out = json.loads(json.dumps(data, default=str))
    uploaded = {}
    for u in photos:
        if u.parts:
            uploaded.setdefault(u.parts[-1].lower(), u.path)
    missing: list[str] = []

    def swap(value):
        name = str(value).replace("\\", "/").rsplit("/", 1)[-1]
        p = uploaded.get(name.lower())
        if p is not None:
            return p.relative_to(job_dir).as_posix()
        missing.append(name)
        return _placeholder(job_dir).relative_to(job_dir).as_posix()

    for block in BLOCKS:
        values = out.get(block.id)
        if not isinstance(values, dict):
            continue
        for f in block.fields():
            if f.type is FieldType.IMAGE and values.get(f.id):
                values[f.id] = swap(values[f.id])
        for t in block.tables():
            for row in values.get(t.id) or []:
                for c in t.columns:
                    if c.type is FieldType.IMAGE and isinstance(row, dict) and row.get(c.id):
                        row[c.id] = swap(row[c.id])
    if missing:
        result["notes"].append("数据中列出的照片未上传：" + "、".join(missing) +
                               "。表格和装订本中以空白占位图代替；请在“附件2 实景照片”处一并上传")
    return out


def _placeholder(job_dir: Path) -> Path:
    p = job_dir / "photos" / "未上传.png"
    if not p.exists():
        from PIL import Image, ImageDraw
        p.parent.mkdir(parents=True, exist_ok=True)
        img = Image.new("L", (400, 300), 235)
        d = ImageDraw.Draw(img)
        d.rectangle((0, 0, 399, 299), outline=150, width=3)
        d.line((0, 0, 399, 299), fill=180, width=2)
        d.line((0, 299, 399, 0), fill=180, width=2)
        img.save(p)
    return p


def _filled_forms(job, data: dict, out: Path, result: dict) -> None:
    import zipfile
    annexes = sorted(int(k[5:]) for k in data if k.startswith("annex") and k[5:].isdigit())
    writers = []
    try:
        from ..pdfform import write_filled as pdf_filled
        writers.append(("pdf", lambda n, p: pdf_filled(n, data, p, base_dir=job.dir, flatten=False)))
    except ImportError as e:
        result["notes"].append(MISSING.format(what=f"PDF表格（{e.name}）"))
    try:
        from ..docxform import write_filled as docx_filled
        writers.append(("docx", lambda n, p: docx_filled(n, data, p, base_dir=job.dir)))
    except ImportError as e:
        result["notes"].append(MISSING.format(what=f"Word表格（{e.name}）"))
    if not writers or not annexes:
        return
    forms = out / "forms"
    forms.mkdir(exist_ok=True)
    made = []
    for n in annexes:
        for ext, write in writers:
            target = forms / f"附件{n}.{ext}"
            try:
                write(n, target)
                made.append(target)
            except QhsmeError as e:
                result["notes"].append(f"附件{n}（{ext.upper()}）未能生成：{e.message}")
            except Exception as e:  # noqa: BLE001
                result["notes"].append(f"附件{n}（{ext.upper()}）未能生成：{user_text(str(e)[:200], job.dir)}")
    if made:
        with zipfile.ZipFile(out / "forms.zip", "w", zipfile.ZIP_DEFLATED) as z:
            for p in made:
                z.write(p, p.name)
        job.add_output("forms", out / "forms.zip", "填好的表格.zip")
        result["forms"] = [p.name for p in made]


def _bind(job, data: dict, item_uploads: dict[int, list[Upload]], options: dict, out: Path,
          result: dict) -> None:
    import yaml
    try:
        from ..dossier.bind import bind
    except ImportError as e:
        result["notes"].append(MISSING.format(what=f"装订（{e.name}）"))
        return
    from ..dossier.items import application_items
    numbers = [i.number for i in application_items() if i.annex is None and not i.generated]
    missing = [n for n in numbers if not item_uploads.get(n)]
    # photo paths in the data are relative to the job folder: the binder reads them from
    # the data file's folder, so the copy it binds from lies there
    bind_data = job.dir / "data.json"
    bind_data.write_bytes((out / "data.json").read_bytes())
    manifest = {"kind": "application", "data": str(bind_data),
                "items": {n: [str(u.path) for u in ups] for n, ups in item_uploads.items() if ups}}
    mpath = job.dir / "manifest.yaml"
    mpath.write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    dossier = out / "dossier"
    try:
        bound = bind(mpath, dossier, copies=2, duplex=bool(options.get("duplex")), draft=bool(missing),
                     package=bool(options.get("package")))
    except QhsmeError as e:
        shown = {str(u.path): u.shown for ups in item_uploads.values() for u in ups}
        result["bind_error"] = user_text(e.message, job.dir, shown)
        found = list(getattr(e, "problems", []))
        for p in found:
            p.file = "申报数据"
        result["bind_problems"] = problem_rows(found)
        return
    except Exception as e:  # noqa: BLE001
        result["bind_error"] = f"装订时出错（{user_text(str(e)[:200], job.dir)}）"
        return
    result["draft"] = bool(bound.missing)
    result["missing"] = [i.label for i in bound.missing]
    result["pages"] = bound.page_count
    for n, p in enumerate(bound.outputs, 1):
        name = ("草稿-" if bound.missing else "") + p.name
        job.add_output(f"dossier{n}", p, name)
    result["dossier"] = [(f"dossier{n}", ("草稿-" if bound.missing else "") + p.name)
                         for n, p in enumerate(bound.outputs, 1)]


def choose_again(problems: list[Problem], data_uploads: list[Upload]) -> list[str]:
    """The uploaded data files to fix and choose again: those with an 错误 (browsers forget the
    files chosen once a page is left, so the page names them)."""
    bad = {p.file for p in problems if p.severity == ERROR and p.file}
    return [u.shown for u in data_uploads if u.shown in bad]
