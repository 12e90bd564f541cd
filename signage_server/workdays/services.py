"""Load the working-day calendar with the years administrators added."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.workdays.models import CalendarDay
from signage_server.workdays.models import CalendarYear
from signage_server.workdays.rules import WorkdayCalendar


def load_calendar(session: Session) -> WorkdayCalendar:
    """Return the calendar: built-in data plus what administrators loaded."""
    overrides = {d.day: d.workday for d in session.scalars(sa.select(CalendarDay))}
    loaded = frozenset(session.scalars(sa.select(CalendarYear.year)))
    return WorkdayCalendar(overrides=overrides, loaded=loaded)


@dataclass(frozen=True)
class DaySpec:
    day: dt.date
    workday: bool
    name: str = ""


def parse_schedule(text: str, year: int) -> list[DaySpec]:
    """Parse a schedule as CSV lines ``date,holiday|workday,name``.

    Lines starting with ``#`` and blank lines are ignored. Only the holidays and the
    adjusted working days (调休) need listing: other days follow Monday-Friday.

    :raise ValueError: with the line number of the first malformed line.
    """
    days: list[DaySpec] = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
            continue
        try:
            day = dt.date.fromisoformat(row[0].strip())
            kind = row[1].strip().lower()
        except (ValueError, IndexError):
            raise ValueError(f"line {number}: expected 'YYYY-MM-DD,holiday|workday,name'") from None
        if kind not in ("holiday", "workday"):
            raise ValueError(f"line {number}: kind must be 'holiday' or 'workday', not {kind!r}")
        if day.year != year:
            raise ValueError(f"line {number}: {day} is not in {year}")
        name = row[2].strip() if len(row) > 2 else ""
        days.append(DaySpec(day, kind == "workday", name))
    if not any(not d.workday for d in days):
        raise ValueError(f"no holidays listed for {year}: is this the right file?")
    return days


def load_year(
    session: Session, year: int, days: Iterable[DaySpec], *, source: str, loaded_by: str
) -> int:
    """Replace the loaded schedule of ``year``; return how many days were stored."""
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
