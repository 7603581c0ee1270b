"""Binding: order, bookmarks, contents numbers, footers, duplex, copies, refusal, placeholders.

Items 1-5 are given as files here (small PDFs whose only text is ITEM-n), so
every placed page can be found again by its text.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import yaml
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from toolkit.cli import main
from toolkit.dossier.bind import bind
from toolkit.dossier.items import application_items, items_for, review_items
from toolkit.errors import DataProblems, InputError

from conftest import SAMPLES


def text_pdf(path: Path, label: str, pages: int = 1, landscape: bool = False) -> Path:
    pdf = pikepdf.new()
    w, h = (842, 595) if landscape else (595, 842)
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    for n in range(pages):
        page = pdf.add_blank_page(page_size=(w, h))
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.Contents = pdf.make_stream(f"BT /F1 24 Tf 60 {h - 100} Td ({label}-P{n + 1}) Tj ET".encode())
    pdf.save(path)
    return path


def scan(path: Path, size=(1240, 1754), exif_orientation: int | None = None) -> Path:
    img = Image.new("RGB", size, (240, 240, 230))
    kwargs = {}
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        kwargs["exif"] = exif
    img.save(path, quality=80, **kwargs)
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("att")
    f = {n: [text_pdf(d / f"item{n}.pdf", f"ITEM-{n}", pages=2 if n == 3 else 1)] for n in range(1, 6)}
    f[6] = [scan(d / "licence.jpg")]
    f[7] = [text_pdf(d / "audit.pdf", "ITEM-7", pages=3)]
    f[8] = [text_pdf(d / "org.pdf", "ITEM-8", landscape=True)]
    f[9] = [scan(d / "cert.jpg", size=(1754, 1240)), scan(d / "honor.jpg", exif_orientation=6)]
    f[10] = [text_pdf(d / "other.pdf", "ITEM-10")]
    return d, f


def manifest(tmp_path: Path, files: dict, drop=(), **extra) -> Path:
    items = {n: [str(p) for p in ps] for n, ps in files.items() if n not in drop}
    doc = {"data": str(SAMPLES / "xining-complete.yaml"), "items": items, **extra}
    m = tmp_path / "manifest.yaml"
    m.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return m


@pytest.fixture(scope="module")
def bound(files, tmp_path_factory):
    d, f = files
    out = tmp_path_factory.mktemp("out")
    result = bind(manifest(d, f), out, copies=2, package=True)
    return result, out


def page_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [p.extract_text() or "" for p in pdf.pages]


def test_items_come_from_the_regulation():
    items = application_items()
    assert [i.number for i in items] == list(range(1, 12))
    assert items[0].annex == 1 and items[4].annex == 5 and items[5].annex is None
    assert items[5].title == "营业执照复印件" and items[10].generated
    assert [i.annex for i in review_items()] == [None, None, 7]
    assert items_for("report")[1].annex == 6


def test_two_marked_copies(bound):
    result, out = bound
    names = sorted(p.name for p in result.outputs)
    assert names == ["申报材料（副本）.pdf", "申报材料（正本）.pdf", "申报材料（电子版）.zip"]
    assert "副本" in page_texts(out / "申报材料（副本）.pdf")[0]
    assert "正本" in page_texts(out / "申报材料（正本）.pdf")[0]


def test_bookmarks_in_article_9_order(bound):
    result, out = bound
    reader = PdfReader(out / "申报材料（正本）.pdf")
    top = [o for o in reader.outline if not isinstance(o, list)]
    titles = [o.title for o in top]
    assert titles == [i.label for i in application_items()]
    nested = [o for o in reader.outline if isinstance(o, list)]
    assert [o.title for o in nested[0]] == ["cert", "honor"]          # item 9 has two files
    for o, item in zip(top, application_items()):
        assert reader.get_destination_page_number(o) + 1 == result.ranges[item.number][0]


def test_files_of_an_item_carry_the_titles_the_manifest_gives(files, tmp_path):
    """Item 9 with two files: a title given in the manifest is the bookmark and the contents
    line; a file without one is shown by its file name."""
    d, f = files
    m = manifest(tmp_path, f)
    doc = yaml.safe_load(m.read_text(encoding="utf-8"))
    doc["items"][9] = [{"file": str(f[9][0]), "title": "检验检测机构资质认定证书"}, str(f[9][1])]
    m.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    result = bind(m, tmp_path / "out", copies=1)
    reader = PdfReader(result.outputs[0])
    nested = [o for o in reader.outline if isinstance(o, list)]
    assert [o.title for o in nested[0]] == ["检验检测机构资质认定证书", "honor"]
    assert "检验检测机构资质认定证书" in re.sub(r"\s", "", page_texts(result.outputs[0])[1])


@pytest.mark.parametrize("entry, says", [
    ({"title": "证书"}, "缺少 file"),
    ({"file": "cert.jpg", "name": "证书"}, "多了 name"),
    ({"file": "cert.jpg", "title": ""}, "标题应为文字"),
])
def test_a_malformed_file_entry_names_the_item(files, tmp_path, entry, says):
    d, f = files
    m = manifest(tmp_path, f)
    doc = yaml.safe_load(m.read_text(encoding="utf-8"))
    doc["items"][9] = [entry]
    m.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as e:
        bind(m, tmp_path / "out", copies=1)
    assert says in str(e.value) and application_items()[8].label in str(e.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_contents_numbers_are_the_real_pages(bound):
    result, out = bound
    texts = page_texts(out / "申报材料（正本）.pdf")
    toc = texts[1]
    for item in application_items():
        m = re.search(re.escape(item.title[-6:]) + r"[^\n]*?(\d+)\s*$", toc, re.M)
        assert m, item.title
        assert int(m.group(1)) == result.ranges[item.number][0]
    for n in (1, 2, 3, 4, 5, 7, 10):
        first = result.ranges[n][0]
        assert f"ITEM-{n}-P1" in texts[first - 1]
    assert "1P-8-METI" in texts[result.ranges[8][0] - 1]        # turned a quarter: read backwards
    assert "服务平台组织架构" not in texts[result.ranges[8][0] - 1]  # bookmarks add no text


def test_every_page_numbered(bound):
    result, out = bound
    texts = page_texts(out / "申报材料（正本）.pdf")
    total = len(texts)
    assert total == result.page_count
    for i, t in enumerate(texts, 1):
        assert re.search(rf"第\s*{i}\s*页\s*共\s*{total}\s*页", t), (i, t[-60:])


def test_attachments_inside_the_margins_and_turned(bound):
    result, out = bound
    with pikepdf.open(out / "申报材料（正本）.pdf") as pdf:
        assert "/AcroForm" not in pdf.Root
        for page in pdf.pages:
            assert [round(float(v)) for v in page.MediaBox] == [0, 0, 595, 842]
    with pdfplumber.open(out / "申报材料（正本）.pdf") as pdf:
        org = pdf.pages[result.ranges[8][0] - 1]
        chars = [c for c in org.chars if c["text"] in "ITEM-8"]
        assert chars and not any(c["upright"] for c in chars)          # landscape page turned
        for page in pdf.pages:
            for img in page.images:
                assert img["x0"] >= 28 * 72 / 25.4 - 1 and img["bottom"] <= 842 - 22 * 72 / 25.4 + 1


def test_package(bound):
    result, out = bound
    z = zipfile.ZipFile(result.package)
    names = z.namelist()
    assert "申报材料.pdf" in names and "数据/申报数据.json" in names and "数据/申报数据.xlsx" in names
    pieces = [n for n in names if n.startswith("分项材料/")]
    assert len(pieces) == 11 and pieces[5].endswith("06-营业执照复印件.pdf")
    audit = PdfReader(io.BytesIO(z.read(pieces[6])))
    first, last = result.ranges[7]
    assert len(audit.pages) == last - first + 1 == 3


def test_duplex_pads_each_item_to_a_right_hand_page(files, tmp_path):
    d, f = files
    result = bind(manifest(d, f), tmp_path, copies=1, duplex=True)
    for n, (first, last) in result.ranges.items():
        assert first % 2 == 1, (n, first)
    assert result.page_count % 2 == 0 or result.ranges[11][1] == result.page_count


def test_missing_item_refused_with_the_list(files, tmp_path):
    d, f = files
    with pytest.raises(DataProblems) as e:
        bind(manifest(d, f, drop=(6, 10)), tmp_path / "out", copies=1)
    msgs = [p.message for p in e.value.problems]
    assert any("营业执照复印件" in m for m in msgs) and any("其他材料" in m for m in msgs)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_draft_binds_placeholders(files, tmp_path):
    d, f = files
    result = bind(manifest(d, f, drop=(6,)), tmp_path, copies=1, draft=True)
    texts = page_texts(result.outputs[0])
    first = result.ranges[6][0]
    assert "缺：（六）营业执照复印件" in texts[first - 1].replace("\n", "")


def test_corrupt_or_encrypted_attachment_named_and_nothing_written(files, tmp_path):
    d, f = files
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF")
    locked = tmp_path / "locked.pdf"
    text_pdf(tmp_path / "plain.pdf", "X")
    with pikepdf.open(tmp_path / "plain.pdf") as p:
        p.save(locked, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    out = tmp_path / "out"
    for victim, words in ((bad, "损坏"), (locked, "密码")):
        ff = dict(f)
        ff[7] = [victim]
        with pytest.raises(InputError) as e:
            bind(manifest(tmp_path, ff), out, copies=1)
        assert "（七）上一年度服务收支情况的专项审计报告" in str(e.value) and words in str(e.value)
        assert not out.exists() or not [p for p in out.iterdir() if not p.name.startswith(".")]


def test_cli_refusal_exit_code(files, tmp_path):
    d, f = files
    res = CliRunner().invoke(main, ["dossier", str(manifest(d, f, drop=(8,))), "--out", str(tmp_path / "o"),
                                    "--copies", "1"])
    assert res.exit_code == 1
    assert "（八）服务平台组织架构及发展规划" in res.output and "--draft" in res.output


@pytest.fixture(scope="module")
def sample_dossier(tmp_path_factory):
    """The bundled sample bound as it is: items 1-5 rendered from the data."""
    out = tmp_path_factory.mktemp("sample")
    return bind(SAMPLES / "dossier.yaml", out, copies=1), out


def test_merged_forms_keep_no_fields_and_one_copy_of_each_font(sample_dossier):
    import hashlib
    result, out = sample_dossier
    with pikepdf.open(result.outputs[0]) as pdf:
        assert "/AcroForm" not in pdf.Root
        assert not any("/Annots" in p.obj and any(a.get("/Subtype") == "/Widget" for a in p.Annots)
                       for p in pdf.pages)
        programs = []
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.FontDescriptor:
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in obj:
                        programs.append((obj[key].objgen, hashlib.sha256(obj[key].read_raw_bytes()).digest()))
        by_hash = {}
        for objgen, digest in programs:
            by_hash.setdefault(digest, set()).add(objgen)
        assert all(len(v) == 1 for v in by_hash.values())       # identical programs are one object
        sizes = sorted((len(pdf.get_object(next(iter(v))).read_raw_bytes()) for v in by_hash.values()),
                       reverse=True)
        assert sizes[0] > 500_000 and sizes[1] < 500_000          # the big field font is there once


def test_sample_dossier_items_in_order(sample_dossier):
    result, out = sample_dossier
    assert list(result.ranges) == list(range(1, 12)) and not result.missing
    texts = page_texts(result.outputs[0])
    assert "申请推荐表" in re.sub(r"\s", "", texts[result.ranges[1][0] - 1])
    assert "从业人员情况表" in re.sub(r"\s", "", texts[result.ranges[3][0] - 1])


@pytest.mark.parametrize("kind, items, annex_item", [
    ("review", {1: "summary", 2: "audit"}, 3),          # 第十五条: 三年工作总结, 审计报告, 附件7
    ("report", {1: "summary"}, 2),                      # 第十四条: 总结报告, 附件6
])
def test_review_and_report_dossiers(tmp_path, kind, items, annex_item):
    files = {n: [str(text_pdf(tmp_path / f"{name}.pdf", name.upper()))] for n, name in items.items()}
    m = tmp_path / "m.yaml"
    m.write_text(yaml.safe_dump({"kind": kind, "data": str(SAMPLES / "xining-complete.yaml"), "items": files,
                                 "date": "2026-03-25"}, allow_unicode=True), encoding="utf-8")
    result = bind(m, tmp_path / "out", copies=1)
    reader = PdfReader(result.outputs[0])
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert len(titles) == len(items) + 1 and f"附件{7 if kind == 'review' else 6}" in titles[annex_item - 1]
    first = result.ranges[annex_item][0]
    text = re.sub(r"\s", "", page_texts(result.outputs[0])[first - 1])
    if kind == "review":
        assert "复核申请推荐表" in text
    else:                                   # 附件6 is landscape: turned for binding, read backwards
        assert "运营情况汇总表"[::-1] in text


def test_a_returned_filled_form_keeps_its_values(files, tmp_path, good_data):
    """Item 1 given as the applicant's filled (not flattened) PDF: the values are bound, not lost."""
    from toolkit.pdfform import write_filled
    d, f = files
    filled = tmp_path / "returned-annex1.pdf"
    write_filled(1, good_data, filled, base_dir=SAMPLES)
    ff = dict(f)
    ff[1] = [filled]
    result = bind(manifest(tmp_path, ff), tmp_path / "out", copies=1)
    first, last = result.ranges[1]
    text = "".join(page_texts(result.outputs[0])[first - 1:last])
    assert "810008" in text and "李喆" in text


def test_binding_needs_no_layout_engine_and_is_repeatable(files, tmp_path):
    """The authored pages are drawn directly: binding files imports no WeasyPrint (before
    issue 18's second part, its import alone was most of a bind), and binding the same
    dossier again gives the same pages."""
    import subprocess
    import sys
    d, f = files
    m = manifest(tmp_path, f, date="2026-04-01")
    code = ("import sys; from toolkit.dossier.bind import bind; "
            f"bind({str(m)!r}, {str(tmp_path / 'a')!r}, copies=1); "
            "print('weasyprint' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip().splitlines()[-1] == "False", r.stdout + r.stderr
    first = page_texts(next((tmp_path / "a").glob("*.pdf")))
    again = bind(m, tmp_path / "b", copies=1)
    assert page_texts(again.outputs[0]) == first


def test_the_cover_shows_the_mark_once(bound):
    """The cover carries the large 正本/副本 itself; the small stamped mark is on the other pages."""
    result, out = bound
    texts = page_texts(out / "申报材料（副本）.pdf")
    assert texts[0].count("副本") == 1 and "正本" not in texts[0]
    assert all("副本" in t for t in texts[1:])


def test_long_contents_run_over_pages_with_real_numbers(files, tmp_path):
    """Forty files under item 9 push the contents onto a second page: every item's and every
    file's number is still the page it starts on, and every line links there."""
    d, f = files
    many = dict(f)
    many[9] = [text_pdf(tmp_path / f"cert{i:02d}.pdf", f"CERT-{i:02d}") for i in range(40)]
    result = bind(manifest(tmp_path, many), tmp_path / "out", copies=1)
    texts = page_texts(result.outputs[0])
    toc_pages = [t for t in texts[:4] if "cert" in t]
    assert len(toc_pages) >= 2
    for t in texts[1:1 + len(toc_pages)]:
        for m in re.finditer(r"cert(\d\d)[^\n]*?(\d+)\s*$", t, re.M):
            assert f"CERT-{m.group(1)}-P1" in texts[int(m.group(2)) - 1]
    with pikepdf.open(result.outputs[0]) as pdf:
        links = [a for i in range(1, 1 + len(toc_pages)) for a in pdf.pages[i].get("/Annots", [])]
        assert len(links) == 11 + 40
        for m in re.finditer(r"（十）[^\n]*?(\d+)\s*$", "\n".join(texts[1:1 + len(toc_pages)]), re.M):
            assert int(m.group(1)) == result.ranges[10][0]
