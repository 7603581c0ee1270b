"""A problem found in data: where it is (file, annex, row, field) and what to do.

Validation, parsing and checking all report ``Problem`` objects, so the CLI,
the XLSX issues sheet and the web page show them the same way.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

ERROR = "错误"      # the value cannot be used
CAUTION = "警告"    # used, but probably not what was written (a damaged character): check it
WARNING = "提示"    # used, but someone should look


@dataclass
class Problem:
    message: str                 # what is wrong, in Chinese
    annex: str | None = None     # annex id: annex1 ... annex7, declared, record
    field: str | None = None     # field id (column id inside a table)
    label: str | None = None     # the Chinese label as printed
    row: int | None = None       # 1-based row of a repeating table
    table: str | None = None     # table id
    fix: str = ""                # what to do
    value: str | None = None     # the offending value, as text
    severity: str = ERROR
    file: str | None = None
    source: str | None = None    # where in the file: "字段 a3__staff__7__phone", "第2页 第3行"

    @property
    def path(self) -> str:
        """Machine location: annex3.staff[16].education."""
        return data_path(self.annex, self.table, self.row, self.field)

    def where(self) -> str:
        """Human location: 附件3 第16行 学历（annex3.staff[16].education）."""
        from .model import BY_ID
        parts = []
        if self.file:
            parts.append(self.file)
        block = BY_ID.get(self.annex) if self.annex else None
        if block is not None:
            parts.append(block.name)
        if self.row:
            parts.append(f"第{self.row}行")
        if self.label:
            parts.append(self.label)
        loc = " ".join(parts)
        if self.path:
            loc += f"（{self.path}）"
        if self.source:
            loc += f"［{self.source}］"
        return loc

    def __str__(self) -> str:
        fix = f"。{self.fix}" if self.fix else ""
        return f"[{self.severity}] {self.where()}：{self.message}{fix}"

    def to_dict(self) -> dict:
        d = asdict(self)
        d["path"] = self.path
        return d


def data_path(annex: str | None, table: str | None = None, row: int | None = None,
              field: str | None = None) -> str:
    """Where a value is in the application data: annex3.staff[16].education (row 1-based)."""
    p = annex or ""
    if table:
        p += f".{table}" + (f"[{row}]" if row else "")
    if field:
        p += f".{field}"
    return p


def has_errors(problems) -> bool:
    return any(p.severity == ERROR for p in problems)


# ---------------------------------------------------------------- one line for a repeated problem

_QUOTED = re.compile(r"“[^”]*”")


def group_problems(problems, least: int = 2) -> list[Problem]:
    """The same problem (severity, file, annex, table, message and fix; values quoted “…” in
    the message may differ) said for ``least`` or more rows or fields becomes one problem at
    the place of its first, naming every row and field: 共14处：第4–17行的姓名、学历.
    Problems said once are kept as they are, in order."""
    problems = list(problems)
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        groups.setdefault(_group_key(p), []).append(p)
    out = []
    for p in problems:
        members = groups.get(_group_key(p))
        if members is None:
            continue
        if len(members) < least:
            out.append(p)
            continue
        if members[0] is p:
            out.append(_merged(members))
            groups.pop(_group_key(p))
    return out


def _group_key(p: Problem) -> tuple:
    head, sep, tail = p.message.partition("：")
    message = _QUOTED.sub("“…”", p.message)
    if sep and tail and not _is_place(head):
        message = head + "：…"          # 同一字段出现多次且内容不同：甲、乙 — what follows differs
    return (p.severity, p.file, p.annex, p.table, message, p.fix)


def _is_place(head: str) -> bool:
    """``附件2：…``, ``第3页 …：…``: what is before the colon is where, not what."""
    from .model import BY_ID
    return any(head.startswith(b.name) for b in BY_ID.values()) or head.startswith("第")


def _merged(members: list[Problem]) -> Problem:
    first = members[0]

    def same(attr):
        values = {getattr(p, attr) for p in members}
        return values.pop() if len(values) == 1 else None

    messages = list(dict.fromkeys(p.message for p in members))
    if len(messages) == 1:
        said = messages[0]
    else:
        said = _QUOTED.sub("“…”", first.message)
        head, sep, tail = said.partition("：")
        if sep and tail and not _is_place(head):
            said = head
    where = _places(members, shared_label=same("label") or same("field"))
    text = f"{said}（共{len(members)}处：{where}"
    if len(messages) > 1:
        text += f"；如{_place(first)}：{first.message}" if _place(first) else f"；如{first.message}"
    text += "）"
    return Problem(text, annex=first.annex, field=same("field"), label=same("label"), row=same("row"),
                   table=same("table") or _shared_table(members), fix=first.fix, value=same("value"),
                   severity=first.severity, file=first.file, source=same("source"))


def _located(p: Problem) -> tuple[int | None, str, str | None]:
    """(row, label, table) of a problem; a field named in its source (控件 a3__staff__4__name,
    字段 …) gives the row and the column when the problem itself does not."""
    row, label, table = p.row, p.label or "", p.table
    if p.source and (row is None or not label):
        from .model.naming import parse_name
        n = parse_name(p.source.split()[-1]) if p.source.split() else None
        if n is not None:
            row = row or n.row
            table = table or n.table
            label = label or label_of(n.annex, n.table, n.field)
    if not label and p.field:
        label = label_of(p.annex, table, p.field) or p.field
    return row, label, table


def label_of(annex, table, field) -> str:
    """The printed label of a field or column (教育情况/学历), or "" when the model has none."""
    from .model import BY_ID, Table
    block = BY_ID.get(annex)
    if block is None:
        return ""
    try:
        node = block[table] if table else block[field]
        if isinstance(node, Table):
            return node.column_label(field) if table else node.label
        return node.label
    except KeyError:
        return ""


def _shared_table(members: list[Problem]) -> str | None:
    tables = {_located(p)[2] for p in members}
    return tables.pop() if len(tables) == 1 else None


def _place(p: Problem) -> str:
    row, label, _ = _located(p)
    return " ".join(x for x in (f"第{row}行" if row else "", label) if x) or (p.source or "")


def _places(members: list[Problem], shared_label: str | None) -> str:
    """第4–17行的姓名、学历 / 第3–12、15行 / 姓名、学历 / 第2页、第5页."""
    by_label: dict[str, list[int]] = {}
    plain: list[str] = []
    for p in members:
        row, label, _ = _located(p)
        if row:
            by_label.setdefault("" if shared_label else label, []).append(row)
        else:
            plain.append(label if label and not shared_label else (p.source or label or ""))
    parts = []
    row_sets = {tuple(sorted(set(r))) for r in by_label.values()}
    if len(by_label) > 1 and len(row_sets) == 1:
        parts.append(f"{row_spans(next(iter(row_sets)))}的{'、'.join(by_label)}")
    else:
        parts += [f"{label}（{row_spans(rows)}）" if label else row_spans(rows) for label, rows in by_label.items()]
    parts += [x for x in dict.fromkeys(plain) if x]
    return "；".join(parts)


def row_spans(rows) -> str:
    """第3–12、15行 for rows 3, 4, …, 12, 15."""
    rows = sorted(set(rows))
    spans: list[str] = []
    start = prev = None
    for r in rows + [None]:
        if start is not None and r == prev + 1:
            prev = r
            continue
        if start is not None:
            spans.append(str(start) if start == prev else f"{start}–{prev}")
        start = prev = r
    return f"第{'、'.join(spans)}行"
