"""Field-level validation of an application data file.

``validate(data)`` normalises every value it can (full-width digits, 1,234.5万元,
2024年5月20日) and returns the clean data with every problem located by annex,
row, field id and Chinese label.  Valid values are kept whatever else is wrong;
a value that cannot be used is left out of the clean data and listed.

Article 5/6 conditions and cross-annex consistency are not checked here: that
is ``toolkit.check``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .model import BLOCKS, BY_ID, Annex, Field, FieldType, Table
from .normalize import BadValue, is_empty, normalize
from .problems import WARNING, Problem, has_errors

FORMAT = "qhsme-application/1"
META_KEYS = ("format", "id", "note", "sources", "ocr", "seals")   # parse output: where values came from


@dataclass
class Validated:
    data: dict
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


def validate(data) -> Validated:
    if not isinstance(data, dict):
        return Validated({}, [Problem("数据文件的最外层应为键值表（annex1: …、annex3: …）",
                                      fix="请参照 samples/ 中的示例文件")])
    out: dict = {}
    problems: list[Problem] = []
    for key, value in data.items():
        if key in META_KEYS:
            out[key] = value
        elif key not in BY_ID:
            problems.append(Problem(f"未知的部分“{key}”，未读取", severity=WARNING,
                                    fix="可用的部分：" + "、".join(b.id for b in BLOCKS)))
    fmt = data.get("format")
    if fmt is not None and fmt != FORMAT:
        problems.append(Problem(f"数据格式版本“{fmt}”不是 {FORMAT}", severity=WARNING))
    for block in BLOCKS:
        if block.id in data and not is_empty(data[block.id]):
            clean, found = validate_block(block, data[block.id])
            out[block.id] = clean
            problems.extend(found)
    return Validated(out, problems)


def validate_block(block: Annex, values) -> tuple[dict, list[Problem]]:
    if not isinstance(values, dict):
        return {}, [Problem(f"{block.name}应为键值表（字段名: 值）", annex=block.id)]
    out: dict = {}
    problems: list[Problem] = []
    for key in values:
        if key not in block:
            problems.append(Problem(f"{block.name}没有字段“{key}”，未读取", annex=block.id, field=key,
                                    severity=WARNING, fix="请检查字段名拼写（qhsme schema 列出全部字段）"))
    for node in block.nodes():
        raw = values.get(node.id)
        if isinstance(node, Table):
            rows, found = validate_table(block, node, raw)
            out[node.id] = rows
            problems.extend(found)
        else:
            value, problem = check_value(block, node, raw)
            if problem:
                problems.append(problem)
            elif value is not None:
                out[node.id] = value
    return out, problems


def check_value(block: Annex, f: Field, raw, *, table: Table | None = None,
                row: int | None = None) -> tuple[object, Problem | None]:
    label = table.column_label(f.id) if table else f.label
    where = dict(annex=block.id, field=f.id, label=label, table=table.id if table else None, row=row)
    if is_empty(raw):
        if f.required and f.type is FieldType.IMAGE:
            return None, Problem("没有照片文件（填写PDF或Word表格时照片无法填入，只能写说明）",
                                 severity=WARNING, fix=_photo_fix(block), **where)
        if f.required:
            return None, Problem("必填项未填写", fix=f"请填写{label}", **where)
        return None, None
    try:
        return normalize(f, raw), None
    except BadValue as e:
        return None, Problem(e.message, fix=e.fix, value=_short(raw), **where)


def validate_table(block: Annex, table: Table, raw) -> tuple[list[dict], list[Problem]]:
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        return [], [Problem(f"{table.label}应为多行数据（列表）", annex=block.id, table=table.id)]
    rows: list[dict] = []
    problems: list[Problem] = []
    known = {c.id for c in table.columns}
    for i, r in enumerate(raw, 1):
        if not isinstance(r, dict):
            problems.append(Problem("这一行应为键值表（列名: 值）", annex=block.id, table=table.id, row=i))
            continue
        if all(is_empty(v) for v in r.values()):
            continue  # a blank row of the printed form
        clean = {}
        for key in r:
            if key not in known:
                problems.append(Problem(f"没有列“{key}”，未读取", annex=block.id, table=table.id, row=i,
                                        field=key, severity=WARNING))
        for col in table.columns:
            value, problem = check_value(block, col, r.get(col.id), table=table, row=i)
            if problem:
                problems.append(problem)
            elif value is not None:
                clean[col.id] = value
        rows.append(clean)
    if len(rows) < table.min_rows:
        problems.append(Problem(f"{table.label}共{len(rows)}行，表格要求至少{table.min_rows}行",
                                annex=block.id, table=table.id, severity=WARNING))
    return rows, problems


def _photo_fix(block: Annex) -> str:
    """Photos go with the annex as picture files: the dossier item it is bound as."""
    from .dossier.items import application_items
    item = next((i for i in application_items() if i.annex and f"annex{i.annex}" == block.id), None)
    if item is None:
        return f"请把照片的图片文件随{block.name}一并提交"
    return (f"请把照片的图片文件随{item.title}一并提交（第九条第{item.label.split('）')[0]}）项），装订时放入；"
            "数据文件中可在照片文件一栏写出图片路径")


def _short(raw) -> str:
    s = str(raw)
    return s if len(s) <= 60 else s[:57] + "…"
