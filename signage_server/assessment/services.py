"""The assessment (考核) of an organisation for a period, on a ``Session``; no Flask.

:func:`computed_parts` gathers the figures of an organisation's subtree from the records the
other packages keep, asking *their* rules (the catalog's compliance and periods, the
feedback deadlines, the notice rule's protection, the proof of play, the findings'
deadlines); :func:`report` adds the assessor's scores, the total and the ranking among the
township's villages; :func:`save_scores` records the assessor's scores (sealed in the audit
chain, no personal data).

Who sees an assessment: :attr:`Permission.SEE_ASSESSMENTS` over the organisation (its own
approver, the superior, supervisors, discipline and administrators above). Who scores it:
:attr:`Permission.SUPERIOR_APPROVE_ITEMS` over it (the township's superior assesses its villages).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import POLICY
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import Role
from signage_server.accounts.rules import grant_reaches
from signage_server.assessment import rules
from signage_server.assessment.models import Assessment
from signage_server.assessment.rules import Heading
from signage_server.assessment.rules import Part
from signage_server.assessment.rules import PartKind
from signage_server.assessment.rules import Period
from signage_server.assessment.rules import State
from signage_server.audit import rules as audit_rules
from signage_server.audit import services as audit
from signage_server.catalog import rules as catalog_rules
from signage_server.catalog import services as catalog
from signage_server.db import transaction
from signage_server.disclosure import notices
from signage_server.disclosure import viewing
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import Timing
from signage_server.errors import BadRequest
from signage_server.errors import Conflict
from signage_server.errors import PermissionDenied
from signage_server.feedback.models import Case
from signage_server.feedback.services import deadlines as feedback_deadlines
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind
from signage_server.orgs.services import require_by_code
from signage_server.orgs.services import subtree
from signage_server.screens.models import PlayRecord
from signage_server.screens.models import Screen
from signage_server.supervision.models import Finding
from signage_server.supervision.rules import FindingState


def parse_period(text: str | None) -> Period:
    """:raise BadRequest: not ``2026H1``, ``2026H2`` or ``2026Y``."""
    try:
        return rules.parse_period(text)
    except rules.PeriodError:
        raise BadRequest(
            N_("The period must look like 2026H1, 2026H2 or 2026Y."), code="invalid_period"
        ) from None


# --- the computed parts ---------------------------------------------------------------------


def _local_day(moment: dt.datetime, tz: dt.tzinfo) -> dt.date:
    return moment.astimezone(tz).date()


def _at(period: Period, now: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """The moment the figures are taken: the end of the period (its last instant), or now."""
    end = period.end_at(tz) - dt.timedelta(microseconds=1)
    return min(end, now)


OWED = (catalog_rules.Status.OVERDUE, catalog_rules.Status.MISSING)


def compliance_parts(
    session: Session, orgs: Sequence[Org], period: Period, now: dt.datetime, tz: dt.tzinfo
) -> tuple[Part, Part, list[rules.CategoryCompliance]]:
    """Catalog compliance (by category) at the end of the period and periodic items on time,
    for ``orgs`` together, as the catalog's rules compute them."""
    at = _at(period, now, tz)
    cutoff = period.cutoff(_local_day(now, tz))
    lines = catalog.compliance_of(session, orgs, at, tz, historical=True)
    by_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    counts: dict[catalog_rules.Status, int] = defaultdict(int)
    periodic: list[tuple[int, catalog.Line]] = []
    for org in orgs:
        for line in lines[org.id]:
            owed = line.result.status in (
                catalog_rules.Status.OVERDUE,
                catalog_rules.Status.MISSING,
            )
            counts[line.result.status] += 1
            cell = by_category[line.entry.category.value]
            cell[0] += 0 if owed else 1
            cell[1] += 1
            if line.entry.timing is Timing.PERIODIC and line.entry.cadence is not None:
                periodic.append((org.id, line))
    total = sum(cell[1] for cell in by_category.values())
    good = sum(cell[0] for cell in by_category.values())
    compliance = Part(
        PartKind.COMPLIANCE,
        good,
        total,
        {
            "overdue": counts[catalog_rules.Status.OVERDUE],
            "missing": counts[catalog_rules.Status.MISSING],
            "due_soon": counts[catalog_rules.Status.DUE_SOON],
            "current": counts[catalog_rules.Status.CURRENT],
        },
    )
    categories = [
        rules.CategoryCompliance(code, Category(code).label, cell[0], cell[1])
        for code, cell in sorted(by_category.items())
    ]
    publications = catalog.publications_of(
        session,
        [org_id for org_id, _ in periodic],
        {line.entry.id for _, line in periodic},
        at,
        tz,
        until=at,
    )
    on_time = 0
    due = 0
    for org_id, line in periodic:
        entry = line.entry
        requirement = catalog_rules.Requirement(entry.timing, entry.cadence, entry.grace_days)
        made, counted = rules.on_time(
            requirement, publications.get((org_id, entry.id), []), period, cutoff
        )
        on_time += made
        due += counted
    return compliance, Part(PartKind.ON_TIME, on_time, due), categories


def feedback_part(
    session: Session, org_ids: Sequence[int], period: Period, now: dt.datetime, tz: dt.tzinfo
) -> Part:
    """The duties of villagers' cases received in the period, kept or not (the feedback
    package's deadlines, in working days)."""
    cases = session.scalars(
        sa.select(Case).where(
            Case.org_id.in_(org_ids),
            Case.received_at >= period.start_at(tz),
            Case.received_at < period.end_at(tz),
            Case.received_at <= now,
            Case.hidden_at.is_(None),
        )
    ).all()
    terms = feedback_deadlines.terms(session)
    duties = [
        rules.Duty(d.due, _local_day(d.met_at, tz) if d.met_at else None)
        for case in cases
        for d in feedback_deadlines.deadlines(case, terms)
    ]
    good, counted = rules.kept(duties, period.cutoff(_local_day(now, tz)))
    return Part(PartKind.FEEDBACK, good, counted, {"cases": len(cases)})


def findings_part(
    session: Session, org_ids: Sequence[int], period: Period, now: dt.datetime, tz: dt.tzinfo
) -> Part:
    """Inspection findings due in the period, closed by their deadline."""
    found = session.scalars(
        sa.select(Finding).where(
            Finding.org_id.in_(org_ids),
            Finding.deadline >= period.start,
            Finding.deadline < period.end,
        )
    ).all()
    duties = [
        rules.Duty(
            f.deadline,
            _local_day(f.closed_at, tz)
            if f.state is FindingState.CLOSED and f.closed_at is not None
            else None,
        )
        for f in found
    ]
    good, counted = rules.kept(duties, period.cutoff(_local_day(now, tz)))
    return Part(PartKind.FINDINGS, good, counted, {"findings": len(found)})


def notices_part(
    session: Session, org_ids: Sequence[int], period: Period, now: dt.datetime, tz: dt.tzinfo
) -> Part:
    """Public notices that went public in the period: held their minimum, or ended early
    (by the superior's decision: held with a reason)."""
    revisions = session.scalars(
        sa.select(Revision)
        .join(Item, Revision.item_id == Item.id)
        .where(
            Item.org_id.in_(org_ids),
            Revision.notice_kind.is_not(None),
            Revision.published_at.is_not(None),
            Revision.published_at < period.end_at(tz),
            Revision.published_at <= now,
            # It went public in the period: published then, or shown from then on.
            sa.or_(
                Revision.published_at >= period.start_at(tz),
                Revision.valid_from >= period.start_at(tz),
            ),
        )
    ).all()
    protection = viewing.Protection(session, tz)
    held = []
    for revision in revisions:
        facts = viewing.notice_facts(revision)
        start = notices.went_public(facts)
        if start is None or start > now or not period.start_at(tz) <= start < period.end_at(tz):
            continue
        until = protection.until(revision)
        ended = revision.ended_at
        superior = False
        if ended is not None and until is not None and ended < until:
            superior = any(
                e.role == Role.SUPERIOR.value
                for e in viewing.endings(session, revision.item, revision)
            )
        held.append(rules.NoticeHold(until, ended, superior))
    return rules.notices_held(held)


def screens_part(
    session: Session, org_ids: Sequence[int], period: Period, now: dt.datetime, tz: dt.tzinfo
) -> Part:
    """Proof-of-play coverage: the days of the period (from a screen's registration, or its
    first play when earlier, up to today) on which each active screen of the organisations
    recorded plays."""
    screens = session.scalars(
        sa.select(Screen).where(Screen.org_id.in_(org_ids), Screen.active.is_(True))
    ).all()
    cutoff = period.cutoff(_local_day(now, tz))
    played: dict[int, set[dt.date]] = defaultdict(set)
    if screens:
        rows = session.execute(
            sa.select(PlayRecord.screen_id, PlayRecord.started_at).where(
                PlayRecord.screen_id.in_([s.id for s in screens]),
                PlayRecord.started_at >= period.start_at(tz),
                PlayRecord.started_at < dt.datetime.combine(cutoff, dt.time(), tz),
            )
        )
        for screen_id, started in rows:
            played[screen_id].add(_local_day(started, tz))
    counted: dict[int, int] = {}
    for screen in screens:
        # From its registration, or its first play in the period when that is earlier.
        since = min([_local_day(screen.created_at, tz), *played[screen.id]])
        first = max(period.start, since)
        if first < cutoff:
            counted[screen.id] = (cutoff - first).days
    return rules.screen_coverage({s: len(days) for s, days in played.items()}, counted)


@dataclass(frozen=True)
class Figures:
    parts: tuple[Part, ...]
    categories: tuple[rules.CategoryCompliance, ...]


def computed_parts(
    session: Session, org: Org, period: Period, now: dt.datetime, tz: dt.tzinfo
) -> Figures:
    """Return the computed parts of ``org`` and the organisations below it for ``period``."""
    orgs = subtree(session, org)
    ids = [o.id for o in orgs]
    compliance, on_time, categories = compliance_parts(session, orgs, period, now, tz)
    parts = (
        compliance,
        on_time,
        notices_part(session, ids, period, now, tz),
        feedback_part(session, ids, period, now, tz),
        screens_part(session, ids, period, now, tz),
        findings_part(session, ids, period, now, tz),
    )
    return Figures(parts, tuple(categories))


# --- the assessor's part ----------------------------------------------------------------------


def find(session: Session, org: Org, period: Period) -> Assessment | None:
    return session.scalar(
        sa.select(Assessment).where(Assessment.org_id == org.id, Assessment.period == period.code)
    )


def scores_of(assessment: Assessment | None) -> dict[Heading, int | None]:
    stored = assessment.scores if assessment is not None else {}
    return {h: _int(stored.get(h.value)) for h in Heading}


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class Entry:
    """What the assessor gives."""

    scores: Mapping[Heading, int | None]
    remarks: Mapping[Heading, str]
    remark: str = ""
    finalise: bool = False


def may_score(actor: Principal, org: Org) -> bool:
    return actor.can(Permission.SUPERIOR_APPROVE_ITEMS, org)


def save_scores(
    session: Session,
    actor: Principal,
    org: Org,
    period: Period,
    entry: Entry,
    now: dt.datetime,
) -> Assessment:
    """Record the assessor's scores and remarks of ``org`` for ``period`` (and finalise them
    when asked); each save is sealed in the audit chain (scores and a hash of the remarks).

    :raise PermissionDenied: ``actor`` may not assess ``org`` (not its superior).
    :raise Conflict: the assessment is final already.
    :raise BadRequest: a score outside 0-100.
    """
    if not may_score(actor, org):
        raise PermissionDenied(
            N_("Only the superior organisation assesses an organisation."), code="forbidden"
        )
    try:
        scores = {h.value: rules.check_score(v) for h, v in entry.scores.items() if v is not None}
    except rules.ScoreError:
        raise BadRequest(N_("A score is from 0 to 100."), code="invalid_score") from None
    with transaction(session):
        assessment = find(session, org, period)
        if assessment is None:
            assessment = Assessment(org=org, period=period.code, scores={}, remarks={})
            session.add(assessment)
        elif assessment.state is State.FINAL:
            raise Conflict(N_("This assessment is final."), code="assessment_final")
        assessment.scores = scores
        assessment.remarks = {h.value: text.strip() for h, text in entry.remarks.items() if text}
        assessment.remark = entry.remark.strip()
        assessment.assessed_by_id = actor.user.id
        assessment.updated_at = now
        action = rules.Action.SCORE
        if entry.finalise:
            assessment.state = State.FINAL
            assessment.finalised_at = now
            action = rules.Action.FINALISE
        session.flush()
        audit.record_event(
            session,
            subject=audit_rules.ASSESSMENT,
            subject_id=assessment.id,
            actor=actor.user.username,
            role=_role(actor, org),
            action=action.value,
            reason="",
            at=now,
            state=assessment.state.value,
            details={
                "org": org.code,
                "period": period.code,
                "scores": dict(sorted(scores.items())),
                "remarks_sha256": audit.text_hash(
                    "\n".join(
                        [assessment.remark] + [assessment.remarks.get(h.value, "") for h in Heading]
                    )
                ),
            },
        )
    return assessment


def _role(actor: Principal, org: Org) -> str:
    rule = POLICY[Permission.SUPERIOR_APPROVE_ITEMS]
    for grant in actor.grants:
        if grant.role in rule.roles and grant_reaches(grant, rule.reach, org.path):
            return grant.role.value
    return ""


# --- the report --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    org: Org
    period: Period
    today: dt.date
    #: The period has not ended: figures so far.
    so_far: bool
    figures: Figures
    assessment: Assessment | None
    result: rules.Result
    #: Where ``org`` stands among the villages of its township (``None``: not a village).
    standing: rules.Ranked | None
    #: Its township's villages (for a village) or its own villages (for a township).
    ranking: tuple[rules.Ranked, ...]
    #: The township the ranking is of.
    ranking_of: Org | None
    may_score: bool
    #: The caller sees the township's assessments too (the whole ranking table); a village's
    #: own approver sees only the village's rank.
    sees_ranking: bool


def require_viewable(session: Session, actor: Principal, code: str) -> Org:
    """:raise NotFound: no such organisation. :raise PermissionDenied: not for ``actor``."""
    org = require_by_code(session, code)
    if not actor.can(Permission.SEE_ASSESSMENTS, org):
        raise PermissionDenied(
            N_("You may not see the assessment of this organisation."), code="forbidden"
        )
    return org


def default_org_code(session: Session, actor: Principal) -> str:
    """The organisation the page opens on: the highest one whose assessments ``actor`` sees.

    :raise PermissionDenied: none.
    """
    paths = actor.paths_with(Permission.SEE_ASSESSMENTS)
    org = session.scalar(sa.select(Org).where(Org.path.in_(paths)).order_by(Org.path))
    if org is None:
        raise PermissionDenied(N_("You may not see any assessment."), code="forbidden")
    return org.code


def save_by_code(
    session: Session,
    actor: Principal,
    code: str,
    period_code: str,
    entry: Entry,
    now: dt.datetime,
    tz: dt.tzinfo,
) -> Assessment:
    """:func:`save_scores` for the organisation ``code`` and the period ``period_code``.

    :raise BadRequest: not a period, or one that has not begun. :raise NotFound: no such
        organisation.
    """
    today = _local_day(now, tz)
    period = parse_period(period_code or rules.period_of(today).code)
    try:
        rules.check_begun(period, today)
    except rules.PeriodError:
        raise BadRequest(
            N_("This period has not begun: it cannot be assessed yet."), code="period_not_begun"
        ) from None
    org = require_viewable(session, actor, code)
    return save_scores(session, actor, org, period, entry, now)


def total_of(
    session: Session, org: Org, period: Period, now: dt.datetime, tz: dt.tzinfo
) -> tuple[Figures, rules.Result, Assessment | None]:
    figures = computed_parts(session, org, period, now, tz)
    assessment = find(session, org, period)
    return figures, rules.assess(figures.parts, scores_of(assessment)), assessment


def ranking(
    session: Session, township: Org, period: Period, now: dt.datetime, tz: dt.tzinfo
) -> list[rules.Ranked]:
    """Rank the villages of ``township`` by their totals for ``period``."""
    villages = [
        o
        for o in subtree(session, township)
        if o.kind is OrgKind.VILLAGE and o.parent_id == township.id
    ]
    rows = []
    for village in villages:
        _, result, _ = total_of(session, village, period, now, tz)
        rows.append((village.name, village.code, result.total, result.provisional))
    return rules.rank(rows)


def report(
    session: Session,
    actor: Principal,
    code: str,
    period_code: str | None,
    now: dt.datetime,
    tz: dt.tzinfo,
) -> Report:
    """Return the assessment of the organisation ``code`` for ``period_code`` (default: the
    current half year).

    :raise BadRequest: not a period. :raise NotFound: no such organisation.
    :raise PermissionDenied: ``actor`` may not see it.
    """
    today = _local_day(now, tz)
    period = parse_period(period_code) if period_code else rules.period_of(today)
    org = require_viewable(session, actor, code)
    figures, result, assessment = total_of(session, org, period, now, tz)
    township: Org | None = None
    if org.kind is OrgKind.TOWNSHIP:
        township = org
    elif org.kind is OrgKind.VILLAGE and org.parent and org.parent.kind is OrgKind.TOWNSHIP:
        township = org.parent
    ranked = ranking(session, township, period, now, tz) if township is not None else []
    standing = next((r for r in ranked if r.code == org.code), None)
    return Report(
        org=org,
        period=period,
        today=today,
        so_far=not period.ended(today),
        figures=figures,
        assessment=assessment,
        result=result,
        standing=standing,
        ranking=tuple(ranked),
        ranking_of=township,
        may_score=may_score(actor, org),
        sees_ranking=township is not None and actor.can(Permission.SEE_ASSESSMENTS, township),
    )
