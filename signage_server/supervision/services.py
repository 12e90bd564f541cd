"""Supervision on a session (no Flask): the roster of an organisation's supervisors,
inspections and their findings through rectification (each change sealed in the audit
chain), supervisors' meetings, accountability records, and the alerts of one person.

Every function that changes something checks the caller's permission itself and flushes;
the use cases (:mod:`.use_cases`) commit. Nothing personal goes into the audit chain: ids,
states and hashes of the texts only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.accounts.models import RoleGrant
from signage_server.accounts.models import User
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import Role
from signage_server.audit import rules as audit_rules
from signage_server.audit import services as audit
from signage_server.disclosure.models import Item
from signage_server.errors import NotFound
from signage_server.errors import PermissionDenied
from signage_server.errors import RuleViolation
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.rules import is_within
from signage_server.supervision import rules
from signage_server.supervision.models import Accountability
from signage_server.supervision.models import ExternalSupervisor
from signage_server.supervision.models import Finding
from signage_server.supervision.models import Inspection
from signage_server.supervision.models import Meeting
from signage_server.supervision.rules import Capacity
from signage_server.supervision.rules import FindingAction
from signage_server.supervision.rules import FindingState
from signage_server.supervision.rules import MeetingKind
from signage_server.supervision.rules import Point
from signage_server.workdays.rules import WorkdayCalendar
from signage_server.workdays.services import calendar_of

#: Roles whose holders at an org may own a finding about it (not those who watch it).
OWNER_ROLES = frozenset(Role) - {Role.SUPERVISOR, Role.DISCIPLINE, Role.SUPERIOR}

# --- permissions ---------------------------------------------------------------------------


def may_manage_roster(principal: Principal, org: Org) -> bool:
    """The org's approver (第一责任人) or its administrators appoint outside supervisors."""
    return principal.can(Permission.APPROVE_ITEMS, org) or principal.can(
        Permission.MANAGE_USERS, org
    )


def may_record_meetings(principal: Principal, org: Org) -> bool:
    """The org's approver, its administrators and the supervisors reaching it record meetings."""
    return may_manage_roster(principal, org) or principal.can(Permission.RECORD_INSPECTIONS, org)


def _deny() -> PermissionDenied:
    return PermissionDenied(N_("You may not do this here."), code="forbidden")


# --- roster --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Roster:
    org: Org
    #: Users holding the supervisor role at the org itself.
    here: list[User]
    #: Users holding it above the org (their reach covers it).
    above: list[tuple[User, Org]]
    external: list[ExternalSupervisor]


def roster(session: Session, org: Org) -> Roster:
    """Return who supervises ``org``: supervisors with accounts (there and above) and the
    appointed outside supervisors still serving."""
    grants = session.scalars(
        sa.select(RoleGrant)
        .join(Org, RoleGrant.org_id == Org.id)
        .join(User, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.SUPERVISOR, User.active.is_(True), Org.active.is_(True))
        .where(sa.literal(org.path).like(Org.path + "%"))
        .order_by(Org.path, User.id)
    ).all()
    here = [g.user for g in grants if g.org_id == org.id]
    above = [
        (g.user, g.org) for g in grants if g.org_id != org.id and is_within(org.path, g.org.path)
    ]
    external = session.scalars(
        sa.select(ExternalSupervisor)
        .where(ExternalSupervisor.org_id == org.id, ExternalSupervisor.active.is_(True))
        .order_by(ExternalSupervisor.appointed_on, ExternalSupervisor.id)
    ).all()
    return Roster(org, here, above, list(external))


def has_supervisors(session: Session, org: Org) -> bool:
    """Tell whether ``org`` has supervisors of its own (meetings are owed then)."""
    own = session.scalar(
        sa.select(sa.func.count())
        .select_from(RoleGrant)
        .where(RoleGrant.org_id == org.id, RoleGrant.role == Role.SUPERVISOR)
    )
    outside = session.scalar(
        sa.select(sa.func.count())
        .select_from(ExternalSupervisor)
        .where(ExternalSupervisor.org_id == org.id, ExternalSupervisor.active.is_(True))
    )
    return bool(own or outside)


def appoint(
    session: Session,
    principal: Principal,
    org: Org,
    *,
    name: str,
    post: str,
    phone: str,
    appointed_on: dt.date,
    term_until: dt.date | None,
) -> ExternalSupervisor:
    """Add an appointed supervisor without an account to ``org``'s roster.

    :raise PermissionDenied: the caller is not the org's approver or administrator.
    :raise RuleViolation: no name, or a term ending before the appointment.
    """
    if not may_manage_roster(principal, org):
        raise _deny()
    if not name.strip():
        raise RuleViolation(N_("Give the supervisor's name."), code="name_required")
    if term_until is not None and term_until < appointed_on:
        raise RuleViolation(
            N_("The term cannot end before the appointment."), code="term_before_appointment"
        )
    supervisor = ExternalSupervisor(
        org=org,
        name=name.strip(),
        post=post.strip(),
        phone=phone.strip(),
        appointed_on=appointed_on,
        term_until=term_until,
        created_by_id=principal.user.id,
    )
    session.add(supervisor)
    session.flush()
    return supervisor


def dismiss(session: Session, principal: Principal, supervisor_id: int) -> ExternalSupervisor:
    """Take an appointed supervisor off the roster (kept, inactive).

    :raise NotFound: no such supervisor.
    :raise PermissionDenied: the caller is not the org's approver or administrator.
    """
    supervisor = session.get(ExternalSupervisor, supervisor_id)
    if supervisor is None or not principal.can(Permission.VIEW, supervisor.org):
        raise NotFound(N_("No such supervisor."), code="supervisor_not_found")
    if not may_manage_roster(principal, supervisor.org):
        raise _deny()
    supervisor.active = False
    session.flush()
    return supervisor


# --- inspections and findings -------------------------------------------------------------


def inspector_choices(session: Session, org: Org) -> list[User]:
    """Return the users who may inspect ``org`` (supervisors there or above), by name."""
    found = roster(session, org)
    users = {u.id: u for u in found.here} | {u.id: u for u, _org in found.above}
    return sorted(users.values(), key=lambda u: (u.name, u.id))


def owner_choices(session: Session, org: Org) -> list[User]:
    """Return the users who may own a finding about ``org``: active holders of a working
    role at the org itself (its approver, editors, reviewers, …)."""
    users = session.scalars(
        sa.select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.org_id == org.id, RoleGrant.role.in_(list(OWNER_ROLES)))
        .where(User.active.is_(True))
        .distinct()
        .order_by(User.id)
    ).all()
    return list(users)


def _seal_inspection(
    session: Session, inspection: Inspection, actor: User, at: dt.datetime
) -> None:
    audit.record_event(
        session,
        subject=audit_rules.INSPECTION,
        subject_id=inspection.id,
        actor=actor.username,
        role=Role.SUPERVISOR.value,
        action="record_inspection",
        reason="",
        at=at,
        state="recorded",
        details={
            "org": inspection.org_id,
            "on": inspection.inspected_on.isoformat(),
            "checks": {p: c["result"] for p, c in inspection.checks.items()},
            "inspectors": [u.id for u in inspection.inspectors],
            "checks_sha256": audit.text_hash(repr(sorted(inspection.checks.items()))),
            "summary_sha256": audit.text_hash(inspection.summary),
        },
    )


def record_inspection(
    session: Session,
    principal: Principal,
    org: Org,
    *,
    inspected_on: dt.date,
    results: dict[str, tuple[str, str]],
    summary: str,
    inspector_ids: list[int],
    now: dt.datetime,
) -> Inspection:
    """Record an inspection of ``org`` by the caller (and the other ``inspector_ids``).

    :raise PermissionDenied: the caller is no supervisor reaching ``org``.
    :raise RuleViolation: an inspector who is not, a day in the future, a bad checklist.
    """
    if not principal.can(Permission.RECORD_INSPECTIONS, org):
        raise _deny()
    if inspected_on > now.date() + dt.timedelta(days=1):
        raise RuleViolation(N_("The inspection cannot be in the future."), code="future_date")
    allowed = {u.id: u for u in inspector_choices(session, org)}
    inspectors = [principal.user]
    for user_id in inspector_ids:
        if user_id == principal.user.id:
            continue
        if user_id not in allowed:
            raise RuleViolation(
                N_("Only supervisors reaching the organisation inspect it."),
                code="not_a_supervisor",
            )
        inspectors.append(allowed[user_id])
    inspection = Inspection(
        org=org,
        inspected_on=inspected_on,
        checks=rules.checklist(results),
        summary=summary.strip(),
        recorded_by_id=principal.user.id,
        inspectors=inspectors,
        created_at=now,
    )
    session.add(inspection)
    session.flush()
    _seal_inspection(session, inspection, principal.user, now)
    return inspection


def _item_in(session: Session, org: Org, item_id: int) -> Item:
    item = session.get(Item, item_id)
    if item is None or not is_within(item.org.path, org.path):
        raise RuleViolation(
            N_("Item %(id)d is not an item of the organisation."), code="item_elsewhere", id=item_id
        )
    return item


def _seal_finding(
    session: Session,
    finding: Finding,
    actor: User,
    role: str,
    action: FindingAction,
    at: dt.datetime,
) -> None:
    audit.record_event(
        session,
        subject=audit_rules.FINDING,
        subject_id=finding.id,
        actor=actor.username,
        role=role,
        action=action.value,
        reason="",
        at=at,
        state=finding.state.value,
        details={
            "inspection": finding.inspection_id,
            "org": finding.org_id,
            "point": finding.point.value,
            "item": finding.item_id,
            "owner": finding.owner_id,
            "deadline": finding.deadline.isoformat(),
            "description_sha256": audit.text_hash(finding.description),
            "rectification_sha256": audit.text_hash(finding.rectification + finding.evidence)
            if finding.rectification
            else None,
            "reopen_reason_sha256": audit.text_hash(finding.reopen_reason)
            if finding.reopen_reason
            else None,
        },
    )


def add_finding(
    session: Session,
    principal: Principal,
    inspection: Inspection,
    *,
    point: Point,
    description: str,
    owner_id: int,
    deadline: dt.date | None,
    item_id: int | None,
    now: dt.datetime,
    tz: dt.tzinfo,
) -> Finding:
    """Record a problem the inspection found, owned by ``owner_id`` and to be rectified by
    ``deadline`` (default: :data:`rules.RECTIFY_WORKING_DAYS` working days from today); the
    checklist point is marked as a finding.

    :raise PermissionDenied: the caller is no supervisor reaching the inspected org.
    :raise RuleViolation: no description, an owner without a role there, a past deadline, an
        item of another organisation.
    """
    org = inspection.org
    if not principal.can(Permission.RECORD_INSPECTIONS, org):
        raise _deny()
    if len(description.strip()) < rules.TEXT_MIN:
        raise RuleViolation(
            N_("Describe the problem (at least %(n)d characters)."),
            code="description_required",
            n=rules.TEXT_MIN,
        )
    owner = next((u for u in owner_choices(session, org) if u.id == owner_id), None)
    if owner is None:
        raise RuleViolation(
            N_("The owner must hold a role at the inspected organisation."), code="owner_elsewhere"
        )
    today = now.astimezone(tz).date()
    if deadline is None:
        deadline = rules.default_deadline(calendar_of(session), today)
    rules.check_deadline(deadline, today)
    item = _item_in(session, org, item_id) if item_id is not None else None
    finding = Finding(
        inspection=inspection,
        org_id=org.id,
        point=point,
        description=description.strip(),
        item_id=item.id if item else None,
        owner_id=owner.id,
        deadline=deadline,
        state=FindingState.OPEN,
        recorded_by_id=principal.user.id,
        created_at=now,
    )
    session.add(finding)
    checks = dict(inspection.checks)
    entry = dict(checks.get(point.value, {"note": ""}))
    entry["result"] = rules.Result.FINDING.value
    checks[point.value] = entry
    inspection.checks = checks
    session.flush()
    _seal_finding(
        session, finding, principal.user, Role.SUPERVISOR.value, FindingAction.RECORD, now
    )
    return finding


def capacities(principal: Principal, finding: Finding) -> set[Capacity]:
    """Return in which capacities the caller acts on ``finding``."""
    found = set()
    if principal.user.id == finding.owner_id:
        found.add(Capacity.OWNER)
    if principal.can(Permission.RECORD_INSPECTIONS, finding.org):
        found.add(Capacity.SUPERVISOR)
    return found


def act(
    session: Session,
    principal: Principal,
    finding: Finding,
    action: FindingAction,
    *,
    text: str = "",
    evidence: str = "",
    deadline: dt.date | None = None,
    now: dt.datetime,
    tz: dt.tzinfo,
) -> Finding:
    """Take ``action`` on ``finding``: the owner reports the rectification (``text``, with
    ``evidence``), a supervisor accepts it or sends it back (``text``: why; ``deadline``: a
    new one, optional).

    :raise Conflict: not in this state. :raise PermissionDenied: not for the caller.
    :raise RuleViolation: the text missing, a new deadline in the past.
    """
    held = capacities(principal, finding)
    target = rules.transition(finding.state, action, held, text)
    role = Role.SUPERVISOR.value
    if action is FindingAction.RECTIFY:
        finding.rectification = text.strip()
        finding.evidence = evidence.strip()
        finding.rectified_at = now
        role = "owner"
    elif action is FindingAction.ACCEPT:
        finding.closed_at = now
        finding.closed_by_id = principal.user.id
    elif action is FindingAction.REOPEN:
        finding.reopen_reason = text.strip()
        finding.reopened_count += 1
        if deadline is not None:
            rules.check_deadline(deadline, now.astimezone(tz).date())
            finding.deadline = deadline
    finding.state = target
    session.flush()
    _seal_finding(session, finding, principal.user, role, action, now)
    return finding


def finding_states(session: Session) -> Iterator[audit_rules.Current]:
    """Yield every finding's state as stored now, for ``audit verify``."""
    for finding_id, state in session.execute(
        sa.select(Finding.id, Finding.state).order_by(Finding.id)
    ):
        yield audit_rules.Current(
            subject=audit_rules.FINDING,
            subject_id=finding_id,
            revision=None,
            state=FindingState(state).value,
            label=f"finding {finding_id}",
        )


def get_inspection(session: Session, principal: Principal, inspection_id: int) -> Inspection:
    """:raise NotFound: no such inspection the caller may see."""
    inspection = session.get(Inspection, inspection_id)
    if inspection is None or not principal.can(Permission.VIEW, inspection.org):
        raise NotFound(N_("No such inspection."), code="inspection_not_found")
    return inspection


def get_finding(session: Session, principal: Principal, finding_id: int) -> Finding:
    """:raise NotFound: no such finding the caller may see (the owner always may)."""
    finding = session.get(Finding, finding_id)
    if finding is None or not (
        principal.can(Permission.VIEW, finding.org) or finding.owner_id == principal.user.id
    ):
        raise NotFound(N_("No such finding."), code="finding_not_found")
    return finding


# --- meetings --------------------------------------------------------------------------------


def record_meeting(
    session: Session,
    principal: Principal,
    org: Org,
    *,
    kind: MeetingKind,
    held_on: dt.date,
    attendees_count: int,
    attendees: str,
    topics: str,
    conclusions: str,
    now: dt.datetime,
) -> Meeting:
    """Record a supervisors' meeting or forum ``org`` held.

    :raise PermissionDenied: the caller is neither the org's approver or administrator nor
        a supervisor reaching it.
    :raise RuleViolation: a day in the future, no topics, a negative count.
    """
    if not may_record_meetings(principal, org):
        raise _deny()
    if held_on > now.date() + dt.timedelta(days=1):
        raise RuleViolation(N_("The meeting cannot be in the future."), code="future_date")
    if attendees_count < 0:
        raise RuleViolation(N_("The number of attendees is wrong."), code="bad_count")
    if not topics.strip():
        raise RuleViolation(N_("Give the topics discussed."), code="topics_required")
    meeting = Meeting(
        org=org,
        kind=kind,
        held_on=held_on,
        attendees_count=attendees_count,
        attendees=attendees.strip(),
        topics=topics.strip(),
        conclusions=conclusions.strip(),
        recorded_by_id=principal.user.id,
        created_at=now,
    )
    session.add(meeting)
    session.flush()
    audit.record_event(
        session,
        subject=audit_rules.MEETING,
        subject_id=meeting.id,
        actor=principal.user.username,
        role=_meeting_role(principal, org),
        action="record_meeting",
        reason="",
        at=now,
        state="recorded",
        details={
            "org": org.id,
            "kind": kind.value,
            "on": held_on.isoformat(),
            "attendees_count": attendees_count,
            "minutes_sha256": audit.text_hash(
                "\n".join([meeting.attendees, meeting.topics, meeting.conclusions])
            ),
        },
    )
    return meeting


def _meeting_role(principal: Principal, org: Org) -> str:
    """Return in which role the caller records a meeting of ``org``."""
    if principal.can(Permission.APPROVE_ITEMS, org):
        return Role.APPROVER.value
    if principal.can(Permission.RECORD_INSPECTIONS, org):
        return Role.SUPERVISOR.value
    return Role.ADMIN.value


def meetings_of(session: Session, org: Org, limit: int = 50) -> list[Meeting]:
    return list(
        session.scalars(
            sa.select(Meeting)
            .where(Meeting.org_id == org.id)
            .order_by(Meeting.held_on.desc(), Meeting.id.desc())
            .limit(limit)
        )
    )


def meeting_gaps(session: Session, org: Org, today: dt.date) -> list[rules.MeetingGap]:
    """Return the meetings ``org`` owes ``today`` (none when it has no supervisors)."""
    if not has_supervisors(session, org):
        return []
    since = rules.previous_period(MeetingKind.FORUM, today).first
    held = session.execute(
        sa.select(Meeting.kind, Meeting.held_on).where(
            Meeting.org_id == org.id, Meeting.held_on >= since
        )
    ).all()
    return rules.meeting_gaps([(MeetingKind(k), d) for k, d in held], today)


# --- accountability ------------------------------------------------------------------------


def accountability_condition(principal: Principal) -> sa.ColumnElement[bool]:
    """Return an SQL condition on :class:`Org`: the orgs whose accountability records the
    caller reads (:func:`rules.may_see_accountability`)."""
    return sa.or_(*(principal.org_condition(p) for p in rules.READING))


def open_accountability(
    session: Session,
    principal: Principal,
    org: Org,
    *,
    breach: rules.Breach,
    persons: str,
    facts: str,
    measure: rules.Measure,
    decision: str,
    decided_on: dt.date,
    item_ids: list[int],
    finding_ids: list[int],
    now: dt.datetime,
) -> Accountability:
    """Hold ``org`` to account: a superior reviewer above it records the breach, who, the
    facts and the measure, linked to items and findings of the org.

    :raise PermissionDenied: the caller is no superior reviewer above ``org``.
    :raise RuleViolation: nobody named, no facts, links to another organisation's records.
    """
    if not (org.active and rules.may_open_accountability(principal.grants, org.path)):
        raise _deny()
    rules.check_accountability(persons, facts)
    for item_id in item_ids:
        _item_in(session, org, item_id)
    for finding_id in finding_ids:
        finding = session.get(Finding, finding_id)
        if finding is None or not is_within(finding.org.path, org.path):
            raise RuleViolation(
                N_("Finding %(id)d is not a finding about the organisation."),
                code="finding_elsewhere",
                id=finding_id,
            )
    record = Accountability(
        org=org,
        breach=breach,
        persons=persons.strip(),
        facts=facts.strip(),
        measure=measure,
        decision=decision.strip(),
        decided_on=decided_on,
        item_ids=item_ids,
        finding_ids=finding_ids,
        opened_by_id=principal.user.id,
        created_at=now,
    )
    session.add(record)
    session.flush()
    audit.record_event(
        session,
        subject=audit_rules.ACCOUNTABILITY,
        subject_id=record.id,
        actor=principal.user.username,
        role=Role.SUPERIOR.value,
        action="open_accountability",
        reason="",
        at=now,
        state="recorded",
        details={
            "org": org.id,
            "breach": breach.value,
            "measure": measure.value,
            "on": decided_on.isoformat(),
            "items": item_ids,
            "findings": finding_ids,
            "record_sha256": audit.text_hash(
                "\n".join([record.persons, record.facts, record.decision])
            ),
        },
    )
    return record


def accountability_list(session: Session, principal: Principal) -> list[Accountability]:
    return list(
        session.scalars(
            sa.select(Accountability)
            .join(Org, Accountability.org_id == Org.id)
            .where(accountability_condition(principal))
            .order_by(Accountability.decided_on.desc(), Accountability.id.desc())
        )
    )


def get_accountability(session: Session, principal: Principal, record_id: int) -> Accountability:
    """:raise NotFound: no such record the caller may read (its existence is not told)."""
    record = session.get(Accountability, record_id)
    if record is None or not (
        record.org.active and rules.may_see_accountability(principal.grants, record.org.path)
    ):
        raise NotFound(N_("No such accountability record."), code="accountability_not_found")
    return record


# --- alerts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindingAlert:
    finding: Finding
    overdue: bool


@dataclass
class Alerts:
    """What supervision asks of one person today."""

    today: dt.date
    #: Findings the person owns that are overdue or due within five working days.
    owned: list[FindingAlert] = field(default_factory=list)
    #: Rectified findings awaiting a supervisor's acceptance, in the person's reach.
    to_accept: list[Finding] = field(default_factory=list)
    #: Overdue findings in a supervisor's reach (not the person's own).
    overdue: list[Finding] = field(default_factory=list)
    #: Meetings not held at the orgs where the person is the approver.
    meetings: list[tuple[Org, rules.MeetingGap]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.owned) + len(self.to_accept) + len(self.overdue) + len(self.meetings)


def alerts(session: Session, principal: Principal, now: dt.datetime, tz: dt.tzinfo) -> Alerts:
    """Return the supervision alerts of ``principal`` at ``now``."""
    today = now.astimezone(tz).date()
    calendar: WorkdayCalendar = calendar_of(session)
    found = Alerts(today)
    for finding in session.scalars(
        sa.select(Finding)
        .where(Finding.owner_id == principal.user.id, Finding.state == FindingState.OPEN)
        .order_by(Finding.deadline, Finding.id)
    ):
        overdue = rules.is_overdue(finding.state, finding.deadline, today)
        if overdue or rules.is_due_soon(finding.state, finding.deadline, today, calendar):
            found.owned.append(FindingAlert(finding, overdue))
    if principal.has_role_for(Permission.RECORD_INSPECTIONS):
        scoped = (
            sa.select(Finding)
            .join(Org, Finding.org_id == Org.id)
            .where(principal.org_condition(Permission.RECORD_INSPECTIONS))
        )
        found.to_accept = list(
            session.scalars(
                scoped.where(Finding.state == FindingState.RECTIFIED).order_by(Finding.id)
            )
        )
        found.overdue = [
            f
            for f in session.scalars(
                scoped.where(
                    Finding.state == FindingState.OPEN,
                    Finding.deadline < today,
                    Finding.owner_id != principal.user.id,
                ).order_by(Finding.deadline, Finding.id)
            )
            if rules.is_overdue(f.state, f.deadline, today)
        ]
    for grant in principal.user.grants:
        if grant.role is Role.APPROVER and grant.org.active:
            found.meetings.extend(
                (grant.org, gap) for gap in meeting_gaps(session, grant.org, today)
            )
    return found


def findings_in_scope(
    session: Session, principal: Principal, *, state: FindingState | None = None, limit: int = 200
) -> list[Finding]:
    """Return the findings about the orgs the caller sees (and those the caller owns)."""
    query = (
        sa.select(Finding)
        .join(Org, Finding.org_id == Org.id)
        .where(sa.or_(principal.org_condition(), Finding.owner_id == principal.user.id))
    )
    if state is not None:
        query = query.where(Finding.state == state)
    return list(session.scalars(query.order_by(Finding.deadline, Finding.id).limit(limit)))


def inspections_in_scope(
    session: Session, principal: Principal, limit: int = 100
) -> list[Inspection]:
    return list(
        session.scalars(
            sa.select(Inspection)
            .join(Org, Inspection.org_id == Org.id)
            .where(principal.org_condition())
            .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
            .limit(limit)
        )
    )


def meetings_in_scope(session: Session, principal: Principal, limit: int = 100) -> list[Meeting]:
    return list(
        session.scalars(
            sa.select(Meeting)
            .join(Org, Meeting.org_id == Org.id)
            .where(principal.org_condition())
            .order_by(Meeting.held_on.desc(), Meeting.id.desc())
            .limit(limit)
        )
    )


def digest_recipients(session: Session) -> list[User]:
    """Return the active users with an email address, by id."""
    return list(
        session.scalars(
            sa.select(User)
            .where(User.active.is_(True), User.email.is_not(None), User.email != "")
            .order_by(User.id)
        )
    )


def orgs_with(session: Session, principal: Principal, permission: Permission) -> list[Org]:
    """Return the active orgs where the caller has ``permission``, in path order."""
    return list(
        session.scalars(
            sa.select(Org).where(principal.org_condition(permission)).order_by(Org.path)
        )
    )
