"""Catalog templates and entries, compliance of an organisation, 不便公开 exemptions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from signage_server.accounts.models import User
from signage_server.audit import rules as audit_rules
from signage_server.audit import services as audit
from signage_server.catalog import rules
from signage_server.catalog import tally
from signage_server.catalog.models import CatalogEntry
from signage_server.catalog.models import CatalogTemplate
from signage_server.catalog.models import Exemption
from signage_server.disclosure import notices
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.rules import WAS_PUBLISHED
from signage_server.disclosure.rules import State
from signage_server.disclosure.rules import Timing
from signage_server.disclosure.viewing import Protection
from signage_server.errors import BadRequest
from signage_server.errors import Conflict
from signage_server.errors import NotFound
from signage_server.errors import RuleViolation
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind
from signage_server.orgs.rules import path_ids


def template_for(session: Session, org: Org) -> CatalogTemplate | None:
    """Return the catalog that applies to ``org``: its nearest ancestor's, for its kind."""
    ancestors = path_ids(org.path)[:-1]
    if not ancestors:
        return None
    templates = {
        t.owner_org_id: t
        for t in session.scalars(
            sa.select(CatalogTemplate).where(
                CatalogTemplate.owner_org_id.in_(ancestors), CatalogTemplate.org_kind == org.kind
            )
        )
    }
    for org_id in reversed(ancestors):
        if org_id in templates:
            return templates[org_id]
    return None


def entries_for(session: Session, org: Org) -> list[CatalogEntry]:
    """Return the active catalog entries ``org`` must disclose."""
    template = template_for(session, org)
    if template is None:
        return []
    return [e for e in template.entries if e.active]


def require_entry_for(session: Session, org: Org, code_or_id: str | int) -> CatalogEntry:
    """Return the entry of ``org``'s catalog with that code (or id).

    :raise RuleViolation: it is not in the catalog that applies to ``org``.
    """
    for entry in entries_for(session, org):
        if entry.code == code_or_id or entry.id == code_or_id:
            return entry
    raise RuleViolation(
        N_("%(entry)s is not in the disclosure catalog of %(org)s."),
        code="not_in_catalog",
        entry=str(code_or_id),
        org=org.name,
    )


def create_template(
    session: Session, owner: Org, org_kind: OrgKind, name: str, description: str = ""
) -> CatalogTemplate:
    """Create the catalog ``owner`` sets for the orgs of ``org_kind`` below it.

    :raise Conflict: the owner already has one for that kind.
    """
    exists = session.scalar(
        sa.select(CatalogTemplate).where(
            CatalogTemplate.owner_org_id == owner.id, CatalogTemplate.org_kind == org_kind
        )
    )
    if exists is not None:
        raise Conflict(
            N_("This organisation already has a catalog for that kind."), code="template_exists"
        )
    template = CatalogTemplate(
        owner=owner, org_kind=org_kind, name=name.strip(), description=description
    )
    session.add(template)
    session.flush()
    return template


ENTRY_FIELDS = (
    "title",
    "description",
    "category",
    "scope",
    "timing",
    "cadence",
    "grace_days",
    "department",
    "channels",
    "active",
)


def _check_entry(entry: CatalogEntry) -> None:
    if entry.timing is Timing.PERIODIC and entry.cadence is None:
        raise RuleViolation(N_("A periodic entry needs a cadence."), code="cadence_required")
    if entry.timing is not Timing.PERIODIC and entry.cadence is not None:
        entry.cadence = None


def add_entry(
    session: Session, template: CatalogTemplate, code: str, **fields: Any
) -> CatalogEntry:
    """Add an entry to ``template``.

    :raise Conflict: the code is taken in this template.
    :raise RuleViolation: a periodic entry without cadence.
    """
    code = code.strip().upper()
    if not code:
        raise BadRequest(N_("Give the entry a code."), code="invalid_code")
    if any(e.code == code for e in template.entries):
        raise Conflict(
            N_("The code %(entry)s is taken in this catalog."), code="entry_exists", entry=code
        )
    entry = CatalogEntry(code=code, position=len(template.entries) + 1, **fields)
    _check_entry(entry)
    template.entries.append(entry)
    session.flush()
    return entry


def update_entry(session: Session, entry: CatalogEntry, **changes: Any) -> None:
    for key, value in changes.items():
        if key not in ENTRY_FIELDS:
            raise BadRequest(N_("Unknown field."), code="unknown_field")
        setattr(entry, key, value)
    _check_entry(entry)
    session.flush()


# --- compliance -----------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    entry: CatalogEntry
    result: rules.Result
    exemption: Exemption | None


def _live(
    state: State, facts: notices.NoticeFacts, protection: Protection, now: dt.datetime
) -> bool:
    """Tell whether a revision counts as disclosed now: published and inside its window (the
    audience rule's, a notice's protection included)."""
    return state is State.PUBLISHED and protection.window_of(facts).contains(now)


def templates_for(session: Session, orgs: Sequence[Org]) -> dict[int, CatalogTemplate | None]:
    """Return the catalog that applies to each of ``orgs`` (by org id), in one query."""
    owners = {owner for org in orgs for owner in path_ids(org.path)[:-1]}
    found: dict[tuple[int, OrgKind], CatalogTemplate] = {}
    if owners:
        found = {
            (t.owner_org_id, t.org_kind): t
            for t in session.scalars(
                sa.select(CatalogTemplate)
                .where(CatalogTemplate.owner_org_id.in_(owners))
                .options(selectinload(CatalogTemplate.entries))
            )
        }
    result: dict[int, CatalogTemplate | None] = {}
    for org in orgs:
        ancestors = path_ids(org.path)[:-1]
        result[org.id] = next(
            (found[(a, org.kind)] for a in reversed(ancestors) if (a, org.kind) in found), None
        )
    return result


def compliance(session: Session, org: Org, now: dt.datetime, tz: dt.tzinfo) -> list[Line]:
    """Return, for each catalog entry of ``org``, where it stands on ``now``."""
    return compliance_of(session, [org], now, tz)[org.id]


def compliance_of(
    session: Session,
    orgs: Sequence[Org],
    now: dt.datetime,
    tz: dt.tzinfo,
    *,
    historical: bool = False,
) -> dict[int, list[Line]]:
    """Return the compliance of each of ``orgs`` (by org id) on ``now``.

    :param historical: ``now`` is in the past (an assessment period that ended): leave out
        what was published after it (states and exemptions are taken as they stand).

    A whole subtree costs the same few queries as one organisation: the catalogs, the
    publications and the exemptions of all of them are read at once.
    """
    templates = templates_for(session, orgs)
    entries = {
        org.id: [e for e in template.entries if e.active] if template else []
        for org in orgs
        for template in [templates[org.id]]
    }
    owing = [org.id for org in orgs if entries[org.id]]
    entry_ids = {e.id for org_id in owing for e in entries[org_id]}
    publications = publications_of(
        session, owing, entry_ids, now, tz, until=now if historical else None
    )
    exemptions: dict[tuple[int, int], Exemption] = {}
    if owing:
        for declared in session.scalars(
            sa.select(Exemption)
            .where(Exemption.org_id.in_(owing), Exemption.entry_id.in_(entry_ids))
            .where(Exemption.state.in_(["pending", "approved"]))
            .order_by(Exemption.id)
        ):
            exemptions[(declared.org_id, declared.entry_id)] = declared
    today = now.astimezone(tz).date()
    result: dict[int, list[Line]] = {}
    for org in orgs:
        lines = []
        for entry in entries[org.id]:
            exemption = exemptions.get((org.id, entry.id))
            requirement = rules.Requirement(entry.timing, entry.cadence, entry.grace_days)
            outcome = rules.status(
                requirement,
                publications[(org.id, entry.id)],
                today,
                exemption.state if exemption else None,
            )
            lines.append(Line(entry, outcome, exemption))
        result[org.id] = lines
    return result


def publications_of(
    session: Session,
    org_ids: Sequence[int],
    entry_ids: Iterable[int],
    now: dt.datetime,
    tz: dt.tzinfo,
    *,
    until: dt.datetime | None = None,
) -> dict[tuple[int, int], list[rules.Publication]]:
    """Return the publications of each (org id, entry id) among ``org_ids`` × ``entry_ids``:
    every revision that was published for the entry (by ``until``, when given), live or not
    at ``now``."""
    publications: dict[tuple[int, int], list[rules.Publication]] = defaultdict(list)
    entries = set(entry_ids)
    if not org_ids or not entries:
        return publications
    rows = session.execute(
        sa.select(
            Item.org_id,
            Revision.catalog_entry_id,
            Revision.item_id,
            Revision.state,
            Revision.published_at,
            Revision.valid_from,
            Revision.valid_until,
            Revision.ended_at,
            Revision.notice_kind,
            Revision.notice_min_days,
        )
        .join(Item, Revision.item_id == Item.id)
        .where(
            Item.org_id.in_(org_ids),
            Revision.catalog_entry_id.in_(entries),
            Revision.state.in_(list(WAS_PUBLISHED)),
            Revision.published_at.is_not(None),
            *([Revision.published_at <= until] if until is not None else []),
        )
    )
    protection = Protection(session, tz)
    for row in rows:
        org_id, entry_id, item_id, state, published, valid_from, valid_until, ended = row[:8]
        assert entry_id is not None and published is not None  # the query says so
        facts = notices.NoticeFacts(row[8], row[9], valid_from, valid_until, published)
        publications[(org_id, entry_id)].append(
            rules.Publication(
                item_id=item_id,
                published_at=published.astimezone(tz).date(),
                live=_live(state, facts, protection, now),
                ended_at=ended.astimezone(tz).date() if ended else None,
            )
        )
    return publications


def subtree_rows(
    session: Session, orgs: Sequence[Org], now: dt.datetime, tz: dt.tzinfo
) -> tuple[list[tally.Row[Org]], dict[int, list[Line]]]:
    """Return a tally row for each of ``orgs`` that has a catalog (``position`` = its index
    in ``orgs``, give them in tree order), and the lines behind the rows."""
    lines = compliance_of(session, orgs, now, tz)
    rows = [
        tally.Row(org, position, tally.tally(line.result.status for line in lines[org.id]))
        for position, org in enumerate(orgs)
        if lines[org.id]
    ]
    return rows, lines


def item_titles(session: Session, item_ids: Iterable[int]) -> dict[int, str]:
    """Return the title of each item: of its published revision, else of its newest one."""
    ids = set(item_ids)
    if not ids:
        return {}
    shown = sa.func.coalesce(Item.live_number, Item.current_number)
    return {
        item_id: title
        for item_id, title in session.execute(
            sa.select(Item.id, Revision.title)
            .join(Revision, sa.and_(Revision.item_id == Item.id, Revision.number == shown))
            .where(Item.id.in_(ids))
        )
    }


# --- exemptions (不便公开) -------------------------------------------------------------

EXPLANATION_MIN = 10


def request_exemption(
    session: Session,
    org: Org,
    entry: CatalogEntry,
    explanation: str,
    requested_by: User,
    now: dt.datetime | None = None,
) -> Exemption:
    """Declare ``entry`` not suitable for disclosure at ``org``; the superior org decides.

    :raise RuleViolation: no written explanation, or the entry is not in org's catalog.
    :raise Conflict: an exemption is already pending or granted.
    """
    require_entry_for(session, org, entry.id)
    if len(explanation.strip()) < EXPLANATION_MIN:
        raise RuleViolation(
            N_("Explain in writing (at least %(n)d characters) why it is not suitable."),
            code="explanation_required",
            n=EXPLANATION_MIN,
        )
    open_one = session.scalar(
        sa.select(Exemption).where(
            Exemption.org_id == org.id,
            Exemption.entry_id == entry.id,
            Exemption.state.in_(["pending", "approved"]),
        )
    )
    if open_one is not None:
        raise Conflict(N_("An exemption is already pending or granted."), code="exemption_exists")
    exemption = Exemption(
        org=org, entry=entry, explanation=explanation.strip(), requested_by_id=requested_by.id
    )
    if now is not None:
        exemption.requested_at = now
    session.add(exemption)
    session.flush()
    _seal(session, exemption, requested_by, "approver", "request_exemption", exemption.requested_at)
    return exemption


def _seal(
    session: Session, exemption: Exemption, actor: User, role: str, action: str, at: dt.datetime
) -> None:
    """Seal an exemption's request or decision (its resulting state) into the audit chain."""
    audit.record_event(
        session,
        subject=audit_rules.EXEMPTION,
        subject_id=exemption.id,
        actor=actor.username,
        role=role,
        action=action,
        reason="",
        at=at,
        state=exemption.state,
        details={
            "org": exemption.org_id,
            "entry": exemption.entry_id,
            "explanation_sha256": audit.text_hash(exemption.explanation),
            "decision_reason_sha256": (
                audit.text_hash(exemption.decision_reason) if exemption.decision_reason else None
            ),
        },
    )


def exemption_states(session: Session) -> Iterator[audit_rules.Current]:
    """Yield every exemption's state as stored now, for ``audit verify``."""
    for exemption_id, state in session.execute(
        sa.select(Exemption.id, Exemption.state).order_by(Exemption.id)
    ):
        yield audit_rules.Current(
            subject=audit_rules.EXEMPTION,
            subject_id=exemption_id,
            revision=None,
            state=state,
            label=f"exemption {exemption_id}",
        )


def decide_exemption(
    session: Session,
    exemption: Exemption,
    approve: bool,
    reason: str,
    decided_by: User,
    now: dt.datetime,
) -> None:
    """Record the superior organisation's decision on an exemption.

    :raise Conflict: it was decided already.
    :raise RuleViolation: a refusal without written reasons.
    """
    if exemption.state != "pending":
        raise Conflict(N_("This exemption was decided already."), code="already_decided")
    if not approve and not reason.strip():
        raise RuleViolation(N_("A refusal needs written reasons."), code="reason_required")
    exemption.state = "approved" if approve else "refused"
    exemption.decision_reason = reason.strip()
    exemption.decided_by_id = decided_by.id
    exemption.decided_at = now
    session.flush()
    _seal(session, exemption, decided_by, "superior", f"exemption_{exemption.state}", now)


def get_exemption(session: Session, exemption_id: int) -> Exemption:
    exemption = session.get(Exemption, exemption_id)
    if exemption is None:
        raise NotFound(N_("No such exemption."), code="exemption_not_found")
    return exemption
