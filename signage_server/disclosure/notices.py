"""How long a public notice (公示) is protected: the one rule (DESIGN.md §2 "Public notice"). Pure.

A notice's minimum period counts in official working days (:class:`WorkdayCalendar`, with
调休) from the moment it actually went public: its publication, or ``valid_from`` when that is
later. The day it went public counts when it is a working day. Protection ends at the start
of the day after the N-th working day, in the local time zone. During it nothing removes or
replaces the notice on the org's public screens (no new revision, no withdrawal, no playlist,
group or screen change, no expiry) except the superior organisation's decision with a
written reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from signage_server.workdays.rules import CalendarUnknown
from signage_server.workdays.rules import WorkdayCalendar

#: Minimum working days when a notice does not say (任前公示: five).
DEFAULT_MIN_DAYS = 5


@dataclass(frozen=True)
class NoticeFacts:
    """What protection needs to know of a revision."""

    is_notice: bool
    min_days: int | None
    valid_from: dt.datetime | None
    valid_until: dt.datetime | None
    published_at: dt.datetime | None


def went_public(facts: NoticeFacts) -> dt.datetime | None:
    """Return when the revision actually went public (``None``: not published yet)."""
    if facts.published_at is None:
        return None
    if facts.valid_from is not None and facts.valid_from > facts.published_at:
        return facts.valid_from
    return facts.published_at


def protection_end(
    calendar: WorkdayCalendar, tz: dt.tzinfo, start: dt.datetime, min_days: int | None
) -> dt.datetime:
    """Return the end of a notice period of ``min_days`` working days from ``start``.

    :raise CalendarUnknown: the calendar does not cover the days needed.
    """
    days = min_days or DEFAULT_MIN_DAYS
    last = calendar.nth_working_day(start.astimezone(tz).date(), days)
    day_after = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz)
    return day_after.astimezone(dt.UTC)


def protected_until(
    facts: NoticeFacts, calendar: WorkdayCalendar, tz: dt.tzinfo
) -> dt.datetime | None:
    """Return until when a published notice is protected (``None``: not a published notice).

    When the calendar does not cover the period, the notice is protected until the end of
    its validity (erring on the side of the notice); without an end, for good.
    """
    if not facts.is_notice:
        return None
    start = went_public(facts)
    if start is None:
        return None
    try:
        return protection_end(calendar, tz, start, facts.min_days)
    except CalendarUnknown:
        return facts.valid_until or dt.datetime.max.replace(tzinfo=dt.UTC)


def is_protected(until: dt.datetime | None, now: dt.datetime) -> bool:
    """Tell whether a notice protected ``until`` is still protected at ``now``.

    A notice published ahead of its ``valid_from`` is protected from its publication on
    (its working days count from ``valid_from``): nobody quietly ends it before it starts.
    """
    return until is not None and now < until


def effective_end(valid_until: dt.datetime | None, until: dt.datetime | None) -> dt.datetime | None:
    """Return when a revision may leave the screens: never before its protection ends."""
    if valid_until is None or until is None:
        return valid_until
    return max(valid_until, until)
