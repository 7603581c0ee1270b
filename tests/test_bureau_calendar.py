"""Reporting calendar: article 14 reports, annex 6 deadlines, the 3-year validity."""
import datetime as dt

from click.testing import CliRunner

from toolkit.bureau.calendar import deadlines, to_ics, validity_end
from toolkit.cli import main

D = dt.date


def test_validity_is_three_years():
    assert validity_end(D(2026, 3, 20)) == D(2029, 3, 19)
    assert validity_end(D(2024, 2, 29)) == D(2027, 2, 27)


def test_deadlines_of_one_year():
    got = [(d.date, d.article) for d in deadlines(D(2026, 3, 20), 2027)]
    assert got == [(D(2027, 1, 30), "附件6说明"), (D(2027, 2, 28), "第十四条"),
                   (D(2027, 7, 20), "附件6说明"), (D(2027, 8, 31), "第十四条")]


def test_leap_year_end_of_february():
    assert D(2028, 2, 29) in [d.date for d in deadlines(D(2026, 3, 20), 2028)]


def test_nothing_before_recognition_and_review_at_the_end():
    items = deadlines(D(2026, 9, 10))
    assert min(d.date for d in items) == D(2027, 1, 30)    # 2026 上半年 is before recognition
    review = [d for d in items if d.article == "第十五条"]
    assert [d.date for d in review] == [D(2029, 9, 9)]


def test_ics_is_valid_and_folded():
    text = to_ics(deadlines(D(2026, 3, 20), 2027), D(2026, 3, 20))
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 4
    assert "DTSTART;VALUE=DATE:20270228" in text
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    assert to_ics(deadlines(D(2026, 3, 20)), D(2026, 3, 20)) == to_ics(deadlines(D(2026, 3, 20)), D(2026, 3, 20))


def test_cli_calendar(tmp_path):
    out = tmp_path / "cal.ics"
    res = CliRunner().invoke(main, ["calendar", "--recognized-on", "2026年3月20日", "--year", "2027",
                                    "--ics", str(out)])
    assert res.exit_code == 0, res.output
    assert "2027-08-31" in res.output and "总结报告" in res.output
    assert out.read_text(encoding="utf-8").count("BEGIN:VEVENT") == 4
    bad = CliRunner().invoke(main, ["calendar", "--recognized-on", "2026-02-30"])
    assert bad.exit_code == 2 and "日期不存在" in bad.output
