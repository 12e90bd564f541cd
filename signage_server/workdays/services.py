"""Load the working-day calendar with the years administrators added.

:func:`calendar_of` keeps the calendar a session loaded (one request, one job, one round of
the scheduler): every notice asked about in it is counted on the same calendar, loaded once;
:func:`load_year` drops it when an administrator changes a year.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.errors import BadRequest
from signage_server.i18n import N_
from signage_server.i18n import Label
from signage_server.workdays.models import CalendarDay
from signage_server.workdays.models import CalendarYear
from signage_server.workdays.rules import WorkdayCalendar

#: Where a session keeps the calendar it loaded (see :func:`calendar_of`).
_CACHED = "workdays.calendar"


def load_calendar(session: Session) -> WorkdayCalendar:
    """Return the calendar: built-in data plus what administrators loaded."""
    overrides = {d.day: d.workday for d in session.scalars(sa.select(CalendarDay))}
    loaded = frozenset(session.scalars(sa.select(CalendarYear.year)))
    return WorkdayCalendar(overrides=overrides, loaded=loaded)


def calendar_of(session: Session) -> WorkdayCalendar:
    """Return the calendar, loaded once per session (see the module's docstring)."""
    calendar = session.info.get(_CACHED)
    if not isinstance(calendar, WorkdayCalendar):
        calendar = session.info[_CACHED] = load_calendar(session)
    return calendar


@dataclass(frozen=True)
class DaySpec:
    day: dt.date
    workday: bool
    name: str = ""


#: The longest holiday name the database keeps.
NAME_MAX = 100


class ScheduleError(BadRequest):
    """A schedule file with mistakes: one message per bad line (``problems``, also the
    error's ``details``), nothing loaded."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            N_("The schedule file has mistakes: nothing was loaded."),
            code="invalid_schedule",
            details=problems,
        )
        self.problems = problems


def parse_schedule(text: str, year: int) -> list[DaySpec]:
    """Parse a schedule as CSV lines ``date,holiday|workday,name`` (exactly three fields;
    the name may be empty).

    Lines starting with ``#`` and blank lines are ignored. Only the holidays and the
    adjusted working days (调休) need listing: other days follow Monday-Friday. The whole
    file is checked before anything is returned.

    :raise ScheduleError: listing every malformed line (wrong number of fields, a bad or
        out-of-year date, an unknown kind, a date listed twice, an over-long name).
    """
    days: list[DaySpec] = []
    problems: list[str] = []
    seen: dict[dt.date, int] = {}
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or (len(row) == 1 and not row[0].strip()) or row[0].lstrip().startswith("#"):
            continue
        if len(row) != 3:
            problems.append(
                f"line {number}: expected 3 fields 'YYYY-MM-DD,holiday|workday,name',"
                f" found {len(row)}"
            )
            continue
        raw_day, raw_kind, raw_name = (cell.strip() for cell in row)
        line: list[str] = []
        try:
            day: dt.date | None = dt.date.fromisoformat(raw_day)
        except ValueError:
            day = None
            line.append(f"{raw_day!r} is not a date (YYYY-MM-DD)")
        if day is not None and day.year != year:
            line.append(f"{day} is not in {year}")
        kind = raw_kind.lower()
        if kind not in ("holiday", "workday"):
            line.append(f"kind must be 'holiday' or 'workday', not {raw_kind!r}")
        if len(raw_name) > NAME_MAX:
            line.append(f"the name is longer than {NAME_MAX} characters")
        if day is not None and day in seen:
            line.append(f"{day} is already listed on line {seen[day]}")
        if line:
            problems.append(f"line {number}: " + "; ".join(line))
        if day is not None and day not in seen:
            seen[day] = number
        if not line and day is not None:
            days.append(DaySpec(day, kind == "workday", raw_name))
    if not problems and not any(not d.workday for d in days):
        problems.append(f"no holidays listed for {year}: is this the right file?")
    if problems:
        raise ScheduleError(problems)
    return days


def load_year(
    session: Session, year: int, days: Iterable[DaySpec], *, source: str, loaded_by: str
) -> int:
    """Replace the loaded schedule of ``year``; return how many days were stored."""
    session.info.pop(_CACHED, None)
    session.execute(
        sa.delete(CalendarDay).where(
            CalendarDay.day >= dt.date(year, 1, 1), CalendarDay.day <= dt.date(year, 12, 31)
        )
    )
    count = 0
    for spec in days:
        session.add(CalendarDay(day=spec.day, workday=spec.workday, name=spec.name))
        count += 1
    entry = session.get(CalendarYear, year)
    if entry is None:
        session.add(CalendarYear(year=year, source=source, loaded_by=loaded_by))
    else:
        entry.source, entry.loaded_by = source, loaded_by
    session.flush()
    return count


@dataclass(frozen=True)
class Loaded:
    """What :func:`load_schedule` stored."""

    holidays: int
    adjusted_workdays: int  #: working days on a weekend (调休)


def load_schedule(session: Session, year: int, text: str, *, source: str, loaded_by: str) -> Loaded:
    """Check ``year``'s official schedule ``text`` whole (:func:`parse_schedule`), then load
    it in place of the one loaded before (:func:`load_year`).

    :param source: where the text comes from (a file name), kept and named in problems.
    :raise BadRequest: the schedule has mistakes, one detail per bad line (``"<source>: line
        N: ..."``); nothing is loaded.
    """
    shown = source or Label(N_("the file"))
    try:
        days = parse_schedule(text, year)
    except ScheduleError as error:
        raise BadRequest(
            N_("%(count)s problem(s) in %(source)s: nothing was loaded"),
            code="invalid_schedule",
            details=[f"{shown}: {problem}" for problem in error.problems],
            count=len(error.problems),
            source=shown,
        ) from None
    count = load_year(session, year, days, source=source, loaded_by=loaded_by)
    holidays = sum(not d.workday for d in days)
    return Loaded(holidays=holidays, adjusted_workdays=count - holidays)
