"""A dossier this toolkit bound, returned for parsing: the bound copy, the electronic
version's zip (bound PDF + its pieces), a single piece, a draft with placeholder pages.

The annexes are read page range by page range from the ranges the binder wrote into the
document info; the other items are listed as not forms, never reported as unknown files.
"""
from __future__ import annotations

import shutil
import zipfile

import pikepdf
import pytest
import yaml
from conftest import SAMPLES

from toolkit.dossier.bind import bind
from toolkit.model.naming import PROP_DOSSIER
from toolkit.parse import parse_files, parse_paths
from toolkit.parse.batch import parse_batch
from toolkit.problems import ERROR, WARNING

ANNEXES = [f"annex{n}" for n in range(1, 6)]


@pytest.fixture(scope="module")
def bound(tmp_path_factory):
    out = tmp_path_factory.mktemp("bound")
    return bind(SAMPLES / "dossier.yaml", out, copies=2, package=True)


def without_photos(block: dict) -> dict:
    return {k: v for k, v in block.items() if k != "photos"}


def test_the_bound_copy_gives_back_every_annex(bound, good_data):
    result = parse_paths([bound.outputs[0]])
    assert not [p for p in result.problems if p.severity == ERROR], result.problems
    for a in ANNEXES:
        assert without_photos(result.data[a]) == without_photos(good_data[a]), a


def test_values_name_the_pages_of_the_bound_copy(bound):
    result = parse_paths([bound.outputs[0]])
    first, last = bound.ranges[1]
    src = result.sources["annex1.applicant"]
    assert f"（第{first}–{last}页）" in src
    page = int(src.split("：")[1].split("页")[0].removeprefix("第"))
    assert first <= page <= last          # a page of the bound copy, not of the cut-out piece


def test_items_that_are_not_forms_are_listed_once_not_errors(bound):
    files = parse_files(bound.outputs[0])
    assert [f.annex for f in files if f.annex] == ANNEXES
    notes = [p for f in files for p in f.problems if "不是表格" in p.message]
    assert len(notes) == 1 and notes[0].severity == WARNING
    assert "（六）营业执照复印件" in notes[0].message and "（十一）" in notes[0].message


def test_the_electronic_version_parses_without_errors(bound, good_data, tmp_path):
    shutil.copy(bound.package, tmp_path / "西宁平台.zip")
    apps = list(parse_batch(tmp_path, jobs=1))
    assert len(apps) == 1
    app = apps[0]
    assert not [p for p in app.problems if p.severity == ERROR], app.problems
    for a in ANNEXES:
        assert without_photos(app.data[a]) == without_photos(good_data[a]), a
    # the pieces repeat the bound copy's pages: read once, said once
    said = [p.message for p in app.problems]
    assert sum("分项文件与装订本内容相同" in m for m in said) == 1
    assert sum("不是表格" in m for m in said) == 1
    assert len(said) == len(set(said)), said


def test_pieces_alone_are_read_one_by_one(bound, good_data, tmp_path):
    """Without the bound copy, each piece is read: the annexes from theirs, the rest noted."""
    with zipfile.ZipFile(bound.package) as z:
        for name in z.namelist():
            if name.startswith("分项材料/"):
                (tmp_path / name.split("/")[1]).write_bytes(z.read(name))
    result = parse_paths([tmp_path])
    assert not [p for p in result.problems if p.severity == ERROR], result.problems
    for a in ANNEXES:
        assert without_photos(result.data[a]) == without_photos(good_data[a]), a
    assert sum("不是表格" in p.message for p in result.problems) == 6


def test_a_piece_that_is_not_a_form_says_so(bound, tmp_path):
    with zipfile.ZipFile(bound.package) as z:
        name = next(n for n in z.namelist() if n.startswith("分项材料/06-"))
        piece = tmp_path / "06.pdf"
        piece.write_bytes(z.read(name))
    result = parse_paths([piece])
    assert [p.severity for p in result.problems] == [WARNING]
    assert "营业执照复印件" in result.problems[0].message


def test_a_draft_names_its_placeholder_pages(tmp_path):
    doc = yaml.safe_load((SAMPLES / "dossier.yaml").read_text(encoding="utf-8"))
    doc["data"] = str(SAMPLES / doc["data"])
    doc["items"] = {6: str(SAMPLES / doc["items"][6])}
    m = tmp_path / "draft.yaml"
    m.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    out = bind(m, tmp_path / "out", copies=1, draft=True)
    result = parse_paths([out.outputs[0]])
    note = next(p for p in result.problems if "不是表格" in p.message)
    assert "（七）上一年度服务收支情况的专项审计报告（缺，占位页）" in note.message
    assert all(a in result.data for a in ANNEXES)


def test_page_ranges_that_do_not_fit_the_file_are_not_trusted(bound, tmp_path):
    """Info that names pages the file does not have is ignored: the PDF is read as any
    other, whose several annexes are then reported."""
    bad = tmp_path / "bad.pdf"
    with pikepdf.open(bound.outputs[0]) as pdf:
        pdf.docinfo["/" + PROP_DOSSIER] = '{"items": {"1": {"pages": [3, 999], "annex": 1}}}'
        pdf.save(bad)
    files = parse_files(bad)
    assert len(files) == 1
    assert any("多个附件" in p.message for p in files[0].problems)
