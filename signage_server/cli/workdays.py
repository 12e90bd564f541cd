"""``signage calendar …``: the working-day calendar (load a year's schedule, show a year)."""

from __future__ import annotations

from typing import IO

import click

from signage_server.cli.base import Group
from signage_server.cli.base import fail
from signage_server.extensions import db
from signage_server.workdays.rules import CalendarUnknown
from signage_server.workdays.rules import adjusted_days
from signage_server.workdays.services import load_calendar
from signage_server.workdays.services import load_schedule


@click.group("calendar", cls=Group)
def calendar_group() -> None:
    """The working-day calendar (holidays and adjusted working days)."""


@calendar_group.command("load")
@click.argument("year", type=click.IntRange(2000, 2100))
@click.argument("schedule", type=click.File("r", encoding="utf-8"))
def calendar_load(year: int, schedule: IO[str]) -> None:
    """Load YEAR's official schedule from a CSV file: ``date,holiday|workday,name`` per line."""
    source = getattr(schedule, "name", "")
    try:
        text = schedule.read()
    except UnicodeDecodeError:
        fail(f"{source or 'the file'} is not UTF-8 text: nothing was loaded")
    loaded = load_schedule(db.session, year, text, source=source, loaded_by="cli")
    db.session.commit()
    click.echo(
        f"Loaded {year}: {loaded.holidays} holidays,"
        f" {loaded.adjusted_workdays} adjusted working days."
    )


@calendar_group.command("show")
@click.argument("year", type=click.IntRange(2000, 2100))
def calendar_show(year: int) -> None:
    """Print YEAR's days off and adjusted working days, or say that it is unknown."""
    try:
        days = adjusted_days(load_calendar(db.session), year)
    except CalendarUnknown as error:  # a LookupError of the pure calendar, not a DomainError
        fail(str(error))
    for day, workday in days:
        kind = "working day (adjusted)" if workday else "holiday"
        click.echo(f"{day.isoformat()}  {kind}")
