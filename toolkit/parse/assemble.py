"""From located values of several files to one application data dict.

Tick boxes become choices, table rows are ordered by their row on the form and
blank rows dropped, values found twice must agree.  The result is validated
like any data file, and every problem names the file the value came from.
"""
from __future__ import annotations

import re
from collections import defaultdict

from ..model import BY_ID, FieldType, Table
from ..model.naming import join_parts
from ..normalize import MISSING_CHAR, is_empty, is_tick
from ..problems import CAUTION, Problem
from ..validate import FORMAT, Validated, validate
from .values import ParsedFile, Value


def assemble(files: list[ParsedFile]) -> tuple[Validated, dict[str, str]]:
    """(validated data, sources: data path -> "file：where")."""
    raw: dict = {}
    sources: dict[str, str] = {}
    problems: list[Problem] = []
    tables: dict[tuple, dict[int, dict]] = defaultdict(dict)      # (annex, table) -> row -> {col: raw}
    row_src: dict[tuple, str] = {}
    ticks: dict[tuple, list] = defaultdict(list)                  # key -> [(choice, file, source)]

    for pf in files:
        problems.extend(pf.problems)
        for v in _joined(pf.values):
            n = v.name
            block = BY_ID.get(n.annex)
            if block is None:
                continue
            node = block[n.table] if n.table and n.table in block else (block[n.field] if n.field in block else None)
            if node is None:
                continue
            field = node.column(n.field) if isinstance(node, Table) else node
            if isinstance(node, Table) and n.field not in {c.id for c in node.columns}:
                continue
            key = (n.annex, n.table, n.row, n.field)
            src = f"{pf.file}：{v.source}"
            if isinstance(v.raw, str) and _DAMAGED.search(v.raw):
                label = node.column_label(n.field) if isinstance(node, Table) else node.label
                v = Value(v.name, _repaired(v.raw, label, key, pf.file, v.source, problems), v.source, v.conf, v.via)
            if n.option is not None or (field.type is FieldType.CHOICE and isinstance(v.raw, bool)):
                if n.option is not None and 1 <= n.option <= len(field.choices) and _ticked(v.raw):
                    ticks[key].append((field.choices[n.option - 1], src))
                continue
            value = _choice_value(field, v.raw)
            if is_empty(value) or value is False and field.type is not FieldType.CHECK:
                continue
            _put(raw, tables, key, value, src, sources, row_src, problems, pf.file)

    for key, hits in ticks.items():
        choices = sorted({c for c, _ in hits})
        annex, table, row, fid = key
        if len(choices) > 1:
            problems.append(Problem(f"同时勾选了{'、'.join(choices)}，只能选一项", annex=annex, table=table,
                                    row=row, field=fid, file=hits[0][1].split("：")[0],
                                    fix="请只勾选一项"))
            continue
        _put(raw, tables, key, choices[0], hits[0][1], sources, row_src, problems,
             hits[0][1].split("：")[0])

    for (annex, table), rows in tables.items():
        listed = []
        for i, rownum in enumerate(sorted(rows), 1):
            row = rows[rownum]
            listed.append(row["values"])
            for fid, src in row["sources"].items():
                sources[f"{annex}.{table}[{i}].{fid}"] = src
        raw.setdefault(annex, {})[table] = listed
    if raw:
        raw["format"] = FORMAT
    result = validate(raw)
    for p in result.problems:
        if p.file is None:
            p.file, p.source = _file_for(p, sources)
    result.problems[:0] = problems
    return result, sources


def _joined(values: list[Value]) -> list[Value]:
    """Values with the blanks of a date printed in parts (year, month, day fields) made one
    value, located at its first blank; parts all empty make no value."""
    out: list[Value] = []
    parts: dict = {}
    for v in values:
        if v.name.part is None:
            out.append(v)
            continue
        whole = v.name.whole
        if whole not in parts:
            parts[whole] = ({}, v.source)
            out.append(whole)            # placeholder keeps the order of the form
        if not is_empty(v.raw):
            parts[whole][0][v.name.part] = str(v.raw)
    result = []
    for v in out:
        if isinstance(v, Value):
            result.append(v)
        elif parts[v][0]:
            got, source = parts[v]
            result.append(Value(v, join_parts(got), source))
    return result


# A character the filler or a re-print lost: NUL and other C0/C1 controls (not \t \n \r),
# U+FFFD, a lone surrogate, and ghostscript's re-print of a character beyond U+FFFF (𠀀 ->
# U+FFFD and a CJK character made of the surrogates' low bytes, "\ufffd\u4000").
_DAMAGED = re.compile("\ufffd[\u3400-\u9fff]?|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _repaired(raw: str, label, key, file, source, problems) -> str:
    """``raw`` with each damaged character as "□" (a value every output accepts, the place of
    the lost character kept); a warning on the field says where."""
    annex, table, row, fid = key
    at, codes, out, last = [], [], [], 0
    for m in _DAMAGED.finditer(raw):
        out.append(raw[last:m.start()])
        at.append(str(len("".join(out)) + 1))
        codes.append(" ".join(f"U+{ord(c):04X}" for c in m.group()))
        out.append(MISSING_CHAR)
        last = m.end()
    clean = "".join(out) + raw[last:]
    problems.append(Problem(f"第{'、'.join(at)}个字是损坏的字符（{'；'.join(codes)}），已记为“{MISSING_CHAR}”"
                            "；多见于生僻字经浏览器或其他PDF软件保存、重新打印后丢失",
                            annex=annex, table=table, row=row, field=fid, label=label, file=file,
                            source=source, value=clean, severity=CAUTION,
                            fix="请核对原件后重新填写"))
    return clean


def _ticked(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    return is_tick(raw) or (isinstance(raw, str) and raw not in ("", "Off", "/Off") and not raw.isspace()
                            and raw.lower() not in ("off", "no", "false", "否", "□", "☐"))


def _choice_value(field, raw):
    """A radio group's state: a choice, its 0-based index (WeasyPrint's /0 /1), or a tick."""
    if field.type is FieldType.CHOICE and isinstance(raw, str):
        s = raw.strip().lstrip("/")
        if s in field.choices:
            return s
        if s.isdigit() and int(s) < len(field.choices):
            return field.choices[int(s)]
        if s in ("Off", ""):
            return None
        return raw
    if field.type is FieldType.CHECK and isinstance(raw, str) and raw.strip().lstrip("/") in ("On", "on", "Yes"):
        return True
    return raw


def _put(raw, tables, key, value, src, sources, row_src, problems, file):
    annex, table, row, fid = key
    if table:
        slot = tables[(annex, table)].setdefault(row, {"values": {}, "sources": {}})
        target, where = slot["values"], slot["sources"]
    else:
        target = raw.setdefault(annex, {})
        where = None
    if fid in target:
        if _same(target[fid], value):
            return
        problems.append(Problem(f"两处的值不一致：“{target[fid]}”与“{value}”，已采用前者", annex=annex,
                                table=table, row=row, field=fid, file=file, value=str(value),
                                fix="请核对后只保留一个值"))
        return
    target[fid] = value
    if where is not None:
        where[fid] = src
    else:
        sources[f"{annex}.{fid}"] = src


def _same(a, b) -> bool:
    return str(a).strip() == str(b).strip()


def _file_for(p: Problem, sources: dict[str, str]) -> tuple[str | None, str | None]:
    src = sources.get(p.path)
    if src is not None:
        file, _, where = src.partition("：")
        return file, where
    prefix = p.path.split("[")[0].split(".")[0] + "."
    src = next((s for k, s in sources.items() if k.startswith(prefix)), None)
    return (src.partition("：")[0] if src else None), None
