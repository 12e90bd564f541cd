"""The official working-day calendar: holidays, adjusted working days, unknown years."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from signage_server.errors import RuleViolation
from signage_server.workdays.rules import CalendarUnknown
from signage_server.workdays.rules import WorkdayCalendar
from signage_server.workdays.rules import builtin_years

CAL = WorkdayCalendar()
D = dt.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_builtin_years_are_stated() -> None:
    years = builtin_years()
    assert years.start <= 2020
    assert years.stop - 1 >= 2025


def test_national_day_2025() -> None:
    # 2025: 1-8 October off, Sunday 28 September and Saturday 11 October worked (调休).
    assert not CAL.is_workday(D(2025, 10, 1))
    assert not CAL.is_workday(D(2025, 10, 8))
    assert CAL.is_workday(D(2025, 9, 28))  # a Sunday
    assert CAL.is_workday(D(2025, 10, 11))  # a Saturday
    assert CAL.is_workday(D(2025, 10, 9))


def test_five_weekdays_over_national_day_are_two_working_days() -> None:
    # Monday 29 September to Friday 3 October 2025: five weekdays, two working days.
    first, last = D(2025, 9, 29), D(2025, 10, 3)
    assert sum(1 for n in range(5) if (first + dt.timedelta(n)).weekday() < 5) == 5
    assert CAL.working_days(first, last) == 2


def test_working_days_count_both_ends() -> None:
    assert CAL.working_days(D(2025, 11, 3), D(2025, 11, 7)) == 5  # Monday to Friday
    assert CAL.working_days(D(2025, 11, 8), D(2025, 11, 9)) == 0  # a weekend
    assert CAL.working_days(D(2025, 11, 7), D(2025, 11, 3)) == 0


def test_add_working_days_skips_holidays() -> None:
    # Ten working days after Tuesday 30 September 2025: October 1-8 off, 11 worked.
    assert CAL.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert CAL.add_working_days(D(2025, 9, 30), 3) == D(2025, 10, 11)
    assert CAL.add_working_days(D(2025, 9, 30), 0) == D(2025, 9, 30)
    with pytest.raises(ValueError, match="negative"):
        CAL.add_working_days(D(2025, 9, 30), -1)


def test_nth_working_day() -> None:
    assert CAL.nth_working_day(D(2025, 9, 29), 1) == D(2025, 9, 29)
    assert CAL.nth_working_day(D(2025, 9, 29), 3) == D(2025, 10, 9)
    assert CAL.nth_working_day(D(2025, 10, 1), 1) == D(2025, 10, 9)


def test_unknown_year_is_refused_loudly() -> None:
    future = D(CAL.known.stop + 1, 3, 3)
    with pytest.raises(CalendarUnknown) as info:
        CAL.is_workday(future)
    assert str(future.year) in str(info.value)
    assert "signage calendar load" in str(info.value)
    # For the users who asked for a count, a rule violation of the shared kind.
    assert isinstance(info.value, RuleViolation)
    assert (info.value.status, info.value.code) == (422, "calendar_unknown")
    assert info.value.params == {"year": future.year}
    with pytest.raises(CalendarUnknown):
        CAL.working_days(D(CAL.known.stop - 1, 12, 28), D(CAL.known.stop, 1, 5))


def test_loaded_year_and_overrides() -> None:
    year = CAL.known.stop + 1
    loaded = WorkdayCalendar(
        overrides={D(year, 1, 1): False, D(year, 2, 7): True}, loaded=frozenset({year})
    )
    assert not loaded.is_workday(D(year, 1, 1))
    assert loaded.is_workday(D(year, 2, 7)) is True
    monday = next(D(year, 3, d) for d in range(1, 8) if D(year, 3, d).weekday() == 0)
    assert loaded.is_workday(monday)
    assert not loaded.is_workday(monday + dt.timedelta(days=5))
    # Overrides also correct the built-in data.
    corrected = WorkdayCalendar(overrides={D(2025, 10, 9): False})
    assert not corrected.is_workday(D(2025, 10, 9))
