"""Pure rules of villagers' feedback (DESIGN.md §5): kinds, states, routing, visibility,
deadlines in working days, checks of what a villager types, and the workflow of a case (a
table: who may take which action in which state, and where it leads). No Flask, no
database; refusals are the shared errors of ``signage_server.errors``.

Routing and visibility are one decision each, used by every list, count, export and API
answer, so that a report (举报) can never leak to the organisation it is about:

* comments, questions and requests are handled at the item's organisation by its
  ``handler`` role (and read by ``supervisor``s in reach);
* reports are handled one level up, by the ``discipline`` role of the parent organisation
  (or above); nobody in the reported organisation holds a grant reaching that level for
  reports, so they neither see the case nor learn that it exists.

Routing as the rules say (村务公开 and the organic law of village committees):

* **Questions about village affairs** (a ``question`` on an item of category
  ``village_affairs`` at a village) are stored as :attr:`Kind.AFFAIRS_QUESTION` and go to the
  village affairs supervision committee (村务监督委员会), which in this product is the
  ``reviewer`` role *at that village itself* (``Reach.exact``: a reviewer of the township does
  not answer the villages' questions). Decision: the committee receives and answers; the
  village's ordinary handlers (and supervisors) may *read* the case — the committee
  supervises the village committee, it does not hide the question from it, and the handlers
  must be able to correct or republish the disclosure — but they may not answer it. The
  committee answers (or has the item republished and says so) within 10 working days.
  Only the item's category decides: a general screen code (no item) is an ordinary question.
* **Complaints about the village committee** (:attr:`Kind.COMPLAINT`, 投诉) are handled one
  level up, by the ``handler`` role of the parent (township) government, like reports:
  the village's own handlers never see them.
* **Reports** (举报) stay with the parent's ``discipline`` role.
* **Transfers** (转办): the body handling a report or a complaint may hand it to another
  organisation (never to the one it is about nor below it) within 5 working days of its
  receipt (:data:`TRANSFER_KEY`); the receiving org then handles it. The villager's tracking
  page shows the fact, the date and the receiving body — never the internal note.
* **Objections** (异议) of a real-name reporter against the handling result, filed from the
  tracking page with the receipt code, once: the case goes back to ``in_progress`` for
  review and must be answered again within 15 working days (``objection_review``).
* **Objections to a voter list** (:attr:`Kind.OBJECTION`, 对选民名单有异议) are offered on the
  QR form of a ``voter_list`` notice only, accepted within 5 days of the list going public
  and answered within 3 days by the village's handlers (the election committee's desk).
  The election law's 五日内/三日内 are counted here in *calendar* days, the day of the
  publication (or of the receipt) not included (民法典 第二百零一条); see
  :data:`CALENDAR_DAY_KEYS`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from signage_server.accounts.rules import Grant
from signage_server.accounts.rules import Role
from signage_server.errors import BadRequest
from signage_server.errors import Conflict
from signage_server.errors import DomainError
from signage_server.errors import PermissionDenied
from signage_server.errors import RuleViolation
from signage_server.i18n import N_
from signage_server.orgs.rules import is_strictly_below
from signage_server.orgs.rules import is_within
from signage_server.workdays.rules import CalendarUnknown
from signage_server.workdays.rules import WorkdayCalendar


class Kind(StrEnum):
    COMMENT = "comment"
    QUESTION = "question"
    REQUEST = "request"
    REPORT = "report"
    #: A complaint about the village committee (投诉), handled by the township above.
    COMPLAINT = "complaint"
    #: An objection to a voter list (选民名单异议), on a ``voter_list`` notice's form only.
    OBJECTION = "objection"
    #: A question about village affairs, answered by the village affairs supervision
    #: committee (never chosen on the form: a ``question`` on a village-affairs item).
    AFFAIRS_QUESTION = "affairs_question"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    Kind.COMMENT: N_("Comment or suggestion"),
    Kind.QUESTION: N_("Question"),
    Kind.REQUEST: N_("Request for disclosure"),
    Kind.REPORT: N_("Report"),
    Kind.COMPLAINT: N_("Complaint about the village committee"),
    Kind.OBJECTION: N_("Objection to the voter list"),
    Kind.AFFAIRS_QUESTION: N_("Question on village affairs"),
}

#: The kinds a villager picks on every form, in the form's order.
FORM_KINDS = (Kind.COMMENT, Kind.QUESTION, Kind.REQUEST, Kind.COMPLAINT, Kind.REPORT)
#: Every kind a form may send (an objection only on a voter list's form).
SUBMITTED_KINDS = (*FORM_KINDS, Kind.OBJECTION)


def form_kinds(voter_list: bool) -> tuple[Kind, ...]:
    """Return the kinds the form offers: an objection on a voter list's form only."""
    return (*FORM_KINDS, Kind.OBJECTION) if voter_list else FORM_KINDS


KIND_HINTS = {
    Kind.COMMENT: N_("Your opinion or suggestion about this matter."),
    Kind.QUESTION: N_("Something you want explained; the organisation answers you."),
    Kind.REQUEST: N_("Ask for something to be disclosed that you cannot find."),
    Kind.REPORT: N_(
        "Fake or missing disclosure, or misconduct. Goes to the discipline inspection"
        " commission above, never to the organisation concerned."
    ),
    Kind.COMPLAINT: N_(
        "A complaint about the village committee. Goes to the township government,"
        " never to the village committee itself."
    ),
    Kind.OBJECTION: N_(
        "You think someone is missing from the voter list, or should not be on it."
        " Accepted within 5 days of the list's publication, answered within 3 days."
    ),
    Kind.AFFAIRS_QUESTION: N_(
        "Something about village affairs you want explained; the village affairs"
        " supervision committee answers you."
    ),
}


class CaseState(StrEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    CaseState.RECEIVED: N_("Received"),
    CaseState.IN_PROGRESS: N_("Being handled"),
    CaseState.ANSWERED: N_("Answered"),
    CaseState.CLOSED: N_("Closed"),
}


class Channel(StrEnum):
    """How a case reached the organisation: the QR form, or staff recording it on the
    villager's behalf (代录: a call to the hotline, a letter, the paper mailbox, a reception
    day)."""

    QR = "qr"
    PHONE = "phone"
    LETTER = "letter"
    MAILBOX = "mailbox"
    VISIT = "visit"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]

    @property
    def recorded(self) -> bool:
        """Staff recorded it on the villager's behalf."""
        return self is not Channel.QR


CHANNEL_LABELS = {
    Channel.QR: N_("QR code"),
    Channel.PHONE: N_("Hotline"),
    Channel.LETTER: N_("Letter"),
    Channel.MAILBOX: N_("Paper mailbox"),
    Channel.VISIT: N_("Reception day"),
}
#: The channels staff record a case from, in the recording form's order.
RECORDED_CHANNELS = tuple(c for c in Channel if c.recorded)


class Source(StrEnum):
    """Where the code that was scanned hung."""

    SCREEN = "screen"
    POSTER = "poster"
    SCREEN_GENERAL = "screen_general"
    #: No code was scanned: staff recorded the case (see :class:`Channel`).
    RECORDED = "recorded"


class Decision(StrEnum):
    """The decision on a request for disclosure (申请公开)."""

    PENDING = "pending"
    GRANTED = "granted"
    REFUSAL_PROPOSED = "refusal_proposed"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return DECISION_LABELS[self]


DECISION_LABELS = {
    Decision.PENDING: N_("Not decided yet"),
    Decision.GRANTED: N_("Will be disclosed"),
    Decision.REFUSAL_PROPOSED: N_("Refusal awaiting higher review"),
    Decision.REFUSED: N_("Refused"),
}


class Action(StrEnum):
    """What handlers do with a case (each one recorded in the case's history)."""

    RECEIVE = "receive"
    ASSIGN = "assign"
    ACKNOWLEDGE = "acknowledge"
    CONCLUDE = "conclude"
    DRAFT_REPLY = "draft_reply"
    PUBLISH_REPLY = "publish_reply"
    EXTEND = "extend"
    GRANT = "grant"
    REFUSE = "refuse"
    CONFIRM_REFUSAL = "confirm_refusal"
    OVERTURN_REFUSAL = "overturn_refusal"
    CLOSE = "close"
    REOPEN = "reopen"
    HIDE = "hide"
    UNHIDE = "unhide"
    MAKE_ITEM = "make_item"
    TRANSFER = "transfer"
    OBJECT = "object"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.RECEIVE: N_("Received"),
    Action.ASSIGN: N_("Assigned"),
    Action.ACKNOWLEDGE: N_("Acknowledged"),
    Action.CONCLUDE: N_("Investigation concluded"),
    Action.DRAFT_REPLY: N_("Reply drafted"),
    Action.PUBLISH_REPLY: N_("Reply published"),
    Action.EXTEND: N_("Time to decide extended"),
    Action.GRANT: N_("Request granted"),
    Action.REFUSE: N_("Refusal proposed"),
    Action.CONFIRM_REFUSAL: N_("Refusal confirmed by higher review"),
    Action.OVERTURN_REFUSAL: N_("Refusal overturned by higher review"),
    Action.CLOSE: N_("Closed"),
    Action.REOPEN: N_("Reopened"),
    Action.HIDE: N_("Hidden as abuse"),
    Action.UNHIDE: N_("Shown again"),
    Action.MAKE_ITEM: N_("Turned into a disclosure draft"),
    Action.TRANSFER: N_("Transferred to another body"),
    Action.OBJECT: N_("Objection to the handling result"),
}


# --- routing and visibility ---------------------------------------------------------


#: Kinds of feedback handled by the org above the one they are about (DESIGN.md §5):
#: reports (its discipline commission) and complaints about the village committee (the
#: township government). Nobody of the org they are about sees them.
HANDLED_ABOVE = frozenset({Kind.REPORT, Kind.COMPLAINT})


def routed_kind(kind: Kind, *, village: bool, village_affairs: bool) -> Kind:
    """Return the kind a submission is stored (and routed) as: a question about a
    village-affairs item of a village goes to its supervision committee."""
    if kind is Kind.QUESTION and village and village_affairs:
        return Kind.AFFAIRS_QUESTION
    return kind


def handling_path(kind: Kind, org_path: str, parent_path: str | None) -> str:
    """Return the path of the org that handles feedback of ``kind`` about the org at
    ``org_path``: the parent for reports (the org itself when it has none), else itself."""
    if kind in HANDLED_ABOVE and parent_path is not None:
        return parent_path
    return org_path


#: Roles that see (and, for handlers, work on) cases of each family at the handling org.
HANDLING_ROLES = frozenset({Role.HANDLER})
READING_ROLES = frozenset({Role.HANDLER, Role.SUPERVISOR})
REPORT_ROLES = frozenset({Role.DISCIPLINE})
#: Held above the org, reviews refusals of requests for disclosure (so sees those requests).
REVIEWING_ROLES = frozenset({Role.SUPERIOR})
#: The village affairs supervision committee (村务监督委员会): the village's ``reviewer``.
SUPERVISION_ROLES = frozenset({Role.REVIEWER})

NOT_REPORTS = frozenset(Kind) - {Kind.REPORT}
#: Kinds the handlers answer (the supervision committee answers village-affairs questions).
HANDLERS_ANSWER = NOT_REPORTS - {Kind.AFFAIRS_QUESTION}


@dataclass(frozen=True)
class Reach:
    """One way of reaching a case: a grant of one of ``roles`` at the handling org or above
    it (``strict``: above it only), for cases of ``kinds``."""

    kinds: frozenset[Kind]
    roles: frozenset[Role]
    strict: bool = False
    #: Only a grant at the handling org itself (not above it) reaches.
    exact: bool = False

    def grants_reach(self, grants: Iterable[Grant], kind: Kind, handling: str) -> bool:
        """Tell whether one of ``grants`` reaches a case of ``kind`` handled at ``handling``."""

        def below(path: str, ancestor: str) -> bool:
            if self.exact:
                return path == ancestor
            return (is_strictly_below if self.strict else is_within)(path, ancestor)

        return kind in self.kinds and any(
            g.role in self.roles and below(handling, g.org_path) for g in grants
        )


#: Who sees a case: the one definition that both :func:`can_see` and the SQL condition of
#: the services (``feedback.services.visibility.visible_condition``) are made of.
#: Reports: ``discipline`` at or above the handling (parent) org; everything else:
#: ``handler`` or ``supervisor`` at or above the org; requests also: the ``superior`` role
#: above the org, who reviews refusals (requests are handled where they were made);
#: questions about village affairs also: the village's own ``reviewer`` (村务监督委员会).
#: Complaints are handled at the parent, so the village's handlers do not reach them.
SEEING: tuple[Reach, ...] = (
    Reach(frozenset({Kind.REPORT}), REPORT_ROLES),
    Reach(NOT_REPORTS, READING_ROLES),
    Reach(frozenset({Kind.REQUEST}), REVIEWING_ROLES, strict=True),
    Reach(frozenset({Kind.AFFAIRS_QUESTION}), SUPERVISION_ROLES, exact=True),
)
#: Who acts on a case: ``discipline`` on reports, the village's supervision committee on
#: questions about village affairs, ``handler`` on everything else.
HANDLING: tuple[Reach, ...] = (
    Reach(frozenset({Kind.REPORT}), REPORT_ROLES),
    Reach(HANDLERS_ANSWER, HANDLING_ROLES),
    Reach(frozenset({Kind.AFFAIRS_QUESTION}), SUPERVISION_ROLES, exact=True),
)
#: Every role that sees some feedback (whether the dashboard shows the feedback tile).
SEEING_ROLES: frozenset[Role] = frozenset().union(*(reach.roles for reach in SEEING))


def roles_handling(kind: Kind) -> frozenset[Role]:
    """Return the roles that act on a case of ``kind`` at (or above) the handling org."""
    return frozenset().union(*(r.roles for r in HANDLING if kind in r.kinds))


def can_see(grants: Iterable[Grant], kind: Kind, handling: str) -> bool:
    """Tell whether a case of ``kind`` handled at the org with path ``handling`` is visible
    to the holder of ``grants`` (:data:`SEEING`)."""
    held = list(grants)
    return any(reach.grants_reach(held, kind, handling) for reach in SEEING)


def can_handle(grants: Iterable[Grant], kind: Kind, handling: str) -> bool:
    """Tell whether the holder of ``grants`` may act on such a case (:data:`HANDLING`)."""
    held = list(grants)
    return any(reach.grants_reach(held, kind, handling) for reach in HANDLING)


def can_see_identity(grants: Iterable[Grant], kind: Kind, handling: str) -> bool:
    """Tell whether the submitter's name and phone are shown.

    Reporters are known to ``discipline`` only; whoever answers other cases (the handlers)
    needs the contact of a villager who gave one; supervisors see only 实名/匿名.
    """
    return can_handle(grants, kind, handling)


# --- recording on a villager's behalf (代录) -------------------------------------------
#
# Villagers without a smartphone call the hotline, write a letter, drop a note into the
# paper mailbox or come to a reception day; staff record the case for them through the same
# intake as the QR form (routing, deadlines, privacy, the audit chain). Who records is not
# who handles: recording gives no sight of the case. A village clerk who records a report
# about their own village has sent it to the discipline commission above like the QR form
# would, and sees of it afterwards only what the villager's receipt shows anybody.

#: The roles that record cases on villagers' behalf, for the orgs of their grant's subtree:
#: the feedback desk (``handler``) and the discipline commission (its reporting hotline).
RECORDING_ROLES = frozenset({Role.HANDLER, Role.DISCIPLINE})
#: How many days back the day a case was received may lie (a letter opened late, a mailbox
#: emptied monthly); never in the future. Deadlines count from that day.
RECEIVED_DAYS_BACK = 30
#: How long after recording the recorder may print the receipt slip again (a jammed
#: printer) without seeing the case.
SLIP_REPRINT_HOURS = 24


def recording_role(grants: Iterable[Grant], org_path: str) -> Role | None:
    """Return the role in which the holder of ``grants`` records cases about the org at
    ``org_path`` (a grant of :data:`RECORDING_ROLES` at it or above it), or ``None``."""
    return next(
        (
            g.role
            for g in sorted(grants, key=lambda g: g.role.value)
            if g.role in RECORDING_ROLES and is_within(org_path, g.org_path)
        ),
        None,
    )


def recording_paths(grants: Iterable[Grant]) -> list[str]:
    """Return the paths whose subtrees the holder of ``grants`` records cases for."""
    return sorted({g.org_path for g in grants if g.role in RECORDING_ROLES})


def check_may_record(grants: Iterable[Grant], org_path: str | None) -> Role:
    """Return the role to record a case about the org at ``org_path`` in (``None``: an org
    that does not exist, or no longer: refused alike).

    :raise PermissionDenied: no recording role reaches that org.
    """
    role = recording_role(grants, org_path) if org_path is not None else None
    if role is None:
        raise PermissionDenied(
            N_("You may not record feedback for that organisation."), code="forbidden"
        )
    return role


def check_received_on(
    received: dt.date, today: dt.date, days_back: int = RECEIVED_DAYS_BACK
) -> None:
    """Refuse a day of receipt in the future or more than ``days_back`` days before today.

    :raise BadRequest: ``received_in_future``, ``received_too_early``.
    """
    if received > today:
        raise BadRequest(
            N_("The day it was received cannot be in the future."), code="received_in_future"
        )
    if received < today - dt.timedelta(days=days_back):
        raise BadRequest(
            N_(
                "The day it was received may lie at most %(days)d days back (%(first)s):"
                " record cases when they arrive."
            ),
            code="received_too_early",
            days=days_back,
            first=(today - dt.timedelta(days=days_back)).isoformat(),
        )


def received_moment(received: dt.date, now: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """Return the moment a recorded case counts as received: now when it came in today,
    else the start of that (local) day. Deadlines count from its day."""
    if received == now.astimezone(tz).date():
        return now
    return dt.datetime.combine(received, dt.time.min, tzinfo=tz)


def may_reprint_slip(
    recorded_at: dt.datetime | None, recorded_by: int | None, user: int, now: dt.datetime
) -> bool:
    """Tell whether ``user`` may print a case's receipt slip again without seeing the case:
    they recorded it, less than :data:`SLIP_REPRINT_HOURS` ago."""
    return (
        recorded_at is not None
        and recorded_by == user
        and recorded_at <= now < recorded_at + dt.timedelta(hours=SLIP_REPRINT_HOURS)
    )


# --- deadlines ------------------------------------------------------------------------


class Duty(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    DECIDE = "decide"
    ANSWER = "answer"
    REPLY_AFTER_CONCLUSION = "reply_after_conclusion"
    REVIEW_OBJECTION = "review_objection"

    @property
    def label(self) -> str:
        return DUTY_LABELS[self]


DUTY_LABELS = {
    Duty.ACKNOWLEDGE: N_("Acknowledge the real-name report"),
    Duty.DECIDE: N_("Decide the request"),
    Duty.ANSWER: N_("Publish an answer"),
    Duty.REPLY_AFTER_CONCLUSION: N_("Reply after the investigation"),
    Duty.REVIEW_OBJECTION: N_("Answer the objection after review"),
}

#: The duties as the villager's receipt and tracking pages name them (what they wait for).
PUBLIC_DUTY_LABELS = {
    Duty.ACKNOWLEDGE: N_("Acknowledgement"),
    Duty.DECIDE: N_("Decision on the request"),
    Duty.ANSWER: N_("Answer"),
    Duty.REPLY_AFTER_CONCLUSION: N_("Answer after the investigation"),
    Duty.REVIEW_OBJECTION: N_("Answer to your objection"),
}

#: Working days for each duty (DESIGN.md §5); ``comment`` answers are this product's choice.
#: A request for disclosure (依申请公开) is decided within 3 working days of its receipt; the
#: handler may extend that once, with a reason, to 10 (``request_extended``).
DEFAULT_DAYS: Mapping[str, int] = {
    "report_acknowledge": 15,
    "report_reply": 15,
    "request": 3,
    "request_extended": 10,
    "question": 10,
    "comment": 15,
    # Questions about village affairs: the supervision committee answers (or has the matter
    # republished) within 10 working days.
    "affairs_question": 10,
    # Complaints about the village committee, answered by the township (this product's choice).
    "complaint": 15,
    # A report or a complaint is transferred (转办) within 5 working days of its receipt.
    "transfer": 5,
    # A reporter's objection to the handling result is reviewed and answered again.
    "objection_review": 15,
    # Objections to a voter list: filed within 5 days of its publication, answered within 3
    # (calendar days, see CALENDAR_DAY_KEYS).
    "voter_objection_window": 5,
    "voter_objection": 3,
}

#: Deadlines counted in calendar days (the election law's 五日内/三日内), not working days.
CALENDAR_DAY_KEYS = frozenset({"voter_objection_window", "voter_objection"})
#: The deadline key of a transfer, and of each kind's answer.
TRANSFER_KEY = "transfer"
ANSWER_KEYS: Mapping[Kind, str] = {
    Kind.QUESTION: "question",
    Kind.AFFAIRS_QUESTION: "affairs_question",
    Kind.COMPLAINT: "complaint",
    Kind.OBJECTION: "voter_objection",
    Kind.COMMENT: "comment",
}


def parse_days(text: str) -> dict[str, int]:
    """Parse ``"request=10,question=8"`` over the defaults (``SIGNAGE_FEEDBACK_DAYS``).

    :raise ValueError: unknown key or a number that is not a positive integer.
    """
    days = dict(DEFAULT_DAYS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or key not in DEFAULT_DAYS:
            raise ValueError(
                f"unknown feedback deadline {key!r} (known: {', '.join(DEFAULT_DAYS)})"
            )
        if not value.strip().isdigit() or int(value) < 1:
            raise ValueError(f"feedback deadline {key} must be a positive number of days")
        days[key] = int(value)
    if days["request_extended"] < days["request"]:
        raise ValueError("feedback deadline request_extended must not be shorter than request")
    return days


@dataclass(frozen=True)
class DeadlineTerms:
    """What deadlines are counted with: the official calendar of working days, the local
    time zone (whose days count), and the configured days of each duty. The time itself is
    the app's clock, passed on by whoever asks."""

    calendar: WorkdayCalendar
    tz: dt.tzinfo
    days: Mapping[str, int]

    def today(self, now: dt.datetime) -> dt.date:
        """Return the local day of ``now``."""
        return now.astimezone(self.tz).date()


@dataclass(frozen=True)
class CaseFacts:
    """What the deadlines and the workflow of one case depend on."""

    kind: Kind
    real_name: bool
    received_at: dt.datetime
    acknowledged_at: dt.datetime | None = None
    concluded_at: dt.datetime | None = None
    decided_at: dt.datetime | None = None
    #: The time to decide a request was extended (once, with a reason).
    extended_at: dt.datetime | None = None
    answered_at: dt.datetime | None = None
    hidden: bool = False
    state: CaseState = CaseState.RECEIVED
    decision: Decision | None = None
    #: A reply is being written (not yet published).
    has_draft: bool = False
    #: A reply has been published to the villager.
    replied: bool = False
    #: The org the case is about has a parent, which reviews refusals of requests.
    has_superior: bool = True
    #: The reporter objected to the handling result (once).
    objected_at: dt.datetime | None = None


@dataclass(frozen=True)
class Deadline:
    duty: Duty
    #: Last day (local) on which the duty is on time.
    due: dt.date
    #: When the duty was done, if it was.
    met_at: dt.datetime | None
    #: The calendar did not know the year: counted Monday to Friday.
    estimated: bool = False
    #: How many working days the duty has (``DEFAULT_DAYS`` or the configured number).
    working_days: int = 0

    def overdue(self, today: dt.date) -> bool:
        """Tell whether the duty is still open after its last day."""
        return self.met_at is None and today > self.due

    def late(self, tz: dt.tzinfo) -> bool:
        """Tell whether the duty was done, but after its last day."""
        return self.met_at is not None and self.met_at.astimezone(tz).date() > self.due


def add_working_days(calendar: WorkdayCalendar, start: dt.date, days: int) -> tuple[dt.date, bool]:
    """Return the day ``days`` working days after ``start`` and whether it was estimated.

    A deadline must never stop a submission: where the official calendar is not known,
    Monday to Friday count and the result says so.
    """
    try:
        return calendar.add_working_days(start, days), False
    except CalendarUnknown:
        day, remaining = start, days
        while remaining:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                remaining -= 1
        return day, True


def add_days(
    calendar: WorkdayCalendar, start: dt.date, key: str, days: Mapping[str, int]
) -> tuple[dt.date, bool]:
    """Return the last day of a duty of deadline ``key`` starting on ``start``: calendar days
    for :data:`CALENDAR_DAY_KEYS` (the start day not counted), working days otherwise."""
    if key in CALENDAR_DAY_KEYS:
        return start + dt.timedelta(days=days[key]), False
    return add_working_days(calendar, start, days[key])


def objection_answered(facts: CaseFacts) -> dt.datetime | None:
    """Return when an answer after the reporter's objection was published, if one was."""
    answered = facts.answered_at
    if facts.objected_at is None or answered is None or answered < facts.objected_at:
        return None
    return answered


def deadlines(
    facts: CaseFacts, calendar: WorkdayCalendar, tz: dt.tzinfo, days: Mapping[str, int]
) -> list[Deadline]:
    """Return the duties of a case with their last days. Hidden cases (abuse) have none."""
    if facts.hidden:
        return []
    received = facts.received_at.astimezone(tz).date()
    out: list[Deadline] = []

    def add(duty: Duty, start: dt.date, key: str, met: dt.datetime | None) -> None:
        due, estimated = add_days(calendar, start, key, days)
        out.append(Deadline(duty, due, met, estimated, days[key]))

    if facts.kind is Kind.REPORT:
        if facts.real_name:
            add(Duty.ACKNOWLEDGE, received, "report_acknowledge", facts.acknowledged_at)
        if facts.concluded_at is not None:
            answered = facts.answered_at
            if answered is not None and answered < facts.concluded_at:
                answered = None
            concluded = facts.concluded_at.astimezone(tz).date()
            add(Duty.REPLY_AFTER_CONCLUSION, concluded, "report_reply", answered)
    elif facts.kind is Kind.REQUEST:
        add(
            Duty.DECIDE,
            received,
            "request" if facts.extended_at is None else "request_extended",
            facts.decided_at,
        )
    else:
        add(Duty.ANSWER, received, ANSWER_KEYS[facts.kind], facts.answered_at)
    if facts.objected_at is not None:
        objected = facts.objected_at.astimezone(tz).date()
        add(Duty.REVIEW_OBJECTION, objected, "objection_review", objection_answered(facts))
    return out


def last_start_overdue_for(
    calendar: WorkdayCalendar, today: dt.date, key: str, days: Mapping[str, int]
) -> dt.date:
    """Return :func:`last_start_overdue` for the deadline ``key`` (calendar days or working
    days, as :func:`add_days` counts it)."""
    if key in CALENDAR_DAY_KEYS:
        return today - dt.timedelta(days=days[key] + 1)
    return last_start_overdue(calendar, today, days[key])


# --- time limits of the routing ---------------------------------------------------------


def check_transfer_in_time(
    received: dt.date, today: dt.date, calendar: WorkdayCalendar, days: Mapping[str, int]
) -> None:
    """Refuse a transfer (转办) later than :data:`TRANSFER_KEY` working days after receipt.

    :raise RuleViolation: ``transfer_too_late``.
    """
    last, _ = add_days(calendar, received, TRANSFER_KEY, days)
    if today > last:
        raise RuleViolation(
            N_(
                "A case is transferred within %(days)d working days of its receipt (until"
                " %(last)s); this body must handle it itself now."
            ),
            code="transfer_too_late",
            days=days[TRANSFER_KEY],
            last=last.isoformat(),
        )


def check_objection_window(published: dt.date, today: dt.date, days: Mapping[str, int]) -> None:
    """Refuse an objection to a voter list filed more than 5 days (calendar days, the day of
    publication not counted) after the list went public.

    :raise RuleViolation: ``objection_window_closed``.
    """
    last = published + dt.timedelta(days=days["voter_objection_window"])
    if today > last:
        raise RuleViolation(
            N_(
                "Objections to this voter list were accepted until %(last)s (within %(days)d"
                " days of its publication on %(published)s). Please contact the village"
                " election committee."
            ),
            code="objection_window_closed",
            last=last.isoformat(),
            days=days["voter_objection_window"],
            published=published.isoformat(),
        )


def check_transfer_target(case_org: str, handling: str, target: str) -> None:
    """Refuse a transfer to the handling org itself, or to the org the case is about or one
    below it (a report or complaint never reaches the body it is about).

    :raise RuleViolation: ``transfer_same``, ``transfer_to_concerned``.
    """
    if target == handling:
        raise RuleViolation(N_("The case is handled there already."), code="transfer_same")
    if is_within(target, case_org):
        raise RuleViolation(
            N_("A case is never transferred to the organisation it is about, nor below it."),
            code="transfer_to_concerned",
        )


def last_start_overdue(calendar: WorkdayCalendar, today: dt.date, days: int) -> dt.date:
    """Return the latest day such that a duty of ``days`` working days starting on it is
    overdue ``today`` (its last day is before today). A duty starting on that day or earlier
    is overdue, a later one is not: the last day never moves back when the start moves on.
    Lets the inbox select overdue cases in SQL (by when they were received)."""
    start = today - dt.timedelta(days=days)
    while add_working_days(calendar, start, days)[0] >= today:
        start -= dt.timedelta(days=1)
    return start


# --- what villagers type ----------------------------------------------------------------

TEXT_MIN = 2
TEXT_MAX = 2000
NAME_MAX = 40
REPLY_MAX = 5000
REASON_MAX = 2000
#: Why a case was hidden (``Case.hidden_reason``).
HIDDEN_REASON_MAX = 200

#: Control characters, and the bidirectional marks, embeddings, overrides and isolates
#: (U+061C, U+200E-F, U+202A-E, U+2066-9) with which a text can show reversed to its reader.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def submission_key(nonce: str, *content: str) -> str:
    """Return what identifies one submission of a form: its nonce together with everything
    it says. The same form sent twice gives the same key; the same nonce with other content
    (a cached form page, a replay) gives another one, hence another case."""
    return hashlib.sha256("\x00".join((nonce, *content)).encode()).hexdigest()


def clean_text(value: str) -> str:
    """Strip control characters, bidi controls and surrounding blanks; keep line breaks."""
    return _CONTROL.sub("", value.replace("\r\n", "\n")).strip()


#: Numbers that identify a person inside a text: resident identity card numbers (18 digits,
#: the last may be X; the old 15-digit ones) and bank card numbers (16 to 19 digits), mainland
#: mobile numbers (with spaces, dashes or a +86 prefix, as people type them) and landlines
#: written with their area code.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15,19})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![\d+])(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(?:\((0\d{2,3})\)|(0\d{2,3})[\s-])\s?(\d{3,4})[\s-]?(\d{4})(?!\d)")
#: A name shorter than this is not searched for in a text (one character is too common).
NAME_MIN = 2


def mask_name(name: str) -> str:
    """Return ``王**`` for ``王建国``: the surname only."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


def redact(text: str, names: Iterable[str] = ()) -> str:
    """Return ``text`` with what identifies a person masked, for documents others read (the
    archive dossier): identity card and bank card numbers (``430***********123X``), mobile numbers
    (``138****5678``), landlines (``0731-****5678``) and each of ``names`` (the submitter's
    own name, where they wrote it into the text: ``王**``).

    The villager's name and phone fields are never printed at all; this catches what they
    typed into the message itself.
    """
    masked = _ID_NUMBER.sub(
        lambda m: m.group(0)[:3] + "*" * (len(m.group(0)) - 7) + m.group(0)[-4:], text
    )
    masked = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", masked)
    masked = _LANDLINE.sub(lambda m: f"{m.group(1) or m.group(2)}-****{m.group(4)}", masked)
    for name in sorted({n.strip() for n in names}, key=len, reverse=True):
        if len(name) >= NAME_MIN:
            masked = masked.replace(name, mask_name(name))
    return masked


#: Receipt alphabet: no 0/O, 1/I/L, so that a receipt can be read out over the phone.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 10


def new_receipt() -> str:
    """Return a fresh receipt code like ``7KQ4M-XH2PT`` (31¹⁰ ≈ 8·10¹⁴ possibilities)."""
    chars = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return f"{chars[:5]}-{chars[5:]}"


def normalise_receipt(value: str) -> str | None:
    """Return the canonical form of a receipt someone typed, or ``None`` when malformed."""
    chars = re.sub(r"[\s\-]", "", value.upper())
    if len(chars) != RECEIPT_LENGTH or any(c not in RECEIPT_ALPHABET for c in chars):
        return None
    return f"{chars[:5]}-{chars[5:]}"


# --- the workflow -------------------------------------------------------------------------
#
# A case is received (``RECEIVED``, by the public form), handled (``IN_PROGRESS``), answered
# (``ANSWERED``: a reply is published) and closed (``CLOSED``); reopening brings it back.
# Beside its state, a case has facts that some steps need or change: acknowledged,
# concluded (reports), the decision (requests), hidden (abuse), a draft reply.
#
# :data:`WORKFLOW` says, for every action: who may take it, from which states, to which
# state it leads, what must hold first, whether it needs a note, which decision it makes.
# :func:`decide` applies it; the services (``feedback.services.handling``) consult it
# before they change anything, and :func:`offered` tells the case page which actions to show.


class Capacity(StrEnum):
    """In which capacity someone acts on a case (the services tell which ones the caller
    holds for a given case)."""

    #: Holds a role of :data:`HANDLING` for the case (``handler``; ``discipline`` for reports).
    HANDLER = "handler"
    #: Holds the ``superior`` role above the case's org: gives the higher review of refusals.
    REVIEWER = "reviewer"
    #: Sees the case and may draft disclosure items at its org (反馈公开).
    DRAFTER = "drafter"
    #: Holds the case's receipt code (the villager, on the tracking page).
    SUBMITTER = "submitter"


@dataclass(frozen=True)
class Refusal:
    """Why a step is refused, as the shared domain error it raises."""

    error: type[DomainError]
    message: str
    code: str

    def __call__(self, **params: Any) -> DomainError:
        return self.error(self.message, code=self.code, **params)


#: The caller lacks the capacity the action needs (403).
NOT_ALLOWED = {
    Capacity.HANDLER: Refusal(
        PermissionDenied, N_("You may read this case but not act on it."), "forbidden"
    ),
    Capacity.REVIEWER: Refusal(
        PermissionDenied, N_("Only the superior organisation reviews a refusal."), "forbidden"
    ),
    Capacity.DRAFTER: Refusal(
        PermissionDenied, N_("You may not draft disclosure items for %(org)s."), "forbidden"
    ),
    Capacity.SUBMITTER: Refusal(
        PermissionDenied, N_("Only the submitter objects, with the receipt code."), "forbidden"
    ),
}
CLOSED_CASE = Refusal(Conflict, N_("The case is closed. Reopen it first."), "case_closed")
OPEN_CASE = Refusal(Conflict, N_("The case is not closed."), "not_closed")

#: Decisions that end a request (the deadline to decide is met).
FINAL_DECISIONS = frozenset({Decision.GRANTED, Decision.REFUSED})


class Guard(StrEnum):
    """Something that must hold before an action (beside the caller and the state)."""

    IS_REPORT = "is_report"
    IS_REQUEST = "is_request"
    NOT_REPORT = "not_report"
    HANDLED_ABOVE = "handled_above"
    REAL_NAME_REPORT = "real_name_report"
    NOT_OBJECTED = "not_objected"
    OBJECTION_ANSWERED_BEFORE_CLOSING = "objection_answered_before_closing"
    UNACKNOWLEDGED = "unacknowledged"
    UNCONCLUDED = "unconcluded"
    UNDECIDED = "undecided"
    NOT_EXTENDED = "not_extended"
    REFUSAL_PROPOSED = "refusal_proposed"
    DRAFTED = "drafted"
    SHOWN = "shown"
    NOT_HIDDEN = "not_hidden"
    HIDDEN = "hidden"
    REPLIED = "replied"
    REPLIED_BEFORE_CLOSING = "replied_before_closing"
    DECIDED_BEFORE_CLOSING = "decided_before_closing"
    CONCLUDED_BEFORE_CLOSING = "concluded_before_closing"


@dataclass(frozen=True)
class GuardRule:
    holds: Callable[[CaseFacts], bool]
    refusal: Refusal
    #: Something to do first: the action is still offered while it does not hold (it is
    #: refused with the reason). Otherwise the action makes no sense and is not offered.
    to_do_first: bool = False


GUARDS: Mapping[Guard, GuardRule] = {
    Guard.IS_REPORT: GuardRule(
        lambda f: f.kind is Kind.REPORT,
        Refusal(RuleViolation, N_("Only reports are investigated."), "not_a_report"),
    ),
    Guard.IS_REQUEST: GuardRule(
        lambda f: f.kind is Kind.REQUEST,
        Refusal(RuleViolation, N_("Only requests for disclosure are decided."), "not_a_request"),
    ),
    Guard.NOT_REPORT: GuardRule(
        lambda f: f.kind not in HANDLED_ABOVE,
        Refusal(
            RuleViolation, N_("Reports and complaints are not turned into disclosures."), "report"
        ),
    ),
    Guard.HANDLED_ABOVE: GuardRule(
        lambda f: f.kind in HANDLED_ABOVE,
        Refusal(
            RuleViolation, N_("Only reports and complaints are transferred."), "not_transferable"
        ),
    ),
    Guard.REAL_NAME_REPORT: GuardRule(
        lambda f: f.kind is Kind.REPORT and f.real_name,
        Refusal(
            RuleViolation,
            N_("Objections to the handling result are filed on real-name reports."),
            "not_real_name_report",
        ),
    ),
    Guard.NOT_OBJECTED: GuardRule(
        lambda f: f.objected_at is None,
        Refusal(Conflict, N_("An objection was filed already: once only."), "objected"),
    ),
    Guard.OBJECTION_ANSWERED_BEFORE_CLOSING: GuardRule(
        lambda f: f.hidden or f.objected_at is None or objection_answered(f) is not None,
        Refusal(
            RuleViolation,
            N_("Answer the reporter's objection before closing the case."),
            "objection_answer_required",
        ),
        to_do_first=True,
    ),
    Guard.UNACKNOWLEDGED: GuardRule(
        lambda f: f.acknowledged_at is None,
        Refusal(Conflict, N_("The case was acknowledged already."), "acknowledged"),
    ),
    Guard.UNCONCLUDED: GuardRule(
        lambda f: f.concluded_at is None,
        Refusal(Conflict, N_("The investigation was concluded already."), "concluded"),
    ),
    Guard.UNDECIDED: GuardRule(
        lambda f: f.decision in (Decision.PENDING, None),
        Refusal(Conflict, N_("The request is decided already."), "decided"),
    ),
    Guard.NOT_EXTENDED: GuardRule(
        lambda f: f.extended_at is None,
        Refusal(Conflict, N_("The time to decide was extended already: once only."), "extended"),
    ),
    Guard.REFUSAL_PROPOSED: GuardRule(
        lambda f: f.decision is Decision.REFUSAL_PROPOSED,
        Refusal(Conflict, N_("No refusal awaits review."), "no_refusal"),
    ),
    Guard.DRAFTED: GuardRule(
        lambda f: f.has_draft,
        Refusal(Conflict, N_("There is no draft reply to publish."), "no_draft"),
        to_do_first=True,
    ),
    Guard.SHOWN: GuardRule(
        lambda f: not f.hidden,
        Refusal(Conflict, N_("A hidden case gets no public reply."), "hidden"),
    ),
    Guard.NOT_HIDDEN: GuardRule(
        lambda f: not f.hidden,
        Refusal(Conflict, N_("The case is hidden already."), "hidden"),
    ),
    Guard.HIDDEN: GuardRule(
        lambda f: f.hidden,
        Refusal(Conflict, N_("The case is not hidden."), "not_hidden"),
    ),
    Guard.REPLIED: GuardRule(
        lambda f: f.replied,
        Refusal(RuleViolation, N_("Publish a reply first."), "reply_required"),
    ),
    # A hidden case (abuse) is closed without an answer, a decision or a conclusion.
    Guard.REPLIED_BEFORE_CLOSING: GuardRule(
        lambda f: f.hidden or f.replied,
        Refusal(RuleViolation, N_("Publish a reply before closing the case."), "reply_required"),
        to_do_first=True,
    ),
    Guard.DECIDED_BEFORE_CLOSING: GuardRule(
        lambda f: f.hidden or f.kind is not Kind.REQUEST or f.decision in FINAL_DECISIONS,
        Refusal(
            RuleViolation, N_("Decide the request before closing the case."), "decision_required"
        ),
        to_do_first=True,
    ),
    Guard.CONCLUDED_BEFORE_CLOSING: GuardRule(
        lambda f: f.hidden or f.kind is not Kind.REPORT or f.concluded_at is not None,
        Refusal(
            RuleViolation,
            N_("Conclude the investigation before closing the report."),
            "conclusion_required",
        ),
        to_do_first=True,
    ),
}


@dataclass(frozen=True)
class Note:
    """The text an action takes (a reason, a finding, the reply)."""

    #: Said when it is missing; ``None``: the note may be empty.
    required: str | None
    limit: int = REASON_MAX


OPEN_STATES = frozenset({CaseState.RECEIVED, CaseState.IN_PROGRESS, CaseState.ANSWERED})
#: Handling starts: a received case is being handled; others stay where they are.
STARTS: Mapping[CaseState, CaseState] = {
    CaseState.RECEIVED: CaseState.IN_PROGRESS,
    CaseState.IN_PROGRESS: CaseState.IN_PROGRESS,
    CaseState.ANSWERED: CaseState.ANSWERED,
}
STAYS_OPEN: Mapping[CaseState, CaseState] = {state: state for state in OPEN_STATES}
STAYS: Mapping[CaseState, CaseState] = {state: state for state in CaseState}


@dataclass(frozen=True)
class Transition:
    """One row of the workflow."""

    #: Who may take the action.
    by: Capacity
    #: The states it may be taken in, and the state each leads to. A case with a published
    #: reply that would move to ``IN_PROGRESS`` (a reopened one) is ``ANSWERED`` instead.
    moves: Mapping[CaseState, CaseState]
    #: What must hold first, checked in this order.
    guards: tuple[Guard, ...] = ()
    note: Note | None = None
    #: The decision on the request it makes (a refusal at an org without a parent, where
    #: nobody is above to review it, is final at once).
    decision: Decision | None = None
    #: Taking it confirms the receipt of the case to the villager (受理), if nothing did yet.
    acknowledges: bool = False
    #: It brings the case under review: ``IN_PROGRESS`` even with a published reply.
    reviews: bool = False
    #: What is said when the state does not allow it.
    wrong_state: Refusal = CLOSED_CASE


WORKFLOW: Mapping[Action, Transition] = {
    Action.ASSIGN: Transition(Capacity.HANDLER, STARTS, acknowledges=True),
    Action.ACKNOWLEDGE: Transition(
        Capacity.HANDLER, STARTS, (Guard.UNACKNOWLEDGED,), acknowledges=True
    ),
    Action.CONCLUDE: Transition(
        Capacity.HANDLER,
        STARTS,
        (Guard.IS_REPORT, Guard.UNCONCLUDED),
        Note(N_("Write down what the investigation found.")),
        acknowledges=True,
    ),
    Action.DRAFT_REPLY: Transition(
        Capacity.HANDLER, STARTS, note=Note(N_("Write the reply."), REPLY_MAX), acknowledges=True
    ),
    Action.PUBLISH_REPLY: Transition(
        Capacity.HANDLER,
        {state: CaseState.ANSWERED for state in OPEN_STATES},
        (Guard.DRAFTED, Guard.SHOWN),
        acknowledges=True,
    ),
    Action.EXTEND: Transition(
        Capacity.HANDLER,
        STARTS,
        (Guard.IS_REQUEST, Guard.UNDECIDED, Guard.NOT_EXTENDED),
        Note(N_("Say why the decision needs more time.")),
        acknowledges=True,
    ),
    Action.GRANT: Transition(
        Capacity.HANDLER,
        STARTS,
        (Guard.IS_REQUEST, Guard.UNDECIDED),
        Note(None),
        Decision.GRANTED,
        acknowledges=True,
    ),
    Action.REFUSE: Transition(
        Capacity.HANDLER,
        STARTS,
        (Guard.IS_REQUEST, Guard.UNDECIDED),
        Note(N_("A refusal needs written reasons.")),
        Decision.REFUSAL_PROPOSED,
        acknowledges=True,
    ),
    Action.CONFIRM_REFUSAL: Transition(
        Capacity.REVIEWER, STAYS_OPEN, (Guard.REFUSAL_PROPOSED,), Note(None), Decision.REFUSED
    ),
    Action.OVERTURN_REFUSAL: Transition(
        Capacity.REVIEWER,
        STAYS_OPEN,
        (Guard.REFUSAL_PROPOSED,),
        Note(N_("Say why the refusal is overturned.")),
        Decision.PENDING,
    ),
    Action.CLOSE: Transition(
        Capacity.HANDLER,
        {state: CaseState.CLOSED for state in OPEN_STATES},
        (
            Guard.REPLIED_BEFORE_CLOSING,
            Guard.DECIDED_BEFORE_CLOSING,
            Guard.CONCLUDED_BEFORE_CLOSING,
            Guard.OBJECTION_ANSWERED_BEFORE_CLOSING,
        ),
    ),
    Action.REOPEN: Transition(
        Capacity.HANDLER,
        {CaseState.CLOSED: CaseState.IN_PROGRESS},
        note=Note(N_("Say why the case is reopened.")),
        wrong_state=OPEN_CASE,
    ),
    Action.HIDE: Transition(
        Capacity.HANDLER,
        STAYS,
        (Guard.NOT_HIDDEN,),
        Note(N_("Say why the case is hidden."), HIDDEN_REASON_MAX),
    ),
    Action.UNHIDE: Transition(Capacity.HANDLER, STAYS, (Guard.HIDDEN,)),
    Action.MAKE_ITEM: Transition(Capacity.DRAFTER, STAYS, (Guard.NOT_REPORT, Guard.REPLIED)),
    # 转办: the receiving org is a parameter; the time limit and the target are checked by
    # check_transfer_in_time and check_transfer_target (they need the calendar and the tree).
    Action.TRANSFER: Transition(
        Capacity.HANDLER, STAYS_OPEN, (Guard.HANDLED_ABOVE, Guard.NOT_HIDDEN), Note(None)
    ),
    # 异议: the reporter disagrees with the handling result; the case is reviewed again.
    Action.OBJECT: Transition(
        Capacity.SUBMITTER,
        {CaseState.ANSWERED: CaseState.IN_PROGRESS, CaseState.CLOSED: CaseState.IN_PROGRESS},
        (Guard.REAL_NAME_REPORT, Guard.NOT_HIDDEN, Guard.REPLIED, Guard.NOT_OBJECTED),
        Note(N_("Say why you disagree with the handling result.")),
        reviews=True,
        wrong_state=Refusal(
            Conflict,
            N_("An objection is filed against a published answer: there is none yet."),
            "not_answered",
        ),
    ),
}

#: A submission starts here (``Action.RECEIVE``, by the public form, not in the table).
RECEIVED_STATE = CaseState.RECEIVED


def received_decision(kind: Kind) -> Decision | None:
    """Return the decision a new case starts with: requests await one, others have none."""
    return Decision.PENDING if kind is Kind.REQUEST else None


@dataclass(frozen=True)
class Attempt:
    """Everything the workflow needs to decide on one action, as plain values."""

    action: Action
    facts: CaseFacts
    #: The capacities the caller holds for this case.
    held: frozenset[Capacity]
    note: str = ""
    #: The name of the case's org (for messages).
    org: str = ""


@dataclass(frozen=True)
class Outcome:
    """What an allowed action does to the case."""

    state: CaseState
    #: The new decision (``None``: unchanged).
    decision: Decision | None
    #: The note, cleaned.
    note: str
    acknowledges: bool


def decide(attempt: Attempt) -> Outcome:
    """Return what the action does, or raise the shared domain error that refuses it.

    Checks in the order of CONTRACT.md: the caller's capacity (403), the state (409), then
    the guards in the order of the row (409 or 422), then the note (400).
    """
    row = WORKFLOW.get(attempt.action)
    if row is None:
        raise BadRequest(N_("Unknown action."), code="unknown_action")
    facts = attempt.facts
    if row.by not in attempt.held:
        params = {"org": attempt.org} if row.by is Capacity.DRAFTER else {}
        raise NOT_ALLOWED[row.by](**params)
    if facts.state not in row.moves:
        raise row.wrong_state()
    for guard in row.guards:
        rule = GUARDS[guard]
        if not rule.holds(facts):
            raise rule.refusal()
    note = ""
    if row.note is not None:
        note = (
            required_text(attempt.note, row.note.limit, row.note.required)
            if row.note.required is not None
            else clean_text(attempt.note)[: row.note.limit]
        )
    state = row.moves[facts.state]
    if (
        state is CaseState.IN_PROGRESS
        and state is not facts.state
        and facts.replied
        and not row.reviews
    ):
        state = CaseState.ANSWERED
    decision = row.decision
    if decision is Decision.REFUSAL_PROPOSED and not facts.has_superior:
        decision = Decision.REFUSED
    return Outcome(state, decision, note, row.acknowledges)


def offered(facts: CaseFacts, held: Collection[Capacity]) -> frozenset[Action]:
    """Return the actions to offer on a case: those the caller's capacities allow in its
    state, whose guards hold (save the things to do first, which the refusal explains)."""
    return frozenset(
        action
        for action, row in WORKFLOW.items()
        if row.by in held
        and facts.state in row.moves
        and all(GUARDS[g].to_do_first or GUARDS[g].holds(facts) for g in row.guards)
    )


def required_text(value: str, limit: int, message: str) -> str:
    """Return ``value`` cleaned; refuse it empty (with ``message``) or longer than ``limit``."""
    text = clean_text(value)
    if not text:
        raise BadRequest(message, code="text_required")
    if len(text) > limit:
        raise BadRequest(N_("The text is too long (at most %(limit)s characters)."), limit=limit)
    return text
