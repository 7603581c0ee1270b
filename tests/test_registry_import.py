"""registry import: data files, parse outputs (JSON, XLSX) and annex 6 returns; idempotent, matched by
统一社会信用代码 or 单位名称, conflicts reported and never overwritten, unreadable files change nothing."""
import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from test_registry_db import db_url  # noqa: F401 - the fixture (SQLite and PostgreSQL)
from toolkit.cli import main
from toolkit.datafile import load, save
from toolkit.errors import InputError
from toolkit.registry.db import Registry
from toolkit.registry.schema import applications, files, platforms, years
from toolkit.registry.store import import_files

from conftest import SAMPLES


def app(unit, platform="平台", city="西宁市", ops=((2024, 100, 50),), **extra):
    return {"annex1": {"unit_name": unit, "platform_name": platform, "city": city,
                       "operations": [{"year": y, "revenue": r, "served_count": s} for y, r, s in ops]}, **extra}


def write(path, data):
    save(data, path)
    return path


def snapshot(reg):
    with reg.read() as c:
        return {t.name: sorted(map(tuple, c.execute(sa.select(*[col for col in t.columns if col.name not in
                                                                ("id", "imported_at", "created_at")]))), key=repr)
                for t in (platforms, files, applications, years)}


def test_the_same_file_twice_changes_nothing(db_url, tmp_path):  # noqa: F811
    with Registry(db_url) as reg:
        res = import_files(reg, [SAMPLES / "xining-complete.yaml", SAMPLES / "yushu-qingnan.yaml"])
        assert not res.conflicts
        before = snapshot(reg)
        assert len(before["platforms"]) == 2 and len(before["years"]) >= 3
        again = import_files(reg, [SAMPLES / "xining-complete.yaml"])
        assert "未改动" in again.outcomes[0][1]
        copy = tmp_path / "copy.json"              # the same data in another file: nothing new either
        save(load(SAMPLES / "yushu-qingnan.yaml"), copy)
        import_files(reg, [copy])
        after = snapshot(reg)
        assert after["platforms"] == before["platforms"] and after["years"] == before["years"]
        assert after["applications"] == before["applications"]


def test_a_differing_value_is_reported_and_kept(db_url, tmp_path):  # noqa: F811
    with Registry(db_url) as reg:
        import_files(reg, [write(tmp_path / "a.yaml", app("甲单位", ops=((2024, 100, 50),)))])
        res = import_files(reg, [write(tmp_path / "b.yaml", app("甲单位", city="海东市", ops=((2024, 120, 50),
                                                                                          (2025, 130, 60))))])
        msgs = [str(p) for p in res.conflicts]
        assert any("b.yaml" in m and "所在市（州）" in m and "西宁市" in m and "海东市" in m for m in msgs), msgs
        assert any("2024年" in m and "“100”" in m and "“120”" in m for m in msgs), msgs
        with reg.read() as c:
            assert c.scalar(sa.select(platforms.c.city)) == "西宁市"
            rows = dict(c.execute(sa.select(years.c.year, years.c.row)).all())
        assert rows[2024]["revenue_new"] == 100 and rows[2025]["revenue_new"] == 130     # new year added
        res = import_files(reg, [tmp_path / "b.yaml"], replace=True)       # the file whose values were kept
        assert not res.conflicts and any("已按文件改正" in str(p) for p in res.problems)
        with reg.read() as c:
            assert c.scalar(sa.select(years.c.row).where(years.c.year == 2024))["revenue_new"] == 120
            assert c.scalar(sa.select(platforms.c.city)) == "海东市"


def test_matched_by_credit_code_before_the_name(db_url, tmp_path):  # noqa: F811
    code = "91630100MA7EXAMPL0"
    with Registry(db_url) as reg:
        import_files(reg, [write(tmp_path / "a.yaml", app("甲单位", credit_code=code))])
        res = import_files(reg, [write(tmp_path / "b.yaml", app("甲单位（更名）", credit_code=code,
                                                                ops=((2025, 1, 1),)))])
        assert any(code in str(p) and "甲单位（更名）" in str(p) for p in res.conflicts)
        assert not any("credit_code" in p.message for p in res.problems)    # read, so not "未读取"
        with reg.read() as c:
            assert c.execute(sa.select(platforms.c.unit_name, platforms.c.credit_code)).all() == [("甲单位", code)]
            assert c.scalar(sa.select(sa.func.count()).select_from(years)) == 2


def test_an_unreadable_file_stops_the_import_before_anything_is_written(db_url, tmp_path):  # noqa: F811
    good = write(tmp_path / "good.yaml", app("甲单位"))
    bad = tmp_path / "bad.json"
    bad.write_text('{"annex1": {"unit_name": "乙"', encoding="utf-8")
    foreign = tmp_path / "foreign.yaml"
    foreign.write_text("customers: [1, 2]\n", encoding="utf-8")
    with Registry(db_url) as reg:
        for wrong, says in ((bad, "JSON格式错误"), (foreign, "不是申报数据文件")):
            with pytest.raises(InputError) as e:
                import_files(reg, [good, wrong])
            assert str(wrong) in str(e.value) and says in str(e.value)
        with reg.read() as c:
            assert c.scalar(sa.select(sa.func.count()).select_from(platforms)) == 0
            assert c.scalar(sa.select(sa.func.count()).select_from(files)) == 0


def test_cli_import_exit_codes(tmp_path):
    db = str(tmp_path / "r.sqlite3")
    run = lambda *a: CliRunner().invoke(main, ["registry", "import", "--db", db, *map(str, a)])  # noqa: E731
    r = run(write(tmp_path / "a.yaml", app("甲单位")))
    assert r.exit_code == 0, r.output
    r = run(write(tmp_path / "b.yaml", app("甲单位", city="海东市")))
    assert r.exit_code == 1 and "海东市" in r.output
    (tmp_path / "x.docx").write_bytes(b"PK\x03\x04junk")
    r = run(tmp_path / "x.docx")
    assert r.exit_code == 2 and "x.docx" in r.output


def test_parse_outputs_json_batch_and_xlsx(db_url, tmp_path):  # noqa: F811
    from toolkit.export import write_outputs
    apps = [("A-1", app("甲单位", ops=((2023, 10, 5), (2024, 20, 6)))), ("A-2", app("乙单位", platform="乙平台"))]
    write_outputs(apps, [], tmp_path / "batch.json", single=False)
    write_outputs(apps, [], tmp_path / "batch.xlsx", single=False)
    with Registry(db_url) as reg:
        res = import_files(reg, [tmp_path / "batch.json"])
        assert not res.conflicts and "平台 2 个" in res.outcomes[0][1]
        before = snapshot(reg)
        res = import_files(reg, [tmp_path / "batch.xlsx"])    # the same data from the workbook: no conflict
        assert not res.conflicts, [str(p) for p in res.conflicts]
        after = snapshot(reg)
        assert after["platforms"] == before["platforms"] and after["years"] == before["years"]
        with reg.read() as c:
            assert c.scalar(sa.select(years.c.row).where(years.c.year == 2023))["revenue_new"] == 10


def test_an_annex6_workbook_is_matched_by_platform_name(db_url, tmp_path):  # noqa: F811
    from toolkit.bureau import annex6_xlsx
    from toolkit.bureau.summary import Summary
    rows = [{"platform_name": "甲平台", "served_new": 70, "revenue_new": 150, "tax_new": 9},
            {"platform_name": "无名平台", "served_new": 1},
            {"platform_name": "乙单位", "served_new": 5}]              # a unit's name in the column: found too
    annex6_xlsx.write(Summary(2025, {"bureau": "西宁市工业和信息化局"}, rows, {}), tmp_path / "a6.xlsx")
    with Registry(db_url) as reg:
        import_files(reg, [write(tmp_path / "a.yaml", app("甲单位", platform="甲平台")),
                           write(tmp_path / "b.yaml", app("乙单位", platform="乙平台", ops=()))])
        res = import_files(reg, [tmp_path / "a6.xlsx"])
        assert [(p.row, p.field) for p in res.conflicts] == [(2, "platform_name")]
        assert "无名平台" in str(res.conflicts[0]) and "a6.xlsx" in str(res.conflicts[0])
        with reg.read() as c:
            got = {u: r for u, r in c.execute(sa.select(platforms.c.unit_name, years.c.row)
                                               .join(years, years.c.platform_id == platforms.c.id)
                                               .where(years.c.year == 2025))}
        assert got["甲单位"]["tax_new"] == 9 and got["甲单位"]["served_new"] == 70
        assert got["乙单位"]["served_new"] == 5


def test_a_workbook_that_is_neither_is_refused(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append(["客户", "金额"])
    wb.save(tmp_path / "foreign.xlsx")
    with Registry(str(tmp_path / "r.sqlite3")) as reg:
        with pytest.raises(InputError) as e:
            import_files(reg, [tmp_path / "foreign.xlsx"])
    assert "foreign.xlsx" in str(e.value) and "附件6" in str(e.value)


def test_a_bad_value_in_a_data_file_is_listed_where_it_is(tmp_path):
    d = app("甲单位")
    d["annex1"]["phone"] = "电话号码"
    with Registry(str(tmp_path / "r.sqlite3")) as reg:
        res = import_files(reg, [write(tmp_path / "a.json", d)])
    assert any(p.field == "phone" and p.file.endswith("a.json") for p in res.problems)
    json.dumps([p.to_dict() for p in res.problems])


def test_a_folder_is_imported_file_by_file(tmp_path):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    write(tmp_path / "in" / "a.yaml", app("甲单位"))
    write(tmp_path / "in" / "sub" / "b.json", app("乙单位"))
    (tmp_path / "in" / "readme.txt").write_text("说明", encoding="utf-8")
    with Registry(str(tmp_path / "r.sqlite3")) as reg:
        res = import_files(reg, [tmp_path / "in"])
        assert [n.rsplit("/", 1)[-1] for n, _ in res.outcomes] == ["a.yaml", "b.json"]
        (tmp_path / "empty").mkdir()
        with pytest.raises(InputError) as e:
            import_files(reg, [tmp_path / "empty"])
        assert "empty" in str(e.value)
