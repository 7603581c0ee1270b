"""A problem found in data: where it is (file, annex, row, field) and what to do.

Validation, parsing and checking all report ``Problem`` objects, so the CLI,
the XLSX issues sheet and the web page show them the same way.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "错误"      # the value cannot be used
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
