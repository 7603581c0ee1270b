"""The docxtpl context of an annex: what each placeholder of its template shows.

Pure: application data in, plain dicts of strings out.  Values are written with
``normalize.to_text`` so a parser's ``normalize`` reads them back; a blank form
shows ``Field.blank`` (年月日) in the value's place.  Escaping is docxtpl's
(autoescape), so ``& < > " '`` arrive here unescaped.
"""
from __future__ import annotations

import re
from typing import Callable

from ..model.fields import Annex, Field, FieldType as T, Table
from ..model.naming import field_name
from ..normalize import to_text

BOX, TICKED = "□", "☒"
# Characters XML 1.0 cannot carry; \t stays (a tab), \f and \a would make paragraphs.
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BLANK_GAP = "\u3000\u3000\u3000"


def clean(s: str) -> str:
    return _BAD_XML.sub("", s.replace("\r\n", "\n").replace("\r", "\n"))


def spaced_blank(blank: str) -> str:
    """年月日 -> 　　　年　　　月　　　日; （年度） -> （　　　年度）."""
    return re.sub(r"([年月日])", _BLANK_GAP + r"\1", blank)


def display(f: Field, value) -> str:
    """The text a value cell shows: the value, or the printed blank of an empty field."""
    text = clean(to_text(f, value)) if value is not None and value != "" else ""
    if not text:
        return spaced_blank(f.blank) if f.blank else ""
    if f.type is T.YEAR and f.blank and "年度" in f.blank:
        return f.blank.replace("年度", f"{text}年度")
    return text


def strip_blank(f: Field, text: str) -> str:
    """Inverse of ``display`` for a parser: the value's own words of a cell's text
    (empty for an untouched blank such as ``　年　月　日``)."""
    s = text.strip()
    if not f.blank:
        return s
    if re.sub(r"\s", "", s) == re.sub(r"\s", "", f.blank):
        return ""
    if f.type is T.YEAR:
        s = re.sub(r"[（）()\s]", "", s)
    return s


def tick_state(text: str) -> bool:
    """A tick-box cell: ☒/☑/√/✓/是 (typed or drawn, beside an empty ☐ or not) is ticked."""
    from ..normalize import TICKS
    s = re.sub(r"[\s☐□]", "", text or "")
    return bool(s) and (s in TICKS or any(ch in TICKS for ch in s))


def _options(f: Field, value, key: str, out: dict, checked: dict) -> None:
    for i, choice in enumerate(f.choices, start=1):
        on = value == choice
        out[f"{key}__o{i}"] = TICKED if on else BOX
        checked[f"{key}__o{i}"] = "1" if on else "0"


def _row(t: Table, n: int, data: dict, image: Callable | None) -> dict:
    r: dict = {"n": str(n)}
    for c in t.columns:
        val = data.get(c.id)
        if c.type is T.CHOICE and (c.id in t.choice_columns or not c.choice_list):
            opts: dict = {}
            checks: dict = {}
            _options(c, val, c.id, opts, checks)
            r.update(opts)
            r.update({k + "__c": v for k, v in checks.items()})
        elif c.type is T.IMAGE:
            r[c.id] = image(val) if (val and image) else ""
        else:
            r[c.id] = display(c, val)
    return r


def build(annex: Annex, data: dict | None, *, blank: bool = False,
          image: Callable | None = None, rows: dict[str, int] | None = None) -> dict:
    """Context for ``annex`` from its part of the application (``data["annex3"]``).

    ``blank``: a blank form (tables get ``rows[table id]`` empty rows, by default
    ``toolkit.forms.default_rows``); otherwise tables get a row per entry, at least as
    many as the official form prints.  ``image(path)`` turns an image path into what
    docxtpl inserts."""
    if blank:
        from ..forms import blank_rows
        counts = blank_rows(rows)
    data = data or {}
    v: dict[str, str] = {}
    c: dict[str, str] = {}
    out_rows: dict[str, list] = {}
    for node in annex.nodes():
        if isinstance(node, Table):
            entries = [e for e in (data.get(node.id) or []) if isinstance(e, dict)]
            want = counts[node.id] if blank else node.printed_rows
            entries += [{}] * max(0, want - len(entries))
            out_rows[node.id] = [_row(node, n, e, image) for n, e in enumerate(entries, start=1)]
            continue
        name = field_name(annex.id, node.id)
        if node.type is T.CHOICE and not node.choice_list:
            _options(node, data.get(node.id), name, v, c)
        else:
            v[name] = display(node, data.get(node.id))
    return {"v": v, "c": c, "rows": out_rows}
