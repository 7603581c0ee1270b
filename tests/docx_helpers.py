"""Reading the DOCX forms back in tests (cell texts by content-control tag, zip contents), and
editing a returned DOCX the way a person does in Word (lxml on word/document.xml)."""
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


# --- editing a returned DOCX the way a person does in Word ---------------------------------

def edit_document(src, dst, fn):
    """Copy ``src`` to ``dst`` with ``fn(root)`` applied to word/document.xml (an lxml tree)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "word/document.xml":
                root = etree.fromstring(data)
                fn(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(item, data)
    return dst


def drop_tags(root) -> None:
    """What LibreOffice 7.4 and WPS leave: content controls without w:tag / w:alias."""
    for el in list(root.iter(W + "tag", W + "alias")):
        el.getparent().remove(el)


def squashed(s: str) -> str:
    from toolkit.regulation import squash
    return squash(s)


def cells(root, text: str) -> list:
    """The w:tc elements whose text (squashed) is ``text``, in document order."""
    return [tc for tc in root.iter(W + "tc") if squashed(cell_text(tc)) == squashed(text)]


def row_cells(tr) -> list:
    return tr.findall(W + "tc")


def next_tc(tc):
    return tc.getnext() if tc.getnext() is not None and tc.getnext().tag == W + "tc" else None


def _run(text: str):
    r = etree.Element(W + "r")
    t = etree.SubElement(r, W + "t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


def type_after(tc, text: str) -> None:
    """The cursor at the end of the cell's last paragraph, ``text`` typed."""
    tc.findall(f".//{W}p")[-1].append(_run(text))


def type_before(tc, text: str) -> None:
    """The cursor at the start of the cell's text, ``text`` typed (inside the same run)."""
    t = next(tc.iter(W + "t"))
    t.text = text + (t.text or "")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def type_over(tc, text: str) -> None:
    """The cell's text selected and ``text`` typed: the first w:t holds it, the others emptied
    (the content control, if any, stays)."""
    ts = list(tc.iter(W + "t"))
    if not ts:
        type_after(tc, text)
        return
    ts[0].text = text
    ts[0].set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    for t in ts[1:]:
        t.text = ""


def clear(tc) -> None:
    for t in tc.iter(W + "t"):
        t.text = ""


def _tc_pr(tc):
    pr = tc.find(W + "tcPr")
    if pr is None:
        pr = etree.Element(W + "tcPr")
        tc.insert(0, pr)
    return pr


def merge_down(top, below, keep_both: bool = True) -> None:
    """Word's 合并单元格 on two cells one above the other: the top cell restarts a vertical merge,
    the one below continues it; Word moves the lower cell's paragraphs into the top cell."""
    for el in _tc_pr(top).findall(W + "vMerge"):
        el.getparent().remove(el)
    etree.SubElement(_tc_pr(top), W + "vMerge").set(W + "val", "restart")
    paras = below.findall(W + "p")
    if keep_both and squashed(cell_text(below)):
        for p in paras:
            top.append(p)
        etree.SubElement(below, W + "p")
    else:
        for p in paras[1:]:
            below.remove(p)
        clear(below)
    etree.SubElement(_tc_pr(below), W + "vMerge")


def merge_right(left, right, as_lines: bool = True) -> None:
    """Two neighbouring cells merged: one cell spanning both grid columns; Word keeps each cell's text as
    its own paragraph (``as_lines``), or the person retyped both on one line."""
    text = (cell_text(left), cell_text(right))
    span = sum(int(c.find(f"{W}tcPr/{W}gridSpan").get(W + "val")) if c.find(f"{W}tcPr/{W}gridSpan") is not None
               else 1 for c in (left, right))
    for el in _tc_pr(left).findall(W + "gridSpan"):
        el.getparent().remove(el)
    etree.SubElement(_tc_pr(left), W + "gridSpan").set(W + "val", str(span))
    if as_lines:
        for p in right.findall(W + "p"):
            left.append(p)
    else:
        type_over(left, " ".join(text))
    right.getparent().remove(right)


def page_break():
    p = etree.Element(W + "p")
    etree.SubElement(etree.SubElement(p, W + "r"), W + "br").set(W + "type", "page")
    return p


def concatenate(paths, dst, separator=page_break) -> None:
    """The bodies of several DOCX files pasted one after the other into the first one
    (``separator()`` between them: a page break, or None)."""
    bodies = []
    for p in paths[1:]:
        with zipfile.ZipFile(p) as z:
            body = etree.fromstring(z.read("word/document.xml")).find(W + "body")
        bodies.append([el for el in body if el.tag != W + "sectPr"])

    def paste(root):
        body = root.find(W + "body")
        end = body.find(W + "sectPr")
        for els in bodies:
            if separator is not None:
                end.addprevious(separator())
            for el in els:
                end.addprevious(el)
    edit_document(paths[0], dst, paste)


_PASTE_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Paste(sList As String, sOut As String)
  Dim urls, args(0) As New com.sun.star.beans.PropertyValue, f(0) As New com.sun.star.beans.PropertyValue
  urls = Split(sList, &quot;|&quot;)
  args(0).Name = &quot;Hidden&quot; : args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(urls(0), &quot;_blank&quot;, 0, args())
  For i = 1 To UBound(urls)
    cur = doc.Text.createTextCursorByRange(doc.Text.getEnd())
    cur.BreakType = com.sun.star.style.BreakType.PAGE_BEFORE
    cur.insertDocumentFromURL(urls(i), Array())
  Next i
  f(0).Name = &quot;FilterName&quot; : f(0).Value = &quot;MS Word 2007 XML&quot;
  doc.storeToURL(sOut, f())
  doc.close(True)
End Sub
</script:module>
"""


def libreoffice_paste(paths, dst, profile) -> None:
    """LibreOffice Writer's 插入 > 文本来自文件 (insertDocumentFromURL) of each of ``paths`` after
    the first, a page break before each, saved as .docx: a Basic macro in a fresh profile."""
    import subprocess
    from pathlib import Path
    env = f"-env:UserInstallation={Path(profile).resolve().as_uri()}"
    subprocess.run(["soffice", env, "--headless", "--terminate_after_init"], check=True, capture_output=True,
                   timeout=120)
    (Path(profile) / "user/basic/Standard/Module1.xba").write_text(_PASTE_MACRO, encoding="utf-8")
    urls = "|".join(Path(p).resolve().as_uri() for p in paths)
    subprocess.run(["soffice", env, "--headless",
                    f'macro:///Standard.Module1.Paste("{urls}","{Path(dst).resolve().as_uri()}")'],
                   check=True, capture_output=True, timeout=300)
    if not Path(dst).exists():
        raise RuntimeError("LibreOffice did not write " + str(dst))
