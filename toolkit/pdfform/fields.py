"""Finish the PDF WeasyPrint wrote: repair its form quirks, draw every value, identify the annex.

WeasyPrint leaves values in /V only and sets NeedAppearances; it also puts a
``gs`` operator in /DA, writes rects unnormalised and starts page content with
a bare ``cm`` outside ``q … Q``.  ``finish`` fixes all of that, draws a real
appearance for every value (``appearance.py``) and sets NeedAppearances false.
"""
from __future__ import annotations

import io
import re
from datetime import datetime, timezone

import pikepdf

from ..model.fields import Annex, FieldType as T
from ..model.annexes import YMD
from ..model.naming import PROP_ANNEX, PROP_VERSION, TEMPLATE_VERSION, parse_name
from . import appearance as A
from . import fonts as F

RARE_NAME = "QhsmeRare"
_GS = re.compile(rb"/[^\s/]+\s+gs\s*")
_DA_FONT = re.compile(r"/([^\s/]+)\s+([\d.]+)\s+Tf")


def _model_field(annex: Annex, name: str):
    fn = parse_name(name)
    if fn is None or fn.annex != annex.id:
        return None, None
    try:
        if fn.table:
            t = annex[fn.table]
            return t.column(fn.field), t
        return annex[fn.field], None
    except KeyError:
        return None, None


def _widgets(pdf: pikepdf.Pdf):
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") == "/Widget":
                yield annot


def _normalise(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        page.contents_coalesce()
        data = page.obj.Contents.read_bytes()
        page.obj.Contents = pdf.make_stream(b"q\n" + data + b"\nQ\n")
    for w in _widgets(pdf):
        r = [float(v) for v in w.Rect]
        w.Rect = pikepdf.Array([min(r[0], r[2]), min(r[1], r[3]), max(r[0], r[2]), max(r[1], r[3])])
        if "/DA" in w:
            w.DA = pikepdf.String(_GS.sub(b"", bytes(w.DA)).decode("latin-1").strip())
    af = pdf.Root.get("/AcroForm")
    if af is not None:
        af.NeedAppearances = False
        if "/DA" not in af:
            af.DA = pikepdf.String("0 g /Helv 0 Tf")


FIELD_NAME = "QhsmeField"


def _add_field_font(pdf: pikepdf.Pdf, fs) -> pikepdf.Object | None:
    """Add the field font to /DR and point every /DA at it (WeasyPrint named the labels font)."""
    af = pdf.Root.get("/AcroForm")
    if af is None or "/DR" not in af:
        return None
    ref = A.embed_font(pdf, fs.field.read_bytes(), F.FIELD_FAMILY)
    af.DR.Font[f"/{FIELD_NAME}"] = ref
    for w in _widgets(pdf):
        if "/DA" in w:
            w.DA = pikepdf.String(_DA_FONT.sub(lambda m: f"/{FIELD_NAME} {m.group(2)} Tf", str(w.DA)))
    af.DA = pikepdf.String(f"0 g /{FIELD_NAME} 10 Tf")
    return ref


def finish(data: bytes, annex: Annex, rare_chars: str = "", values: dict[str, str] | None = None,
           info_title: str | None = None) -> pikepdf.Pdf:
    """Repair, set ``values`` (field name -> text, for boxes WeasyPrint would print: textareas),
    draw every value, write the document info.  Returns the open pikepdf document."""
    pdf = pikepdf.open(io.BytesIO(data))
    _normalise(pdf)
    for w in _widgets(pdf):
        v = (values or {}).get(str(w.get("/T", "")))
        if v:
            w.V = pikepdf.String(v)
    fs = F.fonts()
    faces: list[A.Face] = []
    resources = pikepdf.Dictionary()
    font = _add_field_font(pdf, fs)
    if font is not None:
        faces.append(A.face(FIELD_NAME, fs.field.read_bytes()))
        resources[f"/{FIELD_NAME}"] = font
    if rare_chars and font is not None:
        rare = F.rare_font(rare_chars)
        ref = A.embed_font(pdf, rare, f"{RARE_NAME}")
        pdf.Root.AcroForm.DR.Font[f"/{RARE_NAME}"] = ref
        resources[f"/{RARE_NAME}"] = ref
        faces.append(A.face(RARE_NAME, rare))
    for w in _widgets(pdf):
        _draw(pdf, w, annex, faces, resources)
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = info_title or f"{annex.name} {annex.title}"
    pdf.docinfo[f"/{PROP_ANNEX}"] = annex.id
    pdf.docinfo[f"/{PROP_VERSION}"] = TEMPLATE_VERSION
    pdf.docinfo["/Title"] = info_title or f"{annex.name} {annex.title}"
    pdf.docinfo["/Creator"] = "qhsme"
    return pdf


def _draw(pdf, w, annex: Annex, faces, resources) -> None:
    ft = w.get("/FT")
    v = w.get("/V")
    if ft not in ("/Tx", "/Ch") or v is None or not faces:
        return
    value = str(v)
    if not value:
        return
    r = [float(x) for x in w.Rect]
    width, height = r[2] - r[0], r[3] - r[1]
    m = _DA_FONT.search(str(w.get("/DA", "")))
    size = float(m.group(2)) if m else 10.0
    f, table = _model_field(annex, str(w.get("/T", "")))
    multiline = bool(int(w.get("/Ff", 0)) & (1 << 12))
    if f is not None and f.type is T.DATE and f.blank == YMD and table is None:
        parts = re.findall(r"\d+", value)
        if len(parts) == 3:
            em = 15.0 if height > 20 else 10.5
            content = A.date_stream(tuple(parts), faces, size, width, height, em)
        else:
            content = A.text_stream(value, faces, size, width, height, multiline=False)
    else:
        align = "center" if table is not None else "left"
        content = A.text_stream(value, faces, size, width, height, multiline=multiline, align=align)
    stream = pdf.make_stream(content.encode("latin-1"))
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


def to_bytes(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             deterministic_id=True)
    return out.getvalue()
