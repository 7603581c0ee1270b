"""Names of fillable fields in DOCX and PDF forms, and their inverse.

Flat ASCII, no dots (a dot makes hierarchy in PDF), the annex number first,
parts joined by ``__`` (field ids never contain a double underscore):

    a1__postcode                    a field
    a3__staff__12__education        row 12 (1-based) of a repeating table
    a1__site_nature__o2             option 2 (1-based) of a choice shown as tick boxes
    a5__enterprises__3__satisfaction__o1
    a1__fill_date__y                one part of a value printed in parts: a date written
    a1__fill_date__m                into the blanks of ____年__月__日 is three fields
    a1__fill_date__d                (year, month, day); ``join_parts`` makes it one value

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

_NAME = re.compile(r"^a([1-7])__([a-z0-9_]+?)(?:__(\d+)__([a-z0-9_]+?))?(?:__o(\d+))?(?:__([ymd]))?$")

# The parts of a date printed as ____年__月__日, in order, with the characters printed after each.
DATE_PARTS = (("y", "年"), ("m", "月"), ("d", "日"))


@dataclass(frozen=True)
class FieldName:
    annex: str            # "annex3"
    field: str            # field id, or column id inside a table
    table: str | None = None
    row: int | None = None
    option: int | None = None   # 1-based index into Field.choices
    part: str | None = None     # "y", "m" or "d": one blank of a date printed in parts

    def __str__(self) -> str:
        return field_name(self.annex, self.field, table=self.table, row=self.row, option=self.option,
                          part=self.part)

    @property
    def whole(self) -> "FieldName":
        """The name of the value this part belongs to (itself when it is no part)."""
        return FieldName(self.annex, self.field, self.table, self.row, self.option)


def field_name(annex: str, field: str, *, table: str | None = None, row: int | None = None,
               option: int | None = None, part: str | None = None) -> str:
    n = annex.removeprefix("annex")
    name = f"a{n}__{table}__{row}__{field}" if table else f"a{n}__{field}"
    if option:
        name = f"{name}__o{option}"
    return f"{name}__{part}" if part else name


def join_parts(parts: dict[str, str]) -> str:
    """One value from the blanks of a date printed in parts, e.g. {"y": "2026", "m": "3",
    "d": "15"} -> "2026年3月15日".  A blank left empty stays empty ("2026年月日"), so the
    validator reports an incomplete date instead of a silently different one."""
    return "".join(f"{str(parts.get(p, '') or '').strip()}{ch}" for p, ch in DATE_PARTS)


def parse_name(name: str) -> FieldName | None:
    m = _NAME.match(name.strip())
    if not m:
        return None
    n, first, row, col, opt, part = m.groups()
    option = int(opt) if opt else None
    if row:
        return FieldName(f"annex{n}", col, table=first, row=int(row), option=option, part=part)
    return FieldName(f"annex{n}", first, option=option, part=part)
