"""fillable/index.html: the download page (Chinese), with a thumbnail of each annex's first page."""
from __future__ import annotations

import io
from pathlib import Path

from ..datafile import write_atomic
from ..model.annexes import ANNEXES
from .html import env

THUMB_WIDTH = 150      # pixels


def _size(p: Path) -> str:
    n = p.stat().st_size
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def thumbnail(pdf_path: Path) -> bytes | None:
    """A small PNG of the first page (PDFium, forms drawn); None without pypdfium2."""
    try:
        import pypdfium2 as pdfium
    except ImportError:
        return None
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        doc.init_forms()
        page = doc[0]
        scale = THUMB_WIDTH / page.get_width()
        img = page.render(scale=scale, may_draw_forms=True).to_pil().convert("L")
        page.close()
    finally:
        doc.close()
    out = io.BytesIO()
    img.quantize(colors=16).save(out, format="PNG", optimize=True)
    return out.getvalue()


def write_index(fillable_dir, thumbs: bool = True) -> None:
    """Write ``index.html`` (and ``thumbs/annexN.png``, drawn with pypdfium2 when installed,
    else the thumbnails already there are kept) listing annexN.pdf and annexN.docx present."""
    d = Path(fillable_dir)
    rows = []
    for a in ANNEXES:
        files = []
        for ext, kind in (("pdf", "PDF（可填写）"), ("docx", "Word")):
            p = d / f"annex{a.number}.{ext}"
            if p.is_file():
                files.append({"href": p.name, "kind": kind, "size": _size(p)})
        thumb = None
        pdf = d / f"annex{a.number}.pdf"
        png = thumbnail(pdf) if pdf.is_file() and thumbs else None
        if png:
            t = d / "thumbs" / f"annex{a.number}.png"
            write_atomic(t, png)
            thumb = f"thumbs/{t.name}"
        elif (d / "thumbs" / f"annex{a.number}.png").is_file():
            thumb = f"thumbs/annex{a.number}.png"
        rows.append({"annex": a, "files": files, "thumb": thumb})
    from ..forms import default_rows
    html = env().get_template("index.html").render(rows=rows, more=default_rows())
    write_atomic(d / "index.html", html.encode("utf-8"))
