"""Issue 18.3: the electronic version lists every file with its SHA-256 (校验清单.json,
SHA256SUMS), and a changed, missing or added file is found when it comes back: by
``qhsme parse`` (zip, unpacked folder, --batch) and by the dossier check."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile

import pytest
from conftest import SAMPLES

from toolkit.check.dossier import package as package_findings
from toolkit.check.findings import FAIL, PASS, VERIFY
from toolkit.dossier.bind import bind
from toolkit.dossier.verify import CHECKSUMS, SUMS_FILE, verify_dir, verify_zip
from toolkit.parse import parse_paths
from toolkit.parse.batch import parse_batch
from toolkit.problems import ERROR, WARNING

PIECE = "分项材料/06-营业执照复印件.pdf"


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    out = tmp_path_factory.mktemp("pkg")
    return bind(SAMPLES / "dossier.yaml", out, copies=1, package=True).package


def rewrite(src, dst, change=None, drop=None, add=None):
    """A copy of the zip ``src`` with one member changed, dropped or added."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == drop:
                continue
            data = zin.read(info)
            if info.filename == change:
                data = data.replace(b"%%EOF", b"%%EOF\n% edited after binding\n")
            zout.writestr(info, data)
        if add:
            zout.writestr(add, b"added later")
    return dst


def test_every_file_listed_with_its_sha256_and_size(package):
    with zipfile.ZipFile(package) as z:
        names = set(z.namelist())
        listing = json.loads(z.read(CHECKSUMS))
        listed = {e["file"]: e for e in listing["files"]}
        assert set(listed) == names - {CHECKSUMS, SUMS_FILE}
        assert {"申报材料.pdf", "目录.txt", "数据/申报数据.json", PIECE} <= set(listed)
        for name, e in listed.items():
            data = z.read(name)
            assert e["sha256"] == hashlib.sha256(data).hexdigest() and e["bytes"] == len(data), name
        sums = z.read(SUMS_FILE).decode("utf-8").splitlines()
        assert sorted(sums) == sorted(f"{e['sha256']}  {n}" for n, e in listed.items())
        assert CHECKSUMS in z.read("目录.txt").decode("utf-8-sig")


def test_sha256sum_accepts_the_unpacked_package(package, tmp_path):
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum")
    with zipfile.ZipFile(package) as z:
        z.extractall(tmp_path)
    res = subprocess.run(["sha256sum", "-c", SUMS_FILE], cwd=tmp_path, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_intact_package_has_no_problems(package, tmp_path):
    assert verify_zip(package) == []
    with zipfile.ZipFile(package) as z:
        z.extractall(tmp_path)
    assert verify_dir(tmp_path) == []
    assert [f.severity for f in package_findings(package)] == [PASS]


def test_a_changed_piece_is_an_error_naming_it(package, tmp_path):
    edited = rewrite(package, tmp_path / "edited.zip", change=PIECE)
    (p,) = verify_zip(edited)
    assert p.severity == ERROR and p.file == f"{edited}/{PIECE}" and "与装订时不同" in p.message
    result = parse_paths([edited])
    errors = [q for q in result.problems if q.severity == ERROR]
    assert [q.file for q in errors] == [f"{edited}/{PIECE}"], result.problems
    (f,) = package_findings(edited)
    assert f.severity == FAIL and PIECE in f.actual


def test_a_missing_and_an_added_file(package, tmp_path):
    odd = rewrite(package, tmp_path / "odd.zip", drop="数据/申报数据.xlsx", add="备注.txt")
    problems = verify_zip(odd)
    assert [(p.severity, p.file.split(".zip/")[1]) for p in problems] == [
        (ERROR, "数据/申报数据.xlsx"), (WARNING, "备注.txt")]
    assert "缺少文件" in problems[0].message


def test_unpacked_folder_checked_by_parse_and_batch(package, tmp_path):
    root = tmp_path / "batch" / "西宁某平台"
    root.mkdir(parents=True)
    with zipfile.ZipFile(package) as z:
        z.extractall(root)
    (root / PIECE).unlink()
    result = parse_paths([root])
    errors = [q for q in result.problems if q.severity == ERROR]
    assert len(errors) == 1 and errors[0].file == str(root / PIECE) and "缺少文件" in errors[0].message
    app_problems = [q for a in parse_batch(tmp_path / "batch", jobs=1) for q in a.problems]
    assert any(q.severity == ERROR and q.file == str(root / PIECE) for q in app_problems)


def test_a_zip_without_checksums_is_not_a_package(tmp_path):
    z = tmp_path / "forms.zip"
    with zipfile.ZipFile(z, "w") as zz:
        zz.writestr("a.txt", "x")
    assert verify_zip(z) is None
    assert [f.severity for f in package_findings(z)] == [VERIFY]


def test_a_damaged_checksum_list_is_said(package, tmp_path):
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(package) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, b"{not json" if info.filename == CHECKSUMS else zin.read(info))
    (p,) = verify_zip(bad)
    assert p.severity == ERROR and CHECKSUMS in p.message


def test_qhsme_check_package_verifies_the_electronic_version(package, tmp_path):
    """``qhsme check DATA --package ZIP``: 符合 for the package as bound; a piece changed after
    binding is 不符合 naming it, and the command exits 1."""
    from click.testing import CliRunner

    from toolkit.cli import main
    data = str(SAMPLES / "xining-complete.yaml")
    ok = CliRunner().invoke(main, ["check", data, "--package", str(package), "--format", "json"])
    found = [f for f in json.loads(ok.output)["passed"] if f["rule"] == "a9.package"]
    assert ok.exit_code == 0 and found and found[0]["actual"] == "全部文件一致"
    bad = rewrite(package, tmp_path / "changed.zip", change=PIECE)
    res = CliRunner().invoke(main, ["check", data, "--package", str(bad)])
    assert res.exit_code == 1
    assert "电子版材料与装订时一致" in res.output and "06-营业执照复印件.pdf" in res.output
