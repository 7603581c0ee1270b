"""Annex HTML from the jinja2 template, and the PDF WeasyPrint makes of it.

WeasyPrint may read only what this module allows (``Fetcher``): the package's
templates, the built fonts, a per-document font for rare characters, and the
attachment files the data names.  Anything else (``file:///etc/passwd``, a
web address) is refused, so a value can never make the renderer read a file.
"""
from __future__ import annotations

import atexit
import logging
import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

import jinja2

from ..errors import InputError, QhsmeError
from ..model.fields import Annex
from ..resources import templates_dir
from . import fonts as F
from . import layout

logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)

RARE_URL = "qhsme-font:rare.ttf"
IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


class Refused(QhsmeError):
    """WeasyPrint asked for something outside what this document may read."""


def _fetcher_base():
    from weasyprint.urls import URLFetcher
    return URLFetcher


class Fetcher:
    """Builds a WeasyPrint URL fetcher reading only named local files (and the rare-character font)."""

    def __new__(cls, allowed: set[Path], rare: bytes | None = None):
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        class _Fetcher(URLFetcher):
            def fetch(self, url, headers=None):
                if url == RARE_URL and self.rare is not None:
                    return URLFetcherResponse(url, self.rare, {"Content-Type": "font/ttf"})
                parsed = urlparse(url)
                if parsed.scheme == "file" and not parsed.netloc:
                    path = Path(unquote(parsed.path)).resolve()
                    if path in self.allowed and path.is_file():
                        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
                self.refused.append(url)
                raise Refused(f"拒绝读取 {url[:80]}")

        f = _Fetcher(allowed_protocols=("file",), allow_redirects=False)
        f.allowed = {p.resolve() for p in allowed}
        f.rare = rare
        f.refused = []
        return f


_ENV = None


def env() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())),
                                  autoescape=True, trim_blocks=False, lstrip_blocks=False,
                                  undefined=jinja2.StrictUndefined)
    return _ENV


def template_file(name: str) -> Path:
    p = templates_dir() / name
    if not p.is_file():
        from ..errors import ResourceMissing
        raise ResourceMissing(f"找不到模板文件 {name}（{p}）。安装可能不完整，请重新安装 qhsme。")
    return p


def attachment_resolver(base_dir, allowed: set[Path]):
    """Photo paths as written in the data, relative to the data file's folder, to file URLs."""
    base = Path(base_dir) if base_dir is not None else Path.cwd()

    def url(raw: str) -> str:
        p = Path(raw)
        p = (p if p.is_absolute() else base / p).resolve()
        if not p.is_file():
            raise InputError(f"附件2 实景照片文件不存在：{raw}（按数据文件所在目录 {base} 查找）", file=str(p))
        if p.suffix.lower() not in IMAGE_TYPES:
            raise InputError(f"附件2 实景照片应为 PNG 或 JPG 图片：{raw}", file=str(p))
        allowed.add(p)
        return p.as_uri()
    return url


def render_html(annex: Annex, data: dict | None = None, base_dir=None,
                rare_chars: str = "", rows: dict[str, int] | None = None) -> tuple[str, "Fetcher", "layout.Page"]:
    """The annex page as HTML, the fetcher it may use and the page model.  The fonts and
    annex.css are not linked from the HTML: ``stylesheets`` gives them, parsed once."""
    allowed = set()
    urls = attachment_resolver(base_dir, allowed)
    page = layout.page(annex, data, urls if data is not None else None, rows)
    html = env().get_template("annex.html").render(page=page)
    rare = F.rare_font(rare_chars) if rare_chars else None
    return html, Fetcher(allowed, rare), page


def font_faces(faces: list[tuple[str, str]]) -> str:
    """@font-face rules for (family, URL) pairs."""
    return "".join(f'@font-face {{ font-family: "{family}"; src: url("{url}"); }}\n' for family, url in faces)


_SHARED = threading.local()     # .sheets: {font files: (font configuration, stylesheets)}


@atexit.register
def _drop_shared() -> None:
    """The temporary font folders go before interpreter shutdown, while WeasyPrint's clean-up
    (``FontConfiguration.__del__``) can still run."""
    _SHARED.__dict__.clear()


def stylesheets(rare: bytes | None = None) -> tuple[object, list]:
    """(font configuration, [font faces, annex.css]) for an annex document.

    Parsing annex.css and loading the @font-face fonts into Fontconfig cost a fifth of a
    blank form's time, so without a rare-character font they are made once per process
    (per font choice) and shared by every document.  A document with its own rare font
    gets a fresh configuration, so that font never leaks into the next document.  Pango's
    font map is not thread-safe, so each thread (the web server's workers) has its own."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration
    fs = F.fonts()
    key = (fs.serif, fs.labels)
    shared = _SHARED.__dict__.setdefault("sheets", {})
    if rare is None and key in shared:
        return shared[key]
    css = template_file("annex.css")
    fetcher = Fetcher({css, fs.serif, fs.labels}, rare)
    faces = [(F.SERIF_FAMILY, fs.serif.as_uri()), (F.LABELS_FAMILY, fs.labels.as_uri())]
    if rare is not None:
        faces.append((F.RARE_FAMILY, RARE_URL))
    font_config = FontConfiguration()
    sheets = [CSS(string=font_faces(faces), font_config=font_config, url_fetcher=fetcher),
              CSS(filename=str(css), font_config=font_config, url_fetcher=fetcher)]
    if rare is None:
        shared[key] = (font_config, sheets)
    return font_config, sheets


# The few user-agent rules the annex template needs.  WeasyPrint's full HTML5 stylesheet
# costs a fifth of the layout time in cascade for elements these pages never use.
_UA_CSS = """
head, style, link, meta, title, script { display: none }
html, body, div, p, h1, h2, section, figure, figcaption { display: block }
table { display: table; box-sizing: border-box } thead { display: table-header-group }
tbody { display: table-row-group } tr { display: table-row } td, th { display: table-cell }
colgroup { display: table-column-group } col { display: table-column }
p, figure { margin: 1em 0 }
"""
_UA = None


def _document_class():
    """``weasyprint.HTML`` with the small user-agent stylesheet (the full one if the hook moved)."""
    import weasyprint
    global _UA
    if not hasattr(weasyprint.HTML, "_ua_stylesheets"):
        return weasyprint.HTML
    if _UA is None:
        _UA = weasyprint.CSS(string=_UA_CSS)

    class AnnexHTML(weasyprint.HTML):
        def _ua_stylesheets(self, forms=False):
            return [_UA]
    return AnnexHTML


def render_pdf(annex: Annex, data: dict | None = None, base_dir=None,
               rare_chars: str = "", rows: dict[str, int] | None = None) -> tuple[bytes, list]:
    """The page PDF WeasyPrint makes, and where each field goes (``widgets.Spot``);
    ``fields.finish`` adds the fields."""
    from .widgets import spots
    html, fetcher, page = render_html(annex, data, base_dir, rare_chars, rows)
    font_config, sheets = stylesheets(fetcher.rare)
    doc = _document_class()(string=html, base_url=template_file("annex.html").as_uri(),
                            url_fetcher=fetcher).render(font_config=font_config, stylesheets=sheets)
    found = spots(doc, page.inputs())
    # uncompressed: pikepdf compresses in fields.to_bytes
    return doc.write_pdf(uncompressed_pdf=True), found
