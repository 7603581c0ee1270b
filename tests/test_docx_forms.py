"""The fillable Word forms of annexes 1-7 (toolkit.docxform): templates built
from the model, blank and pre-filled rendering, what LibreOffice makes of them."""
from __future__ import annotations

import subprocess
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES, need
from docx_helpers import checked_states, parts, tagged_cells
from toolkit import regulation
from toolkit.docxform import render, write_blank, write_filled
from toolkit.docxform import context, ooxml
from toolkit.docxform.build import template_bytes
from toolkit.errors import InputError
from toolkit.model import ANNEXES, annex
from toolkit.model.fields import FieldType as T
from toolkit.model.naming import PROP_ANNEX, PROP_VERSION, TEMPLATE_VERSION, field_name

NUMBERS = range(1, 8)


@pytest.fixture(scope="module")
def all_data(good_data):
    """The complete sample, with an annex 7 made from its annex 1 (a review)."""
    import datetime as dt
    from toolkit.bureau.review import review_data
    data = review_data(good_data, dt.date(2029, 7, 1))
    data["annex7"].update(unit_name=good_data["annex1"]["unit_name"],
                          review_opinion="经复核，该平台运营正常，同意通过复核。", opinion_date="2029-07-10")
    return data


@pytest.mark.parametrize("a", ANNEXES, ids=lambda a: a.id)
def test_committed_template_is_what_the_model_builds(a):
    """Regenerate with: python tools/build_docx_templates.py"""
    committed = parts((ROOT / "templates" / f"annex{a.number}.docx").read_bytes())
    assert committed == parts(template_bytes(a))


@pytest.mark.parametrize("n", NUMBERS)
def test_committed_blank_form_is_what_write_blank_writes(n, tmp_path):
    write_blank(n, tmp_path / "blank.docx")
    assert parts((tmp_path / "blank.docx").read_bytes()) == parts((ROOT / "fillable" / f"annex{n}.docx").read_bytes())


def test_builds_are_byte_identical_with_fixed_timestamps(good_data):
    assert render(3) == render(3)
    assert render(2, good_data, base_dir=SAMPLES) == render(2, good_data, base_dir=SAMPLES)
    with zipfile.ZipFile(BytesIO(render(5, good_data))) as zf:
        assert {i.date_time for i in zf.infolist()} == {ooxml.ZIP_TIME}
        core = zf.read("docProps/core.xml").decode()
    assert core.count(ooxml.FIXED_TIME) == 2


@pytest.mark.parametrize("n", NUMBERS)
def test_annex_id_and_version_are_custom_properties(n):
    custom = parts(render(n))["docProps/custom.xml"].decode()
    assert f'name="{PROP_ANNEX}"><vt:lpwstr>annex{n}</vt:lpwstr>' in custom
    assert f'name="{PROP_VERSION}"><vt:lpwstr>{TEMPLATE_VERSION}</vt:lpwstr>' in custom


@pytest.mark.parametrize("n", NUMBERS)
def test_song_face_and_page_orientation(n):
    p = parts(render(n))
    assert b'w:eastAsia="SimSun"' in p["word/styles.xml"]
    doc = p["word/document.xml"]
    assert (b'w:orient="landscape"' in doc) == annex(n).landscape
    assert f"附件{n}".encode() in doc


@pytest.mark.parametrize("a", [a for a in ANNEXES if any(a.tables())], ids=lambda a: a.id)
def test_blank_tables_have_the_download_rows_and_the_article5_minimums(a):
    from toolkit.forms import default_rows
    rows = default_rows()
    cells = tagged_cells(parts(render(a.number))["word/document.xml"])
    for t in a.tables():
        c = t.columns[-1]
        tag = field_name(a.id, c.id, table=t.id, row=rows[t.id])
        tag += "__o1" if c.id in t.choice_columns else ""
        if c.type is not T.IMAGE:
            assert tag in cells, tag
        assert field_name(a.id, c.id, table=t.id, row=rows[t.id] + 1) not in cells
        assert rows[t.id] >= t.blank_rows
    assert rows["staff"] >= 30 and rows["enterprises"] >= 100 and rows["equipment"] >= 30
    assert rows["photos"] >= 6


def test_blank_form_prints_the_blank_of_a_date():
    cells = tagged_cells(parts(render(1))["word/document.xml"])
    assert regulation.squash(cells["a1__fill_date"]) == "年月日"
    assert cells["a1__unit_name"] == ""


def _expected(a, data: dict) -> dict[str, str]:
    """{tag: text its cell must show} for every value of ``data`` (one annex's part)."""
    out = {}
    for f in a.fields():
        if f.id not in data:
            continue
        if f.type is T.CHOICE and not f.choice_list:
            for i, ch in enumerate(f.choices, start=1):
                out[field_name(a.id, f.id, option=i)] = "☒" if data[f.id] == ch else "□"
        else:
            out[field_name(a.id, f.id)] = context.display(f, data[f.id])
    for t in a.tables():
        for n, row in enumerate(data.get(t.id, []), start=1):
            for c in t.columns:
                if c.id not in row or c.type is T.IMAGE:
                    continue
                name = field_name(a.id, c.id, table=t.id, row=n)
                if c.id in t.choice_columns:
                    for i, ch in enumerate(c.choices, start=1):
                        out[f"{name}__o{i}"] = "☒" if row[c.id] == ch else "□"
                else:
                    out[name] = context.display(c, row[c.id])
    return out


@pytest.mark.parametrize("a", ANNEXES, ids=lambda a: a.id)
def test_every_sample_value_is_in_its_cell(a, all_data, tmp_path):
    path = tmp_path / f"{a.id}.docx"
    write_filled(a.number, all_data, path, base_dir=SAMPLES)
    doc = parts(path.read_bytes())["word/document.xml"]
    cells = tagged_cells(doc)
    expected = _expected(a, all_data[a.id])
    assert expected, "the sample fills this annex"
    wrong = {k: (v, cells.get(k)) for k, v in expected.items() if cells.get(k) != v}
    assert wrong == {}
    ticks = checked_states(doc)
    assert all(ticks[k] == ("1" if v == "☒" else "0") for k, v in expected.items() if k in ticks)


def test_annex2_photos_are_inserted(good_data):
    p = parts(render(2, good_data, base_dir=SAMPLES))
    photos = good_data["annex2"]["photos"]
    assert p["word/document.xml"].count(b"<pic:pic") == len(photos)
    assert len([n for n in p if n.startswith("word/media/")]) == len(photos)


def test_hard_values_render_as_written():
    a1 = {
        "unit_name": "A&B <公司> \"引号\" '单引号' {{ v }} {%tr x %}",
        "contact": "马𠀀兰",
        "qualifications": "第一行 & <x>\n第二行\n\n第四行",
        "it_services": "很长的文字" * 1200,
        "site_nature": "自有",
        "fax": None,
        "mobile": "",
        "investors": [{"name": "甲&乙", "share_pct": 60.5}],
    }
    doc = parts(render(1, {"annex1": a1}))["word/document.xml"]
    cells = tagged_cells(doc)
    assert cells["a1__unit_name"] == a1["unit_name"]
    assert cells["a1__contact"] == "马𠀀兰"
    assert cells["a1__qualifications"] == a1["qualifications"]
    assert cells["a1__it_services"] == a1["it_services"]
    assert cells["a1__fax"] == cells["a1__mobile"] == cells["a1__email"] == ""
    assert (cells["a1__site_nature__o1"], cells["a1__site_nature__o2"]) == ("□", "☒")
    assert cells["a1__investors__1__name"] == "甲&乙" and cells["a1__investors__1__share_pct"] == "60.5"
    assert cells["a1__investors__4__name"] == ""          # the form's 4 printed rows


def test_control_characters_do_not_break_the_xml():
    doc = parts(render(4, {"annex4": {"applicant": "甲\x00乙\x0c丙\r\n丁"}}))["word/document.xml"]
    assert tagged_cells(doc)["a4__applicant"] == "甲乙丙\n丁"


@pytest.mark.parametrize("typed,ticked", [("☒", True), ("√", True), ("✓", True), ("是", True),
                                          ("□√", True), ("☑", True), ("□", False), ("", False),
                                          ("否", False), (" ☐ ", False)])
def test_a_tick_box_accepts_a_drawn_or_typed_tick(typed, ticked):
    assert context.tick_state(typed) is ticked


def test_blank_words_are_not_a_value():
    f, year = annex(1)["opinion_date"], annex(6)["year"]
    assert context.strip_blank(f, context.display(f, None)) == ""
    assert context.strip_blank(f, "2026年3月28日") == "2026年3月28日"
    assert context.display(year, 2025) == "（2025年度）"
    assert context.strip_blank(year, "（2025年度）") == "2025年度"
    assert context.strip_blank(year, context.display(year, None)) == ""


def test_a_missing_annex_gives_the_blank_form(good_data):
    assert parts(render(7, good_data)) == parts(render(7))


def test_errors_are_chinese_and_nothing_is_written(tmp_path, good_data):
    bad = {"annex2": {**good_data["annex2"], "photos": [{"file": "attachments/none.png"}]}}
    with pytest.raises(InputError, match="照片文件不存在"):
        write_filled(2, bad, tmp_path / "x.docx", base_dir=SAMPLES)
    not_image = {"annex2": {"photos": [{"file": "xining-complete.yaml"}]}}
    with pytest.raises(InputError, match="不是可识别的图片"):
        write_filled(2, not_image, tmp_path / "x.docx", base_dir=SAMPLES)
    with pytest.raises(InputError, match="没有附件8"):
        write_blank(8, tmp_path / "x.docx")
    assert list(tmp_path.iterdir()) == []


# --- LibreOffice -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def converted(tmp_path_factory, all_data):
    """The 7 blank and 7 filled forms, converted to PDF in one soffice run."""
    need("soffice", "pdftotext")
    d = tmp_path_factory.mktemp("docx-pdf")
    for n in NUMBERS:
        write_blank(n, d / f"blank{n}.docx")
        write_filled(n, all_data, d / f"filled{n}.docx", base_dir=SAMPLES)
    profile = tmp_path_factory.mktemp("lo-profile")
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(d)] + sorted(str(p) for p in d.glob("*.docx")),
                   check=True, capture_output=True, timeout=240)
    return d


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.mark.clients
@pytest.mark.parametrize("n", NUMBERS)
def test_every_seed_label_is_in_the_converted_blank_form(converted, n):
    text = regulation.squash(_pdf_text(converted / f"blank{n}.pdf"))
    missing = [c for c in regulation.annex_cells(n) if regulation.squash(c) not in text]
    assert missing == []


@pytest.mark.clients
@pytest.mark.parametrize("n", NUMBERS)
def test_filled_values_survive_the_conversion(converted, n, all_data):
    text = regulation.squash(_pdf_text(converted / f"filled{n}.pdf"))
    a = annex(n)
    part = all_data[a.id]
    values = [context.display(f, part[f.id]) for f in a.fields()
              if f.id in part and f.type not in (T.CHOICE, T.MULTILINE)]
    for t in a.tables():
        values += [context.display(c, r[c.id]) for r in part.get(t.id, [])[:3] for c in t.columns
                   if c.id in r and c.type not in (T.CHOICE, T.IMAGE)]
    # U+20000 has no glyph in the CI fonts: compare what is around it
    missing = [v for v in values if regulation.squash(v).replace("𠀀", "") not in text.replace("𠀀", "")]
    assert missing == []


@pytest.mark.clients
def test_landscape_and_page_counts(converted):
    def pages(p):
        out = subprocess.run(["pdfinfo", str(p)], capture_output=True, text=True).stdout
        return int(next(ln.split()[-1] for ln in out.splitlines() if ln.startswith("Pages:")))
    need("pdfinfo")
    # 30 staff and 30 equipment rows continue on a second page, 100 enterprises on four
    assert pages(converted / "blank3.pdf") == 2
    assert pages(converted / "blank4.pdf") <= 2
    assert pages(converted / "blank5.pdf") <= 4
    assert pages(converted / "blank1.pdf") <= 4
    out = subprocess.run(["pdfinfo", str(converted / "blank6.pdf")], capture_output=True, text=True).stdout
    w, h = [float(v) for v in next(ln for ln in out.splitlines() if ln.startswith("Page size")).split()[2:5:2]]
    assert w > h
