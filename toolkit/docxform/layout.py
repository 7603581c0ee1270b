"""The docxtpl template of an annex, laid out by walking its model.

Every printed word comes from the model (labels, units, group headers, texts,
titles); values are Jinja placeholders filled by ``context.build``:

    {{ v['a1__postcode'] }}                 a field (its display text)
    {{ v['a1__site_nature__o1'] }}          the glyph of a tick box (□ or ☒),
    {{ c['a1__site_nature__o1'] }}          and its checked state (0 or 1)
    {%tr for r in rows['staff'] %} ... {{ r['name'] }} ... {%tr endfor %}

How a value is found again (the contract with the DOCX parser), whatever
happened to content-control tags:
  * a field printed with a label: the value is alone in the cell right of the
    cell holding the label (a unit such as 万元 or ％ is in its own cell after
    it); in "stacked" parts (附件2, the opinion of 附件1/7, 合作资源) the value
    is in the cell below the label;
  * a tick box: each choice is a cell with the choice's words, followed by a
    cell holding □ or ☒ (or a typed √/✓/是);
  * a repeating table: one or two header rows with the column labels
    (``Table.column_label`` joins a group and its sub-header), then one row
    per entry, first cell 序号 when the table is numbered; 合计 ends 附件4;
  * a value without a printed label (复核单位名称 and the like) is right of a
    cell with its descriptive label; a date or year printed as a blank
    (年月日, （年度）) is a cell of its own whose blank words are not a value.
"""
from __future__ import annotations

from ..model.fields import Annex, Field, FieldType as T, Row, Section, Table, Text
from ..model.naming import field_name
from . import ooxml as x
from .ooxml import Cell, TableSpec, TRow

BODY_SIZE = 10.5      # 五号
SMALL_SIZE = 8        # 附件6's 24 columns
TITLE_SIZE = 18       # 小二
NUMBER_SIZE = 16      # 三号
COVER_SIZE = 26       # 一号


def header_label(t: Table, f: Field) -> str:
    """A column header as printed: the label, with ％ for percentages (投资比例％)."""
    if f.type is T.PERCENT and f.unit and f.unit not in f.label:
        return f.label + f.unit
    return f.label


def ticked_options(f: Field) -> bool:
    return f.type is T.CHOICE and not f.choice_list


class Layout:
    def __init__(self, annex: Annex):
        self.a = annex
        self.size = SMALL_SIZE if annex.landscape else BODY_SIZE
        self.width = x.text_width(annex.landscape)
        self.char = int(self.size * 20)          # twips per Chinese character

    # --- cells ------------------------------------------------------------------------

    def words(self, text: str, weight: float, *, align: str = "center", size: float | None = None,
              bold: bool = False, keep_next: bool = False, **kw) -> Cell:
        size = size or self.size
        return Cell(x.para(x.run(text, size=size, bold=bold), align=align, size=size,
                           keep_next=keep_next), weight, **kw)

    def empty(self, weight: float, **kw) -> Cell:
        return Cell(x.para(size=self.size), weight, **kw)

    def label_width(self, text: str, cap: int = 11) -> int:
        return min(len(text), cap) * self.char + 240

    def value(self, f: Field, weight: float, *, align: str = "left", size: float | None = None,
              **kw) -> Cell:
        name = field_name(self.a.id, f.id)
        size = size or self.size
        ctl = x.text_control(name, f.label, "{{ v['%s'] }}" % name, size=size)
        return Cell(x.para(ctl, align=align, size=size), weight, **kw)

    def box(self, alias: str, name_expr: str, glyph: str, checked: str, weight: float) -> Cell:
        ctl = x.check_control(name_expr, alias, checked, glyph, size=self.size)
        return Cell(x.para(ctl, align="center", size=self.size), weight)

    def field_cells(self, f: Field, *, line: bool = False, share: float = 1.0) -> list[Cell]:
        """Label, value (or one cell per tick box) and unit of a field on one line.
        ``line``: a line of a borderless part, values underlined."""
        cells = []
        lined = ("bottom",) if line else ()
        if f.printed or not f.blank:
            label = f.label + ("：" if line else "")
            cells.append(self.words(label, self.label_width(label, 20 if line else 11),
                                    align="right" if line else "center"))
        if ticked_options(f):
            for i, choice in enumerate(f.choices, start=1):
                name = field_name(self.a.id, f.id, option=i)
                cells.append(self.words(choice, self.label_width(choice)))
                cells.append(self.box(f"{f.label}：{choice}", name, "{{ v['%s'] }}" % name,
                                      "{{ c['%s'] }}" % name, 1.5 * self.char + 170))
        else:
            unit_open = ("right",) if f.unit and not line else ()
            cells.append(self.value(f, share * -1, open_sides=unit_open, lined_sides=lined,
                                    align="center" if f.type.numeric else "left"))
        if f.unit:
            cells.append(self.words(f.unit, len(f.unit) * self.char + 200, align="left",
                                    open_sides=() if line else ("left",)))
        return cells

    # --- rows -------------------------------------------------------------------------

    def fit(self, cells: list[Cell]) -> list[Cell]:
        """Give value cells (negative weights: shares) what fixed cells leave of the width."""
        fixed = sum(c.weight for c in cells if c.weight > 0)
        shares = sum(-c.weight for c in cells if c.weight < 0)
        rest = self.width - fixed
        if shares and rest < shares * 2 * self.char:
            rest = shares * 2 * self.char
        for c in cells:
            if c.weight < 0:
                c.weight = rest * (-c.weight) / shares
        return cells

    def line_row(self, fields: list[Field], height: int = 420) -> TRow:
        cells = []
        for f in fields:
            cells += self.field_cells(f, share=_share(f))
        return TRow(self.fit(cells), height=height, cant_split=True)

    def multiline_height(self, f: Field) -> int:
        return 900 if f.type is T.MULTILINE else 420

    # --- sections ---------------------------------------------------------------------

    def grid_rows(self, sec: Section) -> list[TRow]:
        """The rows of a bordered part of the form."""
        items = [i for i in sec.items if not self._is_total_row(i)]
        rows: list[TRow] = []
        stacked = sec.stacked
        i = 0
        while i < len(items):
            it = items[i]
            nxt = items[i + 1] if i + 1 < len(items) else None
            after = items[i + 2] if i + 2 < len(items) else None
            if isinstance(it, Text) and isinstance(nxt, Table):
                rows += self.table_rows(nxt, prefix=it.text)
                i += 2
                continue
            if isinstance(it, Text) and isinstance(nxt, Row) and all(
                    f.type is T.MULTILINE for f in nxt.fields):
                rows += self.stacked_group(it.text, nxt.fields)
                i += 2
                continue
            if isinstance(it, Text):
                seal = it.text.startswith("（")
                rows.append(TRow([self.words(it.text, 1, align="right" if seal else "left", keep_next=seal,
                                             open_sides=("top", "bottom") if seal else ())]))
            elif isinstance(it, Table):
                rows += self.table_rows(it, first=not rows)
            elif isinstance(it, Row):
                rows.append(self.line_row(list(it.fields)))
            elif isinstance(it, Field) and (stacked or not it.printed):
                rows += self.stacked_field(it, 1500 if sec.id == "opinion" else 1500)
            elif isinstance(it, Field) and isinstance(nxt, Text) and isinstance(after, Table):
                rows += self.table_rows(after, prefix=nxt.text, left=it)
                i += 3
                continue
            elif isinstance(it, Field) and isinstance(nxt, Field) and nxt.label.startswith("其中") \
                    and it.type is not T.MULTILINE and nxt.type is not T.MULTILINE:
                rows.append(self.line_row([it, nxt]))
                i += 2
                continue
            elif isinstance(it, Field) and it.type is T.MULTILINE:
                cells = [self.words(it.label, 5 * self.char + 240), self.value(it, -1)]
                rows.append(TRow(self.fit(cells), height=self.multiline_height(it)))
            else:
                rows.append(self.line_row([it]))
            i += 1
        return rows

    def _is_total_row(self, item) -> bool:
        if not isinstance(item, Row):
            return False
        totals = {f"total_{c}" for t in self.a.tables() for c in t.total_columns}
        return all(f.id in totals for f in item.fields)

    def stacked_field(self, f: Field, height: int) -> list[TRow]:
        rows = []
        if f.printed:
            rows.append(TRow([self.words(f.label, 1, align="left", open_sides=("bottom",), bold=True,
                                         keep_next=True)], cant_split=True))
        if f.blank:       # a date under a seal: right-aligned, no line above
            rows.append(TRow([self.value(f, 1, align="right", open_sides=("top",))], height=420))
        else:
            rows.append(TRow([self.value(f, 1, open_sides=("top",) if f.printed else ())],
                             height=height if f.type is T.MULTILINE else 420))
        return rows

    def stacked_group(self, text: str, fields) -> list[TRow]:
        """合作资源 | labels over values."""
        left = 4 * self.char + 240
        head = [self.words(text, left, vmerge="restart")] + [self.words(f.label, -1) for f in fields]
        vals = [self.empty(left, vmerge="continue")] + [self.value(f, -1) for f in fields]
        return [TRow(self.fit(head), cant_split=True),
                TRow(self.fit(vals), height=self.multiline_height(fields[0]))]

    # --- repeating tables ---------------------------------------------------------------

    def col_weight(self, t: Table, f: Field) -> float:
        base = {T.TEXT: 4, T.MULTILINE: 6, T.PHONE: 4.2, T.DATE: 3.5, T.IMAGE: 13}.get(f.type, 2)
        if self.a.landscape:
            base = {T.TEXT: 2.8, T.PHONE: 3.2}.get(f.type, 1.6)
        if f.label.endswith("名称"):       # names of enterprises and platforms are long
            base *= 1.7
        if f.id in t.choice_columns:
            base = sum(len(ch) * 0.55 + 0.6 for ch in f.choices)
        return max(base, min(len(header_label(t, f)), 8) * 0.45)

    def table_rows(self, t: Table, prefix: str | None = None, left: Field | None = None,
                   first: bool = False) -> list[TRow]:
        """Header row(s), a docxtpl row loop and a 合计 row; ``first``: the table starts
        the grid, its header is repeated on every page."""
        a = self.a.id
        cols = list(t.columns)
        weights = {c.id: self.col_weight(t, c) for c in cols}
        num_w = 2 * self.char + 220
        unit = (self.width - (num_w if t.numbered else 0)) / sum(weights.values())
        if left is not None:     # 注册资本 ____ 万元 beside the investors
            left_cells = self.field_cells(left)
            for c in left_cells:
                c.weight = c.weight if c.weight > 0 else 4 * self.char
            unit = (self.width - sum(c.weight for c in left_cells)) / sum(weights.values())
            num_w = 0
        two = bool(t.groups) or any(c.id in t.choice_columns for c in cols)

        def left_part(first: bool) -> list[Cell]:
            if left is None:
                return []
            if first:
                for c in left_cells:
                    c.vmerge = "restart"
                return list(left_cells)
            return [self.empty(c.weight, vmerge="continue", open_sides=c.open_sides) for c in left_cells]

        head1, head2 = left_part(True), []
        if t.numbered:
            head1.append(self.words(t.number_label, num_w, vmerge="restart" if two else None))
            head2.append(self.empty(num_w, vmerge="continue"))
        seen = set()
        for k, c in enumerate(cols):
            g = t.group_of(c.id)
            label = (prefix or "") + header_label(t, c) if k == 0 else header_label(t, c)
            if c.id in t.choice_columns:
                w = weights[c.id] / len(c.choices)
                if g and g.label not in seen:
                    seen.add(g.label)
                    head1.append(self.words(g.label, weights[c.id] * unit))
                for choice in c.choices:
                    head2.append(self.words(choice, w * unit))
            elif g:
                if g.label not in seen:
                    seen.add(g.label)
                    head1.append(self.words(g.label, sum(weights[m] for m in g.columns) * unit))
                head2.append(self.words(label, weights[c.id] * unit))
            else:
                head1.append(self.words(label, weights[c.id] * unit, vmerge="restart" if two else None))
                head2.append(self.empty(weights[c.id] * unit, vmerge="continue"))
        rows = [TRow(head1, header=first, cant_split=True)]
        if two:
            rows.append(TRow(head2, header=first, cant_split=True))
        if not any(c.printed for c in cols):     # 附件2's photos: no header of their own
            rows = []

        data = left_part(False)
        if t.numbered:
            data.append(self.words("{{ r['n'] }}", num_w))
        for c in cols:
            tag = field_name(a, c.id, table=t.id, row=0).replace("__0__", "__{{ r['n'] }}__")
            alias = t.column_label(c.id)
            if c.id in t.choice_columns or ticked_options(c):
                w = weights[c.id] / len(c.choices)
                for i, choice in enumerate(c.choices, start=1):
                    key = f"{c.id}__o{i}"
                    data.append(self.box(f"{alias}：{choice}", f"{tag}__o{i}", "{{ r['%s'] }}" % key,
                                         "{{ r['%s__c'] }}" % key, w * unit))
            elif c.type is T.IMAGE:
                data.append(Cell(x.para(x.run("{{ r['%s'] }}" % c.id), align="center"),
                                 weights[c.id] * unit))
            else:
                ctl = x.text_control(tag, alias, "{{ r['%s'] }}" % c.id, size=self.size)
                data.append(Cell(x.para(ctl, align="center" if c.type.numeric else "left",
                                        size=self.size), weights[c.id] * unit))
        loop = f"{{%tr for r in rows['{t.id}'] %}}"
        height = 480
        rows += [TRow([], raw=loop), TRow(data, height=height, cant_split=True),
                 TRow([], raw="{%tr endfor %}")]

        if t.total_label:
            first = (num_w if t.numbered else 0) + weights[cols[0].id] * unit
            total = [self.words(t.total_label, first)]
            for c in cols[1:]:
                if c.id in t.total_columns:
                    total.append(self.value(self.a[f"total_{c.id}"], weights[c.id] * unit, align="center"))
                else:
                    total.append(self.empty(weights[c.id] * unit))
            rows.append(TRow(total, height=height))
        return rows

    # --- the document ----------------------------------------------------------------------

    def grid(self, rows: list[TRow], borders: bool = True) -> str:
        return x.table(TableSpec(rows, borders=borders, width=self.width,
                                 margin=40 if self.a.landscape else 85))

    def lines(self, sec: Section) -> str:
        """A borderless part: 申请单位（盖章）：____   单位：万元."""
        rows: list[TRow] = []
        for it in sec.items:
            if isinstance(it, Text):
                cell = self.words(it.text, len(it.text) * self.char + 400, align="right")
                if rows:
                    rows[-1].cells.append(cell)
                else:
                    rows.append(TRow([cell]))
                continue
            fields = list(it.fields) if isinstance(it, Row) else [it]
            if len(fields) == 1 and not fields[0].printed and fields[0].blank:
                rows.append(TRow([self.value(fields[0], 1, align="center")], height=480))
                continue
            cells = []
            for f in fields:
                cells += self.field_cells(f, line=True, share=_share(f))
                cells.append(self.empty(self.char))
            rows.append(TRow(cells[:-1], height=480))
        for r in rows:
            self.fit(r.cells)
        return self.grid(rows, borders=False)

    def cover(self, sec: Section) -> str:
        out = []
        texts = [i for i in sec.items if isinstance(i, Text)]
        fields = [i for i in sec.items if isinstance(i, Field)]
        out.append(x.para(size=COVER_SIZE) * 2)
        for tx in texts[:-1]:
            out.append(x.para(x.run(tx.text, size=COVER_SIZE, bold=True), align="center", after=240))
        out.append(x.para(size=COVER_SIZE) * 3)
        rows = []
        for f in fields:
            lab = self.words(f.label + "：", 7 * 16 * 20, align="distribute", size=16)
            val = self.value(f, 12 * 16 * 20, align="center" if f.blank else "left", size=16,
                             lined_sides=("bottom",))
            rows.append(TRow([self.empty(900), lab, val, self.empty(900)], height=720))
        out.append(self.grid(rows, borders=False))
        out.append(x.para(size=COVER_SIZE) * 4)
        out.append(x.para(x.run(texts[-1].text, size=NUMBER_SIZE, bold=True), align="center"))
        return "".join(out)

    def body(self) -> str:
        a = self.a
        out = [x.para(x.run(a.name, size=NUMBER_SIZE, bold=True), align="left")]
        if a.cover:
            out.append(self.cover(a.cover))
        out.append(x.para(x.run(a.title, size=TITLE_SIZE, bold=True), align="center",
                          page_break_before=a.cover is not None, before=120, after=240))
        for sec in a.sections:
            if any(isinstance(i, Table) for i in sec.items) or sec.title or sec.stacked:
                head = []
                if sec.title:       # a row of the form, as in the regulation's table
                    head.append(TRow([self.words(sec.title, 1, align="left", size=12, bold=True,
                                                 keep_next=True)], height=480, cant_split=True))
                out.append(self.grid(head + self.grid_rows(sec)))
                out.append(x.para(size=2 if a.cover else 6))
            else:
                out.append(self.lines(sec))
                out.append(x.para(size=4))
        for text in a.texts:
            out.append(x.para(x.run(text, size=self.size + 1), align="left", before=120))
        if not a.texts:     # a body must end with a paragraph: a 1-pt one, so no blank page
            out[-1] = TAIL
        return "".join(out)


TAIL = ('<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
        '<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr></w:p>')


def _share(f: Field) -> float:
    return {T.POSTCODE: 0.6, T.INTEGER: 0.5, T.NUMBER: 0.5, T.AMOUNT: 0.6, T.PERCENT: 0.5,
            T.YEAR: 0.5}.get(f.type, 1.0)


def template_xml(annex: Annex) -> str:
    """``word/document.xml`` of the docxtpl template of ``annex``."""
    return x.document(Layout(annex).body(), annex.landscape)
