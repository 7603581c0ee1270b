"""The qhsme command: exit codes, messages, and no half-written output."""
import json

from click.testing import CliRunner

from toolkit.cli import main

from conftest import SAMPLES


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_every_command_has_help():
    res = run("--help")
    assert res.exit_code == 0
    for cmd in main.commands:
        sub = run(cmd, "--help")
        assert sub.exit_code == 0, cmd
        assert "Usage" in sub.output


def test_schema_is_json_with_every_annex():
    res = run("schema")
    assert res.exit_code == 0
    schema = json.loads(res.output)
    for n in range(1, 8):
        assert f"annex{n}" in schema["properties"]
    postcode = schema["properties"]["annex1"]["properties"]["postcode"]
    assert postcode["title"] == "邮政编码"
    staff = schema["properties"]["annex3"]["properties"]["staff"]
    assert staff["type"] == "array" and "maxItems" not in staff


def test_validate_good_sample_exits_0():
    res = run("validate", SAMPLES / "xining-complete.yaml")
    assert res.exit_code == 0, res.output
    assert "通过" in res.output


def test_validate_mistakes_exits_1_with_located_problems():
    res = run("validate", SAMPLES / "field-mistakes.yaml")
    assert res.exit_code == 1
    assert "附件1 邮政编码（annex1.postcode）" in res.output
    assert "field-mistakes.yaml" in res.output
    assert res.output.count("[错误]") == 6


def test_validate_json_output():
    res = run("validate", "--format", "json", SAMPLES / "field-mistakes.yaml")
    assert res.exit_code == 1
    doc = json.loads(res.output)
    assert doc["ok"] is False and len(doc["problems"]) == 6


def test_unreadable_input_exits_2(tmp_path):
    missing = run("validate", tmp_path / "none.yaml")
    assert missing.exit_code == 2 and "文件不存在" in missing.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("annex1: [unclosed\n", encoding="utf-8")
    res = run("validate", bad)
    assert res.exit_code == 2 and "YAML格式错误" in res.output and "bad.yaml" in res.output
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("annex1: {unit_name: 青海}".encode("gbk"))
    res = run("validate", gbk)
    assert res.exit_code == 2 and "UTF-8" in res.output
    docx = tmp_path / "annex1.yaml"
    docx.write_bytes(b"PK\x03\x04rest")
    assert "qhsme parse" in run("validate", docx).output


def test_validate_out_writes_clean_data(tmp_path):
    out = tmp_path / "clean.json"
    res = run("validate", SAMPLES / "field-mistakes.yaml", "--out", out)
    assert res.exit_code == 1
    clean = json.loads(out.read_text(encoding="utf-8"))
    assert clean["annex1"]["total_assets"] == 1280.5


def test_demo_runs_on_the_bundled_sample(tmp_path):
    res = run("demo", "--out", tmp_path / "demo")
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "demo" / "application.json").read_text(encoding="utf-8"))
    assert data["annex1"]["city"] == "西宁市"
    assert "从扫描件识别回数据" in res.output or "扫描件：未识别" in res.output     # with or without OCR


def test_demo_refuses_a_bad_sample_without_writing_data(tmp_path):
    res = run("demo", "--out", tmp_path / "d", "--sample", SAMPLES / "field-mistakes.yaml")
    assert res.exit_code == 1
    assert not (tmp_path / "d" / "application.json").exists()
