"""Document metadata for every PDF the toolkit writes, and PDF/A-2b for the dossier.

``set_document_meta``: title (XMP dc:title and /Title, kept in step by pikepdf's
``open_metadata``), /Lang and /ViewerPreferences /DisplayDocTitle, so viewers show
the title, not the file name, and screen readers know the language.

``make_pdfa``: what ISO 19005-2 level B asks of the dossier beyond that: an sRGB
output intent (an ICC profile built by LittleCMS through Pillow, so no profile file
is shipped), XMP with pdfaid part 2 / conformance B and docinfo matching it, no
/Interpolate, no font resource left without its program, printable annotations.
``pdfa_problems`` says, requirement by requirement, what a PDF still lacks.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import pikepdf

LANG = "zh-CN"
PRODUCER = "qhsme"


def set_document_meta(pdf: pikepdf.Pdf, title: str, lang: str = LANG, pdfa: bool = False) -> None:
    """Title in XMP and docinfo, /Lang, /DisplayDocTitle; with ``pdfa`` the pdfaid claim and
    the producer/dates, set in XMP so the docinfo pikepdf derives from it matches."""
    for key in ("/Producer", "/Creator", "/CreationDate", "/ModDate"):
        if pdfa and key in pdf.docinfo:
            del pdf.docinfo[key]           # WeasyPrint's: re-made from XMP below
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
        if pdfa:
            now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"
            meta["pdf:Producer"] = PRODUCER
            meta["xmp:CreatorTool"] = PRODUCER
            meta["xmp:CreateDate"] = now
            meta["xmp:ModifyDate"] = now
            meta["xmp:MetadataDate"] = now
    pdf.docinfo["/Title"] = title
    pdf.Root.Lang = pikepdf.String(lang)
    prefs = pdf.Root.get("/ViewerPreferences")
    if not isinstance(prefs, pikepdf.Dictionary):
        pdf.Root.ViewerPreferences = prefs = pikepdf.Dictionary()
    prefs.DisplayDocTitle = True


@lru_cache(maxsize=1)
def srgb_profile() -> bytes:
    """An sRGB ICC profile, built by LittleCMS (Pillow's ImageCms): generated data, no licence."""
    from PIL import ImageCms
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def make_pdfa(pdf: pikepdf.Pdf, title: str, lang: str = LANG) -> list[str]:
    """Make ``pdf`` (the dossier) PDF/A-2b as far as it is in our hands; see ``pdfa_problems``.
    A font used without its program, or a CMYK image against the sRGB intent (an attachment's),
    cannot be mended here: then the file is not claimed to be PDF/A, and what is in the way is
    returned (font names, "DeviceCMYK")."""
    icc = pdf.make_stream(srgb_profile())
    icc.N = 3
    pdf.Root.OutputIntents = [pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1,
        OutputConditionIdentifier=pikepdf.String("sRGB IEC61966-2.1"),
        Info=pikepdf.String("sRGB IEC61966-2.1"), DestOutputProfile=icc))]
    resources = []
    cmyk = False
    for obj in pdf.objects:                # one pass: objects are many in a 300-page dossier
        if isinstance(obj, pikepdf.Stream):
            if "/Interpolate" in obj:
                del obj["/Interpolate"]
            cmyk = cmyk or obj.get("/ColorSpace") == pikepdf.Name.DeviceCMYK
            if "/Resources" in obj:
                resources.append((obj.Resources, obj))
        elif isinstance(obj, pikepdf.Dictionary):
            kind = obj.get("/Type")
            if kind == pikepdf.Name.Annot:
                obj.F = 4                  # printable, the only flags PDF/A allows on a link
            elif kind == pikepdf.Name.Page and "/Resources" in obj:
                resources.append((obj.Resources, None))
    drop_unused_fonts(pdf, resources)
    missing = unembedded_fonts(pdf, resources) + (["DeviceCMYK"] if cmyk else [])
    set_document_meta(pdf, title, lang, pdfa=not missing)
    return missing


def _fonts_of(res) -> list[tuple[str, pikepdf.Object]]:
    fonts = res.get("/Font") if isinstance(res, pikepdf.Dictionary) else None
    return list(fonts.items()) if isinstance(fonts, pikepdf.Dictionary) else []


def embedded(font: pikepdf.Object) -> bool:
    if font.get("/Subtype") == pikepdf.Name.Type3:
        return True
    if font.get("/Subtype") == pikepdf.Name.Type0:
        font = font.DescendantFonts[0]
    desc = font.get("/FontDescriptor")
    return desc is not None and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def _resource_dicts(pdf: pikepdf.Pdf):
    """Every resource dictionary: pages', form XObjects', patterns', Type 3 fonts'."""
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Page:
            if "/Resources" in obj:
                yield obj.Resources, None
        elif isinstance(obj, pikepdf.Stream) and "/Resources" in obj:
            yield obj.Resources, obj


_SELECTS = re.compile(rb"/([^\s/<>\[\]()]+)\s+[-\d.]+\s+Tf")     # /Name size Tf


def drop_unused_fonts(pdf: pikepdf.Pdf, resources=None, unembedded_only: bool = True) -> int:
    """Remove font resources that the content using them never selects (``/Name size Tf``):
    by default only those without a font program, such as the ZapfDingbats a flattened check
    box leaves behind (PDF/A wants every font it names embedded); with ``unembedded_only``
    false, every unused one.  ``resources``: (resource dictionary, owning stream) pairs, all
    of the document's by default.  Resources are often shared by many streams: a stream
    that loses fonts gets its own, smaller copy.  Returns how many were dropped."""
    dropped = 0
    for res, stream in resources if resources is not None else _resource_dicts(pdf):
        if stream is None:
            continue
        fonts = _fonts_of(res)
        candidates = [key for key, font in fonts if isinstance(font, pikepdf.Dictionary)
                      and not (unembedded_only and embedded(font))]
        if not candidates:
            continue
        try:
            used = set(_SELECTS.findall(stream.read_bytes()))
        except pikepdf.PdfError:
            continue
        unused = {key for key in candidates if key[1:].encode() not in used}
        if unused:
            mine = pikepdf.Dictionary({k: v for k, v in res.items() if k != "/Font"})
            mine.Font = pikepdf.Dictionary({k: v for k, v in fonts if k not in unused})
            stream.Resources = mine
            dropped += len(unused)
    return dropped


def cmyk_images(pdf: pikepdf.Pdf) -> bool:
    return any(isinstance(o, pikepdf.Stream) and o.get("/ColorSpace") == pikepdf.Name.DeviceCMYK
               for o in pdf.objects)


def unembedded_fonts(pdf: pikepdf.Pdf, resources=None) -> list[str]:
    """Base names of fonts used without their program (PDF/A wants every font embedded);
    ``resources``: the (resource dictionary, owner) pairs, when known."""
    out = []
    seen = set()
    for res, _ in resources if resources is not None else _resource_dicts(pdf):
        for _, font in _fonts_of(res):
            if not isinstance(font, pikepdf.Dictionary) or (font.is_indirect and font.objgen in seen):
                continue
            if font.is_indirect:
                seen.add(font.objgen)
            if not embedded(font):
                name = str(font.get("/BaseFont", "?")).lstrip("/")
                if name not in out:
                    out.append(name)
    return out


def pdfa_problems(pdf: pikepdf.Pdf) -> list[str]:
    """What PDF/A-2b (and our metadata rules) still miss in ``pdf``: one line per requirement
    failed.  Checked directly (veraPDF cannot be installed here)."""
    out = []
    intents = pdf.Root.get("/OutputIntents") or []
    if not any(oi.get("/S") == pikepdf.Name.GTS_PDFA1 and "/DestOutputProfile" in oi for oi in intents):
        out.append("no GTS_PDFA1 output intent with a DestOutputProfile")
    meta = pdf.open_metadata()
    if meta.get("pdfaid:part") != "2" or meta.get("pdfaid:conformance") != "B":
        out.append(f"XMP pdfaid part/conformance is {meta.get('pdfaid:part')}/{meta.get('pdfaid:conformance')}")
    title = meta.get("dc:title")
    if not title or str(pdf.docinfo.get("/Title", "")) != title:
        out.append(f"dc:title {title!r} differs from /Title {pdf.docinfo.get('/Title')!r}")
    for key, prop in (("/Producer", "pdf:Producer"), ("/Creator", "xmp:CreatorTool")):
        if key in pdf.docinfo and str(pdf.docinfo[key]) != meta.get(prop):
            out.append(f"{key} {pdf.docinfo[key]!r} differs from XMP {prop} {meta.get(prop)!r}")
    for key, prop in (("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")):
        if key in pdf.docinfo and not meta.get(prop):
            out.append(f"{key} in docinfo but no XMP {prop}")
    if "/Filter" in pdf.Root.Metadata:
        out.append("the XMP metadata stream is compressed")
    if "/Lang" not in pdf.Root:
        out.append("no /Lang")
    prefs = pdf.Root.get("/ViewerPreferences")
    if not prefs or prefs.get("/DisplayDocTitle") is not True:
        out.append("no /ViewerPreferences /DisplayDocTitle true")
    if "/Encrypt" in pdf.trailer:
        out.append("encrypted")
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Interpolate") is True:
            out.append(f"image {obj.objgen} has /Interpolate true")
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Annot \
                and int(obj.get("/F", 0)) & 4 == 0:
            out.append(f"annotation {obj.objgen} not printable")
    for name in unembedded_fonts(pdf):
        out.append(f"font {name} not embedded")
    if cmyk_images(pdf):
        out.append("a DeviceCMYK image with an RGB output intent")
    for key in ("/JavaScript", "/EmbeddedFiles"):
        if "/Names" in pdf.Root and key in pdf.Root.Names:
            out.append(f"{key} present")
    return out
