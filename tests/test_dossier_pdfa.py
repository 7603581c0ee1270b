"""Issue 18: the bound copies and the electronic version are PDF/A-2b; every PDF we write
has a title, a language and /DisplayDocTitle; footers stamped on attachment pages look like
those on the pages we lay out.

veraPDF cannot be installed here (Maven Central is not reachable), so each requirement of
ISO 19005-2 level B that this toolkit can break is checked directly with pikepdf.
"""
from __future__ import annotations

import io
import re
import zipfile

import pdfplumber
import pikepdf
import pytest
import yaml
from conftest import SAMPLES

from toolkit.dossier.bind import bind
from toolkit.pdfmeta import embedded, pdfa_problems
from toolkit.problems import WARNING


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The bundled sample bound as it is (annexes 1-5 from the data, annex 2 with its three
    photos, scans and a PDF as attachments), two copies and the electronic version."""
    out = tmp_path_factory.mktemp("pdfa")
    return bind(SAMPLES / "dossier.yaml", out, copies=2, package=True)


def every_pdf(result):
    """(name, open pikepdf) of both copies and every PDF inside the electronic version."""
    for p in result.outputs:
        if p.suffix == ".pdf":
            yield p.name, pikepdf.open(p)
    with zipfile.ZipFile(result.package) as z:
        for n in z.namelist():
            if n.endswith(".pdf"):
                yield n, pikepdf.open(io.BytesIO(z.read(n)))


def test_sample_binds_with_nothing_against_pdfa(sample):
    assert sample.problems == []
    names = [n for n, pdf in every_pdf(sample)]
    assert len(names) == 2 + 1 + 11                 # two copies, the bound PDF and 11 pieces
    for name, pdf in every_pdf(sample):
        assert pdfa_problems(pdf) == [], name


def test_srgb_output_intent(sample):
    for name, pdf in every_pdf(sample):
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == pikepdf.Name.GTS_PDFA1, name
        icc = intent.DestOutputProfile
        body = icc.read_bytes()
        assert icc.N == 3 and body[36:40] == b"acsp" and body[16:20] == b"RGB ", name
        assert int.from_bytes(body[:4], "big") == len(body)


def test_xmp_claims_part_2_level_b_and_matches_docinfo(sample):
    for name, pdf in every_pdf(sample):
        meta = pdf.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("2", "B"), name
        assert meta["dc:title"] == str(pdf.docinfo["/Title"]) and "申报材料" in meta["dc:title"], name
        assert meta["pdf:Producer"] == str(pdf.docinfo["/Producer"]), name
        assert meta["xmp:CreatorTool"] == str(pdf.docinfo["/Creator"]), name
        assert "/Filter" not in pdf.Root.Metadata, name           # XMP readable as it is
    pieces = dict(every_pdf(sample))
    licence = next(pdf for n, pdf in pieces.items() if n.endswith("06-营业执照复印件.pdf"))
    assert str(licence.docinfo["/Title"]).endswith("（六）营业执照复印件")


def test_every_font_embedded_and_no_unembedded_font_in_any_resources(sample):
    """The flattened forms' tick drawings once listed an unembedded ZapfDingbats."""
    for name, pdf in every_pdf(sample):
        fonts = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
                 and obj.get("/Type") == pikepdf.Name.Font and obj.get("/Subtype") != pikepdf.Name.CIDFontType2]
        assert fonts, name
        for font in fonts:
            assert embedded(font), (name, font.get("/BaseFont"))
            if font.get("/Subtype") == pikepdf.Name.Type0:
                desc = font.DescendantFonts[0].FontDescriptor
                assert "/FontFile2" in desc or "/FontFile3" in desc


def test_no_interpolate_on_the_annex_2_photos(sample):
    with pikepdf.open(sample.outputs[0]) as pdf:
        images = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream)
                  and obj.get("/Subtype") == pikepdf.Name.Image]
        assert len(images) >= 3 + 5            # the three photos, the scans
        assert not [im for im in images if "/Interpolate" in im]


def test_title_lang_and_display_doc_title_on_every_pdf_we_write(sample, good_data, tmp_path):
    from toolkit.pdfform import write_blank, write_filled
    write_blank(3, tmp_path / "blank3.pdf")
    write_filled(1, good_data, tmp_path / "filled1.pdf", base_dir=SAMPLES)
    write_filled(2, good_data, tmp_path / "flat2.pdf", base_dir=SAMPLES, flatten=True)
    written = [(p.name, pikepdf.open(p)) for p in sorted(tmp_path.glob("*.pdf"))] + list(every_pdf(sample))
    for name, pdf in written:
        assert str(pdf.Root.Lang) == "zh-CN", name
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True, name
        title = str(pdf.docinfo.get("/Title", ""))
        assert title and pdf.open_metadata().get("dc:title") == title, name


def test_annotations_are_printable_links_to_the_real_pages(sample):
    with pikepdf.open(sample.outputs[0]) as pdf:
        toc = pdf.pages[1]
        links = [a for a in toc.Annots if a.Subtype == pikepdf.Name.Link]
        assert len(links) == 11 + 2                     # 11 items, item 9's two files
        targets = sorted({pdf.pages.index(pikepdf.Page(a.Dest[0])) + 1 for a in links})
        assert targets[0] == sample.ranges[1][0] and targets[-1] == sample.ranges[11][0]
        assert all(int(a.F) == 4 for a in links)


def sample_with(tmp_path, item: int, path):
    """The sample manifest with item ``item`` given as ``path``."""
    doc = yaml.safe_load((SAMPLES / "dossier.yaml").read_text(encoding="utf-8"))
    doc["data"] = str(SAMPLES / doc["data"])
    for n, v in doc["items"].items():
        entries = v if isinstance(v, list) else [v]
        doc["items"][n] = [{**e, "file": str(SAMPLES / e["file"])} if isinstance(e, dict) else str(SAMPLES / e)
                           for e in entries]
    doc["items"][item] = [str(path)]
    m = tmp_path / "m.yaml"
    m.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return m


def test_a_cmyk_scan_is_said_and_not_claimed(tmp_path):
    """A CMYK JPEG (DeviceCMYK) does not fit the sRGB output intent."""
    from PIL import Image
    scan = tmp_path / "licence-cmyk.jpg"
    Image.new("CMYK", (1240, 1754), (0, 10, 20, 0)).save(scan, quality=80)
    result = bind(sample_with(tmp_path, 6, scan), tmp_path / "out", copies=1)
    (p,) = result.problems
    assert p.severity == WARNING and p.file == str(scan) and "CMYK" in p.message and "（六）" in p.message
    with pikepdf.open(result.outputs[0]) as out:
        assert out.open_metadata().get("pdfaid:part") is None
        assert any("DeviceCMYK" in x for x in pdfa_problems(out))


def test_an_attachment_without_embedded_fonts_is_said_and_not_claimed(tmp_path):
    """Helvetica used without its program cannot be mended by the binder: a 提示 naming the
    file and item, and the dossier does not claim to be PDF/A."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page = pdf.add_blank_page(page_size=(595, 842))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(b"BT /F1 24 Tf 60 700 Td (AUDIT) Tj ET")
    audit = tmp_path / "audit-helvetica.pdf"
    pdf.save(audit)
    result = bind(sample_with(tmp_path, 7, audit), tmp_path / "out", copies=1)
    (p,) = result.problems
    assert p.severity == WARNING and p.file == str(audit) and "Helvetica" in p.message
    assert "（七）上一年度服务收支情况的专项审计报告" in p.message
    with pikepdf.open(result.outputs[0]) as out:
        assert out.open_metadata().get("pdfaid:part") is None
        assert any("Helvetica" in x for x in pdfa_problems(out))
        assert str(out.Root.Lang) == "zh-CN"              # the rest is still done


def _footer(page):
    chars = [c for c in page.chars if c["top"] > page.height - 22 * 72 / 25.4]
    text = re.sub(r"\s", "", "".join(c["text"] for c in chars))
    return text, {(c["fontname"].split("+")[-1], round(c["size"], 1), round(c["top"], 1)) for c in chars}


def test_stamped_footers_match_on_authored_and_attachment_pages(sample):
    """Same font, size and baseline on the contents page (laid out) and an attachment page
    (stamped), centred in the content area, and the mark at the top right on every page."""
    with pdfplumber.open(sample.outputs[0]) as pdf:
        total = len(pdf.pages)
        authored = pdf.pages[1]
        licence = pdf.pages[sample.ranges[6][0] - 1]
        t1, s1 = _footer(authored)
        t2, s2 = _footer(licence)
        assert t1 == f"第2页共{total}页" and t2 == f"第{sample.ranges[6][0]}页共{total}页"
        assert s1 == s2 and len(s1) == 1 and next(iter(s1))[:2] == ("QhsmeField", 9.0)
        for page in (authored, licence):
            xs = [c for c in page.chars if c["top"] > page.height - 22 * 72 / 25.4]
            middle = (xs[0]["x0"] + xs[-1]["x1"]) / 2
            assert abs(middle - (28 + (210 - 28 - 18) / 2) * 72 / 25.4) < 2
            mark = [c for c in page.chars if c["top"] < 20 * 72 / 25.4]
            assert "".join(c["text"] for c in mark) == "正本"
            assert abs(mark[-1]["x1"] - (210 - 18) * 72 / 25.4) < 1


def test_unused_unembedded_fonts_dropped_per_stream_not_from_shared_resources():
    """Two form XObjects share one resources dictionary naming an unembedded font; only the
    second draws with it.  Pruning the first must not take the font from the second."""
    import pikepdf

    from toolkit.pdfmeta import drop_unused_fonts
    pdf = pikepdf.new()
    helv = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    shared = pdf.make_indirect(pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=helv)))
    quiet = pikepdf.Stream(pdf, b"0 0 m 1 1 l S")
    talks = pikepdf.Stream(pdf, b"BT /F1 9 Tf (x) Tj ET")
    for s in (quiet, talks):
        s.Type, s.Subtype, s.BBox, s.Resources = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, 9, 9], shared
    resources = [(quiet.Resources, quiet), (talks.Resources, talks)]
    assert drop_unused_fonts(pdf, resources) == 1
    assert "/F1" not in quiet.Resources.Font
    assert "/F1" in talks.Resources.Font


def test_the_dossiers_own_text_is_in_fonts_cut_to_its_glyphs(tmp_path, good_data):
    """Cover, contents, declaration and footers are drawn in the field font cut to the glyphs
    drawn (glyph ids kept), with a rare-character font for what the field font lacks: the
    text extracts exactly, 𠀀 included, and the fonts weigh kilobytes, not the 3 MB field font."""
    data = dict(good_data, annex1=dict(good_data["annex1"], unit_name="青海𠀀堃元中小企业服务有限公司"))
    d = tmp_path / "data.yaml"
    d.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (tmp_path / "attachments").symlink_to(SAMPLES / "attachments")      # annex 2's photos
    doc = yaml.safe_load((SAMPLES / "dossier.yaml").read_text(encoding="utf-8"))
    doc["data"] = str(d)
    doc["items"] = {n: [str(SAMPLES / (e["file"] if isinstance(e, dict) else e))
                        for e in (v if isinstance(v, list) else [v])] for n, v in doc["items"].items()}
    m = tmp_path / "m.yaml"
    m.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    result = bind(m, tmp_path / "out", copies=1)
    with pdfplumber.open(result.outputs[0]) as pdf:
        cover = pdf.pages[0].extract_text()
        statement = pdf.pages[result.ranges[11][0] - 1].extract_text()
    assert "青海𠀀堃元中小企业服务有限公司" in cover.replace(" ", "")
    assert "𠀀" in statement and "对申报材料真实性的声明" in statement.replace(" ", "")
    with pikepdf.open(result.outputs[0]) as pdf:
        fonts = {str(f.BaseFont).split("+")[-1]: f for f in pdf.pages[0].Resources.Font.values()}
        assert set(fonts) == {"QhsmeField", "QhsmeRare"}
        for f in fonts.values():
            assert embedded(f)
            program = f.DescendantFonts[0].FontDescriptor.FontFile2
            assert len(program.read_bytes()) < 250_000
            assert re.fullmatch(r"/[A-Z]{6}\+Qhsme\w+", str(f.BaseFont))
