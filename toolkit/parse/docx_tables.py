"""Repeating tables of a DOCX annex: header row(s) by column label, then one row per entry."""
from __future__ import annotations

from ..model import Annex, Field, FieldType as T, Table
from ..model.naming import field_name
from ..regulation import squash
from .docx_grid import Grid, ticked as _ticked


def _header_label(t: Table, f: Field) -> str:
    from ..docxform.layout import header_label
    return header_label(t, f)


def read_tables(block: Annex, grid: Grid, found: dict) -> None:
    for t in block.tables():
        if any(c.type is T.IMAGE for c in t.columns):
            continue          # photos are pictures in the document, not data to read back
        leaves: dict[str, list] = {}          # label -> columns printing it, left to right
        for c in t.columns:
            if c.id in t.choice_columns:
                for i, ch in enumerate(c.choices, 1):
                    leaves.setdefault(squash(ch), []).append((c.id, i))
            else:
                leaves.setdefault(squash(_header_label(t, c)), []).append((c.id, None))
        header = _find_header(grid, leaves, _prefixes(block))
        if header is None:
            continue
        h, colmap = header
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
                if c.continued or c.col not in colmap:
                    continue
                cid, option = colmap[c.col]
                c.used = True
                if option is not None:
                    if _ticked(c.text):
                        found[field_name(block.id, cid, table=t.id, row=n, option=option)] = (
                            True, f"表格第{r + 1}行 {t.column_label(cid)}")
                    continue
                if c.text.strip():
                    found[field_name(block.id, cid, table=t.id, row=n)] = (
                        c.text.strip(), f"表格第{r + 1}行 {t.column_label(cid)}")


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

