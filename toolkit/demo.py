"""``qhsme demo``: the whole flow on the bundled sample, one stage after another.

Every stage of the toolkit joins here, so a newcomer sees each output in one
folder: the validated data, blank and filled forms, the data parsed back from
the filled forms, the check report, the bound dossier, and the bureau's
annex 6 summary and reporting calendar.  Yields one line of Chinese progress
per step.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from .datafile import save, write_atomic
from .resources import samples_dir
from .schema import json_schema

DEFAULT_SAMPLE = "xining-complete.yaml"


def run_demo(out: Path, sample: Path | None = None):
    from .forms import load_valid, write_blank_forms, write_filled_forms
    out = Path(out)
    sample = Path(sample) if sample else samples_dir() / DEFAULT_SAMPLE
    yield f"示例数据：{sample}"

    data = load_valid(sample)                     # raises with every problem listed
    out.mkdir(parents=True, exist_ok=True)
    data_file = out / "application.json"
    save(data, data_file)
    yield f"1. 校验通过，规范化数据：{data_file}"
    write_atomic(out / "schema.json", (json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n").encode())
    yield f"   数据文件的 JSON Schema：{out / 'schema.json'}"

    blank = out / "1-空白表格"
    write_blank_forms(blank, "all", index=False)
    yield f"2. 空白可填写表格（附件1–7，Word 与 PDF）：{blank}"

    filled = out / "2-已填表格"
    write_filled_forms(sample, filled, "all")
    printed = out / "3-打印版"
    write_filled_forms(sample, printed, "pdf", flatten=True)
    yield f"3. 已填写的表格：{filled}；打印版（无字段）：{printed}"

    yield from _parse_back(data, filled, out)
    yield from _scan_back(data, printed, out)

    from .check.service import run_check
    report, html = run_check(sample, fmt="html", manifest=samples_dir() / "dossier.yaml")
    write_atomic(out / "检查报告.html", html.encode("utf-8"))
    yield f"5. 检查：{report.verdict}。报告：{out / '检查报告.html'}"

    from .dossier.bind import bind
    bound = bind(samples_dir() / "dossier.yaml", out / "4-装订", copies=2, package=True)
    yield f"6. 按第九条顺序装订：共 {bound.page_count} 页，正本、副本与电子版：{out / '4-装订'}"

    yield from _bureau(out)
    yield f"完成。输出目录：{out.resolve()}"


def _parse_back(data: dict, filled: Path, out: Path):
    from .parse import parse_paths
    for ext in ("pdf", "docx"):
        result = parse_paths(sorted(filled.glob(f"annex*.{ext}")))
        same = total = 0
        for key, block in data.items():
            if key.startswith("annex"):
                s, t = _agree(block, result.data.get(key) or {})
                same, total = same + s, total + t
        save(result.data, out / f"解析结果-{ext}.json")
        yield (f"4. 从已填 {ext.upper()} 解析回数据：{len(result.files)} 个文件，"
               f"{same}/{total} 个值与原数据一致（照片为图片，不计），问题 {len(result.problems)} 个："
               f"{out / f'解析结果-{ext}.json'}")


SCANNED = 3               # the annex printed, stamped and scanned: one page (18 staff)
DPI = 200


def _scan_back(data: dict, printed: Path, out: Path):
    """The printed annex 3, as a scanner returns it (200 dpi, turned 0.7°, noise, JPEG, a red
    seal), read back by OCR; without the ``ocr`` extra, what to install, and the demo goes on."""
    from .parse.scan import available
    why = available()
    if why:
        yield f"4. 扫描件：未识别。{why}"
        yield '   在仓库目录中安装：pip install ".[ocr]"，然后重新运行 qhsme demo'
        return
    from .parse.scan import synth
    pdf = (printed / f"annex{SCANNED}.pdf").read_bytes()
    page = synth.render_pdf(pdf, DPI)[0]
    x, y = _seal_place(pdf)
    synth.draw_seal(page, x * DPI / 72 + 60, y * DPI / 72)               # over the applicant's name
    jpg = out / "扫描件" / f"附件{SCANNED}-扫描件.jpg"
    jpg.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(jpg, synth.scan(page, seed=SCANNED))
    from .parse import parse_paths
    result = parse_paths([jpg])
    key = f"annex{SCANNED}"
    same, total = _agree(data.get(key) or {}, result.data.get(key) or {}, spaces=False)
    check = sum(_places(p) for p in result.problems if p.field or p.table)    # values, not the seal
    save(result.data, out / "扫描件" / "解析结果-扫描件.json")
    yield (f"4. 从扫描件识别回数据：{same}/{total} 个值与原数据一致，请核对 {check} 个："
           f"{jpg}（结果 {out / '扫描件' / '解析结果-扫描件.json'}）")


def _seal_place(pdf: bytes) -> tuple[float, float]:
    """Where the print says （盖章） (PDF points: right end, bottom); the page's foot if nowhere."""
    import io

    import pdfplumber
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        chars = page.chars
        for a, b in zip(chars, chars[1:]):
            if a["text"] == "盖" and b["text"] == "章":
                return b["x1"], b["bottom"]
        return page.width * 0.7, page.height * 0.9


def _places(p) -> int:
    """How many values a (grouped: 共14处) problem names."""
    import re
    m = re.search(r"共(\d+)处", p.message)
    return int(m.group(1)) if m else 1


def _agree(original: dict, parsed: dict, spaces: bool = True) -> tuple[int, int]:
    """(values read back equal, values) of one annex; photo rows are pictures, not values.
    ``spaces=False``: spaces do not count (a scan shows no space between 大学 and 专业)."""
    def eq(a, b) -> bool:
        if spaces or not isinstance(a, str) or not isinstance(b, str):
            return a == b
        return "".join(a.split()) == "".join(b.split())
    same = total = 0
    for key, value in original.items():
        if key == "photos":
            continue
        if isinstance(value, list):
            got = parsed.get(key) or []
            for i, row in enumerate(value):
                other = got[i] if i < len(got) else {}
                for col, v in row.items():
                    total += 1
                    same += eq(other.get(col), v)
        else:
            total += 1
            same += eq(parsed.get(key), value)
    return same, total


def _bureau(out: Path):
    from .bureau.calendar import deadlines, to_ics
    from .bureau.service import make_summary
    s = samples_dir()
    inputs = [s / "xining-complete.yaml", s / "xining-fails-conditions.yaml", s / "yushu-qingnan.yaml"]
    summary = make_summary(inputs, 2025, out / "附件6汇总表.xlsx",
                           header={"bureau": "西宁市工业和信息化局", "fill_date": "2026-01-20"})
    recognized = dt.date(2026, 6, 30)
    write_atomic(out / "报送日历.ics", to_ics(deadlines(recognized), recognized).encode("utf-8"))
    yield (f"7. 主管部门：{len(summary.rows)} 个平台的附件6汇总表 {out / '附件6汇总表.xlsx'}；"
           f"报送日历 {out / '报送日历.ics'}")
