"""Data files are plain YAML: anchors (&) and aliases (*) are refused at once, naming the file,
so a few hundred bytes of nested aliases (a "YAML bomb") never expand in memory."""
from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.datafile import load
from toolkit.errors import InputError


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """The issue's data file: nine levels of nested aliases under annex1.unit_name
    (9**9 = 387 million strings once expanded)."""
    lines = ["format: qhsme/1", "annex1:", "  unit_name:",
             "    l0: &l0 [" + ", ".join(['"青海西宁"'] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"    l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@pytest.fixture(autouse=True, params=["libyaml", "pure-python"])
def yaml_loader(request, monkeypatch):
    """Every test runs with libyaml (scanned for anchors in C, then loaded in C) and without it
    (the pure-Python loader refusing them as it composes)."""
    import toolkit.datafile as D
    if request.param == "libyaml" and D._CLoader is None:
        pytest.skip("PyYAML here was built without libyaml")
    if request.param == "pure-python":
        monkeypatch.setattr(D, "_CLoader", None)
    return request.param


def test_both_loaders_read_the_samples_alike(yaml_loader):
    """What the fast path loads is what the pure-Python loader loads, sample by sample."""
    import yaml

    import toolkit.datafile as D
    from toolkit.resources import samples_dir
    files = sorted(samples_dir().glob("*.yaml"))
    assert files
    for p in files:
        text = p.read_text(encoding="utf-8-sig")
        assert load(p) == yaml.load(text, Loader=D._PlainLoader), p.name  # noqa: S506


@pytest.fixture
def bomb(tmp_path):
    p = tmp_path / "炸弹.yaml"
    p.write_text(alias_bomb(), encoding="utf-8")
    assert len(p.read_bytes()) < 1024
    return p


def test_alias_bomb_is_refused_naming_the_file(bomb):
    t = time.perf_counter()
    with pytest.raises(InputError) as e:
        load(bomb)
    assert time.perf_counter() - t < 0.5
    assert e.value.file == str(bomb)
    assert "锚点" in e.value.message and "第4行" in e.value.message


def test_a_lone_alias_is_refused_too(tmp_path):
    p = tmp_path / "alias.yaml"
    p.write_text("annex1:\n  unit_name: &n 青海\n  contact: *n\n", encoding="utf-8")
    with pytest.raises(InputError, match="锚点"):
        load(p)
    p.write_text("annex1:\n  unit_name: 青海\n  contact: *n\n", encoding="utf-8")
    with pytest.raises(InputError, match="别名（\\*n）"):
        load(p)


def test_plain_yaml_still_reads(tmp_path):
    p = tmp_path / "ok.yaml"
    p.write_text("annex1:\n  unit_name: '&不是锚点*'\n  staff: [1, 2]\n", encoding="utf-8")
    assert load(p) == {"annex1": {"unit_name": "&不是锚点*", "staff": [1, 2]}}


@pytest.mark.parametrize("command", [["validate"], ["check"], ["fill", "--out", "{out}"]])
def test_cli_refuses_the_bomb_with_exit_2_in_milliseconds(bomb, tmp_path, command):
    args = [a.replace("{out}", str(tmp_path / "out")) for a in command]
    t = time.perf_counter()
    r = CliRunner().invoke(main, args[:1] + [str(bomb)] + args[1:])
    assert time.perf_counter() - t < 0.5
    assert r.exit_code == 2, r.output
    assert str(bomb) in r.output and "不允许使用锚点" in r.output
