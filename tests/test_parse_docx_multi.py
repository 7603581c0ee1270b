"""Several annexes pasted into one Word document: each annex is read (one parsed file per annex,
named "file.docx（附件N）"), or said not read."""
from __future__ import annotations

import subprocess

import pytest

from toolkit import docxform
from toolkit.parse import parse_file, parse_paths
from toolkit.parse.docx import read_docx_all

from conftest import SAMPLES, need
from docx_helpers import W, concatenate, drop_tags, edit_document, libreoffice_paste, page_break

ANNEXES = range(1, 7)          # what `qhsme fill` writes for an applicant: 附件1–6


def comparable(block: dict) -> dict:
    return {k: v for k, v in block.items() if k != "photos"}


@pytest.fixture(scope="module")
def filled(good_data, tmp_path_factory):
    d = tmp_path_factory.mktemp("docx-multi")
    for n in ANNEXES:
        docxform.write_filled(n, good_data, d / f"filled-annex{n}.docx", base_dir=SAMPLES)
    return d


@pytest.fixture(scope="module")
def separately(filled):
    """The six annexes read as six files: what the pasted document must give."""
    return parse_paths([filled / f"filled-annex{n}.docx" for n in ANNEXES]).data


def section_break():
    p = page_break()
    p.remove(p[0])
    etree_sub = p.makeelement(W + "pPr")
    etree_sub.append(p.makeelement(W + "sectPr"))
    p.append(etree_sub)
    return p


def pasted(filled, dst, separator=page_break, order=ANNEXES):
    concatenate([filled / f"filled-annex{n}.docx" for n in order], dst, separator)
    return dst


def assert_each_annex_read(res, separately, path):
    assert [pf.annex for pf in res.files] == [f"annex{n}" for n in ANNEXES]
    assert [pf.file for pf in res.files] == [f"{path}（附件{n}）" for n in ANNEXES]
    for n in ANNEXES:
        assert comparable(res.data[f"annex{n}"]) == comparable(separately[f"annex{n}"]), n
    assert not [p for p in res.problems if p.severity == "错误"]


@pytest.mark.parametrize("separator", [page_break, section_break, None],
                         ids=["page-breaks", "section-breaks", "no-breaks"])
def test_all_annexes_pasted_into_one_document(filled, separately, tmp_path, separator):
    p = pasted(filled, tmp_path / "all-annexes-pasted.docx", separator)
    assert_each_annex_read(parse_paths([p]), separately, p)


def test_pasted_document_without_content_control_tags(filled, separately, tmp_path):
    p = edit_document(pasted(filled, tmp_path / "pasted.docx"), tmp_path / "all-annexes-pasted-no-tags.docx",
                      drop_tags)
    assert_each_annex_read(parse_paths([p]), separately, p)


def test_pasted_document_resaved_by_libreoffice(filled, separately, tmp_path):
    need("soffice")
    p = pasted(filled, tmp_path / "all-annexes-pasted-lo.docx")
    out = tmp_path / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(p)],
                   check=True, capture_output=True, timeout=300)
    resaved = out / p.name
    res = parse_paths([resaved])
    assert [pf.annex for pf in res.files] == [f"annex{n}" for n in ANNEXES]
    for n in ANNEXES:
        assert comparable(res.data[f"annex{n}"]) == comparable(separately[f"annex{n}"]), n


def test_annexes_pasted_into_one_document_by_libreoffice(filled, separately, tmp_path):
    """Writer: open 附件1, then 插入 > 文本来自文件 for 附件2–6 (page break before each), save as .docx."""
    need("soffice")
    p = tmp_path / "all-annexes-inserted-by-libreoffice.docx"
    libreoffice_paste([filled / f"filled-annex{n}.docx" for n in ANNEXES], p, tmp_path / "profile")
    res = parse_paths([p])
    assert [pf.annex for pf in res.files] == [f"annex{n}" for n in ANNEXES]
    for n in ANNEXES:
        assert comparable(res.data[f"annex{n}"]) == comparable(separately[f"annex{n}"]), n
    assert not [x for x in res.problems if x.severity == "错误"]


def test_one_file_reading_says_which_annexes_were_not_read(filled, separately, tmp_path):
    p = pasted(filled, tmp_path / "all-annexes-pasted.docx")
    pf = parse_file(p)
    assert pf.annex == "annex1"
    msg = [x.message for x in pf.problems if "未读取" in x.message]
    assert msg and all(f"附件{n}" in msg[0] for n in range(2, 7))


def test_a_pasted_annex_without_its_title_is_said_not_read(filled, tmp_path):
    def drop_title(root):
        title = next(p for p in root.iter(W + "p") if "".join(p.itertext()) == "平台服务中小企业名单及满意度评价表")
        title.getparent().remove(title)
    p = edit_document(pasted(filled, tmp_path / "pasted.docx"), tmp_path / "pasted-annex5-untitled.docx",
                      drop_title)
    res = parse_paths([p])
    assert "annex5" not in [pf.annex for pf in res.files]
    assert any("附件5未读取" in x.message for x in res.problems)


def test_the_same_annex_pasted_twice_is_two_parts(filled, tmp_path):
    p = pasted(filled, tmp_path / "annex3-twice.docx", order=(3, 3))
    parts = read_docx_all(p)
    assert [pf.file for pf in parts] == [f"{p}（附件3，第1份）", f"{p}（附件3，第2份）"]
    assert all(pf.values for pf in parts)


def test_a_single_annex_is_one_part_named_as_the_file(filled):
    parts = read_docx_all(filled / "filled-annex3.docx")
    assert [(pf.file, pf.annex) for pf in parts] == [(str(filled / "filled-annex3.docx"), "annex3")]
