"""What every parse route produces: values located by field name, with provenance."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model.naming import FieldName
from ..problems import Problem


@dataclass
class Value:
    name: FieldName          # which annex/table/row/field/option
    raw: object              # as read: text, or True/False for a tick box
    source: str              # where: "字段 a1__postcode", "第2页 表格第3行第4列"
    conf: float | None = None   # the recogniser's confidence 0-1 (a scan's OCR); None: not recognised
    via: str = ""            # how it was read: "ocr", "text" (drawn text), "field" (a form field)…


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
    seals: list[tuple[int, str, bool | None]] | None = None  # a scan's （盖章） places: (page, words, stamped?)

    def problem(self, message: str, fix: str = "", **where) -> None:
        self.problems.append(Problem(message, fix=fix, file=self.file, annex=where.pop("annex", self.annex),
                                     **where))


_CONF = re.compile(r"识别置信度(\d(?:\.\d+)?)")


def ocr_marks(sources: dict[str, str]) -> dict[str, dict]:
    """The values read by OCR, from the sources map (their source says 扫描件): data path ->
    {"confidence": 0.93 or None, "source": "file：第2页（扫描件，识别置信度0.93）…"}."""
    out = {}
    for path, src in sources.items():
        if "（扫描件" in src:
            m = _CONF.search(src)
            out[path] = {"confidence": float(m.group(1)) if m else None, "source": src}
    return out
