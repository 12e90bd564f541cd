"""The audit log as a list: the records a user may see, newest first, searchable.

A record is visible exactly where its subject is: an item's records to whoever may see the
item (its organisation), a feedback case's to whoever may see the case (the feedback rule:
reports only to the discipline inspection above), an exemption's and an org setting's to
whoever may see that organisation, an archive dossier's to whoever may see its organisation.
Filters only narrow that. :func:`log_page` is what the audit log page shows. No Flask here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server import listing
from signage_server.accounts import rules as account_rules
from signage_server.accounts.models import User
from signage_server.accounts.permissions import Principal
from signage_server.appraisal import rules as appraisal_rules
from signage_server.appraisal.models import Appraisal
from signage_server.assessment import rules as assessment_rules
from signage_server.assessment.models import Assessment
from signage_server.audit import rules
from signage_server.audit.models import AuditRecord
from signage_server.catalog.models import Exemption
from signage_server.disclosure import rules as item_rules
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.feedback import rules as feedback_rules
from signage_server.feedback.models import Case
from signage_server.feedback.services.visibility import visible_condition as case_visible
from signage_server.i18n import N_
from signage_server.matters import rules as matter_rules
from signage_server.matters.models import Matter
from signage_server.orgs.models import Org
from signage_server.orgs.services import get_by_code
from signage_server.paper.models import Dossier
from signage_server.supervision import rules as supervision_rules
from signage_server.supervision.models import Accountability
from signage_server.supervision.models import Finding
from signage_server.supervision.models import Inspection
from signage_server.supervision.models import Meeting

#: What each action of each subject is called (message ids).
ACTION_LABELS: dict[tuple[str, str], str] = {
    **{(rules.ITEM, a.value): label for a, label in item_rules.ACTION_LABELS.items()},
    **{(rules.CASE, a.value): label for a, label in feedback_rules.ACTION_LABELS.items()},
    (rules.EXEMPTION, "request_exemption"): N_("Asked to declare not suitable to disclose"),
    (rules.EXEMPTION, "exemption_approved"): N_("Not suitable to disclose: agreed"),
    (rules.EXEMPTION, "exemption_refused"): N_("Not suitable to disclose: refused"),
    (rules.ORG, "merge_review"): N_("Allowed to merge review and sign-off"),
    (rules.ORG, "separate_review"): N_("Review and sign-off separated again"),
    (rules.DOSSIER, "seal_dossier"): N_("Archive dossier sealed"),
    (rules.INSPECTION, "record_inspection"): N_("Inspection recorded"),
    **{(rules.FINDING, a.value): label for a, label in supervision_rules.ACTION_LABELS.items()},
    (rules.MEETING, "record_meeting"): N_("Supervisors' meeting recorded"),
    (rules.ACCOUNTABILITY, "open_accountability"): N_("Accountability record opened"),
    **{(rules.MATTER, a): label for a, label in matter_rules.ACTION_LABELS.items()},
    **{(rules.APPRAISAL, a.value): label for a, label in appraisal_rules.ACTION_LABELS.items()},
    **{(rules.ASSESSMENT, a.value): label for a, label in assessment_rules.ACTION_LABELS.items()},
}
#: What each role is called (message ids); ``system``: what the system does by itself.
ROLE_LABELS: dict[str, str] = {
    **{r.value: label for r, label in account_rules.ROLE_LABELS.items()},
    "system": N_("System (on schedule)"),
}


def action_label(record: AuditRecord) -> str:
    return ACTION_LABELS.get((record.subject, record.action), record.action)


#: What a record is about, as the filter offers it.
SUBJECT_LABELS = {
    rules.ITEM: N_("Disclosure items"),
    rules.CASE: N_("Feedback"),
    rules.EXEMPTION: N_("Not suitable to disclose"),
    rules.ORG: N_("Organisation settings"),
    rules.DOSSIER: N_("Archive dossiers"),
    rules.INSPECTION: N_("Inspections"),
    rules.FINDING: N_("Findings and rectification"),
    rules.MEETING: N_("Supervisors' meetings"),
    rules.ACCOUNTABILITY: N_("Accountability"),
    rules.MATTER: N_("Major village matters (四议两公开)"),
    rules.APPRAISAL: N_("Democratic appraisals"),
    rules.ASSESSMENT: N_("Assessments (考核)"),
}


@dataclass(frozen=True)
class LogFilters:
    #: Words of the actor's user name or full name, or of the item's title.
    text: str = ""
    subject: str = ""
    #: Only records about the org with this code and those below it.
    org: str = ""
    since: dt.datetime | None = None
    before: dt.datetime | None = None


def visible_condition(principal: Principal, org: Org | None = None) -> sa.ColumnElement[bool]:
    """Return an SQL condition on :class:`AuditRecord`: the records ``principal`` may see
    (within ``org``'s subtree, when given)."""

    def narrowed(query: sa.Select[int]) -> sa.Select[int]:
        return query.where(Org.path.like(org.path + "%")) if org is not None else query

    items = narrowed(
        sa.select(Item.id).join(Org, Item.org_id == Org.id).where(principal.org_condition())
    )
    cases = narrowed(
        sa.select(Case.id).join(Org, Case.org_id == Org.id).where(case_visible(principal))
    )
    exemptions = narrowed(
        sa.select(Exemption.id)
        .join(Org, Exemption.org_id == Org.id)
        .where(principal.org_condition())
    )
    orgs = narrowed(sa.select(Org.id).where(principal.org_condition()))
    dossiers = narrowed(
        sa.select(Dossier.id).join(Org, Dossier.org_id == Org.id).where(principal.org_condition())
    )
    inspections = narrowed(
        sa.select(Inspection.id)
        .join(Org, Inspection.org_id == Org.id)
        .where(principal.org_condition())
    )
    findings = narrowed(
        sa.select(Finding.id).join(Org, Finding.org_id == Org.id).where(principal.org_condition())
    )
    meetings = narrowed(
        sa.select(Meeting.id).join(Org, Meeting.org_id == Org.id).where(principal.org_condition())
    )
    # Accountability records: the superior reviewers and discipline above the org only.
    accountability = narrowed(
        sa.select(Accountability.id)
        .join(Org, Accountability.org_id == Org.id)
        .where(sa.or_(*(principal.org_condition(p) for p in supervision_rules.READING)))
    )
    matters = narrowed(
        sa.select(Matter.id).join(Org, Matter.org_id == Org.id).where(principal.org_condition())
    )
    appraisals = narrowed(
        sa.select(Appraisal.id)
        .join(Org, Appraisal.org_id == Org.id)
        .where(principal.org_condition())
    )
    # Assessments: the org's approver and those above who see assessment reports.
    assessments = narrowed(
        sa.select(Assessment.id)
        .join(Org, Assessment.org_id == Org.id)
        .where(principal.org_condition(account_rules.Permission.SEE_ASSESSMENTS))
    )
    subject = AuditRecord.subject
    return sa.or_(
        sa.and_(subject == rules.ASSESSMENT, AuditRecord.subject_id.in_(assessments)),
        sa.and_(subject == rules.INSPECTION, AuditRecord.subject_id.in_(inspections)),
        sa.and_(subject == rules.FINDING, AuditRecord.subject_id.in_(findings)),
        sa.and_(subject == rules.MEETING, AuditRecord.subject_id.in_(meetings)),
        sa.and_(subject == rules.ACCOUNTABILITY, AuditRecord.subject_id.in_(accountability)),
        sa.and_(subject == rules.APPRAISAL, AuditRecord.subject_id.in_(appraisals)),
        sa.and_(subject == rules.ITEM, AuditRecord.item_id.in_(items)),
        sa.and_(subject == rules.CASE, AuditRecord.subject_id.in_(cases)),
        sa.and_(subject == rules.EXEMPTION, AuditRecord.subject_id.in_(exemptions)),
        sa.and_(subject == rules.ORG, AuditRecord.subject_id.in_(orgs)),
        sa.and_(subject == rules.DOSSIER, AuditRecord.subject_id.in_(dossiers)),
        sa.and_(subject == rules.MATTER, AuditRecord.subject_id.in_(matters)),
    )


def log_query(
    principal: Principal, filters: LogFilters, org: Org | None = None
) -> sa.Select[AuditRecord]:
    """Return the records the caller may see, newest first, narrowed by ``filters`` (and to
    ``org``'s subtree, when given)."""
    query = sa.select(AuditRecord).where(visible_condition(principal, org))
    if filters.subject in rules.SUBJECTS:
        query = query.where(AuditRecord.subject == filters.subject)
    if filters.text:
        titles = lambda pattern: sa.and_(  # noqa: E731
            AuditRecord.subject == rules.ITEM,
            AuditRecord.item_id.in_(
                sa.select(Revision.item_id).where(Revision.title.ilike(pattern, escape="\\"))
            ),
        )
        names = lambda pattern: AuditRecord.actor.in_(  # noqa: E731
            sa.select(User.username).where(User.display_name.ilike(pattern, escape="\\"))
        )
        query = query.where(listing.text_match(filters.text, AuditRecord.actor, names, titles))
    if filters.since is not None:
        query = query.where(AuditRecord.at >= filters.since)
    if filters.before is not None:
        query = query.where(AuditRecord.at < filters.before)
    return query.order_by(AuditRecord.seq.desc())


@dataclass
class Subjects:
    """What the records of one page are about, loaded for that page only."""

    items: dict[int, Item] = field(default_factory=dict)
    cases: dict[int, Case] = field(default_factory=dict)
    exemptions: dict[int, Exemption] = field(default_factory=dict)
    orgs: dict[int, Org] = field(default_factory=dict)
    dossiers: dict[int, Dossier] = field(default_factory=dict)
    matters: dict[int, Matter] = field(default_factory=dict)
    appraisals: dict[int, Appraisal] = field(default_factory=dict)
    assessments: dict[int, Assessment] = field(default_factory=dict)
    #: Full name (and post) of each actor, by user name.
    names: dict[str, str] = field(default_factory=dict)


def subjects_of(session: Session, records: Sequence[AuditRecord]) -> Subjects:
    def ids(subject: str) -> set[int]:
        return {r.subject_id for r in records if r.subject == subject}

    found = Subjects()
    if wanted := ids(rules.ITEM):
        found.items = {i.id: i for i in session.scalars(sa.select(Item).where(Item.id.in_(wanted)))}
    if wanted := ids(rules.CASE):
        found.cases = {c.id: c for c in session.scalars(sa.select(Case).where(Case.id.in_(wanted)))}
    if wanted := ids(rules.EXEMPTION):
        found.exemptions = {
            e.id: e for e in session.scalars(sa.select(Exemption).where(Exemption.id.in_(wanted)))
        }
    if wanted := ids(rules.ORG):
        found.orgs = {o.id: o for o in session.scalars(sa.select(Org).where(Org.id.in_(wanted)))}
    if wanted := ids(rules.DOSSIER):
        found.dossiers = {
            d.id: d for d in session.scalars(sa.select(Dossier).where(Dossier.id.in_(wanted)))
        }
    if wanted := ids(rules.MATTER):
        found.matters = {
            m.id: m for m in session.scalars(sa.select(Matter).where(Matter.id.in_(wanted)))
        }
    if wanted := ids(rules.APPRAISAL):
        found.appraisals = {
            a.id: a for a in session.scalars(sa.select(Appraisal).where(Appraisal.id.in_(wanted)))
        }
    if wanted := ids(rules.ASSESSMENT):
        found.assessments = {
            a.id: a for a in session.scalars(sa.select(Assessment).where(Assessment.id.in_(wanted)))
        }
    actors = {r.actor for r in records}
    if actors:
        rows = session.execute(
            sa.select(User.username, User.display_name).where(User.username.in_(actors))
        )
        found.names = {username: name for username, name in rows if name}
    return found


@dataclass(frozen=True)
class LogPage:
    """One page of the audit log, with what its records are about."""

    page: listing.Page[AuditRecord]
    subjects: Subjects


def log_page(session: Session, principal: Principal, filters: LogFilters, number: int) -> LogPage:
    """Return page ``number`` of the records ``principal`` may see, narrowed by ``filters``
    (an unknown organisation code narrows nothing)."""
    org = get_by_code(session, filters.org) if filters.org else None
    page = listing.paginate(session, log_query(principal, filters, org), number)
    return LogPage(page, subjects_of(session, page.rows))
