"""Form fields made at the places the layout left for them.

The template prints each field as an empty box (``<i class="fld" data-n=NAME>``, or a
table cell ``<td data-n=NAME>``);
WeasyPrint lays out and draws the page, and here every box becomes an AcroForm
widget with the same rectangle: a text field (multiline where the text is long),
a tick box, or a list.  Doing this ourselves rather than with WeasyPrint's
``pdf_forms`` keeps its layout cheap and avoids its quirks (``gs`` in /DA,
radio kids named like fields, rects not normalised, no appearances).
"""
from __future__ import annotations

from dataclasses import dataclass

import pikepdf

from .layout import Input

PX = 0.75          # CSS px to PDF points
MULTILINE = 1 << 12   # /Ff bit 13 of a text field


@dataclass
class Spot:
    input: Input
    page: int
    rect: tuple[float, float, float, float]    # PDF points, normalised
    size: float                                 # font size in points


def spots(document, inputs: dict[str, Input]) -> list[Spot]:
    """Where each field box landed in a rendered WeasyPrint ``document``."""
    out: list[Spot] = []
    seen: set[str] = set()
    for number, page in enumerate(document.pages):
        height = page.height
        for box in page._page_box.descendants():
            el = getattr(box, "element", None)
            tag = getattr(box, "element_tag", None)
            if el is None or tag not in ("i", "td"):
                continue
            name = el.get("data-n")
            if not name or name in seen or name not in inputs:
                continue
            seen.add(name)
            if tag == "td":             # a table cell that is a field: inside its rules
                x, y = box.padding_box_x(), box.padding_box_y()
                w, h = box.padding_width(), box.padding_height()
            else:
                x, y = box.border_box_x(), box.border_box_y()
                w, h = box.border_width(), box.border_height()
            rect = (x * PX, (height - y - h) * PX, (x + w) * PX, (height - y) * PX)
            out.append(Spot(inputs[name], number, tuple(round(v, 3) for v in rect),
                            round(box.style["font_size"] * PX, 2)))
    return out


def _tick(pdf: pikepdf.Pdf, w: float, h: float, on: bool) -> pikepdf.Stream:
    if on:
        cx, cy, rx, ry = w / 2, h / 2, w * 0.38, h * 0.38
        path = (f"0 g {cx - rx:.2f} {cy:.2f} m {cx:.2f} {cy - ry:.2f} l {cx + rx:.2f} {cy + ry:.2f} l "
                f"{cx - rx / 7:.2f} {cy - ry / 3:.2f} l h f")
    else:
        path = "q Q"        # draws nothing; an empty stream, once compressed, is not valid Flate
    s = pdf.make_stream(path.encode("ascii"))
    s.Type, s.Subtype, s.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, w, h]
    return s


def add(pdf: pikepdf.Pdf, found: list[Spot], font_name: str, font_ref) -> None:
    """Add an AcroForm with one widget per spot (values in /V; appearances drawn later)."""
    fields = pikepdf.Array()
    for s in found:
        i, page = s.input, pdf.pages[s.page]
        x0, y0, x1, y1 = s.rect
        d = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget,
                               Rect=list(s.rect), F=4, P=page.obj,
                               T=pikepdf.String(i.name), TU=pikepdf.String(i.tooltip))
        if i.kind == "check":
            state = pikepdf.Name("/on") if i.checked else pikepdf.Name("/Off")
            d.FT = pikepdf.Name.Btn
            d.V = d.AS = state
            d.AP = pikepdf.Dictionary(N=pikepdf.Dictionary({
                "/on": _tick(pdf, x1 - x0, y1 - y0, True), "/Off": _tick(pdf, x1 - x0, y1 - y0, False)}))
            d.MK = pikepdf.Dictionary(CA=pikepdf.String("4"))
            d.DA = pikepdf.String("0 g /ZaDb 0 Tf")
        else:
            # what a viewer redraws after an edit is what the appearance draws (fields.draw):
            # this font and size, aligned by /Q, on one line unless multiline
            d.DA = pikepdf.String(f"0 g /{font_name} {s.size:g} Tf")
            if i.align == "center":
                d.Q = 1
            d.V = pikepdf.String(i.value or "")
            if i.kind == "select":
                d.FT = pikepdf.Name.Ch
                d.Ff = 1 << 17                       # combo box
                d.Opt = pikepdf.Array([pikepdf.String(o) for o in i.options])
            else:
                d.FT = pikepdf.Name.Tx
                if i.kind == "multiline":
                    d.Ff = MULTILINE
        ref = pdf.make_indirect(d)
        annots = page.obj.get("/Annots")
        if annots is None:
            page.obj.Annots = pikepdf.Array([ref])
        else:
            annots.append(ref)
        fields.append(ref)
    zadb = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.ZapfDingbats))
    pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(
        Fields=fields, NeedAppearances=False, DA=pikepdf.String(f"0 g /{font_name} 10 Tf"),
        DR=pikepdf.Dictionary(Font=pikepdf.Dictionary({f"/{font_name}": font_ref, "/ZaDb": zadb})),
    ))
