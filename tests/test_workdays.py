"""Working days for the 7-working-day publicity (第十一条): official holidays and 调休 make-up days."""
import datetime as dt

import pytest
from click.testing import CliRunner

from toolkit.bureau.workdays import (Calendar, NoCalendar, add_working_days, parse_holidays, publicity_end,
                                     working_days)
from toolkit.cli import main
from toolkit.errors import InputError

D = dt.date


def test_publicity_over_a_make_up_sunday_and_mid_autumn():
    # the notes' example: Fri 9/18 counts, Sun 9/20 is worked, 9/25 is 中秋 -> day 7 is Mon 9/28
    assert working_days(D(2026, 9, 18), D(2026, 9, 28)) == [
        D(2026, 9, 18), D(2026, 9, 20), D(2026, 9, 21), D(2026, 9, 22), D(2026, 9, 23), D(2026, 9, 24),
        D(2026, 9, 28)]
    assert publicity_end(D(2026, 9, 18)) == D(2026, 9, 28)


def test_a_start_on_a_day_off_is_not_counted():
    # Sat 9/19 is not a working day: counting begins on the worked Sunday
    assert publicity_end(D(2026, 9, 19)) == add_working_days(D(2026, 9, 20), 7) == D(2026, 9, 29)


def test_2026_make_up_days_of_the_state_council_notice_are_working_days():
    for d in (D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)):
        assert d.weekday() >= 5 and Calendar().is_workday(d)
    assert not Calendar().is_workday(D(2026, 10, 1))


def test_publicity_across_national_day():
    # Tue 9/29, Wed 9/30, then 10/1–10/7 off, 10/8 Thu, 10/9 Fri, Sat 10/10 worked, Mon 10/12
    assert publicity_end(D(2026, 9, 29)) == D(2026, 10, 13)


def test_a_year_without_an_official_table_is_refused_not_guessed():
    with pytest.raises(NoCalendar) as e:
        publicity_end(D(2026, 12, 28))
    assert "2027年" in str(e.value)


def test_a_year_from_the_users_notice():
    cal = Calendar(parse_holidays({"year": 2027, "holidays": ["2027-01-01", "2027-02-06~2027-02-12"],
                                   "workdays": [D(2027, 2, 14)]}))
    # 12/28–12/31 (4), 1/1 off, Mon 1/4, 1/5, 1/6
    assert publicity_end(D(2026, 12, 28), cal=cal) == D(2027, 1, 6)
    assert cal.is_workday(D(2027, 2, 14)) and not cal.is_workday(D(2027, 2, 8))


@pytest.mark.parametrize("doc, says", [
    ({"holidays": ["2027-01-01"]}, "year"),
    ({"year": 2027, "holidays": ["2027-13-01"]}, "holidays 第1项"),
    ({"year": 2027, "holidays": ["2028-01-01"]}, "不在文件写明的年份"),
    ({"year": 2027, "holidays": ["2027-02-14"], "workdays": ["2027-02-14"]}, "同时列为放假和上班"),
    ({"year": 2027, "workdays": ["2027-02-14"]}, "没有列出任何放假日期"),
])
def test_a_wrong_holiday_file_is_refused_with_the_place(doc, says):
    with pytest.raises(InputError) as e:
        parse_holidays(doc, "h.yaml")
    assert says in str(e.value) and "h.yaml" in str(e.value)


def test_cli_prints_the_last_day(tmp_path):
    r = CliRunner().invoke(main, ["calendar", "--publicity-from", "2026-09-18"])
    assert r.exit_code == 0, r.output
    assert "2026-09-28" in r.output and "9月20日" in r.output and "9月25日" not in r.output


def test_cli_refuses_2027_and_takes_a_holiday_file(tmp_path):
    r = CliRunner().invoke(main, ["calendar", "--publicity-from", "2026-12-28"])
    assert r.exit_code == 2 and "2027年" in r.output
    f = tmp_path / "2027.yaml"
    f.write_text("year: 2027\nholidays: [2027-01-01]\nworkdays: []\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["calendar", "--publicity-from", "2026-12-28", "--holidays", str(f)])
    assert r.exit_code == 0, r.output
    assert "2027-01-06" in r.output
