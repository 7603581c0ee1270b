"""DOCX round trip: parse(fill(sample)) == sample, from our filled DOCX and from
that DOCX re-saved by LibreOffice (content-control tags gone), plus the things
applicants do to Word tables and hostile files."""
from __future__ import annotations

import copy
import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from toolkit import docxform
from toolkit.bureau.review import review_data
from toolkit.parse import parse_file, parse_paths

from conftest import SAMPLES, need

ANNEXES = range(1, 8)


def comparable(block: dict) -> dict:
    """Photos are pictures in the document, not data read back."""
    return {k: v for k, v in block.items() if k != "photos"}


@pytest.fixture(scope="module")
def data(good_data):
    return review_data(copy.deepcopy(good_data), dt.date(2026, 3, 15))


@pytest.fixture(scope="module")
def filled(data, tmp_path_factory):
    d = tmp_path_factory.mktemp("docx")
    for n in ANNEXES:
        docxform.write_filled(n, data, d / f"filled-annex{n}.docx", base_dir=SAMPLES)
    return d


@pytest.fixture(scope="module")
def resaved(filled, tmp_path_factory):
    """annexN-libreoffice-resaved.docx: the same files after LibreOffice opened and saved them."""
    need("soffice")
    out = tmp_path_factory.mktemp("lo")
    profile = tmp_path_factory.mktemp("profile")
    files = sorted(str(p) for p in filled.glob("*.docx"))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                    "docx:MS Word 2007 XML", "--outdir", str(out), *files], check=True, capture_output=True,
                   timeout=300)
    return out


@pytest.mark.parametrize("n", ANNEXES)
def test_round_trip_filled_docx(n, data, filled):
    res = parse_paths([filled / f"filled-annex{n}.docx"])
    assert res.files[0].annex == f"annex{n}"
    assert comparable(res.data[f"annex{n}"]) == comparable(data[f"annex{n}"])
    assert not [p for p in res.problems if p.severity == "错误"]


@pytest.mark.parametrize("n", ANNEXES)
def test_round_trip_after_libreoffice_resave(n, data, resaved):
    path = resaved / f"filled-annex{n}.docx"
    assert "w:tag " not in zipfile.ZipFile(path).read("word/document.xml").decode()   # tags are gone
    res = parse_paths([path])
    assert res.files[0].annex == f"annex{n}"
    assert comparable(res.data[f"annex{n}"]) == comparable(data[f"annex{n}"])


def test_one_application_from_a_folder(data, filled):
    res = parse_paths([filled])
    for n in ANNEXES:
        assert comparable(res.data[f"annex{n}"]) == comparable(data[f"annex{n}"])
    assert res.data["sources"]["annex3.staff[2].name"].startswith(str(filled / "filled-annex3.docx"))


def edit_xml(src: Path, dst: Path, fn) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "word/document.xml":
                data = fn(data.decode("utf-8")).encode("utf-8")
            zout.writestr(item, data)
    return dst


def test_typed_tick_and_full_width_digits(filled, tmp_path):
    def change(xml: str) -> str:
        xml = xml.replace("☒", "√", 1)                       # annex 5 row 1: typed √ instead of the box
        return xml.replace(">0971-6100001<", ">０９７１－６１００００１<", 1)
    p = edit_xml(filled / "filled-annex5.docx", tmp_path / "annex5-typed-tick.docx", change)
    res = parse_paths([p])
    assert res.data["annex5"]["enterprises"][0]["satisfaction"] == "满意"


def test_row_added_in_word(data, filled, tmp_path):
    """An applicant copies the last staff row and types a 19th person."""
    def add_row(xml: str) -> str:
        rows = re.findall(r"<w:tr[ >].*?</w:tr>", xml, flags=re.S)
        last = next(r for r in reversed(rows) if "樊" in r or data["annex3"]["staff"][-1]["name"] in r)
        extra = last.replace(data["annex3"]["staff"][-1]["name"], "新增人员堃")
        return xml.replace(last, last + extra, 1)
    p = edit_xml(filled / "filled-annex3.docx", tmp_path / "annex3-row-added.docx", add_row)
    staff = parse_paths([p]).data["annex3"]["staff"]
    assert len(staff) == len(data["annex3"]["staff"]) + 1
    assert staff[-1]["name"] == "新增人员堃"


def test_duplicated_text_is_reported_not_silently_accepted(filled, tmp_path):
    name = "青海堃元中小企业服务有限公司"
    p = edit_xml(filled / "filled-annex4.docx", tmp_path / "annex4-duplicated.docx",
                 lambda xml: xml.replace(f">{name}<", f">{name}{name}{name}<", 1))
    res = parse_paths([p])
    assert res.data["annex4"]["applicant"] == name
    assert any("重复" in x.message for x in res.problems)


def test_xxe_payload_is_not_resolved(filled, tmp_path):
    def inject(xml: str) -> str:
        head, rest = xml.split("?>", 1)
        doctype = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        return head + "?>" + doctype + rest.replace(">810008<", ">&xxe;<", 1)
    p = edit_xml(filled / "filled-annex1.docx", tmp_path / "annex1-xxe.docx", inject)
    res = parse_paths([p])
    text = repr(res.data)
    assert "root:" not in text


def test_zip_bomb_docx(tmp_path):
    p = tmp_path / "annex-bomb.docx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<a>" + " " * (60 * 1024 * 1024) + "</a>")
    pf = parse_file(p)
    assert any("压缩炸弹" in x.message for x in pf.problems)


def test_truncated_docx(filled, tmp_path):
    p = tmp_path / "annex3-truncated.docx"
    p.write_bytes((filled / "filled-annex3.docx").read_bytes()[:3000])
    pf = parse_file(p)
    assert pf.problems and "损坏" in pf.problems[0].message


def test_not_our_form(tmp_path):
    from docx import Document
    d = Document()
    d.add_paragraph("会议纪要")
    d.save(tmp_path / "minutes.docx")
    pf = parse_file(tmp_path / "minutes.docx")
    assert "不是本工具的附件表格" in pf.problems[0].message


def test_annex_comes_from_the_file_not_its_name(filled, tmp_path):
    p = tmp_path / "annex1.docx"                                  # really annex 4
    shutil.copy(filled / "filled-annex4.docx", p)
    res = parse_paths([p], expect="annex1")
    assert res.files[0].annex == "annex4"
    assert any("不是预期的annex1" in x.message for x in res.problems)
