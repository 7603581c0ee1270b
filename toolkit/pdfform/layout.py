"""The printed layout of an annex, derived from its model, as plain objects for the template.

Nothing here is typed twice: every word comes from ``toolkit.model``.  A blank
form has the rows it is asked for per table (``rows``: table id -> count, by default
``toolkit.forms.default_rows``); a filled one as many as the data has, at least
``Table.blank_rows``.  Long tables continue on the next pages, their header repeated.  Values are already written as text (``normalize.to_text``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field as dc_field

from ..model.annexes import YMD
from ..model.fields import Annex, Field, FieldType as T, Row, Section, Table, Text
from ..model.naming import DATE_PARTS, field_name
from ..normalize import to_text

PERCENT_UNITS = ("％", "%")


@dataclass
class Input:
    """One fillable field: a text box, a tick box, or a list."""

    name: str
    tooltip: str
    kind: str                      # text | multiline | check | select | date
    value: str = ""
    checked: bool = False
    options: tuple[str, ...] = ()
    numeric: bool = False
    lines: int = 1                 # height of a multiline box, in lines
    width: float | None = None     # mm, for boxes sized to their value or label
    align: str = "left"            # left | center: how the value is drawn (the field's /Q)
    # a date printed as ____年__月__日: one text field per blank, each followed by its word
    parts: list[tuple["Input", str]] = dc_field(default_factory=list)


@dataclass
class Cell:
    label: str | None = None       # printed label before the value (None: no label)
    inputs: list[Input] = dc_field(default_factory=list)
    unit: str | None = None
    prefix: str = ""               # printed around the box: （ [box] 年度）
    suffix: str = ""
    choices: list[tuple[str, Input]] = dc_field(default_factory=list)   # 租用 □
    kind: str = "text"


@dataclass
class Head:
    label: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Grid:
    """A table: header rows, body rows of inputs (one list of inputs per column)."""

    id: str
    head: list[list[Head]]
    rows: list[tuple[str, list[list[Input]]]]      # (row number text, cells)
    total: tuple[str, int, list[list[Input]]] | None = None   # (label, colspan, cells)
    widths: list[float] = dc_field(default_factory=list)
    images: list[tuple[str, str]] = dc_field(default_factory=list)  # (url, caption) for photos


@dataclass
class Block:
    kind: str                      # field | multiline | row | table | text | photos
    cells: list[Cell] = dc_field(default_factory=list)
    grid: Grid | None = None
    text: str = ""
    field_id: str = ""


@dataclass
class FCell:
    """A cell of a framed part: words (label, unit, header, text), one field, or tick boxes."""
    kind: str                      # label | unit | head | text | seal | value | choice
    text: str = ""
    input: Input | None = None
    choices: list[tuple[str, Input]] = dc_field(default_factory=list)
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Frame:
    """One ruled table of a part printed as the regulation's grid (附件1/7): rows of cells
    over columns of ``widths`` (% of the line), or a repeating table (``grid``)."""
    widths: list[float] = dc_field(default_factory=list)
    rows: list[list[FCell]] = dc_field(default_factory=list)
    grid: Grid | None = None
    stacked: bool = False          # label above value, no rules between (an opinion box)


@dataclass
class Part:
    id: str
    title: str | None
    blocks: list[Block]
    frames: list[Frame] = dc_field(default_factory=list)    # a titled part: drawn as a grid


@dataclass
class Page:
    annex: Annex
    cover: Part | None
    parts: list[Part]
    texts: tuple[str, ...]
    filled: bool

    def inputs(self) -> dict[str, Input]:
        """Every field of the page by name."""
        out: dict[str, Input] = {}
        for p in ([self.cover] if self.cover else []) + self.parts:
            for b in p.blocks:
                for c in b.cells:
                    for i in c.inputs + [inp for _, inp in c.choices]:
                        out[i.name] = i
                        for part, _ in i.parts:
                            out[part.name] = part
                if b.grid is not None:
                    for _, cells in b.grid.rows:
                        for inputs in cells:
                            for i in inputs:
                                out[i.name] = i
                    if b.grid.total:
                        for inputs in b.grid.total[2]:
                            for i in inputs:
                                out[i.name] = i
        return out


def _tooltip(label: str, row: int | None = None, table: Table | None = None) -> str:
    return f"{label}（第{row}行）" if row else label


def _lines_for(text: str, per_line: int, minimum: int) -> int:
    n = 0
    for para in (text or "").split("\n"):
        n += max(1, -(-len(para) // per_line))
    return max(minimum, n + 1 if text else minimum)


def _input(annex: Annex, f: Field, value, *, table: Table | None = None, row: int | None = None,
           per_line: int = 40, min_lines: int = 3, tooltip: str | None = None) -> Input:
    name = field_name(annex.id, f.id, table=table.id if table else None, row=row)
    tip = tooltip or _tooltip(table.column_label(f.id) if table else f.label, row)
    text = to_text(f, value)
    align = "left" if table is None else "center"       # table cells are centred, as printed
    if f.type is T.MULTILINE:
        return Input(name, tip, "multiline", text, lines=_lines_for(text, per_line, min_lines))
    if f.type is T.CHOICE and f.choice_list:
        return Input(name, tip, "select", text, options=f.choices, align=align)
    if f.type is T.DATE and f.blank == YMD and table is None:
        return Input(name, tip, "date", text, parts=_date_parts(annex, f, tip, text))
    return Input(name, tip, "text", text, numeric=f.type.numeric, width=_width(f, text, table),
                 align=align)


def _date_parts(annex: Annex, f: Field, tip: str, text: str) -> list[tuple[Input, str]]:
    """The year, month and day fields of a date printed as ____年__月__日, each centred in its
    blank; a value that is no date ("2026年春") goes whole into the year field (not lost)."""
    nums = re.findall(r"\d+", text)
    values = nums if len(nums) == 3 else [text, "", ""]
    return [(Input(field_name(annex.id, f.id, part=p), f"{tip}（{word}）", "text", v, numeric=True,
                   align="center"), word) for (p, word), v in zip(DATE_PARTS, values)]


def _width(f: Field, text: str, table: Table | None) -> float | None:
    """Width in mm of a one-line box outside tables: room for the value (10 pt)."""
    if table is not None:
        return None
    base = 20.0 if f.type.numeric else 32.0
    if f.type in (T.TEXT, T.EMAIL, T.URL) and not f.type.numeric:
        base = 45.0
    need = sum(1.95 if ch.isascii() else 3.6 for ch in text) + 3
    return round(min(150.0, max(base, need)), 1)


def _choice_inputs(annex: Annex, f: Field, value, *, table=None, row=None) -> list[tuple[str, Input]]:
    out = []
    for k, choice in enumerate(f.choices, 1):
        name = field_name(annex.id, f.id, table=table.id if table else None, row=row, option=k)
        label = table.column_label(f.id) if table else f.label
        out.append((choice, Input(name, _tooltip(f"{label}：{choice}", row), "check",
                                  checked=(value == choice))))
    return out


def _cell(annex: Annex, f: Field, values: dict, per_line: int = 40, min_lines: int = 3) -> Cell:
    value = values.get(f.id)
    if f.type is T.CHOICE and not f.choice_list:
        return Cell(f.label if f.printed else None, choices=_choice_inputs(annex, f, value), kind="choice")
    inp = _input(annex, f, value, per_line=per_line, min_lines=min_lines)
    # a value the regulation prints no label for (申报单位名称 over 附件5) gets its descriptive
    # label, as in the Word form; one printed as a blank (年月日) stands alone
    cell = Cell(f.label if f.printed or not f.blank else None, [inp], f.unit, kind=inp.kind)
    if f.blank and f.blank != YMD:
        # （  年度）: the box stands inside the printed words
        if f.blank.startswith("（"):
            cell.prefix, cell.suffix = "（", f.blank[1:]
        else:
            cell.suffix = f.blank
    return cell


def _grid(annex: Annex, t: Table, rows: list[dict], total_row: Row | None, values: dict,
          filled: bool, base_url, count: int | None = None) -> Grid:
    cols = [c for c in t.columns if c.type is not T.IMAGE]
    head_top: list[Head] = []
    head_sub: list[Head] = []
    two = bool(t.groups) or bool(t.choice_columns)
    if t.numbered:
        head_top.append(Head(t.number_label, rowspan=2 if two else 1))
    done_groups = set()
    for c in cols:
        g = t.group_of(c.id)
        label = c.label + (c.unit if c.unit in PERCENT_UNITS else "")
        if g is None:
            head_top.append(Head(label, rowspan=2 if two else 1))
            continue
        if g.label not in done_groups:
            done_groups.add(g.label)
            span = sum(len(t.column(x).choices) if x in t.choice_columns else 1 for x in g.columns)
            head_top.append(Head(g.label, colspan=span))
        if c.id in t.choice_columns:
            head_sub.extend(Head(ch) for ch in c.choices)
        else:
            head_sub.append(Head(label))
    head = [head_top] + ([head_sub] if two else [])
    n = max(t.blank_rows, len(rows)) if filled else (count or t.blank_rows)
    body = []
    for i in range(1, n + 1):
        data = rows[i - 1] if i <= len(rows) else {}
        cells = []
        for c in cols:
            if c.id in t.choice_columns:
                cells.extend([[inp] for _, inp in _choice_inputs(annex, c, data.get(c.id), table=t, row=i)])
            else:
                cells.append([_input(annex, c, data.get(c.id), table=t, row=i, per_line=12, min_lines=1)])
        body.append((str(i) if t.numbered else "", cells))
    total = None
    if t.total_label and total_row is not None:
        by_col = dict(zip(t.total_columns, total_row.fields))
        cells = []
        first = True
        span = (1 if t.numbered else 0)
        for c in cols:
            f = by_col.get(c.id)
            if f is None and first:
                span += 1
                continue
            first = False
            if f is None:
                cells.append([])
                continue
            inp = _input(annex, f, values.get(f.id), tooltip=f.label)
            inp.align = "center"            # a table cell, drawn like the rows above it
            cells.append([inp])
        total = (t.total_label, span, cells)
    return Grid(t.id, head, body, total, widths=_widths(t, cols))


_TYPE_WEIGHT = {T.PHONE: 3.0, T.DATE: 2.6, T.EMAIL: 3.2, T.URL: 3.2, T.YEAR: 1.4, T.INTEGER: 1.4,
                T.NUMBER: 1.5, T.AMOUNT: 1.7, T.PERCENT: 1.5, T.TEXT: 3.0, T.MULTILINE: 4.0}


def _widths(t: Table, cols: list[Field]) -> list[float]:
    """Column widths in % of the table: from the value type and the header length."""
    w: list[float] = [0.9] if t.numbered else []
    for c in cols:
        if c.id in t.choice_columns:
            w.extend(max(1.3, 0.45 * len(ch)) for ch in c.choices)
            continue
        label_room = min(len(c.label), 5 if c.type.numeric else 9) * 0.42
        weight = _TYPE_WEIGHT.get(c.type, 2.0) * (1.6 if "名称" in c.label else 1.0)   # names are long
        w.append(max(weight, label_room))
    total = sum(w)
    return [round(100 * x / total, 2) for x in w]


def _photos(annex: Annex, t: Table, rows: list[dict], filled: bool, urls, count: int | None = None) -> Grid:
    body = []
    images = []
    n = max(1, len(rows)) if filled else (count or t.blank_rows)
    for i in range(1, n + 1):
        data = rows[i - 1] if i <= len(rows) else {}
        cells = [[_input(annex, c, data.get(c.id), table=t, row=i, min_lines=1)] for c in t.columns]
        body.append(("", cells))
        if data.get("file") and urls is not None:
            images.append((urls(data["file"]), to_text(t.columns[1], data.get("caption"))))
    return Grid(t.id, [], body, images=images)


def _part(annex: Annex, sec: Section, values: dict, filled: bool, urls, counts: dict) -> Part:
    blocks: list[Block] = []
    items = list(sec.items)
    consumed = set()
    for k, item in enumerate(items):
        if k in consumed:
            continue
        if isinstance(item, Text):
            blocks.append(Block("text", text=item.text))
        elif isinstance(item, Table):
            rows = values.get(item.id) or []
            if any(c.type is T.IMAGE for c in item.columns):
                blocks.append(Block("photos", grid=_photos(annex, item, rows, filled, urls, counts.get(item.id))))
                continue
            total_row = None
            if item.total_label and k + 1 < len(items) and isinstance(items[k + 1], Row):
                total_row = items[k + 1]
                consumed.add(k + 1)
            blocks.append(Block("table", grid=_grid(annex, item, rows, total_row, values, filled, urls,
                                                    counts.get(item.id))))
        elif isinstance(item, Row):
            multi = any(f.type is T.MULTILINE for f in item.fields)
            per = 40 // len(item.fields)
            blocks.append(Block("mrow" if multi else "row",
                                cells=[_cell(annex, f, values, per_line=per) for f in item.fields]))
        elif isinstance(item, Field):
            cell = _cell(annex, item, values, per_line=36 if sec.title else 44)
            kind = {"multiline": "multiline", "date": "date"}.get(cell.kind, "field")
            blocks.append(Block(kind, cells=[cell], field_id=item.id))
    part = Part(sec.id, sec.title, blocks)
    if sec.title:
        part.frames = _frames(blocks, sec.stacked, annex.landscape)
    return part


# --- titled parts as the regulation prints them: one ruled grid, a row per line -----------
# Each frame is a table of its own, stacked so their rules meet.  A label stays on one line
# with its value beside it (the flattened-PDF reader finds a value after its label on the
# same line); a long text's label is printed over its box, in the same cell.

CHAR_MM = 3.7           # one Chinese character at 10.5 pt
PAD_MM = 2.4            # a cell's padding and rules


def _text_mm(text: str) -> float:
    return sum(1.9 if ch.isascii() else CHAR_MM for ch in text) + PAD_MM


def _percent(widths: list[float], line_mm: float) -> list[float]:
    """Fixed widths in mm and shares (negative) of what is left, as % of the line."""
    fixed = sum(w for w in widths if w > 0)
    shares = sum(-w for w in widths if w < 0)
    rest = max(line_mm - fixed, shares * 14.0)
    mm = [w if w > 0 else rest * -w / shares for w in widths]
    total = sum(mm)
    return [round(100 * w / total, 2) for w in mm]


def _line(cells_in: list[Cell], line_mm: float) -> Frame:
    """Fields on one ruled row: label：, box (or tick boxes), unit."""
    cells, widths = [], []
    for c in cells_in:
        if c.label:
            cells.append(FCell("label", c.label + "："))
            widths.append(_text_mm(c.label + "："))
        if c.choices:
            cells.append(FCell("choice", choices=c.choices))
            widths.append(sum(_text_mm(label) + 8.0 for label, _ in c.choices))   # word, box, gap
        for i in c.inputs:
            cells.append(FCell("value", input=i))
            widths.append(-((i.width or 32.0) / 32.0))
        if c.unit:
            cells.append(FCell("unit", c.unit))
            widths.append(_text_mm(c.unit))
    return Frame(_percent(widths, line_mm), [cells])


def _headed(g: Grid, prefix: str) -> Grid:
    """A repeating table whose first header carries the words printed before it (其中：)."""
    first = [Head(prefix + g.head[0][0].label, g.head[0][0].colspan, g.head[0][0].rowspan)]
    return Grid(g.id, [first + g.head[0][1:]] + g.head[1:], g.rows, g.total, g.widths, g.images)


def _group(text: str, cells: list[Cell], line_mm: float) -> Frame:
    """合作资源 | 签订合作协议的单位 · 其他合作单位, each label over its box (no group label
    cell when the words before are missing)."""
    widths = ([_text_mm(text)] if text else []) + [-1.0] * len(cells)
    first = ([FCell("label", text, rowspan=2)] if text else []) + [FCell("head", c.label or "") for c in cells]
    boxes = [FCell("value", input=c.inputs[0]) for c in cells]
    return Frame(_percent(widths, line_mm), [first, boxes])


def _stack(frame: Frame, b: Block) -> None:
    """Add a block to a label-over-value frame (an opinion box: label, box, seal, date)."""
    if b.kind == "text":
        frame.rows.append([FCell("seal", b.text)])
        return
    for c in b.cells:
        if c.label:
            frame.rows.append([FCell("label", c.label)])
        frame.rows.extend([FCell("value", input=i)] for i in c.inputs)


def _frames(blocks: list[Block], stacked: bool, landscape: bool) -> list[Frame]:
    line_mm = 277.0 if landscape else 176.0
    out: list[Frame] = []
    k = 0
    while k < len(blocks):
        b = blocks[k]
        nxt = blocks[k + 1] if k + 1 < len(blocks) else None
        if b.kind == "text" and nxt is not None and nxt.kind == "table":
            out.append(Frame(grid=_headed(nxt.grid, b.text)))
            k += 2
            continue
        if b.kind == "text" and nxt is not None and nxt.kind == "mrow":
            out.append(_group(b.text, nxt.cells, line_mm))
            k += 2
            continue
        if b.kind == "table":
            out.append(Frame(grid=b.grid))
        elif stacked or b.kind == "multiline":
            if not (stacked and out and out[-1].stacked):
                out.append(Frame([100.0], [], stacked=True))
            _stack(out[-1], b)
        elif b.kind == "mrow":
            out.append(_group("", b.cells, line_mm))
        elif b.kind == "text":
            out.append(Frame([100.0], [[FCell("text", b.text)]]))
        else:
            out.append(_line(b.cells, line_mm))
        k += 1
    return out


def page(annex: Annex, data: dict | None = None, urls=None, rows: dict[str, int] | None = None) -> Page:
    """The layout of ``annex``; ``data`` the annex's part of the application (None: blank);
    ``rows``: a blank's row count per table id (``toolkit.forms.blank_rows``; None: the
    downloadable blanks' defaults)."""
    values = data or {}
    filled = data is not None
    if not filled:
        from ..forms import blank_rows
        rows = blank_rows(rows)
    counts = rows or {}
    cover = _part(annex, annex.cover, values, filled, urls, counts) if annex.cover else None
    parts = [_part(annex, s, values, filled, urls, counts) for s in annex.sections]
    return Page(annex, cover, parts, annex.texts, filled)
