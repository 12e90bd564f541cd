"""Pure rules of villagers' feedback (DESIGN.md §5): kinds, states, routing, visibility,
deadlines in working days, and checks of what a villager types. No Flask, no database.

Routing and visibility are one decision each, used by every list, count, export and API
answer, so that a report (举报) can never leak to the organisation it is about:

* comments, questions and requests are handled at the item's organisation by its
  ``handler`` role (and read by ``supervisor``s in reach);
* reports are handled one level up, by the ``discipline`` role of the parent organisation
  (or above); nobody in the reported organisation holds a grant reaching that level for
  reports, so they neither see the case nor learn that it exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers

from signage_server.accounts.rules import Grant
from signage_server.accounts.rules import Role
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

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    Kind.COMMENT: N_("Comment or suggestion"),
    Kind.QUESTION: N_("Question"),
    Kind.REQUEST: N_("Request for disclosure"),
    Kind.REPORT: N_("Report"),
}

KIND_HINTS = {
    Kind.COMMENT: N_("Your opinion or suggestion about this matter."),
    Kind.QUESTION: N_("Something you want explained; the organisation answers you."),
    Kind.REQUEST: N_("Ask for something to be disclosed that you cannot find."),
    Kind.REPORT: N_(
        "Fake or missing disclosure, or misconduct. Goes to the discipline inspection"
        " commission above, never to the organisation concerned."
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


class Source(StrEnum):
    """Where the code that was scanned hung."""

    SCREEN = "screen"
    POSTER = "poster"
    SCREEN_GENERAL = "screen_general"


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
    GRANT = "grant"
    REFUSE = "refuse"
    CONFIRM_REFUSAL = "confirm_refusal"
    OVERTURN_REFUSAL = "overturn_refusal"
    CLOSE = "close"
    REOPEN = "reopen"
    HIDE = "hide"
    UNHIDE = "unhide"
    MAKE_ITEM = "make_item"

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
    Action.GRANT: N_("Request granted"),
    Action.REFUSE: N_("Refusal proposed"),
    Action.CONFIRM_REFUSAL: N_("Refusal confirmed by higher review"),
    Action.OVERTURN_REFUSAL: N_("Refusal overturned by higher review"),
    Action.CLOSE: N_("Closed"),
    Action.REOPEN: N_("Reopened"),
    Action.HIDE: N_("Hidden as abuse"),
    Action.UNHIDE: N_("Shown again"),
    Action.MAKE_ITEM: N_("Turned into a disclosure draft"),
}


class FeedbackRuleError(Exception):
    """A handler action that the case's kind or state does not allow."""

    def __init__(self, message: str, *, conflict: bool = True) -> None:
        super().__init__(message)
        self.message = message
        #: ``True``: the state does not allow it (409); ``False``: a rule forbids it (422).
        self.conflict = conflict


# --- routing and visibility ---------------------------------------------------------


def handling_path(kind: Kind, org_path: str, parent_path: str | None) -> str:
    """Return the path of the org that handles feedback of ``kind`` about the org at
    ``org_path``: the parent for reports (the org itself when it has none), else itself."""
    if kind is Kind.REPORT and parent_path is not None:
        return parent_path
    return org_path


#: Roles that see (and, for handlers, work on) cases of each family at the handling org.
HANDLING_ROLES = frozenset({Role.HANDLER})
READING_ROLES = frozenset({Role.HANDLER, Role.SUPERVISOR})
REPORT_ROLES = frozenset({Role.DISCIPLINE})
#: Held above the org, reviews refusals of requests for disclosure (so sees those requests).
REVIEWING_ROLES = frozenset({Role.SUPERIOR})


def roles_seeing(kind: Kind) -> frozenset[Role]:
    """Return the roles whose grants at (or above) the handling org show a case of ``kind``."""
    return REPORT_ROLES if kind is Kind.REPORT else READING_ROLES


def roles_handling(kind: Kind) -> frozenset[Role]:
    """Return the roles that act on a case of ``kind`` at (or above) the handling org."""
    return REPORT_ROLES if kind is Kind.REPORT else HANDLING_ROLES


def _reaches(grants: Iterable[Grant], roles: frozenset[Role], path: str) -> bool:
    return any(g.role in roles and is_within(path, g.org_path) for g in grants)


def can_see(grants: Iterable[Grant], kind: Kind, handling: str) -> bool:
    """Tell whether a case of ``kind`` handled at the org with path ``handling`` is visible.

    Requests are handled where they were made; the ``superior`` role above that org sees
    them too, because it reviews their refusals.
    """
    held = list(grants)
    if _reaches(held, roles_seeing(kind), handling):
        return True
    return kind is Kind.REQUEST and any(
        g.role in REVIEWING_ROLES and is_strictly_below(handling, g.org_path) for g in held
    )


def can_handle(grants: Iterable[Grant], kind: Kind, handling: str) -> bool:
    """Tell whether the holder of ``grants`` may act on such a case."""
    return _reaches(grants, roles_handling(kind), handling)


def can_see_identity(grants: Iterable[Grant], kind: Kind, handling: str) -> bool:
    """Tell whether the submitter's name and phone are shown.

    Reporters are known to ``discipline`` only; whoever answers other cases (the handlers)
    needs the contact of a villager who gave one; supervisors see only 实名/匿名.
    """
    return can_handle(grants, kind, handling)


# --- deadlines ------------------------------------------------------------------------


class Duty(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    DECIDE = "decide"
    ANSWER = "answer"
    REPLY_AFTER_CONCLUSION = "reply_after_conclusion"

    @property
    def label(self) -> str:
        return DUTY_LABELS[self]


DUTY_LABELS = {
    Duty.ACKNOWLEDGE: N_("Acknowledge the real-name report"),
    Duty.DECIDE: N_("Decide the request"),
    Duty.ANSWER: N_("Publish an answer"),
    Duty.REPLY_AFTER_CONCLUSION: N_("Reply after the investigation"),
}

#: The duties as the villager's receipt and tracking pages name them (what they wait for).
PUBLIC_DUTY_LABELS = {
    Duty.ACKNOWLEDGE: N_("Acknowledgement"),
    Duty.DECIDE: N_("Decision on the request"),
    Duty.ANSWER: N_("Answer"),
    Duty.REPLY_AFTER_CONCLUSION: N_("Answer after the investigation"),
}

#: Working days for each duty (DESIGN.md §5); ``comment`` answers are this product's choice.
DEFAULT_DAYS: Mapping[str, int] = {
    "report_acknowledge": 15,
    "report_reply": 15,
    "request": 10,
    "question": 10,
    "comment": 15,
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
    return days


@dataclass(frozen=True)
class CaseFacts:
    """What the deadlines of one case depend on."""

    kind: Kind
    real_name: bool
    received_at: dt.datetime
    acknowledged_at: dt.datetime | None = None
    concluded_at: dt.datetime | None = None
    decided_at: dt.datetime | None = None
    answered_at: dt.datetime | None = None
    hidden: bool = False


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


def deadlines(
    facts: CaseFacts, calendar: WorkdayCalendar, tz: dt.tzinfo, days: Mapping[str, int]
) -> list[Deadline]:
    """Return the duties of a case with their last days. Hidden cases (abuse) have none."""
    if facts.hidden:
        return []
    received = facts.received_at.astimezone(tz).date()
    out: list[Deadline] = []

    def add(duty: Duty, start: dt.date, key: str, met: dt.datetime | None) -> None:
        due, estimated = add_working_days(calendar, start, days[key])
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
        add(Duty.DECIDE, received, "request", facts.decided_at)
    elif facts.kind is Kind.QUESTION:
        add(Duty.ANSWER, received, "question", facts.answered_at)
    else:
        add(Duty.ANSWER, received, "comment", facts.answered_at)
    return out


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


def normalise_phone(value: str) -> str | None:
    """Return a mainland mobile number as 11 digits, or ``None`` when it is not one.

    Accepts spaces, dashes and a ``+86``/``86`` prefix (what people type); landlines are
    refused because the case may need a text message.
    """
    raw = value.strip()
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        return None
    kind = phonenumbers.number_type(number)
    if kind not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return None
    return str(number.national_number)


def mask_phone(phone: str) -> str:
    """Return ``138****5678`` for showing a number without giving it away."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) == 11 else "****"


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
