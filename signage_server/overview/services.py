"""What the home page shows, read in a few queries for the organisations a caller may see.

:func:`home` gathers the whole page (the verdict of ``overview.rules`` and its findings); the
other functions take the SQL condition on :class:`Org` of what the caller may see (from the
permission module, ``Principal.org_condition()``), so nothing outside it is counted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from signage_server import listing
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.catalog import services as catalog
from signage_server.catalog import tally
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.presenters import TASK_STEPS
from signage_server.disclosure.presenters import task_query
from signage_server.disclosure.rules import State
from signage_server.disclosure.services import integrity_alarms
from signage_server.disclosure.viewing import Protection
from signage_server.feedback.models import Case
from signage_server.feedback.rules import SEEING_ROLES
from signage_server.feedback.services.inbox import workload
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind
from signage_server.orgs.services import visible_orgs
from signage_server.overview import rules
from signage_server.screens.models import Screen
from signage_server.screens.showing import screen_json
from signage_server.supervision.services import Alerts
from signage_server.supervision.services import alerts as supervision_alerts


@dataclass(frozen=True)
class ScreenState:
    """A screen as the screen wall sees it."""

    screen: Screen
    online: bool
    up_to_date: bool
    revoked: bool


def screen_states(
    session: Session, condition: sa.ColumnElement[bool], now: dt.datetime
) -> list[ScreenState]:
    """Return every active screen of the visible orgs, longest offline first."""
    screens = session.scalars(
        sa.select(Screen)
        .join(Org, Screen.org_id == Org.id)
        .where(condition, Screen.active.is_(True))
        .options(selectinload(Screen.org))
        .order_by(Screen.last_seen_at.is_not(None), Screen.last_seen_at, Org.path, Screen.name)
    )
    states = []
    for screen in screens:
        facts = screen_json(screen, now)
        states.append(ScreenState(screen, facts["online"], facts["up_to_date"], facts["revoked"]))
    return states


@dataclass(frozen=True)
class EndingNotice:
    """A published public notice (公示) that ends soon, and when it ends."""

    revision: Revision
    #: The end of the window it shows in (:mod:`signage_server.disclosure.windows`): its
    #: validity, never before its protection ends.
    ends: dt.datetime


def notices_ending(
    session: Session, condition: sa.ColumnElement[bool], now: dt.datetime, tz: dt.tzinfo
) -> list[EndingNotice]:
    """Return the published public notices (公示) of the visible orgs that end soon, soonest
    first. A notice ends where the one window rule says (a notice still protected past its
    ``valid_until`` runs on), so candidates are read by ``valid_until`` and judged by it."""
    query = (
        sa.select(Revision)
        .join(Item, Revision.item_id == Item.id)
        .join(Org, Item.org_id == Org.id)
        .where(condition)
        .where(
            Revision.state == State.PUBLISHED,
            Revision.notice_kind.is_not(None),
            # The window never ends before valid_until: later ones cannot end soon.
            Revision.valid_until <= now + rules.NOTICE_ENDING_WITHIN,
        )
        .options(selectinload(Revision.item).selectinload(Item.org))
    )
    protection = Protection(session, tz)
    found = []
    for revision in session.scalars(query):
        ends = protection.window(revision).end
        if ends is not None and rules.ending_soon(ends, now):
            found.append(EndingNotice(revision, ends))
    return sorted(found, key=lambda n: (n.ends, n.revision.id))


@dataclass(frozen=True)
class CatalogHealth:
    """The catalog entries owed in the visible orgs."""

    #: The organisation at the top of what the caller sees (for "see all").
    root: Org | None
    #: Organisations with entries overdue or never disclosed, worst first.
    owing: list[tally.Row[Org]]
    total: tally.Tally


def catalog_health(
    session: Session, orgs: Sequence[Org], now: dt.datetime, tz: dt.tzinfo
) -> CatalogHealth:
    """Return where the catalog stands in ``orgs`` (the visible orgs, in tree order)."""
    rows, _lines = catalog.subtree_rows(session, orgs, now, tz)
    owing = tally.sort_rows([row for row in rows if row.tally.owed], tally.Sort())
    return CatalogHealth(
        root=orgs[0] if orgs else None,
        owing=owing,
        total=tally.total(row.tally for row in rows),
    )


@dataclass(frozen=True)
class Home:
    """The home page of one caller: the verdict, what it found, the work waiting, and the
    caller's organisations and roles."""

    findings: rules.Findings
    integrity_alarms: list[Revision]
    #: Items waiting for the caller, counted per step of ``disclosure.presenters.TASK_STEPS``.
    tasks: dict[str, int]
    screens: list[ScreenState]
    offline: list[ScreenState]
    stale: list[ScreenState]
    notices: list[EndingNotice]
    catalog: CatalogHealth
    #: The caller meets feedback cases at all (the home page shows them its state).
    sees_feedback: bool
    feedback_open: int
    feedback_overdue: list[Case]
    #: ``{"org": Org, "roles": [Role, ...]}`` of each org where the caller holds roles.
    grants: list[dict[str, Any]]
    kind_counts: list[tuple[OrgKind, int]]
    visible_count: int
    members: int
    #: The caller administers users or organisations somewhere.
    can_admin: bool
    #: Findings to rectify or accept, overdue findings, meetings not held (supervision).
    supervision: Alerts


def home(session: Session, principal: Principal, *, now: dt.datetime, tz: dt.tzinfo) -> Home:
    """Return the home page of ``principal`` at ``now``."""
    condition = principal.org_condition()
    orgs = visible_orgs(session, principal)
    by_org: dict[int, dict[str, Any]] = {}
    for grant in principal.user.grants:
        entry = by_org.setdefault(grant.org_id, {"org": grant.org, "roles": []})
        entry["roles"].append(grant.role)
    counts = Counter(org.kind for org in orgs)
    # Counted (one COUNT per step), not loaded: a county has many.
    tasks = {step: listing.count(session, task_query(principal, step)) for step in TASK_STEPS}
    alarms = integrity_alarms(session, condition)
    feedback = workload(session, principal, now)
    screens = screen_states(session, condition, now)
    offline = [s for s in screens if not s.online]
    stale = [
        s
        for s in screens
        if rules.not_up_to_date(s.online, s.up_to_date, bool(s.screen.acked_version))
    ]
    notices = notices_ending(session, condition, now, tz)
    health = catalog_health(session, orgs, now, tz)
    supervision = supervision_alerts(session, principal, now, tz)
    return Home(
        findings=rules.Findings(
            integrity_alarms=len(alarms),
            offline_screens=len(offline),
            stale_screens=len(stale),
            owed_entries=health.total.owed,
            overdue_feedback=len(feedback.overdue),
            overdue_rectifications=len(
                {f.id for f in supervision.overdue}
                | {a.finding.id for a in supervision.owned if a.overdue}
            ),
            tasks=sum(tasks.values()),
            notices_ending=len(notices),
        ),
        integrity_alarms=alarms,
        tasks=tasks,
        screens=screens,
        offline=offline,
        stale=stale,
        notices=notices,
        catalog=health,
        sees_feedback=any(principal.has_role(role) for role in SEEING_ROLES),
        feedback_open=len(feedback.open),
        feedback_overdue=feedback.overdue,
        grants=sorted(by_org.values(), key=lambda e: e["org"].path),
        kind_counts=[(kind, counts[kind]) for kind in OrgKind if counts[kind]],
        visible_count=len(orgs),
        members=sum(org.party_members or 0 for org in orgs),
        can_admin=any(
            principal.can(p, e["org"])
            for e in by_org.values()
            for p in (Permission.MANAGE_USERS, Permission.MANAGE_ORGS)
        ),
        supervision=supervision,
    )
