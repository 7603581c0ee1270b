"""A wheel (not an editable install) finds its data from any working directory."""
import subprocess
import sys
import venv

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp / "dist"), str(ROOT)], check=True)
    wheel = next((tmp / "dist").glob("qhsme-*.whl"))
    env = tmp / "venv"
    # dependencies come from this interpreter's site-packages; the package itself from the wheel
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env)
    py = env / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "-q",
                    str(wheel)], check=True)
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
    where = subprocess.run([str(py), "-c", "import toolkit; print(toolkit.__file__)"], cwd=work,
                           capture_output=True, text=True).stdout
    assert str(ROOT) not in where and "site-packages" in where
    schema = subprocess.run([str(qhsme), "schema"], cwd=work, capture_output=True, text=True)
    assert schema.returncode == 0 and "annex7" in schema.stdout
