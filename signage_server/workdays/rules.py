"""Working days by the official Chinese calendar. Pure: no Flask, no database session.

The State Council publishes each year's holidays and adjusted working days (调休) in the
autumn before. The built-in data comes from the ``chinesecalendar`` package; years it does
not know yet can be loaded by an administrator (``signage calendar load``) and arrive here
as ``loaded``. A date in a year known to neither is refused loudly with
:class:`CalendarUnknown`: a notice period is never counted on a guess.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field

import chinese_calendar
from chinese_calendar import constants as _cc

from signage_server.errors import RuleViolation
from signage_server.i18n import N_


@functools.cache
def builtin_years() -> range:
    """Return the years the installed ``chinesecalendar`` package knows."""
    years = [d.year for d in _cc.holidays] + [d.year for d in _cc.workdays]
    return range(min(years), max(years) + 1)


@functools.lru_cache(maxsize=8192)
def _builtin_workday(day: dt.date) -> bool:
    """``chinese_calendar.is_workday``, remembered per date: the package's data does not change
    while a process runs, and each of its answers scans its whole table of holidays (a
    feedback receipt's deadlines ask it about twenty times)."""
    return bool(chinese_calendar.is_workday(day))


class CalendarUnknown(RuleViolation):
    """The calendar does not know whether a date is a working day.

    A rule violation (422, ``calendar_unknown``) for the users who asked to count working
    days in that year; callers that can do without the count (a notice's protection errs on
    the side of the notice) catch it. ``str()`` gives the administrator's details.
    """

    def __init__(self, day: dt.date, known: range, loaded: frozenset[int]) -> None:
        super().__init__(
            N_(
                "The working-day calendar does not cover %(year)d yet: an administrator must"
                " load the official %(year)d holiday schedule before notice periods can be"
                " counted."
            ),
            code="calendar_unknown",
            year=day.year,
        )
        years = f"{known.start}-{known.stop - 1}"
        if loaded:
            years += " and " + ", ".join(str(y) for y in sorted(loaded))
        self.detail = (
            f"the working-day calendar does not cover {day.year} (it knows {years});"
            f" load the official {day.year} schedule with `signage calendar load`"
        )
        self.day = day
        self.year = day.year

    def __str__(self) -> str:
        return self.detail


@dataclass(frozen=True)
class WorkdayCalendar:
    """Tell working days apart from holidays.

    :param overrides: days set by an administrator: ``True`` a working day, ``False`` a
        holiday. They win over the built-in data (corrections) and complete loaded years.
    :param loaded: years whose official schedule an administrator loaded; in those years a
        day without an override is a working day from Monday to Friday.
    """

    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    loaded: frozenset[int] = frozenset()
    known: range = field(default_factory=builtin_years)

    def covers(self, year: int) -> bool:
        return year in self.known or year in self.loaded

    def is_workday(self, day: dt.date) -> bool:
        """Tell whether ``day`` is a working day.

        :raise CalendarUnknown: the year of ``day`` is neither built in nor loaded.
        """
        if day in self.overrides:
            return self.overrides[day]
        if day.year in self.known:
            return _builtin_workday(day)
        if day.year in self.loaded:
            return day.weekday() < 5
        raise CalendarUnknown(day, self.known, self.loaded)

    def working_days(self, first: dt.date, last: dt.date) -> int:
        """Count the working days from ``first`` to ``last``, both included."""
        count = 0
        day = first
        while day <= last:
            count += self.is_workday(day)
            day += dt.timedelta(days=1)
        return count

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """Return the date on which ``days`` working days after ``start`` have passed.

        ``start`` itself does not count: a deadline of 10 working days from a Friday
        request ends on the tenth working day after it.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        remaining = days
        while remaining:
            day += dt.timedelta(days=1)
            remaining -= self.is_workday(day)
        return day

    def nth_working_day(self, first: dt.date, n: int) -> dt.date:
        """Return the ``n``-th working day counted from ``first`` (``first`` counts if it works)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        day = first - dt.timedelta(days=1)
        found = 0
        while found < n:
            day += dt.timedelta(days=1)
            found += self.is_workday(day)
        return day


def adjusted_days(calendar: WorkdayCalendar, year: int) -> list[tuple[dt.date, bool]]:
    """Return the days of ``year`` that break the Monday-to-Friday rule, in order, each with
    ``True`` for a working day on a weekend (调休) and ``False`` for a holiday on a weekday.

    :raise CalendarUnknown: the calendar does not cover ``year``.
    """
    found: list[tuple[dt.date, bool]] = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        weekend = day.weekday() >= 5
        if calendar.is_workday(day) == weekend:
            found.append((day, weekend))
        day += dt.timedelta(days=1)
    return found
