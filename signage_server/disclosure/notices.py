"""Public notices (公示): the one notice rule (DESIGN.md §2 "Public notice"). Pure.

Everything about a notice's period lives here, and every caller (the procedure, the expiry
job, the audience rule and through it screens, QR pages, public pages, boards and posters,
the API, dossiers) asks this module:

* **Its minimum** (:func:`minimum_days`, :func:`checked_minimum`): in official working days
  (:class:`~signage_server.workdays.rules.WorkdayCalendar`, with 调休); a pre-appointment
  notice (任前公示) at least five, any notice at most sixty; five when a notice does not say.
* **Its period** (:func:`check_period`): a notice names the start and end of its period,
  which must hold its minimum of working days (counted by local day, the day of the start
  included, the day of an end at midnight not).
* **Its protection** (:func:`protected_until`): counted from the moment it actually went
  public (its publication, or ``valid_from`` when later; that day counts when it is a working
  day) until the start of the day after the N-th working day, in the local time zone. When
  the calendar does not cover those days, until the end of its validity (erring on the side
  of the notice). During it nothing removes or replaces the notice (no new revision, no
  withdrawal, no playlist, group or screen change, no expiry: its window never ends before
  its protection, see :func:`signage_server.disclosure.windows.validity`) except the
  superior organisation's decision with a written reason (:func:`check_withdrawal`,
  :func:`check_replacement`).
* **The period as shown** (:func:`period`): on posters and pages, from when it went public
  to the end of its window.
* **A voter list** (选民名单, :attr:`NoticeKind.VOTER_LIST`) carries the election day
  (``election_on``). 村民委员会选举: 选民名单应当在选举日的二十日以前公布 — it must go public at
  least 20 *calendar* days before the election (the election day minus 20 at the latest,
  :func:`check_voter_list`); publishing later is refused. It is protected until the end of
  the election day (not for a number of working days), and its window may not end earlier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import replace
from enum import StrEnum

from signage_server.accounts.rules import Permission
from signage_server.disclosure.windows import Window
from signage_server.disclosure.windows import validity
from signage_server.errors import RuleViolation
from signage_server.i18n import N_
from signage_server.workdays.rules import CalendarUnknown
from signage_server.workdays.rules import WorkdayCalendar


class NoticeKind(StrEnum):
    PRE_APPOINTMENT = "pre_appointment"
    GENERAL = "general"
    VOTER_LIST = "voter_list"

    @property
    def label(self) -> str:
        return NOTICE_LABELS[self]


NOTICE_LABELS = {
    NoticeKind.PRE_APPOINTMENT: N_("Pre-appointment notice"),
    NoticeKind.GENERAL: N_("Public notice"),
    NoticeKind.VOTER_LIST: N_("Voter list"),
}

#: 任前公示 lasts at least five working days.
PRE_APPOINTMENT_MIN_DAYS = 5
GENERAL_NOTICE_MIN_DAYS = 5
#: Minimum working days when a notice does not say, by kind.
DEFAULT_MIN_DAYS = {
    NoticeKind.PRE_APPOINTMENT: PRE_APPOINTMENT_MIN_DAYS,
    NoticeKind.GENERAL: GENERAL_NOTICE_MIN_DAYS,
    # A voter list runs until the election day; its working days are not what counts.
    NoticeKind.VOTER_LIST: 1,
}
#: The fewest working days a notice of each kind may ask for.
FLOOR_DAYS = {
    NoticeKind.PRE_APPOINTMENT: PRE_APPOINTMENT_MIN_DAYS,
    NoticeKind.GENERAL: 1,
    NoticeKind.VOTER_LIST: 1,
}
#: A voter list goes public at least this many calendar days before the election day.
VOTER_LIST_DAYS_BEFORE = 20
#: The most working days a notice may ask for.
MAX_DAYS = 60
#: Who may end or replace a notice during its protection (with a written reason).
OVERRIDE = Permission.SUPERIOR_APPROVE_ITEMS


# --- the minimum ------------------------------------------------------------------------


def minimum_days(kind: NoticeKind, requested: int | None) -> int:
    """Return a notice's minimum working days: as it says, else its kind's default."""
    return requested or DEFAULT_MIN_DAYS[kind]


def checked_minimum(kind: NoticeKind, requested: int | None) -> int:
    """Return the minimum working days of a notice; refuse less or more than the rules allow.

    :raise RuleViolation: ``notice_too_short``, ``notice_too_long``.
    """
    value = DEFAULT_MIN_DAYS[kind] if requested is None else requested
    floor = FLOOR_DAYS[kind]
    if value < floor:
        raise RuleViolation(
            N_("A pre-appointment notice lasts at least %(days)d working days."),
            code="notice_too_short",
            days=floor,
        )
    if value > MAX_DAYS:
        raise RuleViolation(
            N_("A notice period is at most 60 working days."), code="notice_too_long"
        )
    return value


# --- the period -------------------------------------------------------------------------


def working_days(
    calendar: WorkdayCalendar, tz: dt.tzinfo, start: dt.datetime, end: dt.datetime
) -> int:
    """Count the working days of the local days ``[start, end)`` touches.

    :raise CalendarUnknown: the calendar does not cover them.
    """
    window = Window(start, end)
    first, last = window.first_day(tz), window.last_day(tz)
    assert first is not None and last is not None  # both bounds are given
    return calendar.working_days(first, last)


def election_end(election_on: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """Return the end of the election day (the start of the next local day), in UTC."""
    day_after = dt.datetime.combine(election_on + dt.timedelta(days=1), dt.time(), tz)
    return day_after.astimezone(dt.UTC)


def latest_voter_list_day(election_on: dt.date) -> dt.date:
    """Return the last day a voter list may go public: 20 days before the election."""
    return election_on - dt.timedelta(days=VOTER_LIST_DAYS_BEFORE)


def check_voter_list(
    election_on: dt.date | None,
    start: dt.datetime | None,
    end: dt.datetime | None,
    tz: dt.tzinfo,
) -> None:
    """Check a voter list: it names its election day, goes public (``start``, local day) at
    least 20 days before it, and its window does not end before the election day does.

    :raise RuleViolation: ``voter_list_needs_election``, ``voter_list_too_late``,
        ``voter_list_ends_early``.
    """
    if election_on is None:
        raise RuleViolation(
            N_("A voter list needs the date of the election."), code="voter_list_needs_election"
        )
    latest = latest_voter_list_day(election_on)
    if start is not None and start.astimezone(tz).date() > latest:
        raise RuleViolation(
            N_(
                "A voter list is published at least %(days)d days before the election"
                " (%(election)s): on %(latest)s at the latest. It would go public on"
                " %(start)s."
            ),
            code="voter_list_too_late",
            days=VOTER_LIST_DAYS_BEFORE,
            election=election_on.isoformat(),
            latest=latest.isoformat(),
            start=start.astimezone(tz).date().isoformat(),
        )
    if end is not None and end < election_end(election_on, tz):
        raise RuleViolation(
            N_("A voter list stays public until the election day (%(election)s) is over."),
            code="voter_list_ends_early",
            election=election_on.isoformat(),
        )


def check_period(
    kind: NoticeKind,
    requested: int | None,
    start: dt.datetime | None,
    end: dt.datetime | None,
    calendar: WorkdayCalendar,
    tz: dt.tzinfo,
    election_on: dt.date | None = None,
) -> int:
    """Check a notice's period from ``start`` to ``end``; return its working days.

    :raise RuleViolation: a minimum out of bounds, no start or end, fewer working days than
        the minimum (``notice_too_short``), a year the calendar does not cover
        (:class:`~signage_server.workdays.rules.CalendarUnknown`, ``calendar_unknown``).
    """
    minimum = checked_minimum(kind, requested)
    if kind is NoticeKind.VOTER_LIST:
        check_voter_list(election_on, start, end, tz)
        if start is None or end is None:
            return 0  # open-ended: it runs until the election day is over
    if start is None or end is None:
        raise RuleViolation(
            N_("A public notice needs the start and end of its notice period."),
            code="notice_needs_window",
        )
    days = working_days(calendar, tz, start, end)
    if days < minimum:
        raise RuleViolation(
            N_(
                "The notice period holds %(found)d working days; at least %(days)d are required"
                " (holidays and weekends do not count)."
            ),
            code="notice_too_short",
            found=days,
            days=minimum,
        )
    return days


def publication_start(valid_from: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """Return where a notice published at ``now`` counts its period from (not before now)."""
    return max(valid_from or now, now)


# --- protection -------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeFacts:
    """What protection needs to know of a revision."""

    kind: NoticeKind | None
    min_days: int | None
    valid_from: dt.datetime | None
    valid_until: dt.datetime | None
    published_at: dt.datetime | None
    #: The election day of a voter list.
    election_on: dt.date | None = None


def went_public(facts: NoticeFacts) -> dt.datetime | None:
    """Return when the revision actually went public (``None``: not published yet)."""
    if facts.published_at is None:
        return None
    if facts.valid_from is not None and facts.valid_from > facts.published_at:
        return facts.valid_from
    return facts.published_at


def protection_end(
    calendar: WorkdayCalendar, tz: dt.tzinfo, start: dt.datetime, min_days: int
) -> dt.datetime:
    """Return the end of a notice period of ``min_days`` working days from ``start``: the
    start of the local day after the ``min_days``-th working day (``start``'s day counts).

    :raise CalendarUnknown: the calendar does not cover the days needed.
    """
    last = calendar.nth_working_day(start.astimezone(tz).date(), min_days)
    day_after = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz)
    return day_after.astimezone(dt.UTC)


def protected_until(
    facts: NoticeFacts, calendar: WorkdayCalendar, tz: dt.tzinfo
) -> dt.datetime | None:
    """Return until when a published notice is protected (``None``: not a published notice).

    When the calendar does not cover the period, the notice is protected until the end of
    its validity (erring on the side of the notice); without an end, for good.
    """
    if facts.kind is None:
        return None
    start = went_public(facts)
    if start is None:
        return None
    if facts.kind is NoticeKind.VOTER_LIST and facts.election_on is not None:
        return election_end(facts.election_on, tz)
    try:
        return protection_end(calendar, tz, start, minimum_days(facts.kind, facts.min_days))
    except CalendarUnknown:
        return facts.valid_until or dt.datetime.max.replace(tzinfo=dt.UTC)


def is_protected(until: dt.datetime | None, now: dt.datetime) -> bool:
    """Tell whether a notice protected ``until`` is still protected at ``now``.

    A notice published ahead of its ``valid_from`` is protected from its publication on
    (its working days count from ``valid_from``): nobody quietly ends it before it starts.
    """
    return until is not None and now < until


def check_withdrawal(until: dt.datetime | None, now: dt.datetime, *, superior: bool) -> None:
    """Refuse to withdraw a notice during its protection unless the superior organisation
    decides (the reason is required of every withdrawal by the procedure).

    :raise RuleViolation: ``notice_running``.
    """
    if is_protected(until, now) and not superior:
        raise RuleViolation(
            N_(
                "The minimum notice period is running:"
                " only the superior organisation may withdraw it."
            ),
            code="notice_running",
        )


def check_replacement(
    until: dt.datetime | None, now: dt.datetime, *, superior: bool, reason: str
) -> None:
    """Refuse to publish a revision replacing a notice during its protection, unless the
    superior organisation decides with a written reason.

    :raise RuleViolation: ``notice_running``, ``reason_required``.
    """
    if not is_protected(until, now):
        return
    if not superior:
        raise RuleViolation(
            N_(
                "A public notice is running its minimum period: a new revision may not"
                " replace it. Only the superior organisation may end it early, with a"
                " written reason."
            ),
            code="notice_running",
        )
    if not reason.strip():
        raise RuleViolation(
            N_("Replacing a running notice needs a written reason."), code="reason_required"
        )


def period(facts: NoticeFacts, calendar: WorkdayCalendar, tz: dt.tzinfo) -> Window:
    """Return a notice's period as posters and pages show it: from when it went public (not
    published yet: from ``valid_from``, as if it went public then) to the end of its
    validity, never before its protection ends (without an end: to its protection's)."""
    start = went_public(facts) or facts.valid_from
    if start is None:
        return Window(None, facts.valid_until)
    as_public = facts if facts.published_at is not None else replace(facts, published_at=start)
    until = protected_until(as_public, calendar, tz)
    if facts.valid_until is None:
        return Window(start, until)  # open-ended: its period is its protection
    return Window(start, validity(start, facts.valid_until, None, until).end)


# --- the outgoing audit before an election ------------------------------------------------

#: What marks an item as the results of the outgoing audit of village cadres (离任审计), in
#: its title or its catalog entry's title.
OUTGOING_AUDIT_MARKS = ("离任审计", "离任经济责任审计")


def is_outgoing_audit(title: str, entry_title: str = "") -> bool:
    """Tell whether an item (by its title or its catalog entry's) publishes the results of
    the outgoing audit (离任审计), which must be public before the next election."""
    return any(mark in title or mark in entry_title for mark in OUTGOING_AUDIT_MARKS)


@dataclass(frozen=True)
class OutgoingAudit:
    """The warning of an election coming with no outgoing audit published since the last."""

    election_on: dt.date
    #: The previous election (``None``: none on record: any audit ever published counts).
    since: dt.date | None
