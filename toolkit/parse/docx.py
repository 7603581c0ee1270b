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

import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from ..model import BY_ID, Annex, Field, FieldType as T, Table
from ..model.naming import PROP_ANNEX, field_name, parse_name
from ..normalize import TICKS
from ..regulation import squash
from .values import ParsedFile, Value

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
MAX_XML = 40 * 1024 * 1024
MAX_RATIO = 300
TICKED = set(TICKS) | {"☒", "☑", "■", "✔"}
UNTICKED = {"", "□", "☐", "○"}

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True)


@dataclass
class Cell:
    row: int                  # index into Grid.rows
    col: int                  # grid column where the cell starts
    span: int
    text: str
    continued: bool           # a vertically merged continuation (no content of its own)
    tags: list = field(default_factory=list)     # (tag, text) of content controls inside
    repeated: bool = False    # the text was one text repeated; ``text`` holds one copy
    used: bool = False


@dataclass
class Grid:
    rows: list[list[Cell]]
    table_of_row: list[int]

    def next_cell(self, c: Cell) -> Cell | None:
        row = self.rows[c.row]
        i = row.index(c)
        return row[i + 1] if i + 1 < len(row) else None

    def below(self, c: Cell) -> Cell | None:
        """The cell under ``c`` (the one starting in its grid column, else the first)."""
        r = c.row + 1
        if r < len(self.rows) and self.rows[r]:
            row = [x for x in self.rows[r] if not x.continued]
            return next((x for x in row if x.col == c.col), None) or \
                next((x for x in row if x.col <= c.col < x.col + x.span), None)
        return None


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
    read_tables(block, grid, found)
    read_fields(block, grid, found)
    _compare_tags(pf, block, grid, found)
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


# --- the grid ---------------------------------------------------------------------------

def build_grid(doc) -> Grid:
    rows: list[list[Cell]] = []
    table_of_row: list[int] = []
    for ti, tbl in enumerate(doc.iter(W + "tbl")):
        for tr in tbl.findall(W + "tr"):
            r = len(rows)
            col = 0
            before = tr.find(f"{W}trPr/{W}gridBefore")
            if before is not None:
                col = int(before.get(W + "val", "0"))
            cells = []
            for tc in tr.findall(W + "tc"):
                span_el = tc.find(f"{W}tcPr/{W}gridSpan")
                span = int(span_el.get(W + "val", "1")) if span_el is not None else 1
                vm = tc.find(f"{W}tcPr/{W}vMerge")
                continued = vm is not None and vm.get(W + "val") in (None, "continue")
                text, tags = cell_text(tc)
                one, repeated = _dedupe(text)
                cells.append(Cell(r, col, span, one, continued, tags, repeated))
                col += span
            rows.append(cells)
            table_of_row.append(ti)
    return Grid(rows, table_of_row)


def cell_text(tc) -> tuple[str, list]:
    """Paragraphs joined by newlines; placeholder text and deleted text left out."""
    paras = []
    for p in tc.iter(W + "p"):
        if _inside_nested_table(p, tc):
            continue
        paras.append(_para_text(p))
    tags = []
    for sdt in tc.iter(W + "sdt"):
        tag = sdt.find(f"{W}sdtPr/{W}tag")
        content = sdt.find(W + "sdtContent")
        txt = "" if sdt.find(f"{W}sdtPr/{W}showingPlcHdr") is not None else \
            "".join(_run_text(r) for r in content.iter(W + "r")) if content is not None else ""
        box = sdt.find(f"{W}sdtPr/{W14}checkbox/{W14}checked")
        if box is not None:
            txt = "☒" if box.get(W14 + "val") in ("1", "true") else "☐"
        if tag is not None:
            tags.append((tag.get(W + "val"), txt))
    return "\n".join(paras).strip("\n"), tags


def _inside_nested_table(p, tc) -> bool:
    parent = p.getparent()
    while parent is not None and parent is not tc:
        if parent.tag == W + "tbl":
            return True
        parent = parent.getparent()
    return False


def _para_text(p) -> str:
    out = []
    for el in p.iter(W + "r", W + "sdtPr"):
        if el.tag == W + "sdtPr":
            continue
        if _in_placeholder(el):
            continue
        out.append(_run_text(el))
    return "".join(out)


def _in_placeholder(run) -> bool:
    parent = run.getparent()
    while parent is not None and parent.tag != W + "p":
        if parent.tag == W + "sdtContent":
            pr = parent.getparent().find(W + "sdtPr")
            if pr is not None and pr.find(W + "showingPlcHdr") is not None:
                return True
        parent = parent.getparent()
    return False


def _run_text(r) -> str:
    out = []
    for el in r:
        if el.tag == W + "t":
            out.append(el.text or "")
        elif el.tag in (W + "br", W + "cr"):
            out.append("\n")
        elif el.tag == W + "tab":
            out.append(" ")
        elif el.tag == W + "sym":
            out.append(_SYMBOLS.get(el.get(W + "char", "").upper(), ""))
    return "".join(out)


# Wingdings ticks a user may insert as symbols
_SYMBOLS = {"F0FC": "√", "F0FE": "☒", "F0A8": "□", "F06F": "□", "F078": "☒", "F0FB": "☒"}


def _dedupe(text: str) -> tuple[str, bool]:
    """'值A值A值A' -> ('值A', True); a text is kept when it is not one text repeated."""
    s = text.strip()
    n = len(s)
    if n < 2:
        return text, False
    for size in range(2, n // 2 + 1):
        unit = s[:size]
        if n % size == 0 and unit * (n // size) == s and re.search(r"[^\d.,\-\s]", unit):
            return unit, True        # numbers like 7070 are left alone
    return text, False


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


# --- repeating tables ------------------------------------------------------------------

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


def _ticked(text: str) -> bool:
    s = text.strip()
    return s not in UNTICKED and (s in TICKED or any(ch in s for ch in "☒☑√✓✔■"))


# --- fields with labels ----------------------------------------------------------------

def read_fields(block: Annex, grid: Grid, found: dict) -> None:
    cells = [c for row in grid.rows for c in row if not c.continued]
    blanks = []
    for f in block.fields():
        if field_name(block.id, f.id) in found:
            continue
        if f.type is T.CHOICE and not f.choice_list:
            _read_ticks(block, f, cells, grid, found)
            continue
        if not f.printed and f.blank:
            blanks.append(f)
            continue
        label = squash(f.label)
        cell = next((c for c in cells if not c.used and squash(c.text) == label), None)
        if cell is None:
            continue
        cell.used = True
        value = grid.next_cell(cell)
        if value is None or (f.unit and squash(value.text) == squash(f.unit)) or _is_label(block, value):
            value = grid.below(cell)
        if value is None or value.used:
            continue
        value.used = True
        text = _strip_blank(f, value.text)
        if text:
            found[field_name(block.id, f.id)] = (text, f"表格第{value.row + 1}行 {f.label}")
    for f in blanks:
        pattern = squash(f.blank)
        for c in cells:
            if c.used:
                continue
            if re.sub(r"[\d\s]", "", squash(c.text)) == pattern:
                c.used = True
                text = _strip_blank(f, c.text)
                if text:
                    found[field_name(block.id, f.id)] = (text, f"表格第{c.row + 1}行 {f.label}")
                break


def _read_ticks(block, f: Field, cells, grid: Grid, found) -> None:
    for i, choice in enumerate(f.choices, 1):
        word = next((c for c in cells if not c.used and squash(c.text) == squash(choice)), None)
        if word is None:
            continue
        box = grid.next_cell(word)
        word.used = True
        if box is None:
            continue
        box.used = True
        if _ticked(box.text):
            found[field_name(block.id, f.id, option=i)] = (True, f"表格第{box.row + 1}行 {f.label}：{choice}")


def _is_label(block: Annex, cell: Cell) -> bool:
    s = squash(cell.text)
    return bool(s) and any(s == squash(f.label) for f in block.fields() if f.printed)


def _strip_blank(f: Field, text: str) -> str:
    """A cell that shows only the form's blank (年 月 日, （ 年度））holds no value."""
    s = text.strip()
    if f.blank:
        rest = re.sub(r"[\s\d]", "", s)
        if rest == squash(f.blank) and not re.search(r"\d", s):
            return ""
        if f.type is T.YEAR:
            m = re.search(r"\d{4}", s)
            return m.group(0) if m else ""
    return s


# --- tags as a second witness ------------------------------------------------------------

def _compare_tags(pf: ParsedFile, block: Annex, grid: Grid, found: dict) -> None:
    by_tag: dict[str, list[str]] = {}
    for row in grid.rows:
        for c in row:
            for tag, text in c.tags:
                if tag and parse_name(tag):
                    by_tag.setdefault(tag, []).append(text)
    for tag, texts in by_tag.items():
        t = block[parse_name(tag).table] if parse_name(tag).table in block else None
        if isinstance(t, Table) and any(c.type is T.IMAGE for c in t.columns):
            continue
        distinct = {t.strip() for t in texts if t.strip()}
        if len(distinct) > 1:
            pf.problem(f"同一字段出现多次且内容不同：{'、'.join(sorted(distinct))[:60]}", field=parse_name(tag).field,
                       fix="可能复制了行或控件，请核对", severity="提示", source=f"控件 {tag}")
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
