"""Rendering helpers for the PDF form tests: the same page drawn by poppler, MuPDF and PDFium."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

DPI = 40


def render_poppler(pdf: Path, out: Path, dpi: int = DPI) -> list[np.ndarray]:
    prefix = out / f"{pdf.stem}-poppler"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(prefix)], check=True)
    return [np.asarray(Image.open(p).convert("L"), dtype=np.int16)
            for p in sorted(out.glob(f"{pdf.stem}-poppler-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))]


def render_mupdf(pdf: Path, out: Path, dpi: int = DPI) -> list[np.ndarray]:
    pattern = out / f"{pdf.stem}-mupdf-%d.png"
    subprocess.run(["mutool", "draw", "-q", "-r", str(dpi), "-c", "gray", "-o", str(pattern), str(pdf)],
                   check=True, capture_output=True)
    return [np.asarray(Image.open(p).convert("L"), dtype=np.int16)
            for p in sorted(out.glob(f"{pdf.stem}-mupdf-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))]


def render_pdfium(pdf: Path, dpi: int = DPI, forms: bool = True) -> list[np.ndarray]:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(pdf))
    try:
        if forms:
            doc.init_forms()
        pages = []
        for i in range(len(doc)):
            page = doc[i]
            img = page.render(scale=dpi / 72, may_draw_forms=forms).to_pil().convert("L")
            pages.append(np.asarray(img, dtype=np.int16))
            page.close()
        return pages
    finally:
        doc.close()


def _fit(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    return a[:h, :w], b[:h, :w]


def _grow(mask: np.ndarray) -> np.ndarray:
    img = Image.fromarray((mask * 255).astype(np.uint8)).filter(ImageFilter.MaxFilter(3))
    return np.asarray(img) > 0


def mismatch(a: np.ndarray, b: np.ndarray, level: int = 128) -> float:
    """Share of the ink of either image that the other has nowhere within one pixel
    (0: the same drawing; anti-aliasing and half-pixel shifts between engines do not count)."""
    a, b = _fit(a, b)
    ia, ib = a < level, b < level
    total = ia.sum() + ib.sum()
    if not total:
        return 0.0
    lost = (ia & ~_grow(ib)).sum() + (ib & ~_grow(ia)).sum()
    return float(lost / total)


def save_diff(a: np.ndarray, b: np.ndarray, path: Path) -> None:
    a, b = _fit(a, b)
    rgb = np.stack([a, b, np.minimum(a, b)], axis=-1).clip(0, 255).astype(np.uint8)
    Image.fromarray(rgb).save(path)


def ink(a: np.ndarray) -> float:
    return float((a < 128).mean())


def char_boxes(pdf: Path) -> list[list[tuple[str, float, float, float, float]]]:
    """Per page, (text, x0, top, x1, bottom) in points of every visible character."""
    import pdfplumber
    out = []
    with pdfplumber.open(str(pdf)) as doc:
        for page in doc.pages:
            out.append([(c["text"], c["x0"], c["top"], c["x1"], c["bottom"]) for c in page.chars
                        if c["text"].strip()])
    return out


def glyph_ink(img: np.ndarray, boxes, dpi: int) -> np.ndarray:
    """Darkness inside each character box (shrunk by 15% so table rules do not count)."""
    k = dpi / 72
    out = []
    for _, x0, top, x1, bottom in boxes:
        dx, dy = (x1 - x0) * 0.15, (bottom - top) * 0.15
        a, b = int((top + dy) * k), int(np.ceil((bottom - dy) * k))
        c, d = int((x0 + dx) * k), int(np.ceil((x1 - dx) * k))
        cell = img[a:max(b, a + 1), c:max(d, c + 1)]
        out.append(float((255 - cell).sum()) if cell.size else 0.0)
    return np.asarray(out)


def glyph_agreement(ink_a: np.ndarray, ink_b: np.ndarray) -> tuple[float, float]:
    """(correlation of the per-character ink, share of characters whose ink differs by >50%)."""
    if len(ink_a) < 2:
        return 1.0, 0.0
    corr = float(np.corrcoef(ink_a, ink_b)[0, 1])
    hi = np.maximum(ink_a, ink_b)
    bad = (np.abs(ink_a - ink_b) > 0.5 * hi) & (hi > 0.1 * np.median(hi[hi > 0]) if (hi > 0).any() else False)
    return corr, float(np.mean(bad))
