"""Scanned returns read end to end (toolkit.parse -> scan -> drawn readers): a clerk's scan of
our print and of the Word form exported by LibreOffice, stamped and unstamped colour pages,
a greyscale scan, an image-only PDF holding several annexes.  Scans are made here from the
sample (200 dpi, 0.7° skew, noise, JPEG 75).  Values are compared with what the drawn-form
reader takes from the PDF's own text; 𠀀 (no font draws it) is left out.  Few pages: OCR
costs seconds a page."""
from __future__ import annotations

import io
import subprocess
import unicodedata

import pytest
from conftest import SAMPLES, need, unavailable

NO_FONT = "\U00020000"


@pytest.fixture(scope="module")
def ocr_ready():
    from toolkit.parse import scan
    reason = scan.available()
    if reason:
        unavailable(reason)


def _norm(x) -> str:
    return unicodedata.normalize("NFKC", str(x)).replace(" ", "")


def _reference(pdf: bytes) -> dict:
    import pikepdf
    from toolkit.parse.pdf_flat import read_flat
    ref = read_flat(pikepdf.open(io.BytesIO(pdf)), "ref.pdf")
    return {str(v.name): v.raw for v in ref.values}


def _score(want: dict, pf) -> tuple[int, int, list]:
    got = {str(v.name): v.raw for v in pf.values}
    counted = {k: v for k, v in want.items() if NO_FONT not in str(v)}
    ok = sum(1 for k, v in counted.items() if k in got and _norm(got[k]) == _norm(v))
    invented = [k for k, v in got.items() if k not in want and v not in ("", False, None)]
    return ok, len(counted), invented


def _pages(pdf: bytes):
    from toolkit.parse.scan import synth
    return synth.render_pdf(pdf)


def _seal_at_place(pdf: bytes, page_img, page_no: int = 0) -> None:
    """A red seal drawn over the （盖章） words of ``page_no``."""
    import pdfplumber
    from toolkit.parse.scan import synth
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        chars = doc.pages[page_no].chars
    k = next(i for i, c in enumerate(chars) if c["text"] == "盖" and chars[i + 1]["text"] == "章")
    synth.draw_seal(page_img, chars[k + 1]["x1"] * 200 / 72 + 60, chars[k]["bottom"] * 200 / 72)


@pytest.fixture(scope="module")
def annex3(ocr_ready, good_data, tmp_path_factory):
    """Annex 3 (one page) printed by us: reference values, and its scan stamped in colour,
    unstamped in colour, in greyscale (files)."""
    from toolkit.parse.scan import synth
    from toolkit.pdfform import render_filled
    d = tmp_path_factory.mktemp("scans3")
    pdf = render_filled(3, good_data, base_dir=SAMPLES, flatten=True)
    [page] = _pages(pdf)
    plain = page.copy()
    (d / "unstamped.jpg").write_bytes(synth.scan(plain, seed=1))
    (d / "grey.jpg").write_bytes(synth.scan(plain, seed=2, grey=True))
    _seal_at_place(pdf, page)
    (d / "stamped.jpg").write_bytes(synth.scan(page, seed=3))
    return _reference(pdf), d


@pytest.fixture(scope="module")
def stamped3(annex3):
    from toolkit.parse import parse_paths
    want, d = annex3
    return want, parse_paths([d / "stamped.jpg"])


def test_a_stamped_colour_scan_of_annex3_reads_its_values(stamped3):
    want, res = stamped3
    [pf] = res.files
    assert pf.annex == "annex3" and pf.kind == "scan"
    ok, total, invented = _score(want, pf)
    assert ok >= 0.97 * total, (ok, total)
    assert invented == []                        # nothing put into a field left empty
    assert not any("未盖章" in p.message or "灰度" in p.message for p in pf.problems)
    assert pf.seals and all(s is True for _, _, s in pf.seals)
    assert res.data["seals"]["annex3"][0]["stamped"] is True


def test_scanned_values_are_marked_in_json_and_xlsx(stamped3):
    from openpyxl import load_workbook
    from toolkit.export import xlsx_bytes
    _, res = stamped3
    data = res.data
    marks = data["ocr"]
    assert marks and all("（扫描件" in m["source"] for m in marks.values())
    assert all(m["confidence"] is None or 0 <= m["confidence"] <= 1 for m in marks.values())
    some = next(iter(marks))
    assert "识别置信度" in data["sources"][some]
    assert all(v.via == "ocr" for pf in res.files for v in pf.values)
    wb = load_workbook(io.BytesIO(xlsx_bytes([("甲", data)], res.problems)))
    ws = wb["识别结果"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:6] == ("申报编号", "位置", "栏目", "识别的值", "识别置信度", "请核对")
    assert len(rows) - 1 == len(marks)
    assert ws.auto_filter.ref                    # clerks filter the 请核对 column
    flagged = {r[1] for r in rows[1:] if r[5] == "是"}
    low = {p for p, m in marks.items() if m["confidence"] is not None and m["confidence"] < 0.9}
    assert flagged >= low


@pytest.fixture(scope="module")
def unstamped3(annex3):
    """The unstamped colour scan's page geometry, recognised once (tests read copies)."""
    from toolkit.parse.scan import scan_pages
    _, d = annex3
    return scan_pages(d / "unstamped.jpg")


def _read(geos):
    import copy
    from toolkit.parse.scan.read import read_geos
    return read_geos(copy.deepcopy(geos), "unstamped.jpg")


def test_low_confidence_values_are_listed_to_check(unstamped3, monkeypatch):
    """A value under the threshold gets a located 提示 请核对 (here: every value, threshold 1.01)."""
    from toolkit.parse.scan import read
    monkeypatch.setattr(read, "LOW_CONF", 1.01)
    [pf] = _read(unstamped3)
    checks = [p for p in pf.problems if "识别置信度较低" in p.message and "请核对" in p.message]
    assert len(checks) == len([v for v in pf.values if v.conf is not None]) > 0
    assert all(p.field and p.severity == "提示" for p in checks)


def test_an_unstamped_colour_scan_says_not_stamped(unstamped3):
    [pf] = _read(unstamped3)
    assert pf.annex == "annex3"
    said = [p.message for p in pf.problems if "未盖章" in p.message]
    assert len(said) == 1 and "申报单位（盖章）" in said[0]
    assert [s for _, _, s in pf.seals] == [False]


def test_a_greyscale_scan_says_colour_could_not_be_checked(annex3):
    from toolkit.parse import parse_file
    _, d = annex3
    pf = parse_file(d / "grey.jpg")
    assert any("灰度扫描，无法检查是否盖章" in p.message for p in pf.problems)
    assert not any("未盖章" in p.message for p in pf.problems)


def test_an_image_only_pdf_of_two_annexes_reads_each(ocr_ready, annex3, good_data, tmp_path):
    """Annexes 3 and 6 scanned into one PDF: each read by its printed title."""
    import img2pdf
    from toolkit.parse import parse_files
    from toolkit.parse.scan import synth
    from toolkit.pdfform import render_filled
    want3, d = annex3
    pdf6 = render_filled(6, good_data, base_dir=SAMPLES, flatten=True)
    [p6] = _pages(pdf6)
    path = tmp_path / "扫描件.pdf"
    path.write_bytes(img2pdf.convert([(d / "stamped.jpg").read_bytes(), synth.scan(p6, seed=4)]))
    files = parse_files(path)
    assert [f.annex for f in files] == ["annex3", "annex6"]
    for pf, want in zip(files, (want3, _reference(pdf6))):
        ok, total, invented = _score(want, pf)
        assert ok >= 0.97 * total and invented == []
    assert all("第2页（扫描件" in v.source for v in files[1].values)


def test_a_three_page_scan_of_annex1_as_one_tiff(ocr_ready, good_data, tmp_path):
    """Our annex 1 (cover, investors and operations tables, ticks) as one multi-page TIFF:
    pages keep their numbers, so each value is read on its own page."""
    from PIL import Image
    from toolkit.parse import parse_file
    from toolkit.parse.scan import synth
    from toolkit.pdfform import render_filled
    pdf = render_filled(1, good_data, base_dir=SAMPLES, flatten=True)
    frames = [Image.open(io.BytesIO(synth.scan(p, seed=k))) for k, p in enumerate(_pages(pdf))]
    path = tmp_path / "annex1.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(200, 200))
    pf = parse_file(path)
    ok, total, invented = _score(_reference(pdf), pf)
    assert ok >= 0.97 * total, (ok, total)
    assert invented == []
    assert {int(v.source[1]) for v in pf.values} == {1, 2, 3}


@pytest.mark.clients
def test_a_scan_of_the_word_form_exported_by_libreoffice(ocr_ready, good_data, tmp_path):
    need("soffice")
    from toolkit.docxform import write_filled
    from toolkit.parse import parse_file
    from toolkit.parse.scan import synth
    write_filled(1, good_data, tmp_path / "附件1.docx", base_dir=SAMPLES)
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "附件1.docx")],
                   check=True, capture_output=True, timeout=240)
    pdf = (tmp_path / "附件1.pdf").read_bytes()
    import img2pdf
    path = tmp_path / "word-scan.pdf"
    path.write_bytes(img2pdf.convert([synth.scan(p, seed=k) for k, p in enumerate(_pages(pdf))]))
    pf = parse_file(path)
    ok, total, invented = _score(_reference(pdf), pf)
    assert pf.annex == "annex1"
    assert ok >= 0.97 * total, (ok, total)
    assert invented == []


def test_without_the_ocr_extra_a_scan_says_what_to_install(tmp_path, monkeypatch):
    from PIL import Image
    from toolkit.parse import parse_file, scan
    monkeypatch.setattr(scan, "available", lambda: "未安装 rapidocr")
    Image.new("RGB", (400, 560), "white").save(tmp_path / "scan.jpg")
    pf = parse_file(tmp_path / "scan.jpg")
    assert not pf.values
    [p] = pf.problems
    assert "需要人工录入" in p.message and 'pip install "qhsme[ocr]"' in p.fix


def test_a_gif_is_refused_in_chinese(tmp_path):
    from PIL import Image
    from toolkit.parse import parse_file
    Image.new("RGB", (40, 40), "white").save(tmp_path / "x.gif")
    pf = parse_file(tmp_path / "x.gif")
    assert any("GIF" in p.message and "人工录入" in p.message for p in pf.problems)


def test_the_article9_check_uses_the_seal_result_of_a_scanned_annex(good_data):
    """Annex 3 parsed from a colour scan without a seal at its （盖章） place: item （三） is
    需核实 naming the place; stamped: 符合 with a note; greyscale: 符合, said uncheckable."""
    from check_helpers import results, run, variant
    from toolkit.check import PASS, VERIFY

    def item3(stamped):
        d = variant(good_data)
        d["seals"] = {"annex3": [{"file": "s.jpg", "page": 1, "place": "申请单位（盖章）", "stamped": stamped}]}
        return next(f for f in results(run(d), "a9.item") if f.item == 3)

    f = item3(False)
    assert f.severity == VERIFY and "申请单位（盖章）" in f.evidence and "未见红色印章" in f.evidence
    assert item3(True).severity == PASS and "已盖章" in item3(True).note
    assert item3(None).severity == PASS and "灰度" in item3(None).note


@pytest.fixture(scope="module")
def scanned_dossier(ocr_ready, tmp_path_factory):
    """Our bound dossier printed and scanned, an excerpt: cover, contents, annex 3, the
    licence (an attachment page), annex 4, the declaration — one image-only PDF."""
    import img2pdf
    import pikepdf
    from toolkit.dossier.bind import bind
    from toolkit.parse.scan import synth
    out = tmp_path_factory.mktemp("dossier-scan")
    bound = bind(SAMPLES / "dossier.yaml", out, copies=1).outputs[0]
    whole = bound.read_bytes()
    with pikepdf.open(bound) as pdf:
        info = {n: i for n, i in _items(pdf).items()}
    keep = [1, 2, info[3][0], info[6][0], info[4][0], info[11][0]]
    pages = synth.render_pdf(whole)
    path = out / "扫描申报材料.pdf"
    path.write_bytes(img2pdf.convert([synth.scan(pages[k - 1], seed=k) for k in keep]))
    return path, keep, whole


def _items(pdf) -> dict[int, tuple[int, int]]:
    from toolkit.parse.dossier import dossier_info
    items, _ = dossier_info(pdf)
    return {int(n): tuple(it["pages"]) for n, it in items.items()}


def test_a_scanned_dossier_reads_its_annexes_and_lists_the_other_items(scanned_dossier):
    import pikepdf
    from toolkit.parse import parse_files
    path, keep, whole = scanned_dossier
    files = parse_files(path)
    annexes = [f for f in files if f.annex]
    assert [f.annex for f in annexes] == ["annex3", "annex4"]
    with pikepdf.open(io.BytesIO(whole)) as pdf:
        spans = _items(pdf)
        for pf, n in zip(annexes, (3, 4)):
            piece = pikepdf.new()
            piece.pages.extend(pdf.pages[spans[n][0] - 1:spans[n][1]])
            buf = io.BytesIO()
            piece.save(buf)
            ok, total, invented = _score(_reference(buf.getvalue()), pf)
            assert ok >= 0.95 * total and invented == [], (n, ok, total)
    # page numbers are the printed footers' (第9页), the scan's own number beside them
    assert all(v.source.startswith(f"第{keep[2]}页（扫描件第3页") for v in annexes[0].values)
    [note] = [f for f in files if f.kind == "scan-dossier"]
    [msg] = [p.message for p in note.problems]
    assert "未解析（请人工审阅）" in msg
    for words in ("封面（第1页）", "目录（第2页）", f"（六）营业执照复印件（第{keep[3]}页",
                  f"（十一）对申报材料真实性的声明（第{keep[5]}页"):
        assert words in msg, msg


def test_printed_words_are_found_whatever_their_width():
    """A recogniser gives ％ and （） as % and (): the reader's search folds widths (NFKC)."""
    from toolkit.parse.drawn.text import Stream
    from toolkit.parse.geometry import G, PageGeo
    page = PageGeo(1, 0, glyphs=[G(c, 10 * k, 10 * k + 9, 0, 10, 10, 1) for k, c in enumerate("投资比例%所在市(州):")])
    st = Stream([page])
    assert st.find("投资比例％", 0) == 0
    assert st.find("所在市（州）：", 0) == 5


def test_a_scan_with_an_ocr_programs_invisible_text_is_read_by_our_own_ocr(annex3, tmp_path):
    """As ocrmypdf writes it: the page image under invisible text (render mode 3) that may be
    wrong; the values come from our reading of the image, the text layer is not trusted."""
    import img2pdf
    import pikepdf
    from toolkit.parse import parse_file
    want, d = annex3
    pdf = pikepdf.open(io.BytesIO(img2pdf.convert((d / "stamped.jpg").read_bytes())))
    page = pdf.pages[0]
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page.obj.Resources.Font = pikepdf.Dictionary(F1=font)
    page.contents_add(pdf.make_stream(b"BT 3 Tr /F1 12 Tf 72 700 Td (WRONG OCR TEXT LAYER 12345) Tj ET"))
    path = tmp_path / "ocrmypdf.pdf"
    pdf.save(path)
    pf = parse_file(path)
    assert pf.annex == "annex3" and pf.kind == "scan"
    ok, total, invented = _score(want, pf)
    assert ok >= 0.97 * total and invented == []
    assert not any("WRONG" in str(v.raw) for v in pf.values)
