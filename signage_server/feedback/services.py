"""Feedback cases: resolving scanned codes, taking submissions, handling, visibility.

The decisions are the pure rules of ``signage_server.feedback.rules``; this module applies
them to the database. Every list, count, export and API answer selects cases through
:func:`visible_condition`, so that a report stays invisible to the organisation it is about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import object_session

from signage_server import listing
from signage_server.accounts.models import User
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Grant
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import Role
from signage_server.accounts.rules import acting_role
from signage_server.audit import rules as audit_rules
from signage_server.audit import services as audit
from signage_server.audit.models import AuditRecord
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.errors import BadRequest
from signage_server.errors import Conflict
from signage_server.errors import NotFound
from signage_server.errors import PermissionDenied
from signage_server.errors import RuleViolation
from signage_server.feedback import codes
from signage_server.feedback import rules
from signage_server.feedback.models import Case
from signage_server.feedback.models import CaseEvent
from signage_server.feedback.models import Reply
from signage_server.feedback.rules import Action
from signage_server.feedback.rules import CaseState
from signage_server.feedback.rules import Decision
from signage_server.feedback.rules import Kind
from signage_server.feedback.rules import Source
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.services import within
from signage_server.screens.models import PlayRecord
from signage_server.screens.models import Screen
from signage_server.workdays.rules import WorkdayCalendar

if TYPE_CHECKING:
    from signage_server.disclosure.services import Env as DisclosureEnv

#: How far back proof of play is searched for what a screen showed when its code was scanned.
SHOWN_LOOKBACK = dt.timedelta(hours=6)


# --- what a scanned code names ------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What the form is about: an item revision (on a screen or a poster) or a screen."""

    source: Source
    org: Org
    item: Item | None = None
    revision: Revision | None = None
    screen: Screen | None = None
    #: The code as scanned (canonical), and the screen code if one came with it.
    code: str = ""
    screen_code: str = ""


def _not_found() -> NotFound:
    return NotFound(N_("This code is not valid. Please scan the code again."), code="bad_code")


def _shown_revision(revision: Revision) -> bool:
    """Tell whether ``revision`` ever went public (codes of drafts open nothing)."""
    return revision.published_at is not None


def resolve(session: Session, key: bytes, code: str, screen_code: str | None = None) -> Target:
    """Return what ``code`` (and the screen code ``?s=``) name.

    :raise NotFound: malformed, forged or unknown codes, items never published.
    """
    named = codes.read(key, code)
    if named is None:
        raise _not_found()
    screen: Screen | None = None
    if screen_code:
        at = codes.read(key, screen_code)
        if at is None or at.kind != "s":
            raise _not_found()
        screen = session.get(Screen, at.numbers[0])
        if screen is None:
            raise _not_found()
    canonical = code.strip().upper()
    if named.kind == "s":
        if screen is not None:
            raise _not_found()
        screen = session.get(Screen, named.numbers[0])
        if screen is None:
            raise _not_found()
        return Target(Source.SCREEN_GENERAL, screen.org, screen=screen, code=canonical)
    item = session.get(Item, named.numbers[0])
    if item is None:
        raise _not_found()
    if named.kind == "r":
        revision = item.revision(named.numbers[1])
        source = Source.SCREEN
    else:
        revision = item.live
        source = Source.POSTER if screen is None else Source.SCREEN
    if revision is None or not _shown_revision(revision):
        raise _not_found()
    return Target(
        source,
        item.org,
        item=item,
        revision=revision,
        screen=screen,
        code=canonical,
        screen_code=screen_code.strip().upper() if screen_code else "",
    )


def shown_on(
    session: Session, screen: Screen, item: Item, at: dt.datetime
) -> tuple[int, dt.datetime] | None:
    """Return the revision of ``item`` that ``screen`` last started showing before ``at``
    (from proof of play) and when, or ``None`` when it has not reported one recently."""
    record = session.scalar(
        sa.select(PlayRecord)
        .where(
            PlayRecord.screen_id == screen.id,
            PlayRecord.item_id == item.id,
            PlayRecord.started_at <= at,
            PlayRecord.started_at >= at - SHOWN_LOOKBACK,
        )
        .order_by(PlayRecord.started_at.desc())
        .limit(1)
    )
    if record is None:
        return None
    return record.revision, record.started_at


def fill_shown(session: Session, case: Case) -> bool:
    """Record what the screen showed of the item when the case came in, if proof of play
    tells (at submission, and again later: players send it in batches). Return whether the
    case changed (the caller commits)."""
    if case.shown_revision is not None or case.screen is None or case.item is None:
        return False
    shown = shown_on(session, case.screen, case.item, case.received_at)
    if shown is None:
        return False
    case.shown_revision, case.shown_at = shown
    return True


@dataclass(frozen=True)
class PublicationStep:
    action: str
    actor: str
    role: str
    at: dt.datetime
    hash: str


def publication_record(session: Session, item: Item, revision: Revision) -> list[PublicationStep]:
    """Return the audit records of ``revision`` that show how it went public, with the
    display names of the people who signed (their names are public: 谁主管谁负责)."""
    records = session.scalars(
        sa.select(AuditRecord)
        .where(AuditRecord.item_id == item.id, AuditRecord.revision == revision.number)
        .where(
            AuditRecord.action.in_(("submit", "review", "approve", "superior_approve", "publish"))
        )
        .order_by(AuditRecord.seq)
    ).all()
    usernames = {r.actor for r in records}
    names = {
        username: display
        for username, display in session.execute(
            sa.select(User.username, User.display_name).where(User.username.in_(usernames))
        )
    }
    return [
        PublicationStep(r.action, names.get(r.actor) or r.actor, r.role, r.at, r.hash)
        for r in records
    ]


# --- submissions -----------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    kind: Kind
    text: str
    name: str = ""
    phone: str = ""
    nonce: str | None = None
    #: A field that people leave empty and robots fill in.
    honeypot: str = ""


def submit(session: Session, target: Target, submission: Submission, now: dt.datetime) -> Case:
    """Store a submission as a case and return it (the same case when the same form, by its
    nonce, comes twice with the same content). The caller commits before acknowledging it.

    A nonce sent again with other content (a form page kept in a browser's cache, or
    replayed on purpose) makes a new case: nothing a villager wrote hides behind another
    submission's receipt. Honeypot hits are stored too, hidden: nothing acknowledged is
    ever thrown away.
    """
    text = rules.clean_text(submission.text)
    name = rules.clean_text(submission.name).replace("\n", " ")
    dedupe = None
    if submission.nonce:
        dedupe = rules.submission_key(
            submission.nonce,
            target.code,
            str(target.org.id),
            str(target.item.id if target.item else ""),
            str(target.revision.number if target.revision else ""),
            str(target.screen.id if target.screen else ""),
            submission.kind.value,
            text,
            name,
            submission.phone,
        )
    if dedupe is not None:
        existing = session.scalar(sa.select(Case).where(Case.nonce == dedupe))
        if existing is not None:
            return existing
    org = target.org
    parent = session.get(Org, org.parent_id) if org.parent_id else None
    handling_path = rules.handling_path(submission.kind, org.path, parent.path if parent else None)
    handling = parent if parent is not None and handling_path == parent.path else org
    case = Case(
        receipt=rules.new_receipt(),
        nonce=dedupe,
        kind=submission.kind,
        state=CaseState.RECEIVED,
        source=target.source,
        org=org,
        handling_org=handling,
        item=target.item,
        revision=target.revision.number if target.revision else None,
        screen=target.screen,
        text=text,
        name=name,
        phone=submission.phone,
        received_at=now,
        decision=Decision.PENDING if submission.kind is Kind.REQUEST else None,
        decision_reason="",
        hidden_reason="",
    )
    fill_shown(session, case)
    if submission.honeypot:
        case.hidden_at = now
        case.hidden_reason = "honeypot"
    while session.scalar(sa.select(Case.id).where(Case.receipt == case.receipt)) is not None:
        case.receipt = rules.new_receipt()  # 31¹⁰ codes: practically never taken
    session.add(case)
    case.events.append(CaseEvent(action=Action.RECEIVE, at=now, note=""))
    _seal(case, Action.RECEIVE, "public", "public", now, "")
    return case


def by_receipt(session: Session, receipt: str) -> Case:
    """Return the case of a receipt someone typed.

    :raise NotFound: malformed or unknown.
    """
    canonical = rules.normalise_receipt(receipt)
    case = session.scalar(sa.select(Case).where(Case.receipt == canonical)) if canonical else None
    if case is None:
        raise NotFound(
            N_("No case has this receipt code. Please check it and try again."), code="no_receipt"
        )
    return case


# --- visibility --------------------------------------------------------------------------


def _paths(grants: list[Grant], roles: frozenset[Role]) -> list[str]:
    return [g.org_path for g in grants if g.role in roles]


def visible_condition(principal: Principal) -> sa.ColumnElement[bool]:
    """Return an SQL condition on :class:`Case` matching the cases ``principal`` may see.

    Reports need a ``discipline`` grant at or above the handling (parent) org; everything
    else a ``handler`` or ``supervisor`` grant at or above the org; requests are also seen
    by the ``superior`` role above, who reviews refusals.
    """
    reports = _paths(principal.grants, rules.REPORT_ROLES)
    others = _paths(principal.grants, rules.READING_ROLES)
    superiors = _paths(principal.grants, rules.REVIEWING_ROLES)
    in_reach = (
        sa.select(Org.id)
        .where(
            Org.id == Case.handling_org_id,
            sa.or_(
                sa.and_(Case.kind == Kind.REPORT, within(reports)),
                sa.and_(Case.kind != Kind.REPORT, within(others)),
                # The superior org reviews refusals of requests (handled where they were made).
                sa.and_(Case.kind == Kind.REQUEST, within(superiors, strict=True)),
            ),
        )
        .correlate_except(Org)
    )
    return in_reach.exists()


def can_see(principal: Principal, case: Case) -> bool:
    return rules.can_see(principal.grants, case.kind, case.handling_org.path)


def can_handle(principal: Principal, case: Case) -> bool:
    return rules.can_handle(principal.grants, case.kind, case.handling_org.path)


def can_see_identity(principal: Principal, case: Case) -> bool:
    return rules.can_see_identity(principal.grants, case.kind, case.handling_org.path)


def visible_case(session: Session, principal: Principal, case_id: int) -> Case:
    """Return a case the caller may see.

    :raise NotFound: no such case, or one the caller may not know exists.
    """
    case = session.get(Case, case_id)
    if case is None or not can_see(principal, case):
        raise NotFound(N_("No such feedback case."), code="not_found")
    return case


@dataclass(frozen=True)
class Filters:
    org: Org | None = None
    state: CaseState | None = None
    kind: Kind | None = None
    hidden: bool = False
    #: Words of the receipt or of the message (never of the submitter's name or phone: not
    #: everyone who sees a case may see who sent it).
    text: str = ""
    #: Received at or after / before these moments.
    received_from: dt.datetime | None = None
    received_before: dt.datetime | None = None
    #: Only cases with a duty past its last day, by this clock.
    overdue: Clock | None = None


def cases_query(principal: Principal, filters: Filters) -> sa.Select[Case]:
    """Return the query of the cases visible to ``principal``, newest first."""
    query = sa.select(Case).where(visible_condition(principal))
    if filters.org is not None:
        query = query.join(Org, Org.id == Case.org_id).where(within([filters.org.path]))
    if filters.state is not None:
        query = query.where(Case.state == filters.state)
    if filters.kind is not None:
        query = query.where(Case.kind == filters.kind)
    hidden = Case.hidden_at.is_not(None)
    query = query.where(hidden if filters.hidden else ~hidden)
    if filters.text:
        receipt = rules.normalise_receipt(filters.text)
        matches = listing.text_match(filters.text, Case.receipt, Case.text)
        query = query.where(sa.or_(Case.receipt == receipt, matches) if receipt else matches)
    if filters.received_from is not None:
        query = query.where(Case.received_at >= filters.received_from)
    if filters.received_before is not None:
        query = query.where(Case.received_at < filters.received_before)
    if filters.overdue is not None:
        query = query.where(overdue_condition(filters.overdue))
    return query.order_by(Case.received_at.desc(), Case.id.desc())


# --- deadlines --------------------------------------------------------------------------


def facts(case: Case) -> rules.CaseFacts:
    return rules.CaseFacts(
        kind=case.kind,
        real_name=case.real_name,
        received_at=case.received_at,
        acknowledged_at=case.acknowledged_at,
        concluded_at=case.concluded_at,
        decided_at=case.decided_at,
        answered_at=case.answered_at,
        hidden=case.hidden,
    )


@dataclass(frozen=True)
class Clock:
    """What deadlines need: the time, the calendar, the local zone, the configured days."""

    now: dt.datetime
    calendar: WorkdayCalendar
    tz: dt.tzinfo
    days: Mapping[str, int]

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(self.tz).date()


def deadlines(case: Case, clock: Clock) -> list[rules.Deadline]:
    if case.state is CaseState.CLOSED:
        return [
            d
            for d in rules.deadlines(facts(case), clock.calendar, clock.tz, clock.days)
            if d.met_at
        ]
    return rules.deadlines(facts(case), clock.calendar, clock.tz, clock.days)


def overdue(case: Case, clock: Clock) -> list[rules.Deadline]:
    """Return the duties of ``case`` that are past their last day (none once it is closed:
    :func:`deadlines` then keeps only the duties that were done)."""
    return [d for d in deadlines(case, clock) if d.overdue(clock.today)]


def overdue_condition(clock: Clock) -> sa.ColumnElement[bool]:
    """Return :func:`overdue` as an SQL condition on :class:`Case` (true where a duty is past
    its last day), so that lists count and page overdue cases in the database."""

    def before(column: Any, key: str) -> sa.ColumnElement[bool]:
        last = rules.last_start_overdue(clock.calendar, clock.today, clock.days[key])
        first_not = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=clock.tz)
        return sa.and_(column.is_not(None), column < first_not.astimezone(dt.UTC))

    unanswered = Case.answered_at.is_(None)
    report = sa.or_(
        sa.and_(
            sa.or_(Case.name != "", Case.phone != ""),  # Case.real_name
            Case.acknowledged_at.is_(None),
            before(Case.received_at, "report_acknowledge"),
        ),
        sa.and_(
            before(Case.concluded_at, "report_reply"),
            sa.or_(unanswered, Case.answered_at < Case.concluded_at),
        ),
    )
    return sa.and_(
        Case.hidden_at.is_(None),
        Case.state != CaseState.CLOSED,
        sa.or_(
            sa.and_(Case.kind == Kind.REPORT, report),
            sa.and_(
                Case.kind == Kind.REQUEST,
                Case.decided_at.is_(None),
                before(Case.received_at, "request"),
            ),
            sa.and_(Case.kind == Kind.QUESTION, unanswered, before(Case.received_at, "question")),
            sa.and_(Case.kind == Kind.COMMENT, unanswered, before(Case.received_at, "comment")),
        ),
    )


def open_cases(session: Session, principal: Principal) -> list[Case]:
    """Return the cases visible to ``principal`` that still need handling, oldest first."""
    query = (
        sa.select(Case)
        .where(visible_condition(principal))
        .where(Case.state != CaseState.CLOSED, Case.hidden_at.is_(None))
        .order_by(Case.received_at)
    )
    return list(session.scalars(query))


# --- handling ---------------------------------------------------------------------------


def _seal(case: Case, action: Action, actor: str, role: str, now: dt.datetime, note: str) -> None:
    """Seal the step and the case's resulting state into the audit chain: ids, states and the
    hash of the note only, never the villager's name, phone or text."""
    session = object_session(case)
    assert session is not None
    session.flush()
    audit.record_event(
        session,
        subject=audit_rules.CASE,
        subject_id=case.id,
        actor=actor,
        role=role,
        action=action.value,
        reason="",
        at=now,
        state=case.state.value,
        details={
            **_sealed_facts(case),
            "note_sha256": audit.text_hash(note) if note else None,
        },
    )


def _sealed_facts(case: Case) -> dict[str, object]:
    published = sorted(case.published_replies, key=lambda r: (r.published_at, r.id))
    return {
        "hidden": case.hidden,
        "decision": case.decision.value if case.decision else None,
        "replies_sha256": replies_hash([reply.text for reply in published]),
    }


def replies_hash(texts: list[str]) -> str | None:
    """Return the hash that seals the published replies of a case (in publication order), so
    that a reply changed in the database afterwards is found; ``None`` when there is none."""
    return audit.text_hash("\x1e".join(texts)) if texts else None


def replies_intact(session: Session, case: Case) -> bool:
    """Tell whether the case's published replies are those its newest genuine audit record
    sealed (a reply rewritten in the database is not presented as the answer)."""
    record = audit.last_record(session, audit_rules.CASE, case.id)
    if record is None:
        return True
    if not audit.is_genuine(session, record):
        return False
    sealed = record.details or {}
    # A record written before replies were sealed (an upgraded database) has nothing to compare.
    return "replies_sha256" not in sealed or (
        sealed["replies_sha256"] == _sealed_facts(case)["replies_sha256"]
    )


def case_states(session: Session) -> Iterator[audit_rules.Current]:
    """Yield every case's state as stored now, for ``audit verify``."""
    replies: dict[int, list[str]] = {}
    for case_id, text in session.execute(
        sa.select(Reply.case_id, Reply.text)
        .where(Reply.published_at.is_not(None))
        .order_by(Reply.case_id, Reply.published_at, Reply.id)
    ):
        replies.setdefault(case_id, []).append(text)
    for case_id, state, decision, hidden_at in session.execute(
        sa.select(Case.id, Case.state, Case.decision, Case.hidden_at).order_by(Case.id)
    ):
        yield audit_rules.Current(
            subject=audit_rules.CASE,
            subject_id=case_id,
            revision=None,
            state=CaseState(state).value,
            label=f"feedback case {case_id}",
            details={
                "hidden": hidden_at is not None,
                "decision": Decision(decision).value if decision else None,
                "replies_sha256": replies_hash(replies.get(case_id, [])),
            },
        )


def _record(
    case: Case, action: Action, principal: Principal, now: dt.datetime, note: str = ""
) -> None:
    case.events.append(CaseEvent(action=action, actor=principal.user, at=now, note=note))
    acted = acting_role(
        principal.grants,
        (Permission.HANDLE_FEEDBACK, Permission.HANDLE_REPORTS, Permission.SUPERIOR_APPROVE_ITEMS),
        case.handling_org.path,
    ) or acting_role(principal.grants, (Permission.SUPERIOR_APPROVE_ITEMS,), case.org.path)
    _seal(case, action, principal.user.username, acted.value if acted else "handler", now, note)


def _require_handler(principal: Principal, case: Case) -> None:
    if not can_handle(principal, case):
        raise PermissionDenied(N_("You may read this case but not act on it."), code="forbidden")


def _require_open(case: Case) -> None:
    if case.state is CaseState.CLOSED:
        raise Conflict(N_("The case is closed. Reopen it first."), code="case_closed")


def _required_text(value: str, limit: int, message: str) -> str:
    text = rules.clean_text(value)
    if not text:
        raise BadRequest(message, code="text_required")
    if len(text) > limit:
        raise BadRequest(N_("The text is too long (at most %(limit)s characters)."), limit=limit)
    return text


def _start(case: Case, now: dt.datetime) -> None:
    if case.state is CaseState.RECEIVED:
        case.state = CaseState.IN_PROGRESS
    if case.acknowledged_at is None:
        case.acknowledged_at = now


def assign(
    session: Session, case: Case, principal: Principal, assignee: User | None, now: dt.datetime
) -> None:
    """Give the case to a handler (``None``: to nobody in particular)."""
    _require_handler(principal, case)
    _require_open(case)
    if assignee is not None:
        assignee_principal = Principal.of(assignee)
        if not can_handle(assignee_principal, case):
            raise RuleViolation(
                N_("%(user)s may not handle this case."), code="not_a_handler", user=assignee.name
            )
    case.assignee = assignee
    _start(case, now)
    _record(case, Action.ASSIGN, principal, now, assignee.name if assignee else "")


def acknowledge(session: Session, case: Case, principal: Principal, now: dt.datetime) -> None:
    """Confirm to the villager that the case is being handled (受理)."""
    _require_handler(principal, case)
    _require_open(case)
    if case.acknowledged_at is not None:
        raise Conflict(N_("The case was acknowledged already."), code="acknowledged")
    _start(case, now)
    _record(case, Action.ACKNOWLEDGE, principal, now)


def conclude(
    session: Session, case: Case, principal: Principal, note: str, now: dt.datetime
) -> None:
    """Record that a report's investigation is concluded; the reply is due from now."""
    _require_handler(principal, case)
    _require_open(case)
    if case.kind is not Kind.REPORT:
        raise RuleViolation(N_("Only reports are investigated."), code="not_a_report")
    if case.concluded_at is not None:
        raise Conflict(N_("The investigation was concluded already."), code="concluded")
    text = _required_text(note, rules.REASON_MAX, N_("Write down what the investigation found."))
    _start(case, now)
    case.concluded_at = now
    _record(case, Action.CONCLUDE, principal, now, text)


def save_reply(
    session: Session, case: Case, principal: Principal, text: str, now: dt.datetime
) -> Reply:
    """Write (or rewrite) the draft reply of a case."""
    _require_handler(principal, case)
    _require_open(case)
    body = _required_text(text, rules.REPLY_MAX, N_("Write the reply."))
    draft = case.draft
    if draft is None:
        draft = Reply(text=body, author=principal.user, created_at=now)
        case.replies.append(draft)
    else:
        draft.text = body
        draft.author = principal.user
    _start(case, now)
    _record(case, Action.DRAFT_REPLY, principal, now)
    return draft


def publish_reply(session: Session, case: Case, principal: Principal, now: dt.datetime) -> Reply:
    """Publish the draft reply to the villager's receipt page."""
    _require_handler(principal, case)
    _require_open(case)
    draft = case.draft
    if draft is None:
        raise Conflict(N_("There is no draft reply to publish."), code="no_draft")
    if case.hidden:
        raise Conflict(N_("A hidden case gets no public reply."), code="hidden")
    draft.published_at = now
    draft.published_by = principal.user
    _start(case, now)
    case.state = CaseState.ANSWERED
    if case.answered_at is None or (
        case.concluded_at is not None and case.answered_at < case.concluded_at
    ):
        case.answered_at = now
    _record(case, Action.PUBLISH_REPLY, principal, now)
    return draft


def reply(
    session: Session, case: Case, principal: Principal, text: str, publish: bool, now: dt.datetime
) -> Reply:
    """Draft a reply, and publish it at once when ``publish`` (the API's one call)."""
    draft = save_reply(session, case, principal, text, now)
    if publish:
        publish_reply(session, case, principal, now)
    return draft


def _require_request(case: Case) -> None:
    if case.kind is not Kind.REQUEST:
        raise RuleViolation(N_("Only requests for disclosure are decided."), code="not_a_request")


def grant(session: Session, case: Case, principal: Principal, note: str, now: dt.datetime) -> None:
    """Decide a request: the matter will be disclosed."""
    _require_handler(principal, case)
    _require_open(case)
    _require_request(case)
    if case.decision not in (Decision.PENDING, None):
        raise Conflict(N_("The request is decided already."), code="decided")
    _start(case, now)
    case.decision = Decision.GRANTED
    case.decision_reason = rules.clean_text(note)[: rules.REASON_MAX]
    case.decided_at = now
    _record(case, Action.GRANT, principal, now, case.decision_reason)


def refuse(
    session: Session, case: Case, principal: Principal, reason: str, now: dt.datetime
) -> None:
    """Propose to refuse a request, with written reasons; the superior org reviews it.

    At an org without a parent nobody is above to review: the refusal stands at once.
    """
    _require_handler(principal, case)
    _require_open(case)
    _require_request(case)
    if case.decision not in (Decision.PENDING, None):
        raise Conflict(N_("The request is decided already."), code="decided")
    text = _required_text(reason, rules.REASON_MAX, N_("A refusal needs written reasons."))
    _start(case, now)
    case.decision_reason = text
    if case.org.parent_id is None:
        case.decision = Decision.REFUSED
        case.decided_at = now
    else:
        case.decision = Decision.REFUSAL_PROPOSED
    _record(case, Action.REFUSE, principal, now, text)


def can_review_refusal(principal: Principal, case: Case) -> bool:
    """Tell whether ``principal`` gives the higher review of a refusal (the parent's superior)."""
    return principal.can(Permission.SUPERIOR_APPROVE_ITEMS, case.org)


def review_refusal(
    session: Session,
    case: Case,
    principal: Principal,
    confirm: bool,
    note: str,
    now: dt.datetime,
) -> None:
    """Confirm a proposed refusal (it becomes final) or overturn it (back to undecided)."""
    if not can_review_refusal(principal, case):
        raise PermissionDenied(
            N_("Only the superior organisation reviews a refusal."), code="forbidden"
        )
    _require_open(case)
    if case.decision is not Decision.REFUSAL_PROPOSED:
        raise Conflict(N_("No refusal awaits review."), code="no_refusal")
    if confirm:
        case.decision = Decision.REFUSED
        case.decided_at = now
        _record(case, Action.CONFIRM_REFUSAL, principal, now, rules.clean_text(note))
    else:
        text = _required_text(note, rules.REASON_MAX, N_("Say why the refusal is overturned."))
        case.decision = Decision.PENDING
        _record(case, Action.OVERTURN_REFUSAL, principal, now, text)


def close(session: Session, case: Case, principal: Principal, now: dt.datetime) -> None:
    """Close a case (办结). It needs a published reply, and requests a final decision."""
    _require_handler(principal, case)
    _require_open(case)
    if not case.hidden:
        if not case.published_replies:
            raise RuleViolation(
                N_("Publish a reply before closing the case."), code="reply_required"
            )
        if case.kind is Kind.REQUEST and case.decision not in (Decision.GRANTED, Decision.REFUSED):
            raise RuleViolation(
                N_("Decide the request before closing the case."), code="decision_required"
            )
        if case.kind is Kind.REPORT and case.concluded_at is None:
            raise RuleViolation(
                N_("Conclude the investigation before closing the report."),
                code="conclusion_required",
            )
    case.state = CaseState.CLOSED
    case.closed_at = now
    _record(case, Action.CLOSE, principal, now)


def reopen(session: Session, case: Case, principal: Principal, note: str, now: dt.datetime) -> None:
    _require_handler(principal, case)
    if case.state is not CaseState.CLOSED:
        raise Conflict(N_("The case is not closed."), code="not_closed")
    text = _required_text(note, rules.REASON_MAX, N_("Say why the case is reopened."))
    case.state = CaseState.ANSWERED if case.published_replies else CaseState.IN_PROGRESS
    case.closed_at = None
    _record(case, Action.REOPEN, principal, now, text)


def hide(session: Session, case: Case, principal: Principal, reason: str, now: dt.datetime) -> None:
    """Hide an abusive case from lists and counts. It is kept, with who hid it and why."""
    _require_handler(principal, case)
    if case.hidden:
        raise Conflict(N_("The case is hidden already."), code="hidden")
    text = _required_text(reason, 200, N_("Say why the case is hidden."))
    case.hidden_at = now
    case.hidden_reason = text
    _record(case, Action.HIDE, principal, now, text)


def unhide(session: Session, case: Case, principal: Principal, now: dt.datetime) -> None:
    _require_handler(principal, case)
    if not case.hidden:
        raise Conflict(N_("The case is not hidden."), code="not_hidden")
    case.hidden_at = None
    _record(case, Action.UNHIDE, principal, now, case.hidden_reason)
    case.hidden_reason = ""


def make_item(
    session: Session,
    case: Case,
    principal: Principal,
    title: str,
    body_text: str,
    env: DisclosureEnv,
) -> Item:
    """Turn the published reply of a case into a draft disclosure item (反馈公开).

    The draft goes through the whole procedure like any item; the caller must be allowed to
    draft items at the org. Reports never become items here: their content is discipline's.
    """
    from signage_server.disclosure.rules import Category
    from signage_server.disclosure.rules import Scope
    from signage_server.disclosure.rules import Timing
    from signage_server.disclosure.services import Fields
    from signage_server.disclosure.services import create_item

    if case.kind is Kind.REPORT:
        raise RuleViolation(N_("Reports are not turned into disclosures."), code="report")
    if not can_see(principal, case) or not principal.can(Permission.DRAFT_ITEMS, case.org):
        raise PermissionDenied(
            N_("You may not draft disclosure items for %(org)s."),
            code="forbidden",
            org=case.org.name,
        )
    published = case.published_replies
    if not published:
        raise RuleViolation(N_("Publish a reply first."), code="reply_required")
    source = case.item.live if case.item is not None else None
    fields = Fields(
        title=title[:200],
        category=source.category if source is not None else Category.OTHER,
        timing=Timing.IMMEDIATE,
        scope=source.scope if source is not None else Scope.PUBLIC,
        body={"type": "text", "text": body_text},
    )
    item = create_item(session, case.org, principal, fields, env)
    published[-1].item_id = item.id
    _record(case, Action.MAKE_ITEM, principal, env.now, str(item.id))
    return item
