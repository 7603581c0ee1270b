"""Red seals on scanned pages (toolkit.parse.scan.seal): found at the （盖章） place of a
stamped colour page, none on an unstamped one nor on red ticks and a red signature, and a
greyscale scan says colour could not be checked."""
from __future__ import annotations

import io

import pytest
from conftest import SAMPLES, unavailable


@pytest.fixture(scope="module")
def cv():
    from toolkit.parse import scan
    reason = scan.available()
    if reason and "OpenCV" in reason:
        unavailable(reason)


@pytest.fixture(scope="module")
def annex3(good_data, cv):
    """(first page of annex 3 at 200 dpi, the box of its 盖章 words in points)."""
    import pdfplumber
    from toolkit.parse.geometry import Box
    from toolkit.parse.scan import synth
    from toolkit.pdfform import render_filled
    pdf = render_filled(3, good_data, base_dir=SAMPLES, flatten=True)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        chars = doc.pages[0].chars
        k = next(i for i, c in enumerate(chars) if c["text"] == "盖" and chars[i + 1]["text"] == "章")
        a, b = chars[k], chars[k + 1]
    return synth.render_pdf(pdf)[0], Box(a["x0"], a["top"], b["x1"], b["bottom"])


def _scan_geo(jpeg: bytes):
    from toolkit.parse.scan.source import scan_pages
    [g] = scan_pages(jpeg, ocr=False)
    return g


def test_a_seal_at_the_place_is_found_and_is_there(annex3):
    from toolkit.parse.scan import seal, synth
    page, place = annex3
    stamped = page.copy()
    synth.draw_seal(stamped, place.x1 * 200 / 72 + 60, place.bottom * 200 / 72)     # over the name
    g = _scan_geo(synth.scan(stamped))
    assert g.colour and len(g.seals) == 1
    s = g.seals[0]
    assert 35 / 25.4 * 72 <= s.w <= 45 / 25.4 * 72                 # the 40 mm seal, in points
    assert seal.stamped(g.seals, place) is True


def test_an_unstamped_colour_page_has_no_seal(annex3):
    from toolkit.parse.scan import seal, synth
    page, place = annex3
    g = _scan_geo(synth.scan(page))
    assert g.colour and g.seals == []
    assert seal.stamped(g.seals, place) is False        # the reader says 未盖章


def test_red_ticks_and_a_red_signature_are_no_seal(annex3):
    from toolkit.parse.scan import synth
    page, place = annex3
    marked = page.copy()
    synth.draw_red_marks(marked, place.x1 * 200 / 72 + 40, place.bottom * 200 / 72)
    synth.draw_red_marks(marked, 300, 2000)
    g = _scan_geo(synth.scan(marked))
    assert g.colour and g.seals == []


def test_a_greyscale_scan_cannot_be_checked(annex3):
    from toolkit.parse.scan import seal, synth
    page, place = annex3
    stamped = page.copy()
    synth.draw_seal(stamped, place.x1 * 200 / 72 + 60, place.bottom * 200 / 72)
    g = _scan_geo(synth.scan(stamped, grey=True))
    assert not g.colour and g.seals is None
    assert seal.stamped(g.seals, place) is None         # "colour could not be checked"
