"""Which annex a drawn form is (its printed title, from the model), and the fit of our own
print onto the blank form's points (scale and offset from the printed annex number and
title, so a print scaled to fit the page reads in the form's own points)."""
from __future__ import annotations

import io
import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ...model.annexes import ANNEXES
from ...model.fields import Annex
from ..geometry import PageGeo
from .pdf_source import orient, plumber_page
from .text import Stream, lines, squash


def which_annexes(pages: list[PageGeo]) -> list[Annex]:
    """Annexes whose printed title is on the pages, first printed first."""
    text = squash("".join(g.text for p in pages for line in lines(p.glyphs) for g in line))
    found = [(text.find(squash(a.title)), a) for a in ANNEXES]
    return [a for pos, a in sorted((f for f in found if f[0] >= 0), key=lambda f: f[0])]


@dataclass(frozen=True)
class Reference:
    no: tuple[float, float]          # top-left of the annex number (附件N)
    title: tuple[float, float, float, float]   # x0, top, x1, size of the title line
    no_size: float


@lru_cache(maxsize=8)
def reference(number: int) -> Reference:
    """Where the blank form prints its annex number and title (the fit's targets).

    Measured on the blank form rendered once, and kept on disk beside the built fonts
    (keyed by the template files and the font build), so parsing processes do not render."""
    import json
    key, path = _reference_key(number)
    try:
        got = json.loads(path.read_text(encoding="utf-8"))
        if got.get("key") == key:
            return Reference(tuple(got["no"]), tuple(got["title"]), got["no_size"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    found = _measure_reference(number)
    try:
        from ...datafile import write_atomic
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps({"key": key, "no": found.no, "title": found.title,
                                       "no_size": found.no_size}).encode("utf-8"))
    except OSError:
        pass
    return found


def _reference_key(number: int) -> tuple[str, Path]:
    import hashlib

    from ...model.naming import TEMPLATE_VERSION
    from ...pdfform import fonts as F
    from ...resources import templates_dir
    h = hashlib.sha256(f"{TEMPLATE_VERSION}|{F.BUILD_VERSION}|{number}".encode())
    for name in ("annex.html", "annex.css"):
        p = templates_dir() / name
        h.update(p.read_bytes() if p.is_file() else b"")
    layout = Path(__file__).resolve().parents[2] / "pdfform" / "layout.py"
    h.update(layout.read_bytes() if layout.is_file() else b"")
    h.update(os.environ.get("QHSME_FONT", "").encode())
    return h.hexdigest()[:16], F.cache_dir().parent / "flat-reference" / f"annex{number}.json"


def _measure_reference(number: int) -> Reference:
    import pdfplumber

    from ...pdfform import render_blank
    a = ANNEXES[number - 1]
    with pdfplumber.open(io.BytesIO(render_blank(number))) as pdf:
        pages = [orient(i, *plumber_page(p)) for i, p in enumerate(pdf.pages, 1)]
    found = landmarks(pages, a)
    if found is None:          # pragma: no cover - the template changed beyond recognition
        raise RuntimeError(f"{a.name}：空白表格中找不到编号和标题")
    return found


def landmarks(pages: list[PageGeo], a: Annex) -> Reference | None:
    st = Stream(pages)
    no = st.find(a.name, 0)
    ti = st.find(a.title, 0)
    if ti is None:
        return None
    first, last = st.glyphs[ti], st.glyphs[ti + len(a.title) - 1]
    n = (st.glyphs[no].x0, st.glyphs[no].top, st.glyphs[no].size) if no is not None else None
    return Reference((n[0], n[1]) if n else (math.nan, math.nan), (first.x0, first.top, last.x1, first.size),
                     n[2] if n else math.nan)


def fit(obs: Reference, ref: Reference) -> tuple[float, float, float]:
    """Scale and offset mapping observed points onto the blank form's (least squares)."""
    pairs = [((obs.title[0], obs.title[1]), (ref.title[0], ref.title[1])),
             ((obs.title[2], obs.title[1]), (ref.title[2], ref.title[1]))]
    if not math.isnan(obs.no[0]) and not math.isnan(ref.no[0]):
        pairs.append((obs.no, ref.no))
    if len(pairs) < 3:
        s = ref.title[3] / obs.title[3] if obs.title[3] else 1.0
    else:
        mo = [sum(p[0][k] for p in pairs) / len(pairs) for k in (0, 1)]
        mr = [sum(p[1][k] for p in pairs) / len(pairs) for k in (0, 1)]
        num = sum((o[k] - mo[k]) * (r[k] - mr[k]) for o, r in pairs for k in (0, 1))
        den = sum((o[k] - mo[k]) ** 2 for o, _ in pairs for k in (0, 1))
        s = num / den if den else 1.0
    mo = [sum(p[0][k] for p in pairs) / len(pairs) for k in (0, 1)]
    mr = [sum(p[1][k] for p in pairs) / len(pairs) for k in (0, 1)]
    return s, mr[0] - s * mo[0], mr[1] - s * mo[1]


def our_layout(obs: Reference, ref: Reference, fitted: tuple[float, float, float]) -> bool:
    """Whether the printed annex number and title sit where our blank prints them (after the
    fit: within 3 pt, the title's size within 5 %): our print, not the Word layout."""
    s, dx, dy = fitted
    pairs = [((obs.title[0], obs.title[1]), (ref.title[0], ref.title[1])),
             ((obs.title[2], obs.title[1]), (ref.title[2], ref.title[1]))]
    if not math.isnan(obs.no[0]) and not math.isnan(ref.no[0]):
        pairs.append((obs.no, ref.no))
    off = max(math.hypot(s * o[0] + dx - r[0], s * o[1] + dy - r[1]) for o, r in pairs)
    return off <= 3.0 and abs(s * obs.title[3] / ref.title[3] - 1) < 0.05


def apply_fit(pages: list[PageGeo], s: float, dx: float, dy: float) -> None:
    for p in pages:
        for g in p.glyphs:
            g.x0, g.x1 = s * g.x0 + dx, s * g.x1 + dx
            g.top, g.bottom = s * g.top + dy, s * g.bottom + dy
            g.size *= s
        p.hrules = [(s * t + dy, s * a + dx, s * b + dx) for t, a, b in p.hrules]
        p.vrules = [(s * x + dx, s * a + dy, s * b + dy) for x, a, b in p.vrules]
        for b in p.rects + p.marks:
            b.x0, b.x1, b.top, b.bottom = s * b.x0 + dx, s * b.x1 + dx, s * b.top + dy, s * b.bottom + dy
