"""Repeating tables of a DOCX annex: header row(s) by column label, then one row per entry."""
from __future__ import annotations

from ..model import Annex, Field, FieldType as T, Table
from ..model.naming import field_name
from ..regulation import squash
from ..problems import WARNING
from .docx_grid import Cell, Grid, ticked as _ticked


def _header_label(t: Table, f: Field) -> str:
    from ..docxform.layout import header_label
    return header_label(t, f)


def read_tables(block: Annex, grid: Grid, found: dict, report) -> None:
    """``report(message, fix=..., severity=..., **where)``: a located problem."""
    for t in block.tables():
        if any(c.type is T.IMAGE for c in t.columns):
            for c in (c for row in grid.rows if any(x.picture for x in row) for c in row):
                c.used = True     # photos are pictures in the document, not data to read back
            continue
        leaves: dict[str, list] = {}          # label -> columns printing it, left to right
        for c in t.columns:
            if c.id in t.choice_columns:
                for i, ch in enumerate(c.choices, 1):
                    leaves.setdefault(squash(ch), []).append((c.id, i))
            else:
                leaves.setdefault(squash(_header_label(t, c)), []).append((c.id, None))
        header = _find_header(grid, leaves, _prefixes(block))
        if header is None:
            heads = "、".join(t.column_label(c.id) for c in t.columns if c.printed)
            report(f"没有找到“{t.label}”表格的表头（{heads[:60]}），该表未读取",
                   fix="请使用下载的原表格填写，不要改动或删除表头", table=t.id, label=t.label)
            continue
        h, colmap = header
        numbers = {c.col: (None, None) for rr in (h - 1, h) if rr >= 0 and grid.table_of_row[rr] == grid.table_of_row[h]
                   for c in grid.rows[rr] if t.numbered and squash(c.text) == squash(t.number_label)}
        stop_labels = _stop_labels(block, t)
        n = 0
        for r in range(h + 1, len(grid.rows)):
            if grid.table_of_row[r] != grid.table_of_row[h]:
                break
            row = grid.rows[r]
            texts = [squash(c.text) for c in row if not c.continued]
            if t.total_label and texts and texts[0] == squash(t.total_label):
                _read_totals(block, t, row, colmap, found, r)
                break
            if any(x in stop_labels for x in texts):
                break
            if not any(c.col in colmap for c in row):
                break
            n += 1
            for c in row:
                c.used = True
                spanned = {**colmap, **numbers}
                cols = [spanned[k] for k in sorted(spanned) if c.col <= k < c.col + c.span]
                first = next((cid for cid, _ in cols if cid is not None), None)
                if first is None:
                    continue          # 序号
                where = dict(table=t.id, row=n, field=first, label=t.column_label(first),
                             source=f"{grid.where(c)} {t.column_label(first)}")
                text = _merged_down(c, h, t, first, grid, report, where)
                if text is None:
                    continue
                for (cid, option), part in zip(cols, _merged_across(text, cols, t, report, where)):
                    if cid is not None:
                        _put(block, t, cid, option, n, part, f"{grid.where(c)} {t.column_label(cid)}", found)


def _put(block: Annex, t: Table, cid: str, option, n: int, text: str, source: str, found: dict) -> None:
    if option is not None:
        if _ticked(text):
            found[field_name(block.id, cid, table=t.id, row=n, option=option)] = (True, source)
    elif text.strip():
        found[field_name(block.id, cid, table=t.id, row=n)] = (text.strip(), source)


def _merged_down(c: Cell, h: int, t: Table, cid: str, grid: Grid, report, where: dict) -> str | None:
    """A cell's text; for cells merged over several rows of the table, each row's part: one
    line per row when the merged cell has one line per row, else the one value on every row."""
    top = c.origin if c.continued else c
    if top is None or top.row <= h:
        return None if c.continued else c.text      # a merge the form itself prints
    group = [top] + top.merged
    if len(group) == 1:
        return c.text
    lines = top.lines()
    k = group.index(c)
    label = t.column_label(cid)
    rows = f"第{group[0].row + 1}至{group[-1].row + 1}行"
    if len(lines) == len(group):
        if k:
            report(f"“{label}”的单元格与上方合并（表格{rows}），合并单元格中的各行文字已按行分别读取",
                   fix="请核对；如需分别填写，请拆分单元格", severity=WARNING, **where)
        return lines[k]
    if len(lines) <= 1:
        if k:
            report(f"“{label}”的单元格与上方合并（表格{rows}），已按合并单元格的值“{top.text.strip()[:30]}”读取",
                   fix="如各行不同，请拆分单元格分别填写", severity=WARNING, **where)
        return top.text
    if k:
        report(f"“{label}”的单元格与上方合并（表格{rows}），合并单元格中的{len(lines)}行文字无法分到"
               f"{len(group)}行，本行未读取", fix="请拆分单元格，每行分别填写", **where)
        return None
    return top.text


def _merged_across(text: str, cols: list, t: Table, report, where: dict) -> list[str]:
    """The parts of a cell merged over several columns: one line per column, else reported."""
    if len(cols) == 1:
        return [text]
    labels = "、".join(f"“{t.column_label(cid) if cid else t.number_label}”" + (_choice(t, cid, o) if o else "")
                      for cid, o in cols)
    lines = [s.strip() for s in text.split("\n") if s.strip()]
    if not lines:
        return [""] * len(cols)
    if cols[0][0] is None and len(lines) == len(cols) - 1:      # the 序号 was not kept
        lines = [""] + lines
    if len(lines) == len(cols):
        report(f"单元格合并了{labels}{len(cols)}列，已按单元格中的各行文字分别读取",
               fix="请核对；建议拆分单元格后分别填写", severity=WARNING, **where)
        return lines
    report(f"单元格合并了{labels}{len(cols)}列，内容“{text.strip()[:40]}”无法分到各列，未读取",
           fix="请拆分单元格，每列分别填写", value=text.strip(), **where)
    return [""] * len(cols)


def _choice(t: Table, cid: str, option: int) -> str:
    ch = t.column(cid).choices
    return f"（{ch[option - 1]}）" if 0 < option <= len(ch) else ""


def _find_header(grid: Grid, leaves: dict, prefixes: tuple[str, ...] = ()):
    """(row index of the last header row, grid column -> (column id, option)).

    A label printed over several columns (累计数, 新增金额) names them left to right."""
    best = None
    for r, row in enumerate(grid.rows):
        if any(c.used for c in row):
            continue
        rows = [rr for rr in (r - 1, r) if rr >= 0 and grid.table_of_row[rr] == grid.table_of_row[r]]
        cells = sorted((c for rr in rows for c in grid.rows[rr] if not c.continued), key=lambda c: (c.col, c.row))
        colmap, matched, seen = {}, [], {}
        for c in cells:
            key = _leaf_key(squash(c.text), leaves, prefixes)
            if key is None:
                continue
            k = seen.get(key, 0)
            if k < len(leaves[key]):
                colmap[c.col] = leaves[key][k]
                seen[key] = k + 1
                matched.append(c)
        distinct = set(colmap.values())
        total = sum(len(v) for v in leaves.values())
        if len(distinct) >= max(2, (total + 1) // 2) and (best is None or len(distinct) > best[2]):
            best = (r, colmap, len(distinct), matched)
    if best is None:
        return None
    r, colmap, _, matched = best
    for c in matched:
        c.used = True
    return r, colmap


def _leaf_key(text: str, leaves: dict, prefixes: tuple[str, ...]) -> str | None:
    """A header cell's column: its label, or a printed prefix (其中：) and its label."""
    if text in leaves:
        return text
    for p in prefixes:
        if p and text.startswith(p) and text[len(p):] in leaves:
            return text[len(p):]
    return None


def _prefixes(block: Annex) -> tuple[str, ...]:
    from ..model import Text
    return tuple(squash(i.text) for s in block.all_sections() for i in s.items if isinstance(i, Text))


def _stop_labels(block: Annex, t: Table) -> set[str]:
    own = {squash(_header_label(t, c)) for c in t.columns}
    out = set()
    for f in block.fields():
        if f.printed and squash(f.label) not in own:
            out.add(squash(f.label))
    for sec in block.all_sections():
        if sec.title:
            out.add(squash(sec.title))
    return out


def _read_totals(block, t: Table, row, colmap, found, r) -> None:
    cols = {cid: col for col, (cid, opt) in colmap.items() if opt is None}
    for cid in t.total_columns:
        for c in row:
            if c.col == cols.get(cid) and c.text.strip():
                c.used = True
                found[field_name(block.id, f"total_{cid}")] = (c.text.strip(), f"表格第{r + 1}行 {t.total_label}")

