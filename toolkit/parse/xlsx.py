"""Returned Excel (XLSX) forms of annexes 3–6, read by their title and header words.

Any sheet, at any position, under any name: a table's header is found by the
model's column labels (two rows under a group header, or one), so which annex a
sheet is comes from its content, never from the file or sheet name or the
document properties a WPS or LibreOffice re-save may drop.  Every row under the
header up to the end of the sheet is a table row unless it is blank, the 合计 row,
a line of labelled values (填表人：…) or one of the annex's notes: rows added or
deleted read as they are.  Values are passed on as typed (numbers typed as text and
text stored as numbers are normalised by the validator like every other route); a
percent cell Excel stores as a fraction (typed "85%") is read as 85.  A merged block's
value belongs to its top-left cell; a block merged over several data rows or columns
is said, not copied.  Values are located "工作表“附件5” 第12行 “联系电话”".
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from openpyxl.utils import get_column_letter

from ..errors import InputError
from ..model import Annex, Field, FieldType, Table, annex
from ..model.naming import FieldName
from ..normalize import is_empty
from ..xlsxform import ANNEXES as XLSX_ANNEXES
from ..problems import WARNING
from .values import ParsedFile, Value

ANNEXES = tuple(annex(n) for n in XLSX_ANNEXES)
HEAD_SCAN = 80                  # rows searched for a table's header
KIND = "xlsx"
FOREIGN = (f"这不是本工具的附件{XLSX_ANNEXES[0]}–{XLSX_ANNEXES[-1]} Excel表格：在各工作表中都没有找到附件"
           f"{'、'.join(map(str, XLSX_ANNEXES[:-1]))}或{XLSX_ANNEXES[-1]}的表头（如“序号”“姓名”“学历”）")
EXPORTED = "这是本工具导出的申报数据汇总（Excel），不是交回的附件表格，未读取；其中的数据另见同名的 .json 文件"
FOREIGN_FIX = (f"请在fillable/中下载的附件Excel表格（annex{XLSX_ANNEXES[0]}.xlsx … annex{XLSX_ANNEXES[-1]}.xlsx）"
               "中填写后提交")


@lru_cache(maxsize=8192)
def norm(v) -> str:
    """Label text compared: full-width folded, spaces and a trailing colon or * removed."""
    s = unicodedata.normalize("NFKC", str(v))
    return re.sub(r"\s+", "", s).rstrip(":").strip("*")


@lru_cache(maxsize=8192)
def _variants(v) -> frozenset[str]:
    """A header cell's text, and without a trailing unit in brackets (设备原值（万元）)."""
    s = norm(v)
    m = re.match(r"^(.+?)\(([^()]{1,6})\)$", s)
    return frozenset((s, m.group(1))) if m else frozenset((s,))


@dataclass
class Hit:
    """A table's header found on a sheet."""
    annex: Annex
    table: Table
    row: int                    # 0-based index of the first header row
    rows: int                   # header rows (1 or 2)
    columns: dict               # column id -> 0-based column index
    number_col: int | None
    score: float
    ticks: dict = None          # choice column id -> {option number: 0-based column} (满意 | 不满意)
    others: dict = None         # 0-based column -> its header words, for columns not of the annex


def read_xlsx(path, shown: str | None = None) -> list[ParsedFile]:
    """Each sheet of the workbook that is one of annexes 3–6, as a parsed file; a workbook
    with none says so."""
    name = shown or str(path)
    from openpyxl import load_workbook
    try:
        wb = load_workbook(path, data_only=True)
    except MemoryError:
        raise
    except Exception as e:
        raise InputError(f"无法打开此Excel文件（{type(e).__name__}），文件可能已损坏或加密；"
                         "请在Excel或WPS中重新“另存为”.xlsx后提交", file=name)
    out = []
    try:
        if _exported(wb):
            pf = ParsedFile(file=name, kind=KIND)
            pf.problem(EXPORTED, severity=WARNING)
            return [pf]
        for ws in wb.worksheets:
            grid = [list(r) for r in ws.iter_rows(values_only=True)]
            hit = find_table(ws, grid)
            if hit is not None:
                out.append(read_sheet(ws, grid, hit, name))
    finally:
        wb.close()
    if not out:
        pf = ParsedFile(file=name, kind=KIND)
        pf.problem(FOREIGN, fix=FOREIGN_FIX)
        out.append(pf)
    return out


def _exported(wb) -> bool:
    """The toolkit's own data export (``toolkit.export``: a 问题清单 sheet under its columns)."""
    from ..export import ISSUE_COLUMNS
    ws = wb["问题清单"] if "问题清单" in wb.sheetnames else None
    if ws is None:
        return False
    first = next(ws.iter_rows(max_row=1, values_only=True), ())
    return tuple(first[:len(ISSUE_COLUMNS)]) == ISSUE_COLUMNS


# --- finding the header -----------------------------------------------------------------

def _filled_header(ws, grid, r: int) -> list[str]:
    """Row ``r`` (0-based) as label texts, each merged block's text over all its cells."""
    row = list(grid[r]) if r < len(grid) else []
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= r + 1 <= rng.max_row:
            v = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_col - 1 < len(grid[rng.min_row - 1]) else None
            for c in range(rng.min_col - 1, rng.max_col):
                while len(row) <= c:
                    row.append(None)
                row[c] = v
    return ["" if v is None else norm(v) for v in row]


def _forward(top: list[str], bottom: list[str]) -> list[str]:
    """A group label over the empty cells right of it that have a label below (a re-save
    or a hand-made sheet that lost the merge)."""
    out, last = [], ""
    for i, t in enumerate(top):
        if t:
            last = t
        out.append(t or (last if i < len(bottom) and bottom[i] else ""))
    return out


def _match(t: Table, top: list[str], bottom: list[str]) -> tuple[dict, bool]:
    """column id -> index, and whether the second row was used."""
    ftop = _forward(top, bottom)
    used, cols, two = set(), {}, False
    for c in t.columns:
        g = t.group_of(c.id)
        alone = g is None or (len(g.columns) == 1 and g.label == c.label)
        full = norm(t.column_label(c.id))
        for j in range(len(top)):
            if j in used:
                continue
            b = bottom[j] if j < len(bottom) else ""
            if alone and (norm(c.label) in _variants(top[j]) or norm(g.label if g else c.label) in _variants(top[j])):
                two = two or b == top[j]
            elif g is not None and not alone and ftop[j] == norm(g.label) and norm(c.label) in _variants(b):
                two = True
            elif full in _variants(top[j]):
                pass
            else:
                continue
            cols[c.id] = j
            used.add(j)
            break
    return cols, two


def _tick_columns(t: Table, top: list[str], bottom: list[str]) -> dict:
    """Choices printed as one tick column each under their group (the seed's 满意 | 不满意)."""
    ftop = _forward(top, bottom)
    out = {}
    for cid in t.choice_columns:
        f, g = t.column(cid), t.group_of(cid)
        head = norm(g.label if g else f.label)
        opts = {k: j for k, ch in enumerate(f.choices, 1) for j in range(len(top))
                if ftop[j] == head and j < len(bottom) and bottom[j] == norm(ch)}
        if len(opts) == len(f.choices):
            out[cid] = opts
    return out


def find_table(ws, grid) -> Hit | None:
    """The best-matching annex table header on the sheet, if any."""
    texts = {norm(v) for row in grid[:HEAD_SCAN] for v in row if isinstance(v, str)}
    best = None
    for r in range(min(len(grid), HEAD_SCAN)):
        row = grid[r]
        if sum(isinstance(v, str) for v in row) < 2:
            continue
        top = _filled_header(ws, grid, r)
        bottom = _filled_header(ws, grid, r + 1) if r + 1 < len(grid) else []
        for a in ANNEXES:
            t = next(a.tables())
            cols, two = _match(t, top, bottom)
            ticks = _tick_columns(t, top, bottom)
            for cid in ticks:
                cols[cid] = ticks[cid][1]
                two = True
            need = max(2, -(-len(t.columns) * 6 // 10))
            if len(cols) < need or t.columns[0].id not in cols:
                continue
            score = len(cols) / len(t.columns) + (0.5 if norm(a.title) in texts else 0)
            if best is None or score > best.score:
                numcol = next((j for j, v in enumerate(top) if v == norm(t.number_label)), None)
                known = set(cols.values()) | {j for o in ticks.values() for j in o.values()} | {numcol}
                heads = [(j, " ".join(dict.fromkeys(x for x in (top[j], bottom[j] if two and j < len(bottom)
                                                                 else "") if x)))
                         for j in range(len(top)) if j not in known]
                best = Hit(a, t, r, 2 if two else 1, cols, numcol, score, ticks, {j: h for j, h in heads if h})
    return best


# --- reading ----------------------------------------------------------------------------

def _label_pattern(a: Annex):
    """Labelled values of the annex (those outside its table), as they may be written in a
    cell: 填表人：…, 总体满意率（%）：…, several in one cell."""
    pats = {}
    for f in a.fields():
        base = "".join(r"\s*[（(]\s*" if ch in "（(" else r"\s*[）)]\s*" if ch in "）)" else re.escape(ch)
                       for ch in f.label)
        unit = rf"(?:\s*[（(]\s*{re.escape(f.unit)}\s*[）)])?" if f.unit and f.unit not in f.label else ""
        pats[f.id] = base + unit
    alts = sorted(pats.items(), key=lambda kv: -len(kv[1]))
    rx = re.compile("|".join(f"(?P<{fid}>{p})" for fid, p in alts))
    return rx


_YEAR = re.compile(r"[（(]\s*(\d{4})\s*年度?\s*[）)]")


def _labelled(s: str, rx, units: dict) -> list[tuple[str, str]]:
    """(field id, value after its label) for each label starting a piece of ``s``: followed by
    a colon, by nothing, or (as printed on the form) by a number and the unit: 上一年度共服务企业 56 家."""
    hits = []
    for m in rx.finditer(s):
        before = s[:m.start()].strip()
        rest = s[m.end():]
        unit = units.get(m.lastgroup)
        if (before and not hits) or not (rest[:1] in ("：", ":") or not rest.strip() or unit and re.match(
                rf"\s*[-+]?[\d.,，]+\s*{re.escape(unit)}", rest)):
            continue
        hits.append((m.lastgroup, m.start(), m.end()))
    out = []
    for i, (fid, _, end) in enumerate(hits):
        stop = hits[i + 1][1] if i + 1 < len(hits) else len(s)
        out.append((fid, s[end:stop].strip().lstrip("：:").strip()))
    return out


def read_sheet(ws, grid, hit: Hit, file: str) -> ParsedFile:
    a, t = hit.annex, hit.table
    pf = ParsedFile(file=file, annex=a.id, kind=KIND)
    rx = _label_pattern(a)
    words = _printed_words(a)
    units = {f.id: f.unit for f in a.fields() if f.unit}
    fields = {f.id: f for f in a.fields()}
    sheet = ws.title
    first = hit.row + hit.rows
    merged = {(m.min_row - 1, m.min_col - 1): m for m in ws.merged_cells.ranges if m.min_row - 1 >= first}
    notes = [norm(x)[:20] for x in a.texts]
    totals = {c.id.removeprefix("total_"): fields[c.id] for c in fields.values() if c.id.startswith("total_")}
    ordinal = 0
    labels = {cid: t.column_label(cid) for cid in hit.columns}
    extra: dict[int, list[int]] = {}            # a column not of the annex -> rows with something in it
    columns = {cid: t.column(cid) for cid in hit.columns}

    def add_field(fid, raw, r, c):
        if raw is None or raw == "":
            return
        f = fields[fid]
        pf.values.append(Value(FieldName(a.id, fid), _raw(pf, ws, f, raw, r, c, (None, None, f.label)),
                               _where(sheet, r, f.label)))

    for r, row in enumerate(grid):
        if hit.row <= r < first:
            continue
        if _label_row(rx, words, units, row, r, add_field) or r < first and _year_line(a, row, r, add_field):
            continue
        if r < first or _is_note(row, notes):
            continue
        if _is_total(t, hit, row):
            for cid, f in totals.items():
                j = hit.columns.get(cid)
                if j is not None and j < len(row):
                    add_field(f.id, row[j], r, j)
            continue
        for j in hit.others:
            if j < len(row) and not is_empty(row[j]):
                extra.setdefault(j, []).append(r + 1)
        cells = {cid: row[j] for cid, j in hit.columns.items() if j < len(row) and not is_empty(row[j])
                 and cid not in hit.ticks}
        ticked = {(cid, k): row[j] for cid, opts in hit.ticks.items() for k, j in opts.items()
                  if j < len(row) and not is_empty(row[j])}
        if not cells and not ticked:
            continue
        ordinal += 1
        for cid, v in cells.items():
            f, label = columns[cid], labels[cid]
            raw = _raw(pf, ws, f, v, r, hit.columns[cid], (t.id, ordinal, label))
            pf.values.append(Value(FieldName(a.id, cid, table=t.id, row=ordinal), raw, _where(sheet, r, label)))
        for (cid, k), v in ticked.items():
            label = f"{labels[cid]}/{columns[cid].choices[k - 1]}"
            pf.values.append(Value(FieldName(a.id, cid, table=t.id, row=ordinal, option=k),
                                   v if isinstance(v, (str, bool)) else str(v), _where(sheet, r, label)))
        for cid, j in hit.columns.items():
            m = merged.get((r, j))
            if m is not None and (m.max_row > m.min_row or _spans_columns(m, hit.columns, j)):
                label = labels[cid]
                pf.problem(f"单元格{m.coord}是合并单元格，其中的值只记在第{r + 1}行“{label}”，"
                           "合并进来的其他行或栏按空白读取", fix="请取消合并单元格，在每一行、每一栏分别填写",
                           table=t.id, row=ordinal, field=cid, label=label, severity=WARNING,
                           source=_where(sheet, r, label))
    for j, rows in extra.items():
        pf.problem(f"第{get_column_letter(j + 1)}列“{hit.others[j]}”不是{a.name}的栏目，其中填写的内容"
                   f"（{len(rows)}行，第{rows[0]}行起）未读取", severity=WARNING,
                   fix=f"请把内容填入{a.name}对应的栏目，或放入备注", table=t.id,
                   source=f"工作表“{sheet}” 第{get_column_letter(j + 1)}列")
    return pf


def _where(sheet: str, r: int, label: str) -> str:
    return f"工作表“{sheet}” 第{r + 1}行 “{label}”"


def _spans_columns(m, columns: dict, j: int) -> bool:
    return any(j < k < m.max_col for k in columns.values())


def _printed_words(a: Annex) -> set[str]:
    """What the form prints that is no value (单位：万元…, the title): never taken for one."""
    from ..model import Text
    out = {norm(a.title), norm(a.name)} | {norm(x) for x in a.texts}
    for sec in a.all_sections():
        out |= {norm(i.text) for i in sec.items if isinstance(i, Text)}
    return out


def _label_row(rx, words, units, row, r, add_field) -> bool:
    """A line of labelled values: its values taken, True.  A label's value is what follows it
    in its cell, else the next filled cell on the line (not another label, not printed words)."""
    found = False
    for c, v in enumerate(row):
        if not isinstance(v, str) or not v.strip():
            continue
        s = v.strip()
        m = rx.match(s)
        if m is None:
            continue
        for fid, value in _labelled(s, rx, units):
            found = True
            if value:
                add_field(fid, value, r, c)
                continue
            nxt = next(((k, w) for k, w in enumerate(row[c + 1:], c + 1) if not is_empty(w)), None)
            if nxt is not None and not (isinstance(nxt[1], str) and (rx.match(nxt[1].strip())
                                                                     or norm(nxt[1]) in words)):
                add_field(fid, nxt[1], r, nxt[0])
    return found


def _year_line(a: Annex, row, r, add_field) -> bool:
    if "year" not in a or not isinstance(a["year"], Field):
        return False
    for c, v in enumerate(row):
        m = _YEAR.search(v) if isinstance(v, str) else None
        if m:
            add_field("year", m.group(1), r, c)
            return True
    return False


def _is_note(row, notes) -> bool:
    return bool(notes) and any(isinstance(v, str) and norm(v)[:20] in notes for v in row)


def _is_total(t: Table, hit: Hit, row) -> bool:
    """The 合计 row (annex 4's, and the one a bureau's annex 6 summary adds under its rows)."""
    cols = [hit.number_col] if hit.number_col is not None else []
    cols.append(hit.columns[t.columns[0].id])
    return any(j is not None and j < len(row) and isinstance(row[j], str) and norm(row[j]) == norm(t.total_label or "合计")
               for j in cols)


_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _raw(pf: ParsedFile, ws, f: Field, v, r: int, c: int, where):
    """A cell's value as the validator takes it: numbers stay numbers for numeric fields,
    become the digits typed for text fields; dates ISO."""
    if isinstance(v, bool):
        return ("是" if v else "否") if f.type is FieldType.CHECK else str(v).upper()
    if isinstance(v, dt.datetime):
        v = v.date() if v.time() == dt.time() else v
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, dt.time):
        return v.isoformat()
    if isinstance(v, float):
        v = round(v, 9)
        v = int(v) if v.is_integer() else v
    if isinstance(v, int) and not f.type.numeric:
        if f.type is FieldType.PHONE and not str(v).startswith(("1", "4", "8")):
            table, row, label = where
            pf.problem(f"电话号码“{v}”被存为数字，开头的0可能已丢失", fix="请把此栏设为文本格式，按 0971-6123456 重新填写",
                       table=table, row=row, field=f.id, label=label, severity=WARNING,
                       source=_where(ws.title, r, label))
        return str(v)
    if isinstance(v, (int, float)) and f.type is FieldType.PERCENT:
        fmt = ws.cell(r + 1, c + 1).number_format or ""
        if "%" in _QUOTED.sub("", fmt):           # typed "85%": Excel keeps 0.85 shown as a percent
            v = round(v * 100, 9)
            v = int(v) if float(v).is_integer() else v
        elif 0 < abs(v) < 1:
            table, row, label = where
            pf.problem(f"百分比为“{v}”：若指{v * 100:g}%，应填写{v * 100:g}", severity=WARNING,
                       fix="百分比请填写百分号前的数字，如 85 表示85%", table=table, row=row, field=f.id,
                       label=label, source=_where(ws.title, r, label))
    if isinstance(v, str):
        return v.strip()
    return v


def is_xlsx_path(p: Path) -> bool:
    return p.suffix.lower() in (".xlsx", ".xlsm")
