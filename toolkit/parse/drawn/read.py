"""What the drawn-form readers share: the annex, its pages, the reading-order stream, and
values emitted with where they were read."""
from __future__ import annotations

from ...model.fields import Annex, Field, Table
from ...model.naming import FieldName
from ...problems import WARNING
from ..geometry import PageGeo
from ..values import ParsedFile, Value
from .text import Stream

MANUAL = "需要人工录入"


class Emitter:
    def __init__(self, annex: Annex, pages: list[PageGeo], pf: ParsedFile):
        self.a = annex
        self.pages = {p.number: p for p in pages}
        self.pf = pf
        self._pages = pages
        self._st: Stream | None = None

    @property
    def st(self) -> Stream:
        """Every glyph in reading order (built on first use)."""
        if self._st is None:
            self._st = Stream(self._pages)
        return self._st

    def emit(self, f: Field, text: str, page: int, table: Table | None = None, row: int | None = None,
             option: int | None = None, raw=None) -> None:
        name = FieldName(self.a.id, f.id, table=table.id if table else None, row=row, option=option)
        if table is not None:
            where = f"第{page}页 {self.a.name}表格第{row}行 {table.column_label(f.id)}"
        else:
            where = f"第{page}页 {self.a.name} {f.label}"
        if option:
            where += f"（{f.choices[option - 1]}）"
        self.pf.values.append(Value(name, text if raw is None else raw, where))

    def photos(self, t: Table) -> None:
        self.pf.problem(f"{self.a.name}：打印件中的实景照片无法还原为文件，照片表未读取",
                        fix="照片请另行提交原图", severity=WARNING, table=t.id)
