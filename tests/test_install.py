"""A wheel (not an editable install) finds its data from any working directory."""
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp / "dist"), str(ROOT)], check=True)
    wheel = next((tmp / "dist").glob("qhsme-*.whl"))
    env = tmp / "venv"
    # The dependencies come from the site-packages of the interpreter running the tests (the
    # README's venv, not its base Python, which may have none of them), listed in a .pth file
    # so they come after the venv's own site-packages; the package itself from the wheel.
    venv.EnvBuilder(system_site_packages=False, with_pip=False).create(env)
    py = env / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    deps = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (Path(site) / "test_runner_deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    # --ignore-installed: the runner's own copy of qhsme (CI installs it non-editable) is visible
    # through the .pth file, and pip would otherwise call the wheel installed already
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps",
                    "--ignore-installed", "-q", str(wheel)], check=True)
    assert (env / "bin" / "qhsme").exists()
    return py, tmp


def test_wheel_contains_templates_and_samples(installed):
    import zipfile
    py, tmp = installed
    names = zipfile.ZipFile(next((tmp / "dist").glob("*.whl"))).namelist()
    assert "toolkit/data/regulation.txt" in names
    assert "toolkit/samples/xining-complete.yaml" in names
    assert any(n.startswith("toolkit/templates/") for n in names)


def test_installed_cli_works_from_another_directory(installed):
    py, tmp = installed
    work = tmp / "elsewhere"
    work.mkdir()
    qhsme = py.parent / "qhsme"
    res = subprocess.run([str(qhsme), "demo", "--out", "x"], cwd=work, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert (work / "x" / "application.json").exists()
    assert "从扫描件识别回数据" in res.stdout or "扫描件：未识别" in res.stdout   # the ocr extra or its absence
    where = subprocess.run([str(py), "-c", "import toolkit; print(toolkit.__file__)"], cwd=work,
                           capture_output=True, text=True).stdout
    assert str(ROOT) not in where and "site-packages" in where
    schema = subprocess.run([str(qhsme), "schema"], cwd=work, capture_output=True, text=True)
    assert schema.returncode == 0 and "annex7" in schema.stdout
