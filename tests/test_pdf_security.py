"""Values are text, never markup, and WeasyPrint reads only what the form needs."""
from __future__ import annotations

import copy

import pikepdf
import pytest

from conftest import ROOT
from toolkit.errors import InputError
from toolkit.model.annexes import annex
from toolkit.pdfform import html, render_filled

EVIL = '<img src="file:///etc/passwd"><link rel=stylesheet href="http://example.com/x.css">'


@pytest.fixture(scope="module")
def evil_data(good_data):
    data = copy.deepcopy(good_data)
    data["annex1"]["unit_name"] = EVIL
    data["annex1"]["qualifications"] = EVIL + "\n第二行"
    data["annex2"]["photos"][0]["caption"] = EVIL
    return data


def test_markup_in_values_is_escaped_and_fetches_nothing(evil_data):
    page, fetcher, _ = html.render_html(annex(1), evil_data["annex1"], ROOT / "samples")
    # field values never enter the HTML (they go to /V); nothing of them is markup
    assert "<img" not in page and "<link rel=stylesheet" not in page
    import weasyprint
    weasyprint.HTML(string=page, base_url=html.template_file("annex.html").as_uri(),
                    url_fetcher=fetcher).write_pdf(pdf_forms=True)
    assert fetcher.refused == []


def test_markup_value_is_kept_as_text_in_the_field(evil_data):
    pdf = pikepdf.open(__import__("io").BytesIO(render_filled(1, evil_data, base_dir=ROOT / "samples")))
    values = {str(w.T): str(w.get("/V", "")) for p in pdf.pages for w in p.obj.get("/Annots", [])
              if "/T" in w}
    assert values["a1__unit_name"] == EVIL
    assert values["a1__qualifications"].startswith(EVIL)


def test_photo_caption_markup_fetches_nothing(evil_data):
    page, fetcher, _ = html.render_html(annex(2), evil_data["annex2"], ROOT / "samples")
    assert "&lt;img" in page and page.count("<img ") == len(evil_data["annex2"]["photos"])
    import weasyprint
    weasyprint.HTML(string=page, base_url=html.template_file("annex.html").as_uri(),
                    url_fetcher=fetcher).write_pdf(pdf_forms=True)
    assert fetcher.refused == []


def test_fetcher_refuses_everything_not_named(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("x", encoding="utf-8")
    allowed = tmp_path / "ok.png"
    allowed.write_bytes(b"\x89PNG")
    f = html.Fetcher({allowed})
    assert f.fetch(allowed.as_uri()).url == allowed.as_uri()
    for url in (secret.as_uri(), "file:///etc/passwd", "http://example.com/a.png",
                "data:text/plain,abc", allowed.as_uri() + "/../secret.txt"):
        with pytest.raises(html.Refused):
            f.fetch(url)


def test_photo_path_must_be_an_image(good_data, tmp_path):
    data = copy.deepcopy(good_data)
    data["annex2"]["photos"] = [{"file": "/etc/passwd", "caption": "x"}]
    with pytest.raises(InputError, match="图片"):
        render_filled(2, data, base_dir=ROOT / "samples")
    data["annex2"]["photos"] = [{"file": "attachments/none.png", "caption": "x"}]
    with pytest.raises(InputError, match="不存在"):
        render_filled(2, data, base_dir=ROOT / "samples")


def test_unknown_annex_is_a_chinese_error():
    with pytest.raises(InputError, match="附件"):
        render_filled(8, {})
