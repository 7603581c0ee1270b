"""The JSON Schema of the application data file, generated from the annex models."""
from __future__ import annotations

from .model import BLOCKS, Annex, Field, FieldType as T, Table
from .validate import FORMAT

_NUMERIC_NOTE = "数字；也可写带单位或全角数字的文字（如“1,234.5万元”），校验时换算"


def _field_schema(f: Field, label: str) -> dict:
    s: dict = {"title": label, "x-qhsme-type": f.type.value}
    if f.unit:
        s["x-unit"] = f.unit
    t = f.type
    if t in (T.TEXT, T.MULTILINE, T.IMAGE, T.URL):
        s["type"] = "string"
        if f.min_length:
            s["minLength"] = f.min_length
        if t is T.URL:
            s["format"] = "uri-reference"
    elif t is T.EMAIL:
        s.update(type="string", format="email")
    elif t is T.DATE:
        s.update(type="string", format="date",
                 description="YYYY-MM-DD；也可写 2024年5月20日 或 2024.5.20")
    elif t is T.YEAR:
        s.update(type=["integer", "string"], minimum=1949, maximum=2100)
    elif t in (T.INTEGER, T.NUMBER, T.AMOUNT, T.PERCENT):
        s["type"] = ["integer", "string"] if t is T.INTEGER else ["number", "string"]
        s["description"] = _NUMERIC_NOTE + (f"，单位：{f.unit}" if f.unit else "")
        if not f.allow_negative:
            s["minimum"] = 0
        if t is T.PERCENT and f.max_value is None:
            s["maximum"] = 100
    elif t is T.PHONE:
        s.update(type=["string", "integer"], description="手机11位，座机 区号-号码")
    elif t is T.POSTCODE:
        s.update(type=["string", "integer"], pattern=r"^\s*[0-9０-９]{6}\s*$")
    elif t is T.CHOICE:
        s["enum"] = list(f.choices)
    elif t is T.CHECK:
        s["type"] = ["boolean", "string"]
    if f.hint:
        s["description"] = (s.get("description", "") + "；" + f.hint).lstrip("；")
    return s


def _table_schema(t: Table) -> dict:
    return {
        "title": t.label, "type": "array",
        "description": f"每行一条，行数不限；表格至少{t.min_rows}行" if t.min_rows else "每行一条，行数不限",
        "x-min-rows": t.min_rows,
        "items": {
            "type": "object", "additionalProperties": False,
            "properties": {c.id: _field_schema(c, t.column_label(c.id)) for c in t.columns},
            "required": [c.id for c in t.columns if c.required],
        },
    }


def block_schema(block: Annex) -> dict:
    props = {n.id: _table_schema(n) if isinstance(n, Table) else _field_schema(n, n.label)
             for n in block.nodes()}
    return {
        "title": f"{block.name} {block.title}" if block.number else block.title,
        "description": block.description, "type": "object", "additionalProperties": False,
        "properties": props,
        "required": [n.id for n in block.nodes() if isinstance(n, Field) and n.required],
    }


def json_schema() -> dict:
    props = {"format": {"const": FORMAT, "description": "数据文件格式版本"},
             "id": {"type": "string", "description": "申报编号（可选，批量处理时区分申报单位）"},
             "note": {"type": "string", "description": "备注"}}
    props.update({b.id: block_schema(b) for b in BLOCKS})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://qhsme.invalid/schema/application-1.json",
        "title": "青海省中小企业公共服务示范平台申报数据",
        "description": "一份申报的数据：附件1至7各为一部分，另有第六条申报数据（declared）和管理记录（record）。",
        "type": "object", "additionalProperties": False,
        "properties": props,
    }
