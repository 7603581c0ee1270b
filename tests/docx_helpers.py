"""Reading the DOCX forms back in tests: cell texts by content-control tag, zip contents."""
from __future__ import annotations

import zipfile
from io import BytesIO

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def parts(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(BytesIO(blob)) as zf:
        return {i.filename: zf.read(i.filename) for i in zf.infolist()}


def cell_text(tc) -> str:
    """A cell's text: paragraphs joined by newlines, w:br a newline, w:tab a tab."""
    paras = []
    for p in tc.iter(W + "p"):
        s = []
        for el in p.iter(W + "t", W + "br", W + "tab"):
            s.append(el.text or "" if el.tag == W + "t" else "\n" if el.tag == W + "br" else "\t")
        paras.append("".join(s))
    return "\n".join(paras)


def tagged_cells(document_xml: bytes) -> dict[str, str]:
    """{content-control tag: text of the table cell holding it}."""
    root = etree.fromstring(document_xml)
    out = {}
    for sdt in root.iter(W + "sdt"):
        tag = sdt.find(f"{W}sdtPr/{W}tag")
        if tag is None:
            continue
        tc = next(sdt.iterancestors(W + "tc"), None)
        out[tag.get(W + "val")] = cell_text(tc) if tc is not None else None
    return out


def checked_states(document_xml: bytes) -> dict[str, str]:
    ns14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
    root = etree.fromstring(document_xml)
    out = {}
    for sdt in root.iter(W + "sdt"):
        box = sdt.find(f"{W}sdtPr/{ns14}checkbox/{ns14}checked")
        if box is not None:
            out[sdt.find(f"{W}sdtPr/{W}tag").get(W + "val")] = box.get(ns14 + "val")
    return out
