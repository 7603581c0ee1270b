"""Names of fillable fields in DOCX and PDF forms, and their inverse.

Flat ASCII, no dots (a dot makes hierarchy in PDF), the annex number first,
parts joined by ``__`` (field ids never contain a double underscore):

    a1__postcode                    a field
    a3__staff__12__education        row 12 (1-based) of a repeating table
    a1__site_nature__o2             option 2 (1-based) of a choice shown as tick boxes
    a5__enterprises__3__satisfaction__o1

``parse_name`` turns a name back into its parts and returns None for names the
toolkit did not make.  Template versions are written into every form's
metadata (DOCX custom properties, PDF document info) as ``TEMPLATE_VERSION``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

TEMPLATE_VERSION = "1"
PROP_ANNEX = "qhsme_annex"            # custom property / info key: "annex3"
PROP_VERSION = "qhsme_template_version"
PROP_DOSSIER = "qhsme_dossier"        # info key of a bound dossier and its pieces: JSON, dossier_info()

_NAME = re.compile(r"^a([1-7])__([a-z0-9_]+?)(?:__(\d+)__([a-z0-9_]+?))?(?:__o(\d+))?$")


@dataclass(frozen=True)
class FieldName:
    annex: str            # "annex3"
    field: str            # field id, or column id inside a table
    table: str | None = None
    row: int | None = None
    option: int | None = None   # 1-based index into Field.choices

    def __str__(self) -> str:
        return field_name(self.annex, self.field, table=self.table, row=self.row, option=self.option)


def field_name(annex: str, field: str, *, table: str | None = None, row: int | None = None,
               option: int | None = None) -> str:
    n = annex.removeprefix("annex")
    name = f"a{n}__{table}__{row}__{field}" if table else f"a{n}__{field}"
    return f"{name}__o{option}" if option else name


def parse_name(name: str) -> FieldName | None:
    m = _NAME.match(name.strip())
    if not m:
        return None
    n, first, row, col, opt = m.groups()
    if row:
        return FieldName(f"annex{n}", col, table=first, row=int(row), option=int(opt) if opt else None)
    return FieldName(f"annex{n}", first, option=int(opt) if opt else None)
