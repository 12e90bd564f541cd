"""Pure rules of supervision (DESIGN.md §3, 监督检查): the inspection checklist, the
workflow of a finding and its rectification (整改) deadline, the supervisors' monthly
meetings and quarterly forums, and who sees accountability records (责任追究). No Flask,
no database; refusals are the shared errors of ``signage_server.errors``.

A finding moves through a table (:data:`WORKFLOW`): the owner rectifies it (a note and
evidence), a supervisor in reach accepts the rectification (closed) or sends it back with a
reason (open again). A finding is overdue while it is open after its deadline; one
rectified and awaiting acceptance is not.

Accountability records belong one level up, like reports: the superior reviewers and the
discipline inspection of an organisation *above* the one held to account open and read
them; nobody in that organisation (whose grants reach it only from its level or below)
sees them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from signage_server.accounts.rules import Grant
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import allows
from signage_server.errors import Conflict
from signage_server.errors import PermissionDenied
from signage_server.errors import RuleViolation
from signage_server.i18n import N_
from signage_server.workdays.rules import CalendarUnknown
from signage_server.workdays.rules import WorkdayCalendar

# --- the checklist ----------------------------------------------------------------------


class Point(StrEnum):
    """The six points an inspection checks."""

    CONTENT = "content"
    PROCEDURE = "procedure"
    FORM = "form"
    RULES = "rules"
    EXECUTION = "execution"
    RESULTS = "results"

    @property
    def label(self) -> str:
        return POINT_LABELS[self]


POINT_LABELS = {
    Point.CONTENT: N_("Content complete"),
    Point.PROCEDURE: N_("Procedure proper"),
    Point.FORM: N_("Form appropriate"),
    Point.RULES: N_("Rules in place"),
    Point.EXECUTION: N_("Execution done"),
    Point.RESULTS: N_("Results visible"),
}


class Result(StrEnum):
    OK = "ok"
    FINDING = "finding"

    @property
    def label(self) -> str:
        return RESULT_LABELS[self]


RESULT_LABELS = {Result.OK: N_("In order"), Result.FINDING: N_("Problem found")}

NOTE_MAX = 2000


def checklist(results: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    """Return the checklist of an inspection as stored: every point, in order, with its result
    and note (``results``: point value -> (result value, note); a point not given is in order).

    :raise RuleViolation: an unknown result or a note too long.
    """
    found: dict[str, dict[str, str]] = {}
    for point in Point:
        result, note = results.get(point.value, (Result.OK.value, ""))
        if result not in {r.value for r in Result}:
            raise RuleViolation(N_("Unknown checklist result."), code="invalid_result")
        if len(note) > NOTE_MAX:
            raise RuleViolation(N_("A note is too long."), code="note_too_long")
        found[point.value] = {"result": result, "note": note.strip()}
    return found


# --- findings ----------------------------------------------------------------------------


class FindingState(StrEnum):
    OPEN = "open"
    RECTIFIED = "rectified"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    FindingState.OPEN: N_("Awaiting rectification"),
    FindingState.RECTIFIED: N_("Rectified, awaiting acceptance"),
    FindingState.CLOSED: N_("Closed"),
}


class FindingAction(StrEnum):
    RECORD = "record"
    RECTIFY = "rectify"
    ACCEPT = "accept"
    REOPEN = "reopen"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    FindingAction.RECORD: N_("Finding recorded"),
    FindingAction.RECTIFY: N_("Rectification reported"),
    FindingAction.ACCEPT: N_("Rectification accepted"),
    FindingAction.REOPEN: N_("Rectification sent back"),
}


class Capacity(StrEnum):
    """In which capacity someone acts on a finding."""

    #: The person named responsible for the rectification.
    OWNER = "owner"
    #: A supervisor reaching the inspected organisation.
    SUPERVISOR = "supervisor"


#: The workflow: (state, action) -> (who may, resulting state).
WORKFLOW: dict[tuple[FindingState, FindingAction], tuple[Capacity, FindingState]] = {
    (FindingState.OPEN, FindingAction.RECTIFY): (Capacity.OWNER, FindingState.RECTIFIED),
    (FindingState.RECTIFIED, FindingAction.ACCEPT): (Capacity.SUPERVISOR, FindingState.CLOSED),
    (FindingState.RECTIFIED, FindingAction.REOPEN): (Capacity.SUPERVISOR, FindingState.OPEN),
}

TEXT_MIN = 4
TEXT_MAX = 4000


def _needs_text(message: str, code: str) -> Callable[[str], None]:
    def guard(text: str) -> None:
        if len(text.strip()) < TEXT_MIN:
            raise RuleViolation(message, code=code, n=TEXT_MIN)
        if len(text) > TEXT_MAX:
            raise RuleViolation(N_("The text is too long."), code="text_too_long")

    return guard


#: What each action needs besides the state and the capacity (given the text typed).
GUARDS: dict[FindingAction, Callable[[str], None]] = {
    FindingAction.RECTIFY: _needs_text(
        N_("Describe what was rectified (at least %(n)d characters)."), "rectification_required"
    ),
    FindingAction.REOPEN: _needs_text(
        N_("Give the reason for sending it back (at least %(n)d characters)."), "reason_required"
    ),
    FindingAction.ACCEPT: lambda text: None,
}


def transition(
    state: FindingState, action: FindingAction, capacities: Collection[Capacity], text: str = ""
) -> FindingState:
    """Return the state a finding in ``state`` reaches by ``action`` taken by someone acting in
    ``capacities`` with ``text`` (the rectification note or the reason).

    :raise Conflict: the action is not possible in this state (``finding_state``).
    :raise PermissionDenied: not for someone in these capacities (``forbidden``).
    :raise RuleViolation: the text the action needs is missing.
    """
    step = WORKFLOW.get((state, action))
    if step is None:
        raise Conflict(N_("This is not possible in the finding's state."), code="finding_state")
    capacity, target = step
    if capacity not in capacities:
        raise PermissionDenied(N_("You may not do this with this finding."), code="forbidden")
    GUARDS[action](text)
    return target


def actions_for(state: FindingState, capacities: Collection[Capacity]) -> list[FindingAction]:
    """Return the actions someone in ``capacities`` may take on a finding in ``state``."""
    return [
        action
        for (from_state, action), (capacity, _target) in WORKFLOW.items()
        if from_state is state and capacity in capacities
    ]


#: Working days a finding gets for its rectification, unless the supervisor sets its date.
RECTIFY_WORKING_DAYS = 20
#: A finding is "due soon" this many working days before its deadline.
DUE_SOON_WORKING_DAYS = 5


def default_deadline(calendar: WorkdayCalendar, today: dt.date) -> dt.date:
    """Return the default rectification deadline of a finding recorded ``today``: 20 working
    days later (four calendar weeks when the calendar does not know the year)."""
    try:
        return calendar.add_working_days(today, RECTIFY_WORKING_DAYS)
    except CalendarUnknown:
        return today + dt.timedelta(days=RECTIFY_WORKING_DAYS * 7 // 5)


def check_deadline(deadline: dt.date, recorded_on: dt.date) -> None:
    """:raise RuleViolation: a deadline before the day the finding is recorded."""
    if deadline < recorded_on:
        raise RuleViolation(
            N_("The rectification deadline cannot be in the past."), code="deadline_past"
        )


def is_overdue(state: FindingState, deadline: dt.date, today: dt.date) -> bool:
    """Tell whether a finding is overdue ``today``: still open after its deadline."""
    return state is FindingState.OPEN and today > deadline


def is_due_soon(
    state: FindingState, deadline: dt.date, today: dt.date, calendar: WorkdayCalendar
) -> bool:
    """Tell whether an open finding's deadline falls within the next five working days
    (today included; seven calendar days when the calendar does not know the year)."""
    if state is not FindingState.OPEN or today > deadline:
        return False
    try:
        return calendar.working_days(today, deadline) <= DUE_SOON_WORKING_DAYS
    except CalendarUnknown:
        return (deadline - today).days <= 7


# --- meetings ----------------------------------------------------------------------------


class MeetingKind(StrEnum):
    """监督员会议 each month, 监督员座谈会 each quarter."""

    MONTHLY = "monthly"
    FORUM = "forum"

    @property
    def label(self) -> str:
        return MEETING_LABELS[self]


MEETING_LABELS = {
    MeetingKind.MONTHLY: N_("Monthly supervisors' meeting"),
    MeetingKind.FORUM: N_("Quarterly supervisors' forum"),
}


@dataclass(frozen=True, order=True)
class Period:
    """A month or a quarter: its first and last day."""

    first: dt.date
    last: dt.date

    def holds(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


def period_of(kind: MeetingKind, day: dt.date) -> Period:
    """Return the month (monthly meetings) or the quarter (forums) ``day`` falls in."""
    months = 1 if kind is MeetingKind.MONTHLY else 3
    first_month = (day.month - 1) // months * months + 1
    first = dt.date(day.year, first_month, 1)
    next_month = first_month + months
    following = (
        dt.date(day.year + 1, next_month - 12, 1)
        if next_month > 12
        else dt.date(day.year, next_month, 1)
    )
    return Period(first, following - dt.timedelta(days=1))


def previous_period(kind: MeetingKind, day: dt.date) -> Period:
    """Return the period before the one ``day`` falls in."""
    return period_of(kind, period_of(kind, day).first - dt.timedelta(days=1))


class MeetingStatus(StrEnum):
    HELD = "held"
    #: The current period, none held yet.
    DUE = "due"
    #: A period that ended without one.
    MISSING = "missing"


def meeting_status(
    kind: MeetingKind, period: Period, held_on: Iterable[dt.date], today: dt.date
) -> MeetingStatus:
    """Tell whether the meeting of ``kind`` for ``period`` was held (on one of ``held_on``),
    is still due (the period has not ended) or is missing."""
    if any(period.holds(day) for day in held_on):
        return MeetingStatus.HELD
    return MeetingStatus.DUE if today <= period.last else MeetingStatus.MISSING


@dataclass(frozen=True)
class MeetingGap:
    """A meeting not held: of which kind, for which period, due or missing."""

    kind: MeetingKind
    period: Period
    status: MeetingStatus


def meeting_gaps(held: Iterable[tuple[MeetingKind, dt.date]], today: dt.date) -> list[MeetingGap]:
    """Return the meetings an organisation with supervisors owes ``today``: for each kind, the
    previous period when it went without one (missing), and the current one while none was
    held yet (due)."""
    days: dict[MeetingKind, list[dt.date]] = {kind: [] for kind in MeetingKind}
    for kind, day in held:
        days[kind].append(day)
    gaps = []
    for kind in MeetingKind:
        for period in (previous_period(kind, today), period_of(kind, today)):
            status = meeting_status(kind, period, days[kind], today)
            if status is not MeetingStatus.HELD:
                gaps.append(MeetingGap(kind, period, status))
    return gaps


# --- accountability ------------------------------------------------------------------------


class Breach(StrEnum):
    """What an organisation is held to account for."""

    NOT_DISCLOSED = "not_disclosed"
    WRONGLY_DISCLOSED = "wrongly_disclosed"
    UNTRUE = "untrue"

    @property
    def label(self) -> str:
        return BREACH_LABELS[self]


BREACH_LABELS = {
    Breach.NOT_DISCLOSED: N_("Not publishing what should be published"),
    Breach.WRONGLY_DISCLOSED: N_("Publishing what should not be published"),
    Breach.UNTRUE: N_("Untrue content"),
}


class Measure(StrEnum):
    """What was decided."""

    CIRCULATED_CRITICISM = "circulated_criticism"
    ADMONITION_TALK = "admonition_talk"
    ORDERED_SELF_EXAMINATION = "ordered_self_examination"
    ORGANISATIONAL = "organisational"
    DISCIPLINARY = "disciplinary"
    OTHER = "other"

    @property
    def label(self) -> str:
        return MEASURE_LABELS[self]


MEASURE_LABELS = {
    Measure.CIRCULATED_CRITICISM: N_("Circulated criticism"),
    Measure.ADMONITION_TALK: N_("Admonition talk"),
    Measure.ORDERED_SELF_EXAMINATION: N_("Ordered to examine itself in writing"),
    Measure.ORGANISATIONAL: N_("Organisational measures"),
    Measure.DISCIPLINARY: N_("Referred for party discipline"),
    Measure.OTHER: N_("Other"),
}

#: Who opens accountability records about an org (held above it), and who reads them.
OPENING = (Permission.SUPERIOR_APPROVE_ITEMS,)
READING = (Permission.SUPERIOR_APPROVE_ITEMS, Permission.HANDLE_REPORTS)


def may_open_accountability(grants: Iterable[Grant], org_path: str) -> bool:
    """Tell whether ``grants`` let someone open an accountability record about the org at
    ``org_path``: a superior reviewer above it."""
    held = list(grants)
    return any(allows(held, p, org_path) for p in OPENING)


def may_see_accountability(grants: Iterable[Grant], org_path: str) -> bool:
    """Tell whether ``grants`` let someone read the accountability records about the org at
    ``org_path``: its superior reviewers and the discipline inspection above it, never
    anyone of the organisation itself."""
    held = list(grants)
    return any(allows(held, p, org_path) for p in READING)


def check_accountability(persons: str, facts: str) -> None:
    """:raise RuleViolation: no person named, or the facts missing."""
    if not persons.strip():
        raise RuleViolation(N_("Name who is held to account."), code="persons_required")
    if len(facts.strip()) < TEXT_MIN:
        raise RuleViolation(
            N_("State the facts (at least %(n)d characters)."), code="facts_required", n=TEXT_MIN
        )


def parse_ids(text: str) -> list[int]:
    """Return the numbers in ``text`` (separated by commas, spaces or 、), in order, once each.

    :raise RuleViolation: something else than numbers.
    """
    found: list[int] = []
    for part in text.replace("、", ",").replace("，", ",").replace(" ", ",").split(","):
        part = part.strip().lstrip("#")
        if not part:
            continue
        if not part.isdigit():
            raise RuleViolation(N_("Give numbers separated by commas."), code="invalid_ids")
        number = int(part)
        if number not in found:
            found.append(number)
    return found
