"""Building blocks of the annex declarations.

An annex is a tree: ``Annex`` -> ``Section`` -> items, where an item is a
``Field``, a ``Row`` of fields printed on one line, a ``Table`` (a repeating
table of ``Field`` columns) or a ``Text`` (printed words that hold no value).
Every label is the Chinese text as printed in the regulation's annexes, with
the spacing used for alignment in the official form removed.

Nothing here knows about DOCX, PDF or validation; those stages read these
declarations.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from enum import Enum
from typing import Iterator, Union


class FieldType(str, Enum):
    TEXT = "text"            # one line of text
    MULTILINE = "multiline"  # long free text, newlines allowed
    DATE = "date"            # ISO date, YYYY-MM-DD
    YEAR = "year"            # a calendar year, e.g. 2025
    INTEGER = "integer"      # whole number >= 0 (counts)
    NUMBER = "number"        # decimal number >= 0 (area)
    AMOUNT = "amount"        # money in 万元
    PERCENT = "percent"      # 0-100 unless the field allows more/less
    PHONE = "phone"          # landline or mobile number
    POSTCODE = "postcode"    # 6-digit Chinese postcode
    EMAIL = "email"
    URL = "url"
    CHOICE = "choice"        # one of ``choices`` (租用/自有, 满意/不满意)
    CHECK = "check"          # a single tick box: true/false
    IMAGE = "image"          # path to an image file (photos in annex 2)

    @property
    def numeric(self) -> bool:
        return self in NUMERIC_TYPES


NUMERIC_TYPES = frozenset({FieldType.YEAR, FieldType.INTEGER, FieldType.NUMBER,
                           FieldType.AMOUNT, FieldType.PERCENT})


@dataclass(frozen=True)
class Field:
    """One value of a form.

    ``label`` is the printed label (for columns under a group header, the
    sub-header; ``Table.column_label`` gives the full path).  ``printed`` is
    False for values the form shows without a label of their own (the date
    under a seal, the year of a row); their ``label`` is then descriptive.
    ``unit`` is printed after the value (万元, ％, 人, 台（套）).
    """

    id: str
    label: str
    type: FieldType = FieldType.TEXT
    unit: str | None = None
    required: bool = False
    choices: tuple[str, ...] = ()
    choice_list: bool = False   # choices offered as a list, not printed as tick boxes
    suggestions: tuple[str, ...] = ()
    min_length: int | None = None
    allow_negative: bool = False
    max_value: float | None = None
    printed: bool = True
    blank: str | None = None    # what the blank form prints in the value's place (年月日)
    hint: str | None = None     # advice shown to the person filling the form

    def __post_init__(self):
        if not self.id.isascii() or not self.id.replace("_", "").isalnum():
            raise ValueError(f"field id must be ASCII letters, digits and _: {self.id!r}")
        if self.type is FieldType.CHOICE and not self.choices:
            raise ValueError(f"choice field {self.id} has no choices")


@dataclass(frozen=True)
class Group:
    """A merged header cell spanning several columns (教育情况 over 学历, 毕业院校及专业)."""

    label: str
    columns: tuple[str, ...]   # ids of the columns it spans


@dataclass(frozen=True)
class Table:
    """A repeating table: one dict per row in the data, no maximum row count.

    ``min_rows`` is what the regulation or the form requires; ``printed_rows``
    is how many empty rows the official form prints (blank forms print at
    least ``max(printed_rows, min_rows)``).  ``choice_columns`` names CHOICE
    columns the form prints as one tick column per choice (满意 | 不满意).
    ``total`` is the label of a totals row (合计) and the columns it sums.
    """

    id: str
    label: str
    columns: tuple[Field, ...]
    groups: tuple[Group, ...] = ()
    min_rows: int = 0
    printed_rows: int = 1
    numbered: bool = False           # a 序号 column is printed before the columns
    number_label: str = "序号"
    choice_columns: tuple[str, ...] = ()
    total_label: str | None = None
    total_columns: tuple[str, ...] = ()
    printed_label: bool = True

    def column(self, cid: str) -> Field:
        for c in self.columns:
            if c.id == cid:
                return c
        raise KeyError(cid)

    def group_of(self, cid: str) -> Group | None:
        for g in self.groups:
            if cid in g.columns:
                return g
        return None

    def column_label(self, cid: str) -> str:
        """Label with its group, as a clerk would name the column: 教育情况/学历."""
        g = self.group_of(cid)
        lab = self.column(cid).label
        return f"{g.label}/{lab}" if g and g.label != lab else lab

    @property
    def blank_rows(self) -> int:
        return max(self.printed_rows, self.min_rows)


@dataclass(frozen=True)
class Row:
    """Fields printed side by side on one line of the form."""

    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Text:
    """Printed words that carry no value (青海省工业和信息化厅制, （单位盖章））."""

    text: str


Item = Union[Field, Row, Table, Text]


@dataclass(frozen=True)
class Section:
    id: str
    title: str | None
    items: tuple[Item, ...]
    stacked: bool = False      # printed with each label above its value (an opinion box)


@dataclass(frozen=True)
class Annex:
    """One annex form (or, with ``number`` None, a data block that is not a form).

    ``texts`` are printed lines that belong to no section (headers such as
    单位：万元 and notes under the table).
    """

    id: str
    number: int | None
    title: str
    sections: tuple[Section, ...]
    landscape: bool = False
    cover: Section | None = None
    texts: tuple[str, ...] = ()
    description: str = ""
    _index: dict = dc_field(default=None, compare=False, repr=False)

    def __post_init__(self):
        index: dict[str, Field | Table] = {}
        for node in self.nodes():
            if node.id in index:
                raise ValueError(f"{self.id}: duplicate id {node.id}")
            index[node.id] = node
        object.__setattr__(self, "_index", index)

    @property
    def name(self) -> str:
        """附件3 for a form, the title for a data block."""
        return f"附件{self.number}" if self.number else self.title

    def all_sections(self) -> Iterator[Section]:
        if self.cover:
            yield self.cover
        yield from self.sections

    def nodes(self) -> Iterator[Field | Table]:
        """Every top-level field and table, in printed order."""
        for sec in self.all_sections():
            for item in sec.items:
                if isinstance(item, Row):
                    yield from item.fields
                elif isinstance(item, (Field, Table)):
                    yield item

    def fields(self) -> Iterator[Field]:
        return (n for n in self.nodes() if isinstance(n, Field))

    def tables(self) -> Iterator[Table]:
        return (n for n in self.nodes() if isinstance(n, Table))

    def __getitem__(self, key: str) -> Field | Table:
        return self._index[key]

    def __contains__(self, key: str) -> bool:
        return key in self._index

    def printed_texts(self) -> Iterator[str]:
        """Every piece of text the form prints, labels included, in order."""
        yield f"附件{self.number}" if self.number else self.title
        yield self.title
        yield from self.texts
        for sec in self.all_sections():
            if sec.title:
                yield sec.title
            for item in sec.items:
                yield from _item_texts(item)


def _field_texts(f: Field) -> Iterator[str]:
    if f.printed:
        yield f.label
    if f.blank:
        yield f.blank
    if f.unit:
        yield f.unit
    if not f.choice_list:
        yield from f.choices


def _item_texts(item: Item) -> Iterator[str]:
    if isinstance(item, Text):
        yield item.text
    elif isinstance(item, Field):
        yield from _field_texts(item)
    elif isinstance(item, Row):
        for f in item.fields:
            yield from _field_texts(f)
    elif isinstance(item, Table):
        if item.printed_label:
            yield item.label
        if item.numbered:
            yield item.number_label
        for g in item.groups:
            yield g.label
        for c in item.columns:
            yield from _field_texts(c)
        if item.total_label:
            yield item.total_label
