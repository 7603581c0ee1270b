"""The pages we author (cover, contents, declaration, placeholders), laid out by WeasyPrint.

Attachment pages are not laid out: ``sequence`` knows every page of the dossier from the
page counts of the authored sections and of the attachment files, so the contents show the
real numbers, and ``render`` lays out only the authored pages (templates/dossier.html),
taking them from ``layout_cache`` when the same HTML was laid out before.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import jinja2

from ..resources import templates_dir
from .pages import A4

if TYPE_CHECKING:
    from .bind import FilePart, Part

MM = 72 / 25.4
MARGIN = {"top": 20, "right": 18, "bottom": 22, "left": 28}     # mm; left is the binding edge
KIND_TITLES = {"application": "申报材料", "review": "复核材料", "report": "（半）年度总结报告材料"}


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["cssstr"] = lambda s: str(s).replace("\\", "\\\\").replace("'", "\\'").replace("\n", " ")
    return env


def _fonts(text: str):
    """(@font-face CSS, font-family, characters for a rare-character font) for the generated
    pages: the forms' serif font, plus a tiny font for characters outside it (堃, 𠀀) found
    in ``text`` (``_rare_font``, given to WeasyPrint by the URL fetcher)."""
    from ..pdfform import fonts as F
    from ..pdfform.html import RARE_URL, font_faces
    fs = F.fonts()
    rare_chars = F.missing(text, fs.serif)
    faces = [(F.SERIF_FAMILY, fs.serif.as_uri())] + ([(F.RARE_FAMILY, RARE_URL)] if rare_chars else [])
    return font_faces(faces), ", ".join(family for family, _ in faces), rare_chars


def _rare_font(chars: str) -> bytes:
    """``fonts.rare_font`` (a second or more: it reads the whole source font), kept in the
    font cache beside the built fonts, so binding the same unit again does not redo it."""
    import hashlib

    from ..datafile import write_atomic
    from ..pdfform import fonts as F
    key = hashlib.sha256(f"{F.fonts().serif.name}|{chars}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
    cached = F.cache_dir() / f"dossier-rare-{key}.ttf"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    data = F.rare_font(chars)
    try:
        write_atomic(cached, data)
    except OSError:
        pass                                # a read-only cache: built again next time
    return data


@dataclass
class Slot:
    """One page of the bound dossier: an authored page (its index in the layout), a page of
    an attachment file, or (neither) a blank page turning the next item to a right-hand page."""

    authored: int | None = None
    file: FilePart | None = None
    n: int = 0


def sequence(parts: list[Part], counts: dict[str, int], duplex: bool) -> tuple[list[Slot], dict[str, int]]:
    """Every page of the dossier in order, and the first page (0-based) of each anchor, from
    the page count of each authored section (``counts``: cover, toc, each authored part)."""
    slots: list[Slot] = []
    starts: dict[str, int] = {}
    laid = 0

    def pad():
        if duplex and len(slots) % 2 == 1:
            slots.append(Slot())

    def authored(anchor):
        nonlocal laid
        starts[anchor] = len(slots)
        for _ in range(counts[anchor]):
            slots.append(Slot(authored=laid))
            laid += 1

    authored("cover")
    pad()
    authored("toc")
    for part in parts:
        pad()
        if part.html:
            authored(part.anchor)
            continue
        starts[part.anchor] = len(slots)
        for f in part.files:
            starts[f.anchor] = len(slots)
            slots += [Slot(file=f, n=n) for n in range(f.pages)]
    return slots, starts


def _authored_anchors(parts: list[Part]) -> list[str]:
    return ["cover", "toc"] + [p.anchor for p in parts if p.html]


def _toc_pages(parts: list[Part]) -> int:
    """A guess of the contents' length (templates/dossier.html: title 28 mm, lines 8.8 and
    7.9 mm, 255 mm a page), checked by the layout."""
    import math
    height = 28 + sum(8.8 + (7.9 * len(p.files) if len(p.files) > 1 else 0) for p in parts)
    return max(1, math.ceil(height / (A4[1] / MM - MARGIN["top"] - MARGIN["bottom"])))


def render(parts: list[Part], cover: dict, kind: str, mark: str | None, duplex: bool):
    """The authored pages (PDF bytes), their links, the page sequence and the anchors' pages.

    Laid out once with the contents' length guessed and every other authored section at one
    page; again (at most twice) only when a guess was wrong, so the contents' numbers are the
    real ones.  The same HTML laid out before is taken from ``layout_cache``."""
    from . import layout_cache

    env = _env()
    names = _authored_anchors(parts)
    counts = {a: 1 for a in names}
    counts["toc"] = _toc_pages(parts)
    args = dict(parts=parts, cover=cover, mark=mark, duplex=duplex, margin=MARGIN, extra_css="",
                heading="青海省中小企业公共服务示范平台", kind_title=KIND_TITLES[kind])

    def text_for(counts):
        slots, starts = sequence(parts, counts, duplex)
        numbers = {a: i + 1 for a, i in starts.items()}
        text = env.get_template("dossier.html").render(font_css="", font_family="serif", numbers=numbers, **args)
        return text, numbers, slots, starts

    def html_for(counts):
        text, numbers, slots, starts = text_for(counts)
        font_css, family, rare = _fonts(text)
        html = env.get_template("dossier.html").render(font_css=font_css, font_family=family,
                                                       numbers=numbers, **args)
        return html, rare, slots, starts

    from ..pdfform import fonts as F
    key = layout_cache.key(text_for(counts)[0], F.fonts().serif.name)
    hit = layout_cache.get(key)
    if hit is not None:
        body, meta = hit
        slots, starts = sequence(parts, meta["counts"], duplex)
        return body, [[(t, tuple(r)) for t, r in page] for page in meta["links"]], slots, starts

    from weasyprint import HTML

    from ..pdfform.html import Fetcher
    html, rare, slots, starts = html_for(counts)
    for _ in range(3):
        fetcher = Fetcher({F.fonts().serif}, _rare_font(rare) if rare else None)
        doc = HTML(string=html, base_url=str(templates_dir()), url_fetcher=fetcher).render()
        first = {}
        for i, page in enumerate(doc.pages):
            for name in page.anchors:
                first.setdefault(name, i)
        at = [first[a] for a in names] + [len(doc.pages)]
        got = {a: at[k + 1] - at[k] for k, a in enumerate(names)}
        if got == counts:
            break
        counts = got
        html, rare, slots, starts = html_for(counts)
    links = [[(target, tuple(rect)) for kind_, target, rect, _ in page.links if kind_ == "internal"]
             for page in doc.pages]
    body = doc.write_pdf()
    layout_cache.put(key, body, counts, links)
    return body, links, slots, starts
