"""The audit log as a list: the records a user may see, newest first, searchable.

A record is visible exactly where its subject is: an item's records to whoever may see the
item (its organisation), a feedback case's to whoever may see the case (the feedback rule:
reports only to the discipline inspection above), an exemption's and an org setting's to
whoever may see that organisation, an archive dossier's to whoever may see its organisation.
Filters only narrow that. :func:`log_page` is what the audit log page shows. No Flask here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

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
from signage_server.fleet.commands.rules import ACTION_LABELS as command_action_labels
from signage_server.i18n import N_
from signage_server.matters import rules as matter_rules
from signage_server.matters.models import Matter
from signage_server.orgs.models import Org
from signage_server.orgs.services import get_by_code
from signage_server.paper.models import Dossier
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenGroup
from signage_server.supervision import rules as supervision_rules
from signage_server.supervision.models import Accountability
from signage_server.supervision.models import Finding
from signage_server.supervision.models import Inspection
from signage_server.supervision.models import Meeting


@dataclass(frozen=True)
class LogSubject:
    """What the audit log knows of one kind of subject: one entry of :data:`LOG_SUBJECTS`
    per subject of :data:`rules.SUBJECTS`, and nothing about it anywhere else in this module.
    """

    key: str
    #: What the filter calls it (message id).
    label: str
    #: What each of its actions is called (message ids).
    actions: Mapping[str, str]
    #: The table its records' ``subject_id`` names; it has ``id`` and ``org_id`` (or it is
    #: :class:`Org` itself).
    model: Any
    #: Who sees its records: an SQL condition on the subject's row joined with its
    #: organisation (the same rule as the subject's own pages).
    reach: Callable[[Principal], sa.ColumnElement[bool]]
    #: Whether the page loads the subjects of its records (to show a title and a link).
    shown: bool = True
    #: The column of :class:`AuditRecord` that names the subject.
    column: str = "subject_id"


def _in_org(principal: Principal) -> sa.ColumnElement[bool]:
    return principal.org_condition()


def _values(labels: Mapping[Any, str]) -> dict[str, str]:
    return {getattr(a, "value", a): label for a, label in labels.items()}


#: Every subject of the audit chain as the log shows it.
LOG_SUBJECTS: tuple[LogSubject, ...] = (
    LogSubject(
        rules.ITEM,
        N_("Disclosure items"),
        _values(item_rules.ACTION_LABELS),
        Item,
        _in_org,
        column="item_id",
    ),
    LogSubject(
        rules.CASE,
        N_("Feedback"),
        _values(feedback_rules.ACTION_LABELS),
        Case,
        case_visible,
    ),
    LogSubject(
        rules.EXEMPTION,
        N_("Not suitable to disclose"),
        {
            "request_exemption": N_("Asked to declare not suitable to disclose"),
            "exemption_approved": N_("Not suitable to disclose: agreed"),
            "exemption_refused": N_("Not suitable to disclose: refused"),
        },
        Exemption,
        _in_org,
    ),
    LogSubject(
        rules.ORG,
        N_("Organisation settings"),
        {
            "merge_review": N_("Allowed to merge review and sign-off"),
            "separate_review": N_("Review and sign-off separated again"),
        },
        Org,
        _in_org,
    ),
    LogSubject(
        rules.DOSSIER,
        N_("Archive dossiers"),
        {"seal_dossier": N_("Archive dossier sealed")},
        Dossier,
        _in_org,
    ),
    LogSubject(
        rules.INSPECTION,
        N_("Inspections"),
        {"record_inspection": N_("Inspection recorded")},
        Inspection,
        _in_org,
        shown=False,
    ),
    LogSubject(
        rules.FINDING,
        N_("Findings and rectification"),
        _values(supervision_rules.ACTION_LABELS),
        Finding,
        _in_org,
        shown=False,
    ),
    LogSubject(
        rules.MEETING,
        N_("Supervisors' meetings"),
        {"record_meeting": N_("Supervisors' meeting recorded")},
        Meeting,
        _in_org,
        shown=False,
    ),
    LogSubject(
        rules.ACCOUNTABILITY,
        N_("Accountability"),
        {"open_accountability": N_("Accountability record opened")},
        Accountability,
        # The superior reviewers and discipline above the org only.
        lambda principal: sa.or_(*(principal.org_condition(p) for p in supervision_rules.READING)),
        shown=False,
    ),
    LogSubject(
        rules.MATTER,
        N_("Major village matters (四议两公开)"),
        _values(matter_rules.ACTION_LABELS),
        Matter,
        _in_org,
    ),
    LogSubject(
        rules.APPRAISAL,
        N_("Democratic appraisals"),
        _values(appraisal_rules.ACTION_LABELS),
        Appraisal,
        _in_org,
    ),
    LogSubject(
        rules.ASSESSMENT,
        N_("Assessments (考核)"),
        _values(assessment_rules.ACTION_LABELS),
        Assessment,
        # The org's approver and those above who see assessment reports.
        lambda principal: principal.org_condition(account_rules.Permission.SEE_ASSESSMENTS),
    ),
    LogSubject(
        rules.SCREEN,
        N_("Screens (remote commands, power schedules)"),
        {
            **command_action_labels,
            "set_power_schedule": N_("Power schedule set"),
            "clear_power_schedule": N_("Power schedule removed"),
        },
        Screen,
        _in_org,
    ),
    LogSubject(
        rules.SCREEN_GROUP,
        N_("Screen groups"),
        {
            "set_power_schedule": N_("Power schedule set"),
            "clear_power_schedule": N_("Power schedule removed"),
        },
        ScreenGroup,
        _in_org,
        shown=False,
    ),
)

#: What each action of each subject is called (message ids).
ACTION_LABELS: dict[tuple[str, str], str] = {
    (subject.key, action): label
    for subject in LOG_SUBJECTS
    for action, label in subject.actions.items()
}
#: What each role is called (message ids); ``system``: what the system does by itself.
ROLE_LABELS: dict[str, str] = {
    **{r.value: label for r, label in account_rules.ROLE_LABELS.items()},
    "system": N_("System (on schedule)"),
}


def action_label(record: AuditRecord) -> str:
    return ACTION_LABELS.get((record.subject, record.action), record.action)


#: What a record is about, as the filter offers it.
SUBJECT_LABELS = {subject.key: subject.label for subject in LOG_SUBJECTS}


@dataclass(frozen=True)
class LogFilters:
    #: Words of the actor's user name or full name, or of the item's title.
    text: str = ""
    subject: str = ""
    #: Only records about the org with this code and those below it.
    org: str = ""
    since: dt.datetime | None = None
    before: dt.datetime | None = None


def _visible_ids(subject: LogSubject, principal: Principal, org: Org | None) -> sa.Select[Any]:
    model = subject.model
    query = sa.select(model.id)
    if model is not Org:
        query = query.join(Org, model.org_id == Org.id)
    query = query.where(subject.reach(principal))
    return query.where(Org.path.like(org.path + "%")) if org is not None else query


def visible_condition(principal: Principal, org: Org | None = None) -> sa.ColumnElement[bool]:
    """Return an SQL condition on :class:`AuditRecord`: the records ``principal`` may see
    (within ``org``'s subtree, when given): each subject's records where its subject is
    visible (:attr:`LogSubject.reach`)."""
    return sa.or_(
        *(
            sa.and_(
                AuditRecord.subject == subject.key,
                getattr(AuditRecord, subject.column).in_(_visible_ids(subject, principal, org)),
            )
            for subject in LOG_SUBJECTS
        )
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

    #: The loaded subjects by key and id (the subjects :attr:`LogSubject.shown`).
    rows: dict[str, dict[int, Any]] = field(default_factory=dict)
    #: Full name (and post) of each actor, by user name.
    names: dict[str, str] = field(default_factory=dict)

    def of(self, record: AuditRecord) -> Any:
        """Return what ``record`` is about, or ``None`` (gone, or not loaded)."""
        return self.rows.get(record.subject, {}).get(record.subject_id)


def subjects_of(session: Session, records: Sequence[AuditRecord]) -> Subjects:
    found = Subjects()
    for subject in LOG_SUBJECTS:
        wanted = {r.subject_id for r in records if r.subject == subject.key}
        if subject.shown and wanted:
            model = subject.model
            found.rows[subject.key] = {
                row.id: row for row in session.scalars(sa.select(model).where(model.id.in_(wanted)))
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
