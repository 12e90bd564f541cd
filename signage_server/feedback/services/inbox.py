"""The handlers' inbox: lists, counts and exports of the cases a caller may see, one case with
what its page needs, and the dashboard's workload. Every query selects cases through
``visibility.visible_condition``, so that a report stays invisible to the organisation it is
about."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server import listing
from signage_server.accounts.models import RoleGrant
from signage_server.accounts.models import User
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.disclosure import viewing
from signage_server.feedback import rules
from signage_server.feedback.models import Case
from signage_server.feedback.rules import Action
from signage_server.feedback.rules import CaseState
from signage_server.feedback.rules import Channel
from signage_server.feedback.rules import DeadlineTerms
from signage_server.feedback.rules import Kind
from signage_server.feedback.services import deadlines
from signage_server.feedback.services import handling
from signage_server.feedback.services import visibility
from signage_server.feedback.services.scanning import fill_shown
from signage_server.orgs.models import Org
from signage_server.orgs.models import within
from signage_server.orgs.services import get_by_code
from signage_server.orgs.services import require_by_code


@dataclass(frozen=True)
class Filters:
    #: The code of an org: cases about it and the orgs below.
    org: str = ""
    state: CaseState | None = None
    kind: Kind | None = None
    #: How the cases came (the QR form, or recorded by staff: 代录).
    channel: Channel | None = None
    hidden: bool = False
    #: Words of the receipt or of the message (never of the submitter's name or phone: not
    #: everyone who sees a case may see who sent it).
    text: str = ""
    #: Received at or after / before these moments.
    received_from: dt.datetime | None = None
    received_before: dt.datetime | None = None
    #: Only cases with a duty past its last day.
    overdue: bool = False


def _filter_org(session: Session, principal: Principal, code: str, strict: bool) -> Org | None:
    """Return the org to filter by. ``strict`` (the API): an unknown org is a 404 and one
    outside the caller's reach a 403; otherwise (the inbox's bar) both are left out."""
    if not code:
        return None
    if strict:
        org = require_by_code(session, code)
        principal.require(Permission.VIEW, org)
        return org
    found = get_by_code(session, code)
    return found if found is not None and principal.can(Permission.VIEW, found) else None


def cases_query(
    session: Session,
    principal: Principal,
    filters: Filters,
    now: dt.datetime,
    *,
    strict: bool = False,
) -> sa.Select[Case]:
    """Return the query of the cases visible to ``principal``, newest first."""
    query = sa.select(Case).where(visibility.visible_condition(principal))
    org = _filter_org(session, principal, filters.org, strict)
    if org is not None:
        query = query.join(Org, Org.id == Case.org_id).where(within([org.path]))
    if filters.state is not None:
        query = query.where(Case.state == filters.state)
    if filters.kind is not None:
        query = query.where(Case.kind == filters.kind)
    if filters.channel is not None:
        query = query.where(Case.channel == filters.channel)
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
    if filters.overdue:
        query = query.where(deadlines.overdue_condition(deadlines.terms(session), now))
    return query.order_by(Case.received_at.desc(), Case.id.desc())


@dataclass(frozen=True)
class CaseRow:
    """A case as a handler's list or page shows it."""

    case: Case
    deadlines: list[rules.Deadline]
    today: dt.date
    #: The caller may see who sent it (name and phone).
    identity: bool

    @property
    def overdue(self) -> bool:
        return any(d.overdue(self.today) for d in self.deadlines)


def _row(principal: Principal, case: Case, terms: DeadlineTerms, now: dt.datetime) -> CaseRow:
    return CaseRow(
        case,
        deadlines.deadlines(case, terms),
        terms.today(now),
        visibility.can_see_identity(principal, case),
    )


def rows(
    session: Session, principal: Principal, cases: Iterable[Case], now: dt.datetime
) -> list[CaseRow]:
    """Return ``cases`` with their deadlines (the calendar loaded once)."""
    terms = deadlines.terms(session)
    return [_row(principal, case, terms, now) for case in cases]


def row(session: Session, principal: Principal, case: Case, now: dt.datetime) -> CaseRow:
    """Return one case with its deadlines (what the API answers after an action)."""
    return _row(principal, case, deadlines.terms(session), now)


def open_case(session: Session, principal: Principal, case_id: int, now: dt.datetime) -> CaseRow:
    """Return a case the caller may see, having recorded what its screen showed if proof of
    play tells by now (players send it in batches).

    :raise NotFound: no such case, or one the caller may not know exists.
    """
    case = visibility.visible_case(session, principal, case_id)
    if fill_shown(session, case):
        session.commit()
    return row(session, principal, case, now)


@dataclass(frozen=True)
class CasePage:
    """What the page of one case needs besides the case."""

    row: CaseRow
    #: The actions offered to the caller (the workflow table).
    actions: frozenset[Action]
    #: Whom the case may be assigned to.
    handlers: list[User]


def case_page(session: Session, principal: Principal, case_id: int, now: dt.datetime) -> CasePage:
    """Return a case the caller may see, with the actions it offers them."""
    found = open_case(session, principal, case_id, now)
    return CasePage(
        found,
        handling.offered_actions(principal, found.case),
        handlers_of(session, found.case),
    )


def handlers_of(session: Session, case: Case) -> list[User]:
    """Return the active users who may act on ``case`` (for assigning it), by username."""
    roles = rules.roles_handling(case.kind)
    grants = session.scalars(
        sa.select(RoleGrant).where(RoleGrant.role.in_([r.value for r in roles]))
    ).all()
    users = {g.user.id: g.user for g in grants if g.user.active}
    # The same decision that ``handling.assign_case`` makes about the chosen user.
    handlers = [u for u in users.values() if visibility.can_handle(Principal.of(u), case)]
    return sorted(handlers, key=lambda u: u.username)


def search(
    session: Session,
    principal: Principal,
    filters: Filters,
    now: dt.datetime,
    *,
    limit: int,
    offset: int,
) -> tuple[int, list[CaseRow]]:
    """Return how many cases match (the API's ``total``) and the ``limit`` from ``offset``.

    :raise NotFound: an unknown org to filter by.
    :raise PermissionDenied: an org outside the caller's reach.
    """
    query = cases_query(session, principal, filters, now, strict=True)
    total = listing.count(session, query)
    return total, rows(session, principal, session.scalars(query.limit(limit).offset(offset)), now)


def page(
    session: Session, principal: Principal, filters: Filters, number: int, now: dt.datetime
) -> tuple[listing.Page[Case], list[CaseRow]]:
    """Return page ``number`` of the inbox, and its cases with their deadlines."""
    found = listing.paginate(session, cases_query(session, principal, filters, now), number)
    return found, rows(session, principal, found.rows, now)


@dataclass(frozen=True)
class ExportRow:
    row: CaseRow
    #: The item's title where the audience rule lets the caller read it, else empty.
    title: str


def export(
    session: Session, principal: Principal, filters: Filters, now: dt.datetime
) -> list[ExportRow]:
    """Return every case matching ``filters`` for the export."""
    viewer = viewing.member(principal)  # item titles only where the audience rule allows
    cases = session.scalars(cases_query(session, principal, filters, now))
    return [
        ExportRow(found, viewing.title_for(found.case.item, viewer, now))
        for found in rows(session, principal, cases, now)
    ]


def filter_orgs(session: Session, principal: Principal) -> list[Org]:
    """Return the orgs the inbox may be filtered by (those the caller sees)."""
    return list(session.scalars(sa.select(Org).where(principal.org_condition())))


@dataclass(frozen=True)
class Workload:
    """What the dashboard says of feedback."""

    #: The visible cases still to handle, oldest first.
    open: list[Case]
    #: Those of them with a duty past its last day.
    overdue: list[Case]


def workload(session: Session, principal: Principal, now: dt.datetime) -> Workload:
    """Return the cases visible to ``principal`` that still need handling, and the overdue."""
    query = (
        sa.select(Case)
        .where(visibility.visible_condition(principal))
        .where(Case.state != CaseState.CLOSED, Case.hidden_at.is_(None))
        .order_by(Case.received_at)
    )
    open_cases = list(session.scalars(query))
    if not open_cases:
        return Workload([], [])
    terms = deadlines.terms(session)
    return Workload(open_cases, [c for c in open_cases if deadlines.overdue(c, terms, now)])
