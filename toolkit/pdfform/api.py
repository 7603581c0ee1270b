"""The library calls: a blank or a filled annex as PDF bytes, or written to a file."""
from __future__ import annotations

from pathlib import Path

from ..datafile import write_atomic
from ..errors import InputError
from ..model.annexes import annex as get_annex
from ..model.fields import Annex
from ..normalize import to_text
from . import fields, fonts as F, html


def _annex(n) -> Annex:
    try:
        a = get_annex(n)
    except KeyError as e:
        raise InputError(str(e.args[0]) if e.args else f"没有附件{n}")
    if a.number is None:
        raise InputError(f"{a.title} 不是附件表格，没有PDF版本")
    return a


def _use_font(font) -> None:
    if font is not None:
        F.set_source_font(font)


def render_blank(annex_number: int, font=None, rows: dict[str, int] | None = None) -> bytes:
    _use_font(font)
    a = _annex(annex_number)
    pdf = fields.finish(*html.render_pdf(a, rows=rows), a)
    return fields.to_bytes(pdf)


def write_blank(annex_number: int, path, font=None, rows: dict[str, int] | None = None) -> None:
    """The blank fillable form of annex ``annex_number`` (1-7) written to ``path``; ``rows``:
    table id -> row count (``toolkit.forms.blank_rows``; None: the download defaults)."""
    write_atomic(path, render_blank(annex_number, font, rows))


def _value_texts(a: Annex, values: dict) -> str:
    """Every value as the form writes it (photo file names too: their boxes show them)."""
    out = []
    for node in a.nodes():
        if hasattr(node, "columns"):
            for row in values.get(node.id) or []:
                if isinstance(row, dict):
                    out.extend(to_text(c, row.get(c.id)) for c in node.columns)
        else:
            out.append(to_text(node, values.get(node.id)))
    return "".join(out)


def render_filled(annex_number: int, data: dict, base_dir=None, flatten: bool = False, font=None,
                  compact: bool = False) -> bytes:
    _use_font(font)
    a = _annex(annex_number)
    if not isinstance(data, dict):
        raise InputError("申报数据应为键值表（annex1: …）")
    values = data.get(a.id) or {}
    if not isinstance(values, dict):
        raise InputError(f"{a.name}：数据应为键值表，实际为 {type(values).__name__}")
    rare = F.missing(_value_texts(a, values), F.fonts().field)
    raw, spots = html.render_pdf(a, values, base_dir, rare)
    pdf = fields.finish(raw, spots, a, rare)
    if flatten:
        fields.flatten(pdf)
        if compact:
            fields.shrink_field_font(pdf, _value_texts(a, values))
    return fields.to_bytes(pdf)


def write_filled(annex_number: int, data: dict, path, base_dir=None, flatten: bool = False,
                 font=None, compact: bool = False) -> None:
    """Annex ``annex_number`` filled from the application ``data``; ``flatten`` gives a print
    version with no fields (``compact``: with the field font cut to the values, ~100 KB instead
    of ~1 MB; leave it off when several annexes are merged, which then share one font copy).
    ``base_dir``: folder that annex 2 photo paths are relative to."""
    write_atomic(path, render_filled(annex_number, data, base_dir, flatten, font, compact))


# rank by measured time, longest first: the 100-row annex 5, the 30-row 24-column annex 6,
# the 30-row annex 3 (CPU s, 2026-12: 0.54, 0.45, 0.20, then 1: 0.17, 7: 0.15, 4: 0.14, 2: 0.04)
_COST = {5: 0, 6: 1, 3: 2, 1: 3, 7: 4, 4: 5, 2: 6}


def _blank_job(args) -> tuple[int, int]:
    n, path, rows = args
    write_blank(n, path, rows=rows)
    return n, Path(path).stat().st_size


def write_blanks(out_dir, numbers=range(1, 8), jobs: int | None = None,
                 rows: dict[str, int] | None = None) -> list[Path]:
    """Blank forms ``annexN.pdf`` for ``numbers`` in ``out_dir``, on ``jobs`` processes (default:
    the CPU count, at most 4; 1 where processes cannot be forked); ``rows`` as ``write_blank``."""
    import gc
    import multiprocessing as mp
    import os
    out = Path(out_dir)
    F.fonts()                                   # build or find the fonts once, before forking
    from .appearance import _font_parts
    _font_parts(F.fonts().field.read_bytes())
    paths = [(n, out / f"annex{n}.pdf", rows) for n in numbers]
    jobs = jobs or min(4, os.cpu_count() or 1)
    if jobs > 1 and len(paths) > 1 and "fork" in mp.get_all_start_methods():
        # longest first (the 100-row annex 5, the 24-column annex 6), so the workers end together
        order = sorted(paths, key=lambda p: _COST.get(p[0], 1))
        # the cheapest annex in this process first: it warms WeasyPrint (styles, fonts) once,
        # and the forked workers inherit that instead of each warming up on its own
        _blank_job(order.pop())
        # what the workers inherit is frozen: their collector then skips WeasyPrint's and the
        # fonts' many long-lived objects (and leaves those pages shared), about 10 % faster
        gc.collect()
        gc.freeze()
        try:
            with mp.get_context("fork").Pool(min(jobs, len(order))) as pool:
                list(pool.imap_unordered(_blank_job, order, chunksize=1))
        finally:
            gc.unfreeze()
    else:
        for job in paths:
            _blank_job(job)
    return [p for _, p, _ in paths]
