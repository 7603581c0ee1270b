"""OCR of scanned pages (toolkit.parse.scan.ocr/source): our print of annex 3 (a table of 18
staff), stamped with a red seal, scanned at 200 dpi (0.7° skew, noise, JPEG 75) and put in an
image-only PDF, read back cell by cell.  The truth is the print's own text layer, cell by cell."""
from __future__ import annotations

import importlib.util
import io

import pytest
from conftest import SAMPLES, unavailable

from toolkit.errors import ResourceMissing
from toolkit.parse.scan import ocr

NO_FONT = "\U00020000"        # 𠀀: the sample's rare character no font draws (a box is printed)


@pytest.fixture(scope="module")
def engine():
    from toolkit.parse import scan
    reason = scan.available()
    if reason:
        unavailable(reason)
    return ocr.engine()


def _lines(glyphs):
    out: list[list] = []
    for g in sorted(glyphs, key=lambda g: (g.cy, g.x0)):
        if out and abs(out[-1][-1].cy - g.cy) < 0.45 * max(g.size, out[-1][-1].size):
            out[-1].append(g)
        else:
            out.append([g])
    return ["".join(x.text for x in sorted(line, key=lambda x: x.x0)) for line in out]


def _inside(items, box, key):
    return [i for i in items if box.x0 <= key(i)[0] <= box.x1 and box.top <= key(i)[1] <= box.bottom]


@pytest.fixture(scope="module")
def stamped(engine, good_data):
    """(scan geometry of page 1, the print's chars, the 盖章 box), read from an image-only PDF."""
    import img2pdf
    import pdfplumber
    from toolkit.parse.geometry import Box
    from toolkit.parse.scan import scan_pages, synth
    from toolkit.pdfform import render_filled
    pdf = render_filled(3, good_data, base_dir=SAMPLES, flatten=True)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        chars = [dict(c) for c in doc.pages[0].chars]
    k = next(i for i, c in enumerate(chars) if c["text"] == "盖" and chars[i + 1]["text"] == "章")
    place = Box(chars[k]["x0"], chars[k]["top"], chars[k + 1]["x1"], chars[k + 1]["bottom"])
    page = synth.render_pdf(pdf)[0]
    synth.draw_seal(page, place.x1 * 200 / 72 + 60, place.bottom * 200 / 72)  # over the applicant's name
    [geo] = scan_pages(img2pdf.convert(synth.scan(page)))
    return geo, chars, place


def test_table_cells_read_as_printed_and_empty_cells_stay_empty(stamped):
    geo, chars, _ = stamped
    exact = total = invented = empty = 0
    misread = []
    for cell in geo.cells:
        truth = "".join(_lines_of_chars(_inside(chars, cell, lambda c: ((c["x0"] + c["x1"]) / 2,
                                                                       (c["top"] + c["bottom"]) / 2))))
        truth = "".join(truth.split())
        read = "".join(_lines(_inside(geo.glyphs, cell, lambda g: (g.cx, g.cy))))
        if not truth:
            empty += 1
            invented += bool(read)
            continue
        if NO_FONT in truth:
            continue
        total += 1
        if read == truth:
            exact += 1
        else:
            misread.append((truth, read))
    assert empty >= 3 and invented == 0
    assert total >= 160 and exact / total >= 0.97, misread


def test_a_value_whose_ink_was_not_all_read_has_a_low_confidence(stamped):
    """The sample's 刘𠀀芳: no font draws 𠀀, a box is printed, the recogniser reads 刘芳;
    the value must not pass as read (the reader lists it 请核对), and other cells do pass."""
    from toolkit.parse.scan.lines import UNREAD_CONF
    geo, chars, _ = stamped
    flagged = passed = others = 0
    for cell in geo.cells:
        truth = "".join(c["text"] for c in _inside(chars, cell, lambda c: ((c["x0"] + c["x1"]) / 2,
                                                                          (c["top"] + c["bottom"]) / 2)))
        read = _inside(geo.glyphs, cell, lambda g: (g.cx, g.cy))
        if not read:
            continue
        low = min(g.conf for g in read) <= UNREAD_CONF
        if NO_FONT in truth:
            assert low, truth
            flagged += 1
        else:
            others += 1
            passed += not low
    assert flagged >= 3 and passed >= 0.98 * others


def _lines_of_chars(cs):
    return ["".join(c["text"] for c in sorted(cs, key=lambda c: (round(c["top"]), c["x0"])))]


def test_text_under_the_seal_is_read_on_the_red_channel(stamped):
    geo, _, place = stamped
    assert len(geo.seals) == 1
    line = [g for g in geo.glyphs if abs(g.cy - (place.top + place.bottom) / 2) < 6]
    assert "申报单位（盖章）：青海堃元中小企业服务有限公司" in "".join(_lines(line))


def test_pages_are_upright_and_glyphs_carry_confidence(stamped):
    from toolkit.parse.geometry import G, PageGeo
    geo, _, _ = stamped
    assert isinstance(geo, PageGeo) and geo.number == 1 and geo.colour
    assert geo.skew == pytest.approx(0.7, abs=0.05)
    assert geo.glyphs and all(isinstance(g, G) and 0 < g.conf <= 1 for g in geo.glyphs)
    assert "服务平台主要从业人员情况表" in _lines(geo.glyphs)       # the title, outside the cells


def test_the_engine_never_downloads(engine):
    from rapidocr.utils.download_file import DownloadFile, DownloadFileInput
    import logging
    with pytest.raises(ResourceMissing, match="不下载"):
        DownloadFile.run(DownloadFileInput(file_url="https://example.invalid/m.onnx",
                                           save_path="/nonexistent/m.onnx", logger=logging.getLogger()))


def test_a_missing_model_is_refused_not_fetched(monkeypatch):
    if importlib.util.find_spec("rapidocr") is None:
        unavailable("需要 Python 包 rapidocr（未安装）")
    monkeypatch.setattr(ocr, "REC_MODEL", "PP-OCRv6_rec_absent.onnx")
    assert "不联网下载" in ocr.available()
    with pytest.raises(ResourceMissing, match="缺少识别模型"):
        ocr.Engine()


def test_without_the_ocr_extra_the_message_says_what_to_install(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None if n == "rapidocr" else real(n, *a))
    msg = ocr.available()
    assert "未安装 OCR 组件 rapidocr" in msg and "pip install 'qhsme[ocr]'" in msg
