"""Finish the PDF WeasyPrint wrote: repair its form quirks, draw every value, identify the annex.

WeasyPrint draws the page with an empty box where each field goes; ``finish``
adds the fields there (``widgets.py``) with the field font in /DR, draws a real
appearance for every value (``appearance.py``), keeps NeedAppearances false, and
wraps the page content in ``q … Q`` (WeasyPrint starts it with a bare ``cm``,
which throws off tools that append content).
"""
from __future__ import annotations

import io
import re

import pikepdf

from ..model.fields import Annex
from ..model.naming import PROP_ANNEX, PROP_VERSION, TEMPLATE_VERSION
from . import appearance as A
from . import fonts as F
from .widgets import MULTILINE

RARE_NAME = F.RARE_FAMILY

_DA_FONT = re.compile(r"/([^\s/]+)\s+([\d.]+)\s+Tf")


def _widgets(pdf: pikepdf.Pdf):
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") == "/Widget":
                yield annot


def _wrap_content(pdf: pikepdf.Pdf) -> None:
    """Page content in ``q … Q``, so tools that append content (flatteners) start from identity."""
    for page in pdf.pages:
        page.contents_coalesce()
        data = page.obj.Contents.read_bytes()
        page.obj.Contents = pdf.make_stream(b"q\n" + data + b"\nQ\n")


FIELD_NAME = "QhsmeField"


def finish(data: bytes, spots: list, annex: Annex, rare_chars: str = "",
           info_title: str | None = None) -> pikepdf.Pdf:
    """Add the fields at ``spots`` (``widgets.spots``) with the field font, draw every value,
    write the document info.  Returns the open pikepdf document."""
    from . import widgets
    pdf = pikepdf.open(io.BytesIO(data))
    _wrap_content(pdf)
    fs = F.fonts()
    program = fs.field.read_bytes()
    font = A.embed_font(pdf, program, F.FIELD_FAMILY)
    widgets.add(pdf, spots, FIELD_NAME, font)
    faces = [A.face(FIELD_NAME, program)]
    resources = pikepdf.Dictionary({f"/{FIELD_NAME}": font})
    if rare_chars:
        rare = F.rare_font(rare_chars)
        ref = A.embed_font(pdf, rare, f"{RARE_NAME}")
        pdf.Root.AcroForm.DR.Font[f"/{RARE_NAME}"] = ref
        resources[f"/{RARE_NAME}"] = ref
        faces.append(A.face(RARE_NAME, rare))
    for w in _widgets(pdf):
        _draw(pdf, w, faces, resources)
    from ..pdfmeta import set_document_meta
    set_document_meta(pdf, info_title or f"{annex.name} {annex.title}")     # title, /Lang, DisplayDocTitle
    pdf.docinfo[f"/{PROP_ANNEX}"] = annex.id
    pdf.docinfo[f"/{PROP_VERSION}"] = TEMPLATE_VERSION
    pdf.docinfo["/Creator"] = "qhsme"
    return pdf


def _draw(pdf, w, faces, resources) -> None:
    """Draw the value of text or list field ``w``, and make its /DA, /Ff say what is drawn:
    the size (0, auto, when the text had to shrink) and multiline (a long one-line value
    is wrapped).  Alignment comes from its /Q (widgets.add), as in a viewer."""
    ft = w.get("/FT")
    v = w.get("/V")
    if ft not in ("/Tx", "/Ch") or v is None or not faces:
        return
    value = str(v)
    if not value:
        return
    r = [float(x) for x in w.Rect]
    width, height = r[2] - r[0], r[3] - r[1]
    da = str(w.get("/DA", ""))
    m = _DA_FONT.search(da)
    size = float(m.group(2)) if m else 10.0
    flags = int(w.get("/Ff", 0))
    multiline = ft == "/Tx" and bool(flags & MULTILINE)
    align = "center" if int(w.get("/Q", 0)) == 1 else "left"
    drawn = A.text_stream(value, faces, size, width, height, multiline=multiline, align=align,
                          may_wrap=ft == "/Tx")
    if drawn.multiline and not multiline:
        w.Ff = flags | MULTILINE
    if m and abs(drawn.size - size) > 0.005:
        w.DA = pikepdf.String(da[:m.start(2)] + "0" + da[m.end(2):])
    stream = pdf.make_stream(drawn.content.encode("latin-1"))
    stream.Type = pikepdf.Name.XObject
    stream.Subtype = pikepdf.Name.Form
    stream.BBox = [0, 0, width, height]
    stream.Resources = pikepdf.Dictionary(Font=resources)
    w.AP = pikepdf.Dictionary(N=stream)


def flatten(pdf: pikepdf.Pdf) -> None:
    """Draw every appearance into the page and drop the form: a print version with no fields."""
    pdf.flatten_annotations("all")
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if annots is not None:
            keep = [a for a in annots if a.get("/Subtype") != "/Widget"]
            if keep:
                page.obj.Annots = pikepdf.Array(keep)
            else:
                del page.obj["/Annots"]
    if "/AcroForm" in pdf.Root:
        del pdf.Root["/AcroForm"]
    _drop_unused_fonts(pdf)


def _drop_unused_fonts(pdf: pikepdf.Pdf) -> None:
    """A flattened appearance keeps the form's whole /DR font list as its resources, the
    viewer-supplied ZapfDingbats (tick boxes) among them, unembedded: keep only the fonts its
    content selects, so a print embeds every font it names."""
    from ..pdfmeta import drop_unused_fonts
    forms = [(o.Resources, o) for o in pdf.objects
             if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Form" and "/Resources" in o]
    drop_unused_fonts(pdf, forms, unembedded_only=False)


def shrink_field_font(pdf: pikepdf.Pdf, text: str) -> None:
    """After flattening, keep only the glyphs of ``text`` in the field font (glyph ids kept,
    so the drawn values stay valid): a print version carries ~100 KB, not 3 MB, of font."""
    from .subset import keep_glyphs, metrics
    fs = F.fonts()
    program = None
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/FontDescriptor":
            continue
        if str(obj.get("/FontName", "")) != f"/{F.FIELD_FAMILY}" or "/FontFile2" not in obj:
            continue
        if program is None:
            whole = fs.field.read_bytes()
            cmap = metrics(whole)[0]
            program = keep_glyphs(whole, {cmap[ord(c)] for c in text + " " if ord(c) in cmap})
        ff = obj.FontFile2
        ff.write(program)
        ff.Length1 = len(program)


def to_bytes(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             deterministic_id=True)
    return out.getvalue()
