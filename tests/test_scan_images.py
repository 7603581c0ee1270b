"""Page images of scans (toolkit.parse.scan.images): formats, pages, orientation, colour."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from toolkit.errors import InputError
from toolkit.parse.scan import images, synth


def _page(w=827, h=1169, colour=True):
    """A small A4 page at 100 dpi: black print, a table rule, optionally red ink."""
    im = Image.new("RGB", (w, h), "white")
    a = np.asarray(im).copy()
    a[200:203, 80:740] = 0
    a[300:340, 100:400] = 30
    if colour:
        a[500:560, 500:560] = (210, 40, 40)
    return Image.fromarray(a)


def _jpeg(im, **kw) -> bytes:
    b = io.BytesIO()
    im.save(b, "JPEG", quality=75, **kw)
    return b.getvalue()


def test_colour_scan_of_black_print_is_colour_and_greyscale_scan_is_not():
    black = _page(colour=False)
    [c] = images.load_pages(synth.scan(black, dpi=100))          # colour scanner, no red at all
    [g] = images.load_pages(synth.scan(black, dpi=100, grey=True))
    assert c.colour and not g.colour
    assert c.dpi == g.dpi == 100
    grey_as_rgb = Image.open(io.BytesIO(synth.scan(black, dpi=100, grey=True))).convert("RGB")
    [r] = images.load_pages(_jpeg(grey_as_rgb, dpi=(100, 100)))   # grey pixels stored as RGB
    assert not r.colour


def test_multi_page_tiff_gives_every_page_in_order():
    a, b = _page(), _page(colour=False).rotate(90, expand=True)
    buf = io.BytesIO()
    a.save(buf, "TIFF", save_all=True, append_images=[b], dpi=(100, 100))
    pages = images.load_pages(buf.getvalue())
    assert [p.number for p in pages] == [1, 2]
    assert pages[0].rgb.shape[:2] == (1169, 827) and pages[1].rgb.shape[:2] == (827, 1169)


def test_exif_orientation_is_applied():
    im = _page().rotate(90, expand=True)          # stored turned a quarter anticlockwise ...
    exif = Image.Exif()
    exif[0x0112] = 6                               # ... tagged "turn 90° clockwise to view"
    [p] = images.load_pages(_jpeg(im, exif=exif, dpi=(100, 100)))
    assert p.rgb.shape[:2] == (1169, 827)
    assert p.rgb[201, 400].max() < 80              # the rule is horizontal again


def test_missing_resolution_assumes_a4():
    [p] = images.load_pages(_jpeg(_page()))      # no dpi in the file
    assert p.dpi == pytest.approx(100, abs=0.5)


def test_image_only_pdf_gives_the_embedded_scan_itself():
    import img2pdf
    jpg = synth.scan(_page(), dpi=100)
    pdf = img2pdf.convert(jpg)
    [p] = images.load_pages(pdf)
    assert p.rgb.shape[:2] == (1169, 827) and p.dpi == pytest.approx(100, abs=0.5)
    assert p.colour
    [g] = images.load_pages(img2pdf.convert(synth.scan(_page(), dpi=100, grey=True)))
    assert not g.colour                            # a greyscale scan in a PDF stays greyscale


def test_a_pdf_with_text_is_rendered_at_200_dpi():
    import pikepdf
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    buf = io.BytesIO()
    pdf.save(buf)
    [p] = images.load_pages(pikepdf.open(io.BytesIO(buf.getvalue())))     # an open pikepdf.Pdf
    assert p.dpi == 200 and p.rgb.shape[1] == round(595 * 200 / 72)


def test_unreadable_file_is_an_input_error_in_chinese():
    with pytest.raises(InputError, match="无法读取图像"):
        images.load_pages(b"not an image at all", name="x.jpg")
