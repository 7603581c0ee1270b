"""Scans made from our own prints, for tests, the benchmark and the demo: a page rendered
at 200 dpi, turned slightly, with scanner noise and JPEG compression; optionally a red seal
(a ring with text, as a company seal) or red ink ticks, or greyscale."""
from __future__ import annotations

import io
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SEAL_RED = (214, 38, 46)


def render_pdf(data: bytes, dpi: int = 200) -> list[Image.Image]:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(data)
    try:
        return [doc[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()


def _font(px: int):
    from ...pdfform.fonts import source_font  # the form font (Noto Serif SC) ships with the package
    try:
        path, index = source_font()
        return ImageFont.truetype(str(path), px, index=index)
    except Exception:                    # pragma: no cover - any TrueType will do for a seal
        return ImageFont.load_default()


def draw_seal(img: Image.Image, cx: float, cy: float, dpi: float = 200, diameter_mm: float = 40,
              text: str = "青海示范服务有限公司", alpha: float = 0.8) -> None:
    """A company seal: red ring, star and text, blended over the page as ink is (multiply)."""
    d = diameter_mm / 25.4 * dpi
    r = d / 2
    layer = Image.new("L", img.size, 0)
    dr = ImageDraw.Draw(layer)
    w = max(3, int(d * 0.035))
    dr.ellipse((cx - r, cy - r, cx + r, cy + r), outline=255, width=w)
    s = r * 0.22
    pts = [(cx + s * math.cos(math.radians(90 + k * 144)), cy - s * math.sin(math.radians(90 + k * 144)))
           for k in range(5)]
    dr.polygon(pts, fill=255)
    f = _font(int(r * 0.22))
    n = len(text)
    for k, ch in enumerate(text):
        a = math.radians(210 - k * (240 / max(1, n - 1)))
        x, y = cx + 0.72 * r * math.cos(a), cy - 0.72 * r * math.sin(a)
        dr.text((x, y), ch, fill=255, font=f, anchor="mm")
    _ink(img, layer, SEAL_RED, alpha)


def draw_red_marks(img: Image.Image, x: float, y: float, dpi: float = 200) -> None:
    """Red ink that is no seal: three ticks and a scribbled signature."""
    layer = Image.new("L", img.size, 0)
    dr = ImageDraw.Draw(layer)
    u = dpi / 25.4          # px per mm
    for k in range(3):
        x0 = x + k * 12 * u
        dr.line([(x0, y), (x0 + 1.5 * u, y + 2 * u), (x0 + 5 * u, y - 3 * u)], fill=255, width=int(0.5 * u))
    pts = [(x + 45 * u + i * 1.2 * u, y + 3 * u * math.sin(i * 1.3)) for i in range(30)]
    dr.line(pts, fill=255, width=int(0.4 * u))
    _ink(img, layer, SEAL_RED, 0.9)


def _ink(img: Image.Image, layer: Image.Image, colour, alpha: float) -> None:
    a = np.asarray(layer, dtype=np.float32)[..., None] / 255 * alpha
    base = np.asarray(img, dtype=np.float32)
    ink = base * (np.array(colour, dtype=np.float32) / 255)      # multiply: print stays visible
    img.paste(Image.fromarray((base * (1 - a) + ink * a).astype(np.uint8)))


def scan(page: Image.Image, degrees: float = 0.7, noise: float = 6.0, quality: int = 75,
         grey: bool = False, seed: int = 0, dpi: int = 200) -> bytes:
    """JPEG bytes of ``page`` as a scanner gives it back."""
    rng = np.random.default_rng(seed)
    im = page.convert("RGB").rotate(-degrees, resample=Image.BICUBIC, expand=False, fillcolor="white")
    im = im.filter(ImageFilter.GaussianBlur(0.4))
    a = np.asarray(im, dtype=np.float32)
    a = a + rng.normal(0, noise, a.shape).astype(np.float32)
    im = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    if grey:
        im = im.convert("L")
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi))
    return buf.getvalue()
