"""A zip of one application's files is read like a folder, by ``qhsme parse x.zip`` as by
``--batch``; member names stored without the UTF-8 flag (Info-ZIP, Chinese Windows) are
decoded as UTF-8, then GB18030, not shown garbled."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile

import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.parse.batch import _decode_name

from conftest import need
from web_support import filled_annexes


class RawName(zipfile.ZipInfo):
    """A member whose name is written as the given bytes, without the UTF-8 flag (as Windows'
    built-in zip writes GBK, and Info-ZIP writes UTF-8)."""

    def __init__(self, raw: bytes):
        super().__init__(raw.decode("cp437"))
        self.raw = raw

    def _encodeFilenameFlags(self):
        return self.raw, self.flag_bits & ~0x800


@pytest.fixture(scope="module")
def annexes(tmp_path_factory):
    return filled_annexes(tmp_path_factory.mktemp("forms"), "docx", annexes=(1, 3))


def _zip(path, members: dict[bytes | str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(RawName(name) if isinstance(name, bytes) else name, data)
    return path


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8"])
def test_names_without_the_utf8_flag_are_decoded(tmp_path, encoding):
    name = "08-混合单位/附件1（𠀀）.pdf" if encoding == "gb18030" else "08-混合单位/附件1.pdf"
    p = _zip(tmp_path / "a.zip", {name.encode(encoding): b"%PDF-1.4"})
    with zipfile.ZipFile(p) as z:
        (info,) = z.infolist()
        assert not info.flag_bits & 0x800
        assert _decode_name(info) == name


def test_parse_reads_a_zip_as_one_application(annexes, tmp_path):
    p = _zip(tmp_path / "申报材料.zip", {"08-混合单位/附件1.docx".encode("gbk"): annexes[0].read_bytes(),
                                          "08-混合单位/附件3.docx".encode("utf-8"): annexes[1].read_bytes(),
                                          "说明.txt": "不是表格".encode()})
    out = tmp_path / "o.json"
    r = CliRunner().invoke(main, ["parse", str(p), "--out", str(out)])
    assert "压缩包或其他Office文件" not in r.output, r.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["annex1"]["unit_name"] and data["annex3"]["staff"]
    files = {s.partition("：")[0] for s in data["sources"].values()}
    assert files == {"申报材料.zip/08-混合单位/附件1.docx", "申报材料.zip/08-混合单位/附件3.docx"}
    assert "读出 2 份附件" in r.output


def test_parse_says_what_a_zip_without_forms_holds(tmp_path):
    p = _zip(tmp_path / "空.zip", {"说明.txt": b"x"})
    r = CliRunner().invoke(main, ["parse", str(p), "--out", str(tmp_path / "o.json")])
    assert r.exit_code == 1 and "压缩包中没有可解析的表格文件" in r.output


def test_a_zip_inside_the_zip_is_not_opened(annexes, tmp_path):
    inner = _zip(tmp_path / "inner.zip", {"附件1.docx": annexes[0].read_bytes()})
    p = _zip(tmp_path / "outer.zip", {"附件3.docx": annexes[1].read_bytes(), "附件1.pdf": inner.read_bytes()})
    out = tmp_path / "o.json"
    r = CliRunner().invoke(main, ["parse", str(p), "--out", str(out)])
    assert "压缩包中又是压缩包" in r.output and "outer.zip/附件1.pdf" in r.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert "annex3" in data and "annex1" not in data


def test_batch_shows_gbk_and_info_zip_names(annexes, tmp_path):
    root = tmp_path / "batch"
    root.mkdir()
    _zip(root / "甲.zip", {"08-混合单位/附件1.docx".encode("gbk"): annexes[0].read_bytes()})
    out = tmp_path / "b.json"
    CliRunner().invoke(main, ["parse", "--batch", str(root), "--out", str(out), "--jobs", "1"])
    doc = json.loads(out.read_text(encoding="utf-8"))
    (app,) = doc["applications"]
    assert {s.partition("：")[0] for s in app["data"]["sources"].values()} == {"甲.zip/08-混合单位/附件1.docx"}


def test_info_zip_names_read_right(annexes, tmp_path):
    need("zip")
    src = tmp_path / "src" / "08-混合单位"
    src.mkdir(parents=True)
    shutil.copy(annexes[0], src / "附件1.docx")
    z = tmp_path / "info.zip"
    subprocess.run(["zip", "-q", "-r", str(z), "08-混合单位"], cwd=tmp_path / "src", check=True,
                   env={**os.environ, "LC_ALL": "C.UTF-8"})
    with zipfile.ZipFile(z) as f:
        names = [_decode_name(i) for i in f.infolist() if not i.is_dir()]
    assert names == ["08-混合单位/附件1.docx"]
    out = tmp_path / "o.json"
    CliRunner().invoke(main, ["parse", str(z), "--out", str(out)])
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {s.partition("：")[0] for s in data["sources"].values()} == {"info.zip/08-混合单位/附件1.docx"}
