"""Content-control tags as a second witness of the grid: disagreements are reported, a value
found only by its tag is used."""
from __future__ import annotations

from ..model import Annex, Field, FieldType as T, Table
from ..model.naming import parse_name
from ..regulation import squash
from .docx_fields import strip_blank as _strip_blank
from .docx_grid import Grid, ticked as _ticked
from .values import ParsedFile


def compare_tags(pf: ParsedFile, block: Annex, grid: Grid, found: dict) -> None:
    by_tag: dict[str, list[str]] = {}
    cells: dict[str, list] = {}
    for row in grid.rows:
        for c in row:
            for tag, text in c.tags:
                if tag and parse_name(tag):
                    by_tag.setdefault(tag, []).append(text)
                    cells.setdefault(tag, []).append(c)
    for tag, texts in by_tag.items():
        t = block[parse_name(tag).table] if parse_name(tag).table in block else None
        if isinstance(t, Table) and any(c.type is T.IMAGE for c in t.columns):
            continue
        distinct = {t.strip() for t in texts if t.strip()}
        if len(distinct) > 1:
            pf.problem(f"同一字段出现多次且内容不同：{'、'.join(sorted(distinct))[:60]}", field=parse_name(tag).field,
                       fix="可能复制了行或控件，请核对", severity="提示", source=f"控件 {tag}")
            for c in cells[tag]:
                c.used = True
            continue
        if tag in found or not distinct:
            f = _field_of(block, parse_name(tag))
            tagged = next(iter(distinct)) if distinct else ""
            if f is not None and f.blank:
                tagged = _strip_blank(f, tagged)
            if tag in found and tagged and not _same_text(found[tag][0], tagged):
                pf.problem(f"按表格位置读到“{str(found[tag][0])[:30]}”，按控件标签读到“{tagged[:30]}”，"
                           "已采用表格位置的值", field=parse_name(tag).field, severity="提示", fix="请核对该单元格",
                           source=f"控件 {tag}")
            continue
        fname = parse_name(tag)
        value = next(iter(distinct))
        f = _field_of(block, fname)
        if f is not None and f.blank:
            value = _strip_blank(f, value)
            if not value:
                continue
        if fname.option is not None:
            if not _ticked(value):
                continue
            value = True
        found[tag] = (value, f"控件 {tag}")
        for c in cells[tag]:
            c.used = True


def _field_of(block: Annex, n) -> Field | None:
    if n.table:
        t = block[n.table] if n.table in block else None
        return t.column(n.field) if isinstance(t, Table) and n.field in {c.id for c in t.columns} else None
    node = block[n.field] if n.field in block else None
    return node if isinstance(node, Field) else None


def _same_text(a, b) -> bool:
    if isinstance(a, bool):
        return _ticked(str(b)) == a
    return squash(str(a)) == squash(str(b))
