"""Page images of a scan: an image-only PDF (its embedded image, or a 200 dpi rendering),
JPEG/PNG/TIFF (every frame of a multi-page TIFF), turned upright by EXIF orientation.

Pure of OCR: pixels in, ``PageImage`` out.  Whether a page is in colour is decided here,
once, because a seal can only be checked on colour (a greyscale scan says so)."""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, ImageSequence

from ...errors import InputError

RENDER_DPI = 200
A4_IN = (8.27, 11.69)
# A grey page stored as RGB (or JPEG-compressed) keeps its channels within a few levels of
# each other; a colour scan, even of black print, has chroma noise and coloured ink above it.
GREY_CHROMA = 2           # levels (0-255) of max(R,G,B) - min(R,G,B): above JPEG rounding of grey
GREY_FRACTION = 0.0005    # a page is colour when more than this share of pixels exceeds it (scans: > 0.002)

Image.MAX_IMAGE_PIXELS = 40_000 * 40_000 // 4   # an A0 scan at 600 dpi still opens


@dataclass
class PageImage:
    number: int            # 1-based, in the file
    rgb: np.ndarray        # H x W x 3 uint8, upright as the scanner (or EXIF) says
    dpi: float
    colour: bool           # False: greyscale (or bilevel): colour cannot be checked

    @property
    def scale(self) -> float:
        """Points per pixel."""
        return 72.0 / self.dpi


def is_colour(rgb: np.ndarray) -> bool:
    """True when the pixels carry colour, not only grey levels (whatever the storage mode)."""
    small = rgb[::4, ::4].astype(np.int16)
    chroma = small.max(axis=2) - small.min(axis=2)
    return float((chroma > GREY_CHROMA).mean()) > GREY_FRACTION


def _dpi_of(img: Image.Image) -> float:
    dpi = img.info.get("dpi")
    try:
        d = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        d = 0.0
    if 50 <= d <= 1200:
        return d
    # no usable resolution: assume an A4 page, the size of every annex
    return round(max(img.size) / A4_IN[1], 1)


def _page(number: int, img: Image.Image, dpi: float | None = None) -> PageImage:
    img = ImageOps.exif_transpose(img)
    grey_mode = img.mode in ("1", "L", "LA", "I", "I;16", "F")
    rgb = np.asarray(img.convert("RGB"))
    colour = False if grey_mode else is_colour(rgb)
    return PageImage(number, rgb, dpi or _dpi_of(img), colour)


def image_pages(data: bytes, name: str = "", first: int = 1) -> list[PageImage]:
    """Every frame of a JPEG/PNG/TIFF (or any format Pillow reads)."""
    try:
        im = Image.open(io.BytesIO(data))
        frames = [f.copy() for f in ImageSequence.Iterator(im)]
    except (OSError, SyntaxError, ValueError) as e:
        raise InputError(f"无法读取图像（{type(e).__name__}，文件可能已损坏），需要人工录入；"
                         "请重新扫描为 JPEG、PNG、TIFF 或 PDF",
                         file=name or None) from e
    return [_page(i, f) for i, f in enumerate(frames, first)]


def _embedded_image(page, page_w_pt: float) -> tuple[Image.Image, float] | None:
    """The page's only content when it is one image covering the page: (image, its dpi)."""
    import pypdfium2.raw as pdfium_c
    objs = list(page.get_objects(max_depth=2))
    imgs = [o for o in objs if o.type == pdfium_c.FPDF_PAGEOBJ_IMAGE]
    if len(imgs) != 1 or any(o.type == pdfium_c.FPDF_PAGEOBJ_TEXT for o in objs):
        return None
    o = imgs[0]
    x0, y0, x1, y1 = o.get_bounds()
    pw, ph = page.get_size()
    if (x1 - x0) < 0.9 * pw or (y1 - y0) < 0.9 * ph:
        return None
    try:
        pil = o.get_bitmap(render=False).to_pil()
    except Exception:          # an unusual filter pypdfium2 cannot hand over raw: render instead
        return None
    if pil.width < 200:
        return None
    # the image may be placed turned (a landscape scan on a portrait page): render then
    m = o.get_matrix().get()
    if abs(m[1]) > 1e-6 or abs(m[2]) > 1e-6 or m[0] < 0 or m[3] < 0:
        return None
    return pil, pil.width / ((x1 - x0) / 72.0)


def pdf_pages(data: bytes, name: str = "", first: int = 1) -> list[PageImage]:
    """Pages of a PDF as images: the embedded scan itself when a page is only that, else a
    rendering at 200 dpi (colour decided on the pixels)."""
    import pypdfium2 as pdfium
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise InputError("无法打开 PDF：文件已损坏或加密", file=name or None) from e
    out = []
    try:
        for i in range(len(doc)):
            page = doc[i]
            emb = _embedded_image(page, page.get_width())
            if emb is not None:
                pil, dpi = emb
                out.append(_page(first + i, pil, dpi))
            else:
                pil = page.render(scale=RENDER_DPI / 72).to_pil()
                out.append(_page(first + i, pil, RENDER_DPI))
            page.close()
    finally:
        doc.close()
    return out


def load_pages(src, name: str = "", first: int = 1) -> list[PageImage]:
    """Pages of a scan given as a path, bytes, or an open ``pikepdf.Pdf``."""
    if isinstance(src, (str, Path)):
        name = name or str(src)
        try:
            data = Path(src).read_bytes()
        except OSError as e:
            raise InputError(f"无法读取文件：{e.strerror}", file=name) from e
    elif isinstance(src, (bytes, bytearray, memoryview)):
        data = bytes(src)
    elif hasattr(src, "save") and hasattr(src, "pages"):      # pikepdf.Pdf
        buf = io.BytesIO()
        src.save(buf)
        data = buf.getvalue()
    else:
        raise InputError(f"不支持的扫描件输入：{type(src).__name__}", file=name or None)
    if data[:1024].lstrip().startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return pdf_pages(data, name, first)
    return image_pages(data, name, first)
