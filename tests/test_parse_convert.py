"""Returns saved as .doc, .odt, .rtf or Word 2003 XML are read through LibreOffice (its own
profile, a time limit), located in the original file; without LibreOffice, and for an
encrypted file, the refusal says how to save it as .docx."""
from __future__ import annotations

import json
import struct
import subprocess

import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.errors import InputError
from toolkit.parse import parse_file
from toolkit.parse import convert
from toolkit.parse.sniff import DOC, ODT, REFUSED, RTF, WORDXML, sniff

from conftest import need
from web_support import filled_annexes, sample_data


def _soffice(src, fmt, outdir, profile):
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", fmt,
                    "--outdir", str(outdir), str(src)], check=True, capture_output=True, timeout=180)
    return outdir / (src.stem + "." + fmt.split(":")[0])


@pytest.fixture(scope="module")
def saved_as(tmp_path_factory):
    """A filled annex 1 as LibreOffice saves it: .doc, .odt, .rtf and Word 2003 XML (from the
    .doc: LibreOffice's XML export drops the text of content controls)."""
    need("soffice")
    d = tmp_path_factory.mktemp("saved")
    (docx,) = filled_annexes(d, "docx", annexes=(1,))
    profile = d / "profile"
    files = {kind: _soffice(docx, kind, d / kind, profile) for kind in ("doc", "odt", "rtf")}
    files["xml"] = _soffice(files["doc"], "xml:MS Word 2003 XML", d / "xml", profile)
    return files


@pytest.mark.parametrize("kind, sniffed", [("doc", DOC), ("odt", ODT), ("rtf", RTF), ("xml", WORDXML)])
def test_returns_in_other_word_formats_are_read(saved_as, tmp_path, kind, sniffed):
    path = saved_as[kind]
    assert sniff(path) == sniffed
    out = tmp_path / "o.json"
    r = CliRunner().invoke(main, ["parse", str(path), "--out", str(out)])
    assert "无法读取" not in r.output, r.output
    data = json.loads(out.read_text(encoding="utf-8"))
    want = sample_data()["annex1"]
    for fid in ("unit_name", "contact", "phone", "reg_date", "postcode"):
        assert data["annex1"][fid] == want[fid], fid
    src = data["sources"]["annex1.unit_name"]
    assert src.startswith(f"{path}：") and "经LibreOffice转换为.docx后读取" in src


def test_without_libreoffice_the_refusal_says_what_to_do(saved_as, monkeypatch):
    monkeypatch.setattr(convert, "soffice", lambda: None)
    for kind, sniffed in (("doc", DOC), ("odt", ODT), ("rtf", RTF), ("xml", WORDXML)):
        pf = parse_file(saved_as[kind])
        assert [p.message for p in pf.problems] == [REFUSED[sniffed]]
        assert pf.problems[0].file == str(saved_as[kind])


def test_a_conversion_that_hangs_is_stopped(saved_as, monkeypatch):
    monkeypatch.setattr(convert, "TIMEOUT", 0.01)
    pf = parse_file(saved_as["doc"])
    assert "超过0.01秒未完成" in pf.problems[0].message and not pf.values


def _with_entry_renamed(doc: bytes, old: str, new: str) -> bytes:
    raw = bytearray(doc)
    key = old.encode("utf-16-le") + b"\0\0"
    i = next(i for i in range(0, len(raw), 128) if raw[i:i + len(key)] == key)
    name = new.encode("utf-16-le") + b"\0\0"
    raw[i:i + 64] = name.ljust(64, b"\0")
    struct.pack_into("<H", raw, i + 0x40, len(name))
    return bytes(raw)


def test_encrypted_office_files_stay_refused(saved_as, tmp_path):
    doc = saved_as["doc"].read_bytes()
    package = tmp_path / "加密.docx"                 # an encrypted .docx is an OLE file of this stream
    package.write_bytes(_with_entry_renamed(doc, "WordDocument", "EncryptedPackage"))
    word = tmp_path / "加密.doc"                     # a .doc with a password: fEncrypted in its header
    raw = bytearray(doc)
    i = next(i for i in range(0, len(raw), 128) if raw[i:i + 26] == "WordDocument".encode("utf-16-le") + b"\0\0")
    fib = (struct.unpack_from("<I", raw, i + 0x74)[0] + 1) * (1 << struct.unpack_from("<H", raw, 0x1E)[0])
    assert raw[fib:fib + 2] == b"\xec\xa5"
    raw[fib + 0x0A] |= 0x00
    raw[fib + 0x0B] |= 0x01
    word.write_bytes(bytes(raw))
    for p in (package, word):
        with pytest.raises(InputError, match="加密的Office文件"):
            sniff(p)
        assert "加密" in parse_file(p).problems[0].message
    other = tmp_path / "表格.xls"
    other.write_bytes(_with_entry_renamed(doc, "WordDocument", "Workbook"))
    with pytest.raises(InputError, match="不是Word"):
        sniff(other)
