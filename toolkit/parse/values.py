"""What every parse route produces: values located by field name, with provenance."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model.naming import FieldName
from ..problems import Problem


@dataclass
class Value:
    name: FieldName          # which annex/table/row/field/option
    raw: object              # as read: text, or True/False for a tick box
    source: str              # where: "字段 a1__postcode", "第2页 表格第3行第4列"


@dataclass
class ParsedFile:
    """One returned file: which annex it is, its values, and what went wrong."""

    file: str
    annex: str | None = None        # "annex3"
    kind: str = ""                  # pdf-form | pdf-flat | docx
    values: list[Value] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    has_fields: bool = False        # a PDF with form fields (ours or not)
    dossier: tuple[str, bool, str] | None = None   # from a bound dossier: (its id, the whole?, file)

    def problem(self, message: str, fix: str = "", **where) -> None:
        self.problems.append(Problem(message, fix=fix, file=self.file, annex=where.pop("annex", self.annex),
                                     **where))
