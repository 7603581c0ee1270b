"""Values of a returned DOCX annex, found by table position under known labels.

Word, WPS and LibreOffice all keep the table grid; LibreOffice drops the
content controls' tags.  So the grid is read first, following the contract
written in ``toolkit.docxform.layout``: a value is in the cell right of its
label (or below it in stacked parts), a tick box is the cell after its choice's
words, a repeating table's rows follow its header row(s) and are read by grid
column.  Tags, where they survived, are a second witness: a disagreement is
reported, a value found only by tag is used.  Cell text that is one text
repeated (what damaged controls leave) is reduced to one copy and reported.

What applicants type outside the cells is read or said: a value after the label
in the label cell, a date or year over or before its blank (``docx_fields``),
merged cells in repeating tables (``docx_tables``); any other text in a cell
the form does not print is reported on its cell, never dropped.  A document
holding several annexes (pasted one after another) is cut at each annex's
title and read as one parsed file per annex (``read_docx_all``, ``docx_parts``).

Modules: ``docx_grid`` (cells and their text), ``docx_template`` (the blank
form's words and places), ``docx_tables``, ``docx_fields``, ``docx_tags``,
``docx_parts``.

The XML is read with entity resolution, DTDs and network off, and zip
members are size-checked before they are read.
"""
from __future__ import annotations

import zipfile

from lxml import etree

from ..model import BY_ID, FieldType as T
from ..model.naming import PROP_ANNEX, parse_name
from ..regulation import squash
from .docx_fields import read_fields
from .docx_grid import W, Cell, Grid, build_grid
from .docx_parts import Split, cut, find_parts
from .docx_tables import read_tables
from .docx_tags import compare_tags
from .docx_template import printed_words
from .values import ParsedFile, Value

__all__ = ["read_docx", "read_docx_all", "build_grid"]

MAX_XML = 40 * 1024 * 1024
MAX_RATIO = 300

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True)


def read_docx(path) -> ParsedFile:
    """The annex of a returned DOCX.  A document holding several annexes is read as its first
    one, and the others are said not read (``read_docx_all`` reads each)."""
    return _read(path, split=False)[0]


def read_docx_all(path) -> list[ParsedFile]:
    """Each annex of a returned DOCX: one ParsedFile, or one per annex when several were pasted
    into one document (named "file.docx（附件3）")."""
    return _read(path, split=True)


def _read(path, split: bool) -> list[ParsedFile]:
    pf = ParsedFile(file=str(path), kind="docx")
    try:
        doc, custom = _read_parts(path)
    except ValueError as e:
        pf.problem(str(e), fix="请重新保存为.docx后提交")
        return [pf]
    body = doc.find(W + "body")
    found = find_parts(body) if body is not None else Split()
    if len(found.parts) <= 1:
        grid = build_grid(doc)
        pf.annex = _annex_of(custom, grid, doc)
        if pf.annex is None:
            pf.problem("这个Word文件不是本工具的附件表格（没有找到附件标题或字段）",
                       fix="请使用 fillable/ 中下载的表格填写")
            return [pf]
        _read_annex(pf, doc, grid)
        _say_orphans(pf, [n for n in found.orphans if n != BY_ID[pf.annex].name])
        return [pf]
    names = [BY_ID[p.annex].name for p in found.parts]
    parts = cut(body, found)
    out = []
    for k, part in enumerate(parts if split else parts[:1]):
        name = names[k] + (f"，第{names[:k + 1].count(names[k])}份" if names.count(names[k]) > 1 else "")
        one = ParsedFile(file=f"{path}（{name}）" if split else str(path), kind="docx", annex=part.annex)
        _read_annex(one, part.body, build_grid(part.body))
        out.append(one)
    if not split:
        out[0].problem(f"本文件中粘贴了{len(parts)}个附件（{'、'.join(names)}），只读取了{names[0]}，"
                       f"未读取{'、'.join(names[1:])}", fix="请每个附件单独保存为一个文件后提交")
    _say_orphans(out[-1], found.orphans)
    return out


def _say_orphans(pf: ParsedFile, orphans: list[str]) -> None:
    for name in orphans:
        pf.problem(f"文中有“{name}”字样，但没有找到{name}的表格标题，{name}未读取",
                   fix=f"请使用 fillable/ 中下载的{name}表格填写（不要删除标题），单独提交")


def _read_annex(pf: ParsedFile, doc, grid: Grid) -> None:
    """The values of ``pf.annex`` in ``doc`` (a document or one annex's part of its body)."""
    block = BY_ID[pf.annex]
    found: dict[str, tuple[object, str]] = {}
    read_tables(block, grid, found, pf.problem)
    read_fields(block, grid, found, pf.problem)
    compare_tags(pf, block, grid, found)
    _stray_text(pf, block.id, grid)
    if any(c.type is T.IMAGE for t in block.tables() for c in t.columns) and \
            next(doc.iter(W + "drawing"), None) is not None:
        pf.problem("文中的照片是图片，不作为数据读取（装订时请把照片随附件2一并提交）", severity="提示")
    for name, (raw, source) in found.items():
        fname = parse_name(name)
        if fname is not None:
            pf.values.append(Value(fname, raw, source))
    for c in (c for row in grid.rows for c in row if c.repeated and c.used):
        pf.problem(f"单元格中的文字重复出现（“{c.text[:20]}”），已按一份读取", fix="请核对该单元格",
                   severity="提示", source=f"表格第{grid.table_of_row[c.row] + 1}个 第{c.row + 1}行")


def _stray_text(pf: ParsedFile, annex_id: str, grid: Grid) -> None:
    """Text in a cell no field was read from and the form does not print: said on its cell
    (in one message for a table holding many such cells)."""
    printed = printed_words(annex_id)
    by_table: dict[int, list[tuple[Cell, str]]] = {}
    for row in grid.rows:
        for i, c in enumerate(row):
            s = squash(c.text)
            if c.used or c.continued or not s or s in printed or s in _BLANKS:
                continue
            near = next((x for x in row[i - 1::-1] + row[i + 1:] if squash(x.text) in printed), None) \
                if i else next((x for x in row[1:] if squash(x.text) in printed), None)
            by_table.setdefault(grid.table_of_row[c.row], []).append(
                (c, grid.where(c) + (f" {near.text.strip()}旁" if near is not None else "")))
    for stray in by_table.values():
        if len(stray) > STRAY_ONE_BY_ONE:
            texts = "、".join(f"“{c.text.strip()[:12]}”" for c, _ in stray[:4])
            pf.problem(f"这个表格中有{len(stray)}个单元格的文字不在任何字段的位置，未读取：{texts}等",
                       fix="请使用下载的原表格填写，不要改动表头和行列",
                       source=f"{grid.where(stray[0][0])}至第{stray[-1][0].row + 1}行")
            continue
        for c, where in stray:
            pf.problem(f"单元格中的文字“{c.text.strip()[:40]}”不在任何字段的位置，未读取",
                       fix="请把内容填到对应字段的单元格中，或删除", value=c.text.strip(), source=where)


STRAY_ONE_BY_ONE = 5      # more unread cells in one table are said in one message
_BLANKS = {squash(f.blank) for b in BY_ID.values() for f in b.fields() if f.blank}


# --- reading the package --------------------------------------------------------------

def _read_parts(path) -> tuple[etree._Element, dict]:
    try:
        z = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ValueError("Word文件已损坏（压缩结构不完整）")
    with z:
        doc = _xml(z, "word/document.xml")
        if doc is None:
            raise ValueError("不是Word文件（缺少 word/document.xml）")
        custom = {}
        props = _xml(z, "docProps/custom.xml")
        if props is not None:
            for p in props:
                name = p.get("name")
                if name and len(p):
                    custom[name] = (p[0].text or "").strip()
    return doc, custom


def _xml(z: zipfile.ZipFile, name: str):
    try:
        info = z.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_XML or info.file_size / max(1, info.compress_size) > MAX_RATIO:
        raise ValueError(f"Word文件中的 {name} 解压后过大（疑似压缩炸弹），未读取")
    try:
        data = z.read(info)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as e:
        raise ValueError(f"Word文件已损坏（{type(e).__name__}）")
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as e:
        raise ValueError(f"Word文件内容已损坏（XML错误：{str(e)[:60]}）")


# --- which annex -----------------------------------------------------------------------

def _annex_of(custom: dict, grid: Grid, doc) -> str | None:
    v = custom.get(PROP_ANNEX)
    if v in BY_ID:
        return v
    tags = [parse_name(t) for row in grid.rows for c in row for t, _ in c.tags]
    names = [t.annex for t in tags if t]
    if names:
        return max(set(names), key=names.count)
    body = squash("".join(doc.itertext()))
    for block in sorted((b for b in BY_ID.values() if b.number), key=lambda b: -len(b.title)):
        if squash(block.title) in body:
            return block.id
    return None

