"""Dates typed and shown as 年-月-日, whatever the browser's language."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from signage_server.web.dates import DATE_PATTERN
from signage_server.web.dates import DATETIME_PATTERN
from signage_server.web.dates import Unreadable
from signage_server.web.dates import format_date
from signage_server.web.dates import format_datetime
from signage_server.web.dates import parse_date
from signage_server.web.dates import parse_datetime


@pytest.mark.parametrize(
    "text", ["2026-12-01", "2026-12-1", "2026/12/01", "2026.12.1", "2026年12月1日", " 2026-12-01 "]
)
def test_what_people_type_for_a_date(text: str) -> None:
    assert parse_date(text) == dt.date(2026, 12, 1)
    assert re.fullmatch(DATE_PATTERN, text)


def test_full_width_digits_are_read() -> None:
    assert parse_date("２０２６－１２－０１") == dt.date(2026, 12, 1)
    assert parse_datetime("２０２６－１２－０１ ０８：３０") == dt.datetime(2026, 12, 1, 8, 30)


@pytest.mark.parametrize(
    "text", ["12/01/2026", "01.12.2026", "2026-13-01", "2026-02-30", "明天", "2026-12"]
)
def test_other_spellings_are_refused(text: str) -> None:
    with pytest.raises(Unreadable):
        parse_date(text)
    with pytest.raises(Unreadable):
        parse_datetime(text)


def test_empty_is_none() -> None:
    assert parse_date("") is None and parse_datetime("  ") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01 08:30", dt.datetime(2026, 12, 1, 8, 30)),
        ("2026-12-01T08:30", dt.datetime(2026, 12, 1, 8, 30)),
        ("2026-12-01 8:05", dt.datetime(2026, 12, 1, 8, 5)),
        ("2026年12月1日 8时30分", dt.datetime(2026, 12, 1, 8, 30)),
        ("2026-12-01 24:00", dt.datetime(2026, 12, 2)),
        ("2026-12-01", dt.datetime(2026, 12, 1)),
    ],
)
def test_date_and_time(text: str, expected: dt.datetime) -> None:
    assert parse_datetime(text) == expected


def test_a_date_alone_as_an_end_is_the_end_of_that_day() -> None:
    assert parse_datetime("2026-12-31", end_of_day=True) == dt.datetime(2027, 1, 1)
    assert parse_datetime("2026-12-31 18:00", end_of_day=True) == dt.datetime(2026, 12, 31, 18)


@pytest.mark.parametrize(
    "text", ["2026-12-01 25:00", "2026-12-01 08:61", "2026-12-01 8", "2026-12-01 x"]
)
def test_bad_times_are_refused(text: str) -> None:
    with pytest.raises(Unreadable):
        parse_datetime(text)


def test_shown_as_year_month_day() -> None:
    assert format_date(dt.date(2026, 1, 5)) == "2026-01-05"
    assert format_datetime(dt.datetime(2026, 1, 5, 7, 3)) == "2026-01-05 07:03"
    assert format_date(None) == format_datetime(None) == ""
    assert re.fullmatch(DATETIME_PATTERN, "2026-01-05 07:03")
