"""Scanned returns: page images to page geometry (rules, cells, OCR glyphs, seals).

``scan_pages(path_or_pdf)`` is the entry the drawn-form readers call; ``ocr.available()``
says (in Chinese) what to install when the OCR extra is missing.  OpenCV, rapidocr and
onnxruntime come with the ``ocr`` extra: import the submodules only after checking."""
from __future__ import annotations

__all__ = ["scan_pages", "available"]


def available() -> str | None:
    """None when scans can be read here, else the Chinese reason and what to install."""
    from .ocr import available as _available
    import importlib.util
    if importlib.util.find_spec("cv2") is None:
        from .ocr import INSTALL_HINT
        return f"未安装 OpenCV，无法读取扫描件；{INSTALL_HINT}"
    return _available()


def scan_pages(src, name: str = "", first: int = 1, ocr: bool = True):
    from .source import scan_pages as _scan_pages
    return _scan_pages(src, name, first, ocr)
