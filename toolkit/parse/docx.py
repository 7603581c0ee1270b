"""Values of a returned DOCX annex, found by table position under known labels.

Word, WPS and LibreOffice all keep the table grid; LibreOffice drops the
content controls' tags.  So the grid is read first, following the contract
written in ``toolkit.docxform.layout``: a value is in the cell right of its
label (or below it in stacked parts), a tick box is the cell after its choice's
words, a repeating table's rows follow its header row(s) and are read by grid
column.  Tags, where they survived, are a second witness: a disagreement is
reported, a value found only by tag is used.  Cell text that is one text
repeated (what damaged controls leave) is reduced to one copy and reported.

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
from .docx_grid import W, Grid, build_grid
from .docx_tables import read_tables
from .docx_tags import compare_tags
from .docx_template import printed_words
from .values import ParsedFile, Value

__all__ = ["read_docx", "build_grid"]

MAX_XML = 40 * 1024 * 1024
MAX_RATIO = 300

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True)


def read_docx(path) -> ParsedFile:
    pf = ParsedFile(file=str(path), kind="docx")
    try:
        doc, custom = _read_parts(path)
    except ValueError as e:
        pf.problem(str(e), fix="请重新保存为.docx后提交")
        return pf
    grid = build_grid(doc)
    pf.annex = _annex_of(custom, grid, doc)
    if pf.annex is None:
        pf.problem("这个Word文件不是本工具的附件表格（没有找到附件标题或字段）",
                   fix="请使用 fillable/ 中下载的表格填写")
        return pf
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
    return pf


def _stray_text(pf: ParsedFile, annex_id: str, grid: Grid) -> None:
    """Text in a cell no field was read from and the form does not print: said on its cell."""
    printed = printed_words(annex_id)
    for row in grid.rows:
        for i, c in enumerate(row):
            s = squash(c.text)
            if c.used or c.continued or not s or s in printed or s in _BLANKS:
                continue
            near = next((x for x in row[i - 1::-1] + row[i + 1:] if squash(x.text) in printed), None) \
                if i else next((x for x in row[1:] if squash(x.text) in printed), None)
            where = grid.where(c) + (f" {near.text.strip()}旁" if near is not None else "")
            pf.problem(f"单元格中的文字“{c.text.strip()[:40]}”不在任何字段的位置，未读取",
                       fix="请把内容填到对应字段的单元格中，或删除", value=c.text.strip(), source=where)


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

