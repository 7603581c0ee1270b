"""Positioned text and ruling lines of a page, whoever drew it: the shared input of the
drawn-form readers.  A PDF's text layer and vector paths (``pdf_flat``) or OCR of a page
image plus detected lines (a scan) are turned into ``PageGeo``: upright glyphs and rules in
points (1/72 inch), top-left origin, y growing downwards."""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field


@dataclass(slots=True)
class G:
    """A glyph, upright, in the form's points (after the fit)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    line: int = -1
    conf: float | None = None       # recognition confidence 0-1 (OCR); None: drawn text

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(slots=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def h(self) -> float:
        return self.bottom - self.top


@dataclass
class PageGeo:
    number: int                                   # 1-based
    turn: int                                     # quarter turns applied
    glyphs: list[G] = dc_field(default_factory=list)
    hrules: list[tuple[float, float, float]] = dc_field(default_factory=list)   # (t, x0, x1)
    vrules: list[tuple[float, float, float]] = dc_field(default_factory=list)   # (x, t0, t1)
    rects: list[Box] = dc_field(default_factory=list)
    marks: list[Box] = dc_field(default_factory=list)      # curves: drawn ticks
    ticks: list[G] = dc_field(default_factory=list)        # glyphs that are ticks (√)
    hidden: int = 0                                        # invisible glyphs (OCR layer)
    source: str = ""                                       # what drew it: "pdf", "ocr", ...
