"""``signage calendar load``: a schedule file is checked whole, and a bad one loads nothing."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from signage_server.extensions import db
from signage_server.workdays.models import CalendarDay
from signage_server.workdays.models import CalendarYear

GOOD = """# 2031 (test data)
2031-01-01,holiday,元旦
2031-01-23,holiday,春节
2031-01-24,holiday,春节
2031-01-26,workday,春节调休
2031-05-01,holiday,劳动节
"""


def load(app: Flask, tmp_path: Path, text: str, year: str = "2031") -> tuple[int, str, str]:
    path = tmp_path / "schedule.csv"
    path.write_text(text, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["calendar", "load", year, str(path)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def stored(app: Flask) -> tuple[list[str], list[int]]:
    with app.app_context():
        days = [d.day.isoformat() for d in db.session.scalars(sa.select(CalendarDay))]
        years = list(db.session.scalars(sa.select(CalendarYear.year)))
    return sorted(days), years


def test_a_good_file_loads(app: Flask, tmp_path: Path) -> None:
    code, out, _err = load(app, tmp_path, GOOD)
    assert code == 0
    assert "Loaded 2031: 4 holidays, 1 adjusted working days." in out
    days, years = stored(app)
    assert years == [2031] and len(days) == 5


def test_a_bad_file_names_every_bad_line_and_loads_nothing(app: Flask, tmp_path: Path) -> None:
    bad = (
        GOOD
        + "2031-01-24,holiday,春节\n"  # 7: the same date again
        + "2031-10-01,holiday\n"  # 8: two fields
        + "2031-10-02,holiday,国庆节,多余\n"  # 9: four fields
        + "2031-02-30,holiday,不存在的日期\n"  # 10: no such date
        + "2030-10-03,holiday,国庆节\n"  # 11: another year
        + "2031-10-04,vacation,国庆节\n"  # 12: unknown kind
        + "2031-10-05,holiday,"
        + "长" * 101
        + "\n"  # 13: name too long
        + "2031-10-06,holiday,\n"  # 14: fine (no name)
    )
    code, out, err = load(app, tmp_path, bad)
    assert code == 1
    assert "Traceback" not in out + err and "IntegrityError" not in out + err
    lines = [line for line in err.splitlines() if "schedule.csv: line" in line]
    assert [line.split("line ")[1].split(":")[0] for line in lines] == [
        "7", "8", "9", "10", "11", "12", "13",
    ]  # fmt: skip
    assert "already listed on line 4" in lines[0]
    assert "found 2" in lines[1] and "found 4" in lines[2]
    assert "not a date" in lines[3]
    assert "is not in 2031" in lines[4]
    assert "'vacation'" in lines[5]
    assert "longer than 100" in lines[6]
    assert "7 problem(s)" in err and "nothing was loaded" in err
    assert stored(app) == ([], [])


def test_a_bad_file_leaves_a_loaded_year_alone(app: Flask, tmp_path: Path) -> None:
    assert load(app, tmp_path, GOOD)[0] == 0
    before = stored(app)
    code, _out, err = load(app, tmp_path, GOOD + "2031-05-01,holiday,劳动节\n")
    assert code == 1 and "already listed on line 6" in err
    assert stored(app) == before


def test_a_file_without_holidays_is_refused(app: Flask, tmp_path: Path) -> None:
    code, _out, err = load(app, tmp_path, "2031-01-26,workday,调休\n")
    assert code == 1 and "no holidays listed for 2031" in err
    assert stored(app) == ([], [])
