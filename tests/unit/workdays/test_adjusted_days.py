"""``adjusted_days``: the days of a year that break the Monday-to-Friday rule (``signage
calendar show``)."""

from __future__ import annotations

import datetime as dt

import pytest

from signage_server.workdays.rules import CalendarUnknown
from signage_server.workdays.rules import WorkdayCalendar
from signage_server.workdays.rules import adjusted_days

D = dt.date


def test_national_day_2025_from_the_built_in_data() -> None:
    days = dict(adjusted_days(WorkdayCalendar(), 2025))
    assert days[D(2025, 10, 1)] is False  # Wednesday, a holiday
    assert days[D(2025, 9, 28)] is True  # Sunday, an adjusted working day
    assert D(2025, 10, 4) not in days  # Saturday, off as every weekend
    assert D(2025, 10, 9) not in days  # Thursday, an ordinary working day
    assert list(days) == sorted(days)


def test_only_the_days_that_break_the_rule_of_a_loaded_year() -> None:
    year = WorkdayCalendar().known.stop + 1
    monday = next(D(year, 3, d) for d in range(1, 8) if D(year, 3, d).weekday() == 0)
    saturday, sunday = monday + dt.timedelta(days=5), monday + dt.timedelta(days=6)
    calendar = WorkdayCalendar(
        overrides={monday: False, saturday: True, sunday: False}, loaded=frozenset({year})
    )
    assert adjusted_days(calendar, year) == [(monday, False), (saturday, True)]


def test_an_unknown_year_is_refused() -> None:
    with pytest.raises(CalendarUnknown):
        adjusted_days(WorkdayCalendar(), WorkdayCalendar().known.stop + 1)
