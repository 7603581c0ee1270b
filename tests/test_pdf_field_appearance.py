"""What we draw in a field is what a viewer redraws after an edit (issue 13, item 4).

Acrobat, Foxit, pdf.js and PDFium regenerate a field's appearance from its /DA font and size,
aligned by /Q (default left), on one line unless /Ff says multiline.  So in every filled annex
of samples/xining-complete.yaml each text or list widget's appearance must be drawn at the
/DA size (or /DA says 0: auto size, when the text had to shrink), aligned as /Q says, and on
one line in one piece unless the field is multiline.  A date printed as ____年__月__日 is
three fields (year, month, day), each drawn in its own blank."""
from __future__ import annotations

import re

import pikepdf
import pytest

from conftest import ROOT, need
from pdf_helpers import application, char_boxes, drawn_pieces, mismatch, render_poppler

NUMBERS = range(1, 8)
PAD = 2.0                 # toolkit.pdfform.appearance.PAD: the text's distance from the box edge
MULTILINE, COMB = 1 << 12, 1 << 24
_DA_SIZE = re.compile(r"/\S+\s+([\d.]+)\s+Tf")


@pytest.fixture(scope="module")
def filled(tmp_path_factory, good_data):
    from toolkit.pdfform import write_filled
    d = tmp_path_factory.mktemp("appearance")
    data = application(good_data)
    for n in NUMBERS:
        write_filled(n, data, d / f"annex{n}.pdf", base_dir=ROOT / "samples")
    return d


def _text_widgets(pdf: pikepdf.Pdf):
    for number, page in enumerate(pdf.pages):
        for w in page.obj.get("/Annots", []):
            if w.get("/Subtype") == "/Widget" and w.get("/FT") in ("/Tx", "/Ch"):
                yield number, w


def disagreements(w) -> list[str]:
    """How the appearance of widget ``w`` differs from what its /DA, /Q and /Ff make a viewer draw."""
    pieces = drawn_pieces(w)
    if not pieces:
        return []
    out = []
    flags = int(w.get("/Ff", 0))
    da = _DA_SIZE.search(str(w.get("/DA", "")))
    da_size = float(da.group(1)) if da else None
    q = int(w.get("/Q", 0))
    x0, _, x1, _ = (float(v) for v in w.Rect)
    box = x1 - x0
    if flags & COMB:
        out.append("comb flag set, but the value is not drawn in combs")
    if not flags & MULTILINE and len(pieces) != 1:
        out.append(f"one-line field drawn as {len(pieces)} pieces")
    if len({round(p["y"], 2) for p in pieces}) != len(pieces):
        out.append("a line drawn in several pieces")
    sizes = set().union(*(p["sizes"] for p in pieces))
    if len(sizes) != 1:
        out.append(f"drawn at several sizes {sorted(sizes)}")
    if da_size is None:
        out.append("no size in /DA")
    elif da_size and any(abs(s - da_size) > 0.01 for s in sizes):
        out.append(f"drawn at {max(sizes):.2f} pt, /DA says {da_size:g} pt (0 would be auto size)")
    for p in pieces:
        left, right = p["x"], box - p["x"] - p["width"]
        overflow = p["width"] > box - 2 * PAD + 0.01
        if q == 1 and abs(left - right) > 0.6 and not (overflow and abs(left - PAD) < 0.01):
            out.append(f"/Q 1 (centred) but drawn {left:.1f} pt from the left, {right:.1f} pt from the right")
        elif q == 0 and abs(left - PAD) > 0.01:
            out.append(f"/Q 0 (left) but drawn {left:.1f} pt from the left edge")
        elif q not in (0, 1):
            out.append(f"/Q {q}")
    return out


@pytest.mark.parametrize("n", NUMBERS)
def test_appearance_agrees_with_q_da_and_flags(filled, n):
    checked, bad = 0, {}
    with pikepdf.open(filled / f"annex{n}.pdf") as pdf:
        for _, w in _text_widgets(pdf):
            if drawn_pieces(w):
                checked += 1
            problems = disagreements(w)
            if problems:
                bad[str(w.T)] = problems
    assert checked >= 3, f"附件{n}: only {checked} values drawn"
    assert not bad, f"附件{n}: {len(bad)} of {checked} fields: " + "; ".join(
        f"{k}: {', '.join(v)}" for k, v in list(bad.items())[:8])


def test_centred_cells_say_q1_and_shrunk_text_says_auto_size(filled):
    """The sample exercises both cases the issue found: centred table cells, and a long
    school/major shrunk (or wrapped) to fit its cell."""
    with pikepdf.open(filled / "annex3.pdf") as pdf:
        widgets = {str(w.T): w for _, w in _text_widgets(pdf)}
        assert int(widgets["a3__staff__1__name"].Q) == 1
        majors = [w for k, w in widgets.items() if k.endswith("__school_major") and drawn_pieces(w)]
        auto = [w for w in majors if _DA_SIZE.search(str(w.DA)).group(1) == "0"]
        assert auto, "no long school/major in the sample: the test no longer sees the shrink case"
        for w in auto:      # wrapped to two lines: the field says multiline
            pieces = drawn_pieces(w)
            assert len(pieces) == 1 or int(w.get("/Ff", 0)) & MULTILINE
            assert max(pieces[0]["sizes"]) < 9


def test_disagreement_is_seen(filled):
    """Control: a centred appearance under /Q 0, or one drawn smaller than /DA, is reported."""
    with pikepdf.open(filled / "annex3.pdf") as pdf:
        w = dict((str(w.T), w) for _, w in _text_widgets(pdf))["a3__staff__1__name"]
        assert disagreements(w) == []
        del w["/Q"]
        assert any("/Q 0" in p for p in disagreements(w))
        w.Q = 1
        w.DA = pikepdf.String("0 g /QhsmeField 14 Tf")
        assert any("/DA says 14" in p for p in disagreements(w))


@pytest.mark.parametrize("n,field,value", [(1, "fill_date", ("2026", "3", "15")),
                                           (1, "opinion_date", ("2026", "3", "28"))])
def test_date_is_three_fields_each_in_its_blank(filled, n, field, value):
    """____年__月__日: the year, month and day are fields of their own, each drawn centred in
    the blank before its printed word, not one field drawn over the printed 年 月 日."""
    with pikepdf.open(filled / f"annex{n}.pdf") as pdf:
        found = {str(w.T): (page, w) for page, w in _text_widgets(pdf)}
        assert f"a{n}__{field}" not in found
        parts = [found[f"a{n}__{field}__{p}"] for p in "ymd"]
        assert [str(w.V) for _, w in parts] == list(value)
        for _, w in parts:
            assert int(w.get("/Q", 0)) == 1 and not int(w.get("/Ff", 0)) & MULTILINE
            assert len(drawn_pieces(w)) == 1
        page = parts[0][0]
        height = float(pdf.pages[page].mediabox[3])
        rects = [[float(v) for v in w.Rect] for _, w in parts]
    # the printed 年 月 日 on the same line: each right after its field, none under a field
    chars = [c for c in char_boxes(filled / f"annex{n}.pdf")[page] if c[0] in "年月日"]
    for (x0, y0, x1, y1), word in zip(rects, "年月日"):
        top, bottom = height - y1, height - y0
        near = [c for c in chars if c[0] == word and c[2] < bottom and c[4] > top and c[1] >= x1 - 0.5]
        assert near, f"no printed {word} after the field at {x0:.0f}-{x1:.0f}"
        assert min(c[1] for c in near) - x1 < 3, f"{word} does not follow its blank"
        for c in chars:
            if c[2] < bottom and c[4] > top:
                assert c[3] <= x0 + 0.5 or c[1] >= x1 - 0.5, f"{c[0]} printed under a field"


REDRAW_DPI = 100


@pytest.mark.parametrize("n", NUMBERS)
def test_poppler_redraws_what_we_drew(filled, tmp_path, n):
    """A viewer that regenerates appearances (poppler, with NeedAppearances set as after an
    edit) draws each one-line value where and as large as we drew it.  Left out: values drawn
    with the rare-character font (no viewer has those glyphs in the field font) and /DA 0 (auto
    size: each viewer picks its own size); multiline layout (leading, first line) is each
    viewer's own too."""
    need("pdftoppm")
    src = filled / f"annex{n}.pdf"
    k = REDRAW_DPI / 72
    regions = []
    with pikepdf.open(src) as pdf:
        for page, w in _text_widgets(pdf):
            if not drawn_pieces(w) or int(w.get("/Ff", 0)) & MULTILINE or " 0 Tf" in str(w.DA) \
                    or b"QhsmeRare" in w.AP.N.read_bytes():
                continue
            height = float(pdf.pages[page].mediabox[3])
            x0, y0, x1, y1 = (float(v) for v in w.Rect)
            regions.append((str(w.T), page, (slice(int((height - y1) * k), int((height - y0) * k) + 1),
                                              slice(int(x0 * k), int(x1 * k) + 1))))
        pdf.Root.AcroForm.NeedAppearances = True
        pdf.save(tmp_path / "redrawn.pdf")
    ours = render_poppler(src, tmp_path, REDRAW_DPI)
    redrawn = render_poppler(tmp_path / "redrawn.pdf", tmp_path, REDRAW_DPI)
    assert len(regions) >= 3
    off = {name: round(m, 2) for name, page, box in regions
           if (m := mismatch(ours[page][box], redrawn[page][box])) > 0.3}
    assert not off, f"附件{n}: poppler redraws {len(off)} of {len(regions)} values elsewhere: {off}"
