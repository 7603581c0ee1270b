"""Printed rules of a scanned page: skew measured on them and undone, rules and cells in
points where our print drew them (annex 3, a table, printed with the sample's data)."""
from __future__ import annotations

import io

import numpy as np
import pytest
from conftest import SAMPLES, unavailable
from PIL import Image


@pytest.fixture(scope="module")
def cv():
    from toolkit.parse import scan
    reason = scan.available()
    if reason and "OpenCV" in reason:
        unavailable(reason)
    import cv2
    return cv2


@pytest.fixture(scope="module")
def annex3(good_data):
    """(the flattened print of annex 3, its first page at 200 dpi)."""
    from toolkit.parse.scan import synth
    from toolkit.pdfform import render_filled
    pdf = render_filled(3, good_data, base_dir=SAMPLES, flatten=True)
    return pdf, synth.render_pdf(pdf)[0]


def _upright(cv, jpeg: bytes):
    from toolkit.parse.scan import deskew, images, rules
    [p] = images.load_pages(jpeg)
    up, skew = deskew.deskew(p.rgb, p.dpi)
    ink = rules.binarise(cv.cvtColor(up, cv.COLOR_RGB2GRAY))
    return p, skew, ink


@pytest.mark.parametrize("degrees", [0.7, -1.3])
def test_skew_is_found_on_the_rules_and_undone(cv, annex3, degrees):
    from toolkit.parse.scan import rules, synth
    p, skew, ink = _upright(cv, synth.scan(annex3[1], degrees=degrees))
    assert skew == pytest.approx(degrees, abs=0.05)
    assert abs(rules.skew_degrees(ink, p.dpi)) < 0.1           # upright afterwards


def test_an_upright_page_is_left_as_it_is(cv, annex3):
    from toolkit.parse.scan import deskew
    rgb = np.asarray(annex3[1])
    out, skew = deskew.deskew(rgb, 200)
    assert skew == 0.0 and out is rgb


def test_rules_and_cells_lie_where_the_print_drew_them(cv, annex3):
    import pdfplumber
    from toolkit.parse.scan import rules, synth
    p, _, ink = _upright(cv, synth.scan(annex3[1], degrees=0.7))
    found = rules.find_rules(ink, p.dpi)
    hr, vr = found.to_points(p.scale)
    with pdfplumber.open(io.BytesIO(annex3[0])) as pdf:
        page = pdf.pages[0]
        # the table's lines (pdfplumber cuts them at each crossing)
        tv = [e for e in page.edges if e["x1"] - e["x0"] < 1 and e["bottom"] - e["top"] > 10]
        top = min(e["top"] for e in tv if e["x0"] < 60)              # the table's left edge
        bottom = max(e["bottom"] for e in tv if e["x0"] < 60)
        v_pdf = sorted({e["x0"] for e in tv if e["top"] >= top - 1 and e["bottom"] <= bottom + 1})
        h_pdf = sorted({e["top"] for e in page.edges if e["bottom"] - e["top"] < 1
                        and e["x1"] - e["x0"] > 10 and top - 1 <= e["top"] <= bottom + 1})
    vr = [r for r in vr if r[1] >= top - 2 and r[2] <= bottom + 2]
    hr = [r for r in hr if top - 2 <= r[0] <= bottom + 2]
    near = lambda xs, x: min(abs(x - y) for y in xs)                       # noqa: E731
    assert len(v_pdf) == 10 and len(h_pdf) == 21                           # 9 columns; 2-line header, 18 rows
    assert all(near(v_pdf, x) < 1.5 for x, _, _ in vr), "a vertical rule the print does not have"
    assert all(near([x for x, _, _ in vr], x) < 1.5 for x in v_pdf), "a printed vertical rule missed"
    assert all(near(h_pdf, t) < 1.5 for t, _, _ in hr), "a horizontal rule the print does not have"
    assert all(near([t for t, _, _ in hr], t) < 1.5 for t in h_pdf), "a printed horizontal rule missed"
    boxes = rules.cells(found, p.dpi)
    # 18 staff rows of 9 columns, plus the header's cells
    data_cells = [b for b in boxes if b[1] * p.scale > h_pdf[2]]
    assert len(data_cells) == 18 * 9 and len(boxes) == 18 * 9 + 11


def test_a_blank_page_has_no_rules_and_no_skew(cv):
    from toolkit.parse.scan import rules, synth
    p, skew, ink = _upright(cv, synth.scan(Image.new("RGB", (1654, 2339), "white")))
    found = rules.find_rules(ink, p.dpi)
    assert skew == 0.0 and not found.h and not found.v and not rules.cells(found, p.dpi)
