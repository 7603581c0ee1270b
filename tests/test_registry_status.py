"""registry status: validity and re-review (第十五条), reports due or late (第十四条), revocation
grounds (第十六条) in the regulation's words, priority (第十七条); exit 1 when something is overdue."""
import datetime as dt
import json
from types import SimpleNamespace as NS

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from test_registry_db import db_url  # noqa: F401 - the fixture (SQLite and PostgreSQL)
from toolkit.cli import main
from toolkit.regulation import article
from toolkit.registry.db import Registry
from toolkit.registry.status import DUE, GROUND, INFO, LATE, OVERDUE, grounds_text, platform_status
from toolkit.registry.store import add_event

D = dt.date
P = NS(id=1, unit_name="甲单位", platform_name="甲平台", city="西宁市", record=None)


def ev(kind, on, period=None, note=None, document=None, i=[0]):
    i[0] += 1
    return NS(id=i[0], kind=kind, on_date=on, period=period, note=note, document=document)


def reports(*pairs):
    return [ev("report", on, period) for period, on in pairs]


def kinds(st):
    return [(i.kind, i.article, i.title) for i in st.items]


RECOG = ev("recognized", D(2024, 3, 20), document="青工信〔2024〕1号")
ON_TIME = reports(("2024H1", D(2024, 8, 20)), ("2024", D(2025, 2, 10)), ("2025H1", D(2025, 8, 1)))


def test_the_grounds_are_the_regulations_words():
    assert grounds_text() == ("受到有关行政部门处分的", "被司法机关处罚的", "被列入“信用青海”征信系统黑名单的",
                              "被中小企业投诉2次以上的", "不向中小企业主管部门报送（半）年度总结报告的")
    assert all(g in article(16) for g in grounds_text())


def test_reports_on_time_and_the_next_one_due():
    st = platform_status(P, [RECOG] + ON_TIME, D(2026, 1, 15))
    assert st.state == "有效" and st.validity_end == "2027-03-19" and st.reports_on_time == 3
    assert (DUE, "第十四条", "报送2025年度总结报告") in kinds(st)
    assert (INFO, "第十七条", "无第十六条情形，总结报告均按时报送") in kinds(st)
    assert not st.overdue


def test_a_missing_report_is_overdue_and_a_ground_for_revocation():
    st = platform_status(P, [RECOG] + ON_TIME[:2], D(2025, 9, 1))
    assert (OVERDUE, "第十四条", "2025年上半年总结报告逾期未报送") in kinds(st)
    assert (GROUND, "第十六条", "不向中小企业主管部门报送（半）年度总结报告的") in kinds(st)
    assert st.overdue
    # on 31 August it is still due, not late
    st = platform_status(P, [RECOG] + ON_TIME[:2], D(2025, 8, 31))
    assert (DUE, "第十四条", "报送2025年上半年总结报告") in kinds(st) and not st.overdue


def test_a_late_report_is_noted_but_not_overdue():
    evs = [RECOG] + reports(("2024H1", D(2024, 9, 3)), ("2024", D(2025, 2, 28)))
    st = platform_status(P, evs, D(2025, 3, 10))
    assert (LATE, "第十四条", "2024年上半年总结报告逾期报送") in kinds(st)
    assert not st.overdue and not any(a == "第十七条" for _, a, _ in kinds(st))


def test_validity_ends_after_three_years_then_review_is_overdue():
    evs = [RECOG] + reports(("2024H1", D(2024, 8, 1)), ("2024", D(2025, 2, 1)), ("2025H1", D(2025, 8, 1)),
                            ("2025", D(2026, 2, 1)), ("2026H1", D(2026, 8, 1)), ("2026", D(2027, 2, 1)))
    st = platform_status(P, evs, D(2027, 1, 1))
    assert (DUE, "第十五条", "有效期即将届满，需申请复核") in kinds(st) and not st.overdue
    st = platform_status(P, evs, D(2027, 3, 20))
    assert st.state == "已期满" and (OVERDUE, "第十五条", "有效期已满，未见复核") in kinds(st)
    # re-recognised after the review: a new validity, no overdue
    st = platform_status(P, evs + [ev("recognized", D(2027, 3, 15))], D(2027, 3, 20))
    assert st.state == "有效" and st.validity_end == "2030-03-14" and not st.overdue


def test_two_complaints_a_penalty_or_the_blacklist_are_grounds():
    one = platform_status(P, [RECOG, ev("complaint", D(2024, 5, 1))] + ON_TIME, D(2025, 9, 1))
    assert not one.overdue and one.complaints == 1
    two = platform_status(P, [RECOG, ev("complaint", D(2024, 5, 1)), ev("complaint", D(2025, 1, 1))] + ON_TIME,
                          D(2025, 9, 1))
    assert (GROUND, "第十六条", "被中小企业投诉2次以上的") in kinds(two)
    for kind, words in (("admin_penalty", "受到有关行政部门处分的"), ("judicial_penalty", "被司法机关处罚的"),
                        ("credit_blacklist", "被列入“信用青海”征信系统黑名单的")):
        st = platform_status(P, [RECOG, ev(kind, D(2025, 1, 1))] + ON_TIME, D(2025, 9, 1))
        assert (GROUND, "第十六条", words) in kinds(st), kind
    # a data file's record counts too
    rec = NS(**{**P.__dict__, "record": {"complaints": 1, "credit_blacklist": True}})
    st = platform_status(rec, [RECOG, ev("complaint", D(2024, 5, 1))] + ON_TIME, D(2025, 9, 1))
    assert st.complaints == 2 and sum(k == GROUND for k, _, _ in kinds(st)) == 2


def test_revoked_and_unrecognised_platforms_owe_nothing():
    st = platform_status(P, [RECOG, ev("revoked", D(2025, 1, 10), note="复核不合格")], D(2026, 1, 1))
    assert st.state == "已撤消" and not st.overdue and len(st.items) == 1
    st = platform_status(P, [], D(2026, 1, 1))
    assert st.state == "未认定" and st.items == []


def test_events_after_the_day_asked_about_are_ignored():
    st = platform_status(P, [RECOG, ev("complaint", D(2025, 5, 1)), ev("complaint", D(2025, 6, 1))] + ON_TIME,
                         D(2025, 5, 15))
    assert st.complaints == 1


def test_cli_status_formats_and_exit_code(db_url, tmp_path):  # noqa: F811
    with Registry(db_url) as reg:
        add_event(reg, "甲单位", "recognized", D(2024, 3, 20), document="青工信〔2024〕1号", create=True)
        add_event(reg, "乙单位", "recognized", D(2024, 3, 20), create=True)
        for period, on in (("2024H1", D(2024, 8, 20)), ("2024", D(2025, 2, 10))):
            add_event(reg, "甲单位", "report", on, period=period)
    run = lambda *a: CliRunner().invoke(main, ["registry", "status", "--db", db_url, *a])  # noqa: E731
    r = run("--as-of", "2025-01-15")
    assert r.exit_code == 1, r.output
    assert "乙单位" in r.output and "2024年上半年总结报告逾期未报送" in r.output and "第十六条 对认定的示范平台" in r.output
    r = run("--as-of", "2025-01-15", "--format", "json")
    doc = json.loads(r.output)
    by = {p["unit_name"]: p for p in doc["platforms"]}
    assert by["甲单位"]["overdue"] is False and by["乙单位"]["overdue"] is True
    assert by["甲单位"]["validity_end"] == "2027-03-19" and "第十四条" in {i["article"] for i in by["乙单位"]["items"]}
    r = run("--as-of", "2024-06-01")
    assert r.exit_code == 0, r.output
    out = tmp_path / "status.xlsx"
    r = run("--as-of", "2025-01-15", "--format", "xlsx", "--out", str(out))
    assert r.exit_code == 1
    ws = load_workbook(out).active
    assert ws.title == "台账" and ws.cell(1, 1).value == "单位名称" and ws.max_row == 3


def test_cli_event_commands(tmp_path):
    db = str(tmp_path / "r.sqlite3")
    run = lambda *a: CliRunner().invoke(main, ["registry", *a, "--db", db])  # noqa: E731
    assert run("recognize", "--unit", "甲单位", "--on", "2024年3月20日").exit_code == 0
    r = run("complaint", "--unit", "甲单位", "--on", "2025-01-01", "--note", "服务未兑现")
    assert r.exit_code == 0 and "已登记" in r.output
    r = run("complaint", "--unit", "甲单位", "--on", "2025-01-01", "--note", "服务未兑现")
    assert "未改动" in r.output
    assert run("penalty", "--unit", "甲单位", "--kind", "blacklist", "--on", "2025-02-01").exit_code == 0
    r = run("report", "--unit", "甲单位", "--period", "2024H1", "--received", "2024-08-01")
    assert r.exit_code == 0
    r = run("report", "--unit", "甲单位", "--period", "2024H1", "--received", "2024-08-05")
    assert r.exit_code == 2 and "不一致" in r.output
    r = run("report", "--unit", "乙单位", "--period", "2024", "--received", "2025-01-01")
    assert r.exit_code == 2 and "乙单位" in r.output
    r = run("report", "--unit", "甲单位", "--period", "2024Q3", "--received", "2025-01-01")
    assert r.exit_code == 2 and "2026H1" in r.output
    assert run("revoke", "--unit", "甲单位", "--on", "2025-03-01", "--reason", "列入黑名单").exit_code == 0
    r = CliRunner().invoke(main, ["registry", "status", "--db", db, "--as-of", "2025-04-01"])
    assert r.exit_code == 0 and "已撤消" in r.output


def test_export_workbook(tmp_path):
    db = str(tmp_path / "r.sqlite3")
    from conftest import SAMPLES
    r = CliRunner().invoke(main, ["registry", "import", "--db", db, str(SAMPLES / "xining-complete.yaml")])
    assert r.exit_code == 0, r.output
    out = tmp_path / "台账.xlsx"
    r = CliRunner().invoke(main, ["registry", "export", "--db", db, "--out", str(out)])
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["台账", "年度数据", "事项记录"]
    years = wb["年度数据"]
    header = [c.value for c in years[1]]
    assert header[:3] == ["单位名称", "平台名称", "年度"]
    assert years.max_row >= 4


@pytest.mark.parametrize("bad", ["x.csv"])
def test_export_needs_xlsx(tmp_path, bad):
    r = CliRunner().invoke(main, ["registry", "export", "--db", str(tmp_path / "r.sqlite3"), "--out",
                                  str(tmp_path / bad)])
    assert r.exit_code == 2


def test_publicity_then_recognition(tmp_path):
    db = str(tmp_path / "r.sqlite3")
    run = lambda *a: CliRunner().invoke(main, ["registry", *a, "--db", db])  # noqa: E731
    r = run("publicity", "--unit", "甲单位", "--from", "2026-09-18")
    assert r.exit_code == 0 and "2026-09-28" in r.output, r.output
    r = CliRunner().invoke(main, ["registry", "status", "--db", db, "--as-of", "2026-09-25"])
    assert "[提示] 第十一条：公示中 2026-09-28" in r.output
    r = CliRunner().invoke(main, ["registry", "status", "--db", db, "--as-of", "2026-09-29"])
    assert "第十二条：公示期满" in r.output and r.exit_code == 0
    r = run("recognize", "--unit", "甲单位", "--on", "2026-09-28")
    assert r.exit_code == 0 and "在公示期内" in r.output
    r = run("publicity", "--unit", "乙单位", "--from", "2026-12-28")
    assert r.exit_code == 2 and "2027年" in r.output


def test_a_data_files_record_block_counts(tmp_path):
    from toolkit.datafile import save
    db = str(tmp_path / "r.sqlite3")
    save({"annex1": {"unit_name": "甲单位", "platform_name": "甲平台"},
          "record": {"recognized_on": "2024-03-20", "complaints": 2, "judicial_penalty": True}}, tmp_path / "a.yaml")
    assert CliRunner().invoke(main, ["registry", "import", "--db", db, str(tmp_path / "a.yaml")]).exit_code == 0
    r = CliRunner().invoke(main, ["registry", "status", "--db", db, "--as-of", "2024-06-01", "--format", "json"])
    st = json.loads(r.output)["platforms"][0]
    assert r.exit_code == 1 and st["recognized_on"] == "2024-03-20" and st["complaints"] == 2
    assert {i["title"] for i in st["items"] if i["kind"] == GROUND} == {"被中小企业投诉2次以上的", "被司法机关处罚的"}


@pytest.mark.parametrize("cmd", [["registry", "status"], ["registry", "export", "--out", "x.xlsx"],
                                 ["registry", "complaint", "--unit", "甲", "--on", "2025-01-01", "--note", "n"]])
def test_a_mistyped_database_path_is_refused_not_created(tmp_path, cmd):
    db = tmp_path / "typo.sqlite3"
    r = CliRunner().invoke(main, [*cmd, "--db", str(db)])
    assert r.exit_code == 2 and "不存在" in r.output and not db.exists()


def test_the_citys_annex6_of_a_year_is_due_by_30_january():
    st = platform_status(P, [RECOG] + ON_TIME, D(2025, 1, 30), annex6_years=set())
    assert not st.overdue
    st = platform_status(P, [RECOG] + ON_TIME, D(2025, 1, 31), annex6_years=set())
    assert (OVERDUE, "附件6说明", "2024年度运营情况汇总表（附件6）未收到") in kinds(st)
    assert "1月30日" in next(i.detail for i in st.items if i.article == "附件6说明")
    assert not platform_status(P, [RECOG] + ON_TIME, D(2025, 1, 31), annex6_years={2024}).overdue


def test_status_reads_the_annex6_years_from_the_registry(tmp_path):
    from toolkit.datafile import save
    db = str(tmp_path / "r.sqlite3")
    save({"annex1": {"unit_name": "甲单位", "platform_name": "甲平台"}}, tmp_path / "a.yaml")
    save({"annex6": {"year": 2024, "platforms": [{"platform_name": "甲平台", "served_new": 3}]}}, tmp_path / "b.yaml")
    run = lambda *a: CliRunner().invoke(main, ["registry", *a, "--db", db])  # noqa: E731
    assert run("import", str(tmp_path / "a.yaml")).exit_code == 0
    assert run("recognize", "--unit", "甲单位", "--on", "2024-03-20").exit_code == 0
    for period, on in (("2024H1", "2024-08-20"), ("2024", "2025-02-10")):
        assert run("report", "--unit", "甲单位", "--period", period, "--received", on).exit_code == 0
    r = run("status", "--as-of", "2025-03-01")
    assert r.exit_code == 1 and "2024年度运营情况汇总表（附件6）未收到" in r.output
    assert run("import", str(tmp_path / "b.yaml")).exit_code == 0
    r = run("status", "--as-of", "2025-03-01")
    assert r.exit_code == 0, r.output


def test_reports_owed_start_again_with_a_recognition_after_a_revocation():
    evs = [ev("recognized", D(2021, 3, 1)), ev("revoked", D(2022, 1, 10)), ev("recognized", D(2024, 3, 20))]
    st = platform_status(P, evs + ON_TIME, D(2025, 9, 1))
    assert st.state == "有效" and not st.overdue, kinds(st)      # nothing owed for 2021–2023
