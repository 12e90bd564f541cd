"""定时开关屏: when a screen is meant to be on. Pure: no Flask, no database session.

A power schedule has one row per weekday (Monday to Sunday) and a holiday row. A row is
either a window ``"07:00-23:30"`` (on at 07:00, off at 23:30), ``"off"`` (off all day) or,
for the holiday row only, ``"weekday"`` (holidays follow the row of their weekday). An off
time at or before the on time runs past midnight: ``"18:00-02:00"`` keeps the screen on
until 02:00 of the next day; ``"00:00-24:00"`` keeps it on all day.

Which row a date uses (:func:`day_kind`, by the official calendar of ``signage_server.workdays``):

- a **public holiday** uses the holiday row. A day off counts as a public holiday when it is
  a weekday off, or a weekend day in the same run of days off as a weekday off (the Saturday
  and Sunday inside the National Day week are holidays; an ordinary weekend is not);
- an **adjusted working day** (调休: a Saturday or Sunday the State Council made a working
  day) uses the **Monday** row: the village office works as on any working day, and Monday
  stands for the working week;
- every other day uses the row of its weekday.

A year the calendar does not know falls back to plain weekdays and weekends (a screen is never
left dark for want of a calendar).

Times are wall-clock times of the screen's own time zone (``zoneinfo``): on a day the clocks
change, a window keeps its wall-clock times. A live urgent item wakes a screen that is off by
schedule (:func:`power_state`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from signage_server.errors import BadRequest
from signage_server.i18n import N_
from signage_server.workdays.rules import CalendarUnknown

__all__ = [
    "DAYS",
    "OFF",
    "WEEKDAY",
    "DayKind",
    "PowerState",
    "Schedule",
    "Window",
    "day_kind",
    "is_on",
    "next_change",
    "off_intervals",
    "parse_schedule",
    "power_state",
]

#: A row's value for "off all day".
OFF = "off"
#: The holiday row's value for "as on the weekday".
WEEKDAY = "weekday"
#: The weekdays' keys, Monday first (``date.weekday()`` order).
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: The longest run of days off looked at around a day (the longest Chinese holiday is 8 days).
_RUN_MAX = 12

_WINDOW = re.compile(r"^\s*(\d{1,2})[:：](\d{2})\s*[-–—~～至到]\s*(\d{1,2})[:：](\d{2})\s*$")


class DayKind(StrEnum):
    """Which row of the schedule a date uses."""

    NORMAL = "normal"
    HOLIDAY = "holiday"
    #: A weekend day made a working day (调休): the Monday row.
    ADJUSTED = "workday"


class PowerState(StrEnum):
    """What a screen does now: on, off by schedule, or woken by an urgent item."""

    ON = "on"
    OFF = "off"
    WOKEN = "woken"


@dataclass(frozen=True, order=True)
class Window:
    """On from ``on`` to ``off`` minutes after midnight; ``off`` may exceed 1440 (past midnight)."""

    on: int
    off: int

    @property
    def text(self) -> str:
        return f"{_hhmm(self.on)}-{_hhmm(self.off % 1440 if self.off > 1440 else self.off)}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


Row = Window | None  # None: off all day


@dataclass(frozen=True)
class Schedule:
    """A weekly schedule: ``week`` Monday..Sunday, ``holiday`` (``WEEKDAY``: as on the weekday)."""

    week: tuple[Row, Row, Row, Row, Row, Row, Row]
    holiday: Row | str = WEEKDAY

    def json(self) -> dict[str, object]:
        """Return the schedule as stored, sent to the player and given by the API."""
        return {
            "week": {key: _row_text(row) for key, row in zip(DAYS, self.week, strict=True)},
            "holiday": self.holiday if isinstance(self.holiday, str) else _row_text(self.holiday),
        }

    def row_for(self, weekday: int, kind: DayKind) -> Row:
        if kind is DayKind.HOLIDAY and not isinstance(self.holiday, str):
            return self.holiday
        if kind is DayKind.HOLIDAY and self.holiday == OFF:
            return None
        if kind is DayKind.ADJUSTED:
            return self.week[0]
        return self.week[weekday]


def _row_text(row: Row) -> str:
    return OFF if row is None else row.text


class RowError(ValueError):
    """A malformed row: ``message`` (``N_`` text with ``%(text)s``) and the row's ``text``."""

    def __init__(self, message: str, text: str) -> None:
        super().__init__(message % {"text": text})
        self.message = message
        self.text = text


@dataclass(frozen=True)
class Problem:
    """One mistake of a schedule: the row (``mon``..``sun``, ``holiday``, ``week``) and why
    (``N_`` text with ``%(text)s``)."""

    row: str
    message: str
    text: str = ""

    def english(self) -> str:
        return f"{self.row}: " + self.message % {"text": self.text}


class ScheduleInvalid(BadRequest):
    """A schedule with mistakes: one per bad row (``problems``; ``details`` in English),
    nothing saved."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            N_("The power schedule has mistakes: nothing was saved."),
            code="invalid_power_schedule",
            details=[p.english() for p in problems],
        )
        self.problems = problems


_DAY_NAMES = {
    "mon": N_("Monday"),
    "tue": N_("Tuesday"),
    "wed": N_("Wednesday"),
    "thu": N_("Thursday"),
    "fri": N_("Friday"),
    "sat": N_("Saturday"),
    "sun": N_("Sunday"),
    "holiday": N_("Holidays"),
}


def day_name(key: str) -> str:
    """The (untranslated) name of a row: ``N_`` text for the caller to translate."""
    return _DAY_NAMES[key]


def parse_row(text: str, *, holiday: bool = False) -> Row | str:
    """Return a row from its text: ``"07:00-23:30"``, ``"off"`` (also empty or ``关``),
    ``"weekday"`` (holiday row only).

    :raise RowError: why not.
    """
    value = (text or "").strip().lower()
    if value in ("", OFF, "关", "关屏", "全天关"):
        return None
    if value == WEEKDAY:
        if not holiday:
            raise RowError(N_("Only the holiday row may follow the weekday."), text)
        return WEEKDAY
    match = _WINDOW.match(value)
    if match is None:
        raise RowError(N_("“%(text)s” is not a time window like 07:00-23:30, nor “off”."), text)
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
        raise RowError(N_("“%(text)s” has a time of day that does not exist."), text)
    on, off = h1 * 60 + m1, h2 * 60 + m2
    if off == on:
        raise RowError(
            N_("“%(text)s” switches on and off at the same time (all day is 00:00-24:00)."), text
        )
    if off < on:
        off += 1440  # past midnight
    return Window(on, off)


def parse_schedule(data: Mapping[str, object]) -> Schedule:
    """Return the schedule of ``{"week": {"mon": "07:00-22:00", ...}, "holiday": "off"}``.

    ``week`` may also be a list of seven rows, Monday first. Every mistake is reported at once.

    :raise ScheduleInvalid: a row is malformed or missing, or the screen would never be on.
    """
    problems: list[Problem] = []
    raw_week = data.get("week")
    if isinstance(raw_week, Sequence) and not isinstance(raw_week, str):
        raw_week = dict(zip(DAYS, raw_week, strict=False))
    if not isinstance(raw_week, Mapping):
        raise ScheduleInvalid([Problem("week", N_("Give a row for each day, Monday to Sunday."))])
    rows: list[Row] = []
    for key in DAYS:
        value = raw_week.get(key)
        if value is None:
            problems.append(Problem(key, N_("Missing: give a window like 07:00-22:00, or “off”.")))
            rows.append(None)
            continue
        try:
            row = parse_row(str(value))
        except RowError as error:
            problems.append(Problem(key, error.message, error.text))
            row = None
        assert not isinstance(row, str)
        rows.append(row)
    unknown = sorted(set(map(str, raw_week)) - set(DAYS))
    if unknown:
        problems.append(Problem("week", N_("Unknown days: %(text)s."), ", ".join(unknown)))
    holiday: Row | str = WEEKDAY
    try:
        holiday = parse_row(str(data.get("holiday", WEEKDAY)), holiday=True)
    except RowError as error:
        problems.append(Problem("holiday", error.message, error.text))
    if not problems and all(row is None for row in rows):
        problems.append(
            Problem("week", N_("The screen would never be on: give at least one day a window."))
        )
    if problems:
        raise ScheduleInvalid(problems)
    return Schedule(
        week=(rows[0], rows[1], rows[2], rows[3], rows[4], rows[5], rows[6]), holiday=holiday
    )


# --- the calendar ----------------------------------------------------------------------------

#: Whether a date is a working day by the official calendar (``WorkdayCalendar.is_workday``);
#: may raise for a year it does not know.
IsWorkday = Callable[[dt.date], bool]


def _workday(is_workday: IsWorkday, day: dt.date) -> bool:
    try:
        return bool(is_workday(day))
    except CalendarUnknown:  # a year the calendar does not know: plain weekdays
        return day.weekday() < 5


def day_kind(is_workday: IsWorkday, day: dt.date) -> DayKind:
    """Return which row ``day`` uses (see the module's docstring)."""
    works = _workday(is_workday, day)
    weekend = day.weekday() >= 5
    if works:
        return DayKind.ADJUSTED if weekend else DayKind.NORMAL
    if not weekend:
        return DayKind.HOLIDAY
    # A weekend day off: a holiday when its run of days off holds a weekday off.
    for step in (-1, 1):
        other = day
        for _ in range(_RUN_MAX):
            other += dt.timedelta(days=step)
            if _workday(is_workday, other):
                break
            if other.weekday() < 5:
                return DayKind.HOLIDAY
    return DayKind.NORMAL


def special_days(is_workday: IsWorkday, first: dt.date, days: int) -> dict[str, str]:
    """Return the days from ``first`` on (``days`` of them) that do not use their weekday's
    row, as ``{"2026-10-01": "holiday", "2026-10-11": "workday"}``: what the player needs of
    the calendar."""
    found: dict[str, str] = {}
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        kind = day_kind(is_workday, day)
        if kind is not DayKind.NORMAL:
            found[day.isoformat()] = kind.value
    return found


# --- on and off ------------------------------------------------------------------------------

KindOf = Callable[[dt.date], DayKind]


def _local(day: dt.date, minutes: int, tz: dt.tzinfo) -> dt.datetime:
    """The instant of ``minutes`` after the (wall-clock) midnight starting ``day`` in ``tz``."""
    extra, minute = divmod(minutes, 1440)
    date = day + dt.timedelta(days=extra)
    return dt.datetime.combine(date, dt.time(minute // 60, minute % 60), tz).astimezone(dt.UTC)


def on_intervals(
    schedule: Schedule, kind_of: KindOf, start: dt.datetime, end: dt.datetime, tz: dt.tzinfo
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Return the merged intervals (UTC) in which the screen is meant to be on, clipped to
    ``[start, end)``."""
    if end <= start:
        return []
    first = start.astimezone(tz).date() - dt.timedelta(days=1)  # yesterday's window may run on
    last = end.astimezone(tz).date()
    spans: list[tuple[dt.datetime, dt.datetime]] = []
    day = first
    while day <= last:
        row = schedule.row_for(day.weekday(), kind_of(day))
        if row is not None:
            a, b = _local(day, row.on, tz), _local(day, row.off, tz)
            a, b = max(a, start), min(b, end)
            if a < b:
                spans.append((a, b))
        day += dt.timedelta(days=1)
    spans.sort()
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def off_intervals(
    schedule: Schedule, kind_of: KindOf, start: dt.datetime, end: dt.datetime, tz: dt.tzinfo
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Return the intervals (UTC) in ``[start, end)`` in which the screen is meant to be off."""
    out: list[tuple[dt.datetime, dt.datetime]] = []
    cursor = start.astimezone(dt.UTC)
    for a, b in on_intervals(schedule, kind_of, start, end, tz):
        if cursor < a:
            out.append((cursor, a))
        cursor = max(cursor, b)
    if cursor < end:
        out.append((cursor, end.astimezone(dt.UTC)))
    return out


def is_on(schedule: Schedule, kind_of: KindOf, at: dt.datetime, tz: dt.tzinfo) -> bool:
    """Return whether the schedule has the screen on at ``at``."""
    return bool(on_intervals(schedule, kind_of, at, at + dt.timedelta(seconds=1), tz))


#: How far :func:`next_change` looks (a schedule may keep a screen off over a long holiday).
LOOK_AHEAD = dt.timedelta(days=21)


def next_change(
    schedule: Schedule, kind_of: KindOf, at: dt.datetime, tz: dt.tzinfo
) -> dt.datetime | None:
    """Return when the state at ``at`` ends (the next switch on or off), or ``None`` when it
    does not end within :data:`LOOK_AHEAD`."""
    end = at + LOOK_AHEAD
    for a, b in on_intervals(schedule, kind_of, at, end, tz):
        if a > at:
            return a  # off now: on again at a
        if b < end:
            return b  # on now: off at b
        return None
    return None


def power_state(scheduled_on: bool, urgent_live: bool) -> PowerState:
    """Return what the screen does: a live urgent item wakes a screen off by schedule."""
    if scheduled_on:
        return PowerState.ON
    return PowerState.WOKEN if urgent_live else PowerState.OFF


def total_seconds(
    intervals: Iterator[tuple[dt.datetime, dt.datetime]] | list[tuple[dt.datetime, dt.datetime]],
) -> float:
    """Return the length of disjoint ``intervals`` in seconds."""
    return sum((b - a).total_seconds() for a, b in intervals)


def merge_periods(
    periods: Sequence[tuple[dt.datetime, dt.datetime]],
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Return ``periods`` sorted with overlaps merged (reported blank periods that overlap are
    counted once)."""
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for a, b in sorted(periods):
        if b <= a:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def hours_by_month(
    periods: Sequence[tuple[dt.datetime, dt.datetime]], tz: dt.tzinfo
) -> dict[tuple[int, int], float]:
    """Return the hours of ``periods`` (merged) per month of ``tz``, a period across a month's
    end split at its local midnight."""
    out: dict[tuple[int, int], float] = {}
    for a, b in merge_periods(periods):
        cursor = a
        while cursor < b:
            local = cursor.astimezone(tz)
            year, month = local.year, local.month
            nxt = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
            stop = min(b, nxt.astimezone(dt.UTC))
            out[(year, month)] = (
                out.get((year, month), 0.0) + (stop - cursor).total_seconds() / 3600
            )
            cursor = stop
    return out
