"""Use cases of disclosure items: draft, edit, the procedure, expiry.

Every change of state appends a record to the audit chain in the same transaction.
Services flush; the edge that called them commits.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from dataclasses import fields as dc_fields
from dataclasses import replace
from typing import Any
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import object_session
from sqlalchemy.orm import selectinload

from content.bodies import AnyBody as Body
from content.bodies import BodyError
from content.bodies import body_assets
from content.bodies import canonical_body
from content.bodies import clean_text
from content.bodies import parse_body
from content.languages import check_translation
from content.languages import language
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import acting_role
from signage_server.assets.models import Asset
from signage_server.audit import rules as audit_rules
from signage_server.audit import services as audit
from signage_server.audit.rules import Current
from signage_server.catalog.models import CatalogEntry
from signage_server.catalog.services import require_entry_for
from signage_server.disclosure import notices
from signage_server.disclosure import procedures
from signage_server.disclosure import rules
from signage_server.disclosure import viewing
from signage_server.disclosure import windows
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.models import RevisionAsset
from signage_server.disclosure.procedures import Meeting
from signage_server.disclosure.procedures import Procedure
from signage_server.disclosure.procedures import Seal
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import NoticeKind
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import State
from signage_server.disclosure.rules import Timing
from signage_server.errors import BadRequest
from signage_server.errors import Conflict
from signage_server.errors import NotFound
from signage_server.errors import PermissionDenied
from signage_server.errors import RuleViolation
from signage_server.i18n import N_
from signage_server.matters.services import check_can_submit
from signage_server.orgs.models import Org
from signage_server.screens import changes
from signage_server.workdays.rules import WorkdayCalendar

logger = logging.getLogger(__name__)

#: The local time zone of the working-day calendar when the caller does not give one.
DEFAULT_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")

SYSTEM = "system"


@dataclass(frozen=True)
class Env:
    """What the procedure needs from outside: the time, the calendar, the local time zone."""

    now: dt.datetime
    calendar: WorkdayCalendar
    tz: dt.tzinfo


@dataclass
class Fields:
    """The content of a revision, as the editor gives it."""

    title: str
    category: Category
    timing: Timing
    scope: Scope
    body: dict[str, Any]
    major: bool = False
    urgent: bool = False
    notice_kind: NoticeKind | None = None
    notice_min_days: int | None = None
    attachments: list[str] = field(default_factory=list)
    department: str = ""
    accountable: str = ""
    stage: str = ""
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None
    catalog_entry: CatalogEntry | None = None
    election_on: dt.date | None = None
    #: The second language's title and body (``content.languages``), when the org has one.
    translation: dict[str, Any] | None = None

    @classmethod
    def of(cls, revision: Revision) -> Fields:
        return cls(
            title=revision.title,
            category=revision.category,
            timing=revision.timing,
            scope=revision.scope,
            body=dict(revision.body),
            major=revision.major,
            urgent=revision.urgent,
            notice_kind=revision.notice_kind,
            notice_min_days=revision.notice_min_days,
            attachments=list(revision.attachments),
            department=revision.department,
            accountable=revision.accountable,
            stage=revision.stage,
            valid_from=revision.valid_from,
            valid_until=revision.valid_until,
            catalog_entry=revision.catalog_entry,
            election_on=revision.election_on,
            translation=dict(revision.translation) if revision.translation else None,
        )


FIELD_NAMES = tuple(f.name for f in dc_fields(Fields))


# --- validation ---------------------------------------------------------------------


def check_notice(fields: Fields, env: Env, *, start: dt.datetime | None = None) -> int | None:
    """Check a public notice's period (the notice rule, :mod:`.notices`); return its working
    days (``None``: not a notice).

    :param start: count from here instead of ``valid_from`` (at publication: from now).
    :raise RuleViolation: no window, fewer working days than the minimum, unknown year.
    """
    if fields.notice_kind is None:
        return None
    return notices.check_period(
        fields.notice_kind,
        fields.notice_min_days,
        start or fields.valid_from,
        fields.valid_until,
        env.calendar,
        env.tz,
        fields.election_on,
    )


def checked_translation(org: Org, fields: Fields, body: dict[str, Any]) -> dict[str, Any] | None:
    """Return the translation of ``fields`` checked against its canonical Chinese ``body``
    and the org's second language (``content.languages.check_translation``).

    :raise BadRequest: ``invalid_body``; ``details`` lists the problems.
    """
    try:
        return check_translation(fields.translation, body, language(org.second_language))
    except BodyError as error:
        raise BadRequest(
            N_("The translation is invalid."), code="invalid_body", details=error.problems
        ) from None


def parsed_body(body: dict[str, Any]) -> Body:
    """Return the body parsed; the content package's :class:`BodyError` becomes the shared
    error, translated here once for every use case.

    :raise BadRequest: ``invalid_body``; ``details`` lists the problems.
    """
    try:
        return parse_body(body)
    except BodyError as error:
        raise BadRequest(
            N_("The body is invalid."), code="invalid_body", details=error.problems
        ) from None


def validate(session: Session, org: Org, fields: Fields, env: Env) -> Fields:
    """Check and normalise the content of a revision; return it with the body parsed.

    :raise BadRequest: malformed title or body.
    :raise RuleViolation: a domain rule (window, notice, catalog) is broken.
    """
    title = " ".join(clean_text(fields.title, single_line=True).split())
    if not title or len(title) > rules.TITLE_MAX:
        raise BadRequest(N_("The title needs 1-200 characters."), code="invalid_title")
    body = parsed_body(fields.body)
    body_json = canonical_body(body)
    body_json = _attach_pages(session, body_json, body_assets(body))
    for sha in fields.attachments:
        if session.get(Asset, sha) is None:
            raise RuleViolation(N_("An attachment was not uploaded."), code="unknown_asset")
    windows.check_validity(fields.valid_from, fields.valid_until)
    if fields.catalog_entry is not None:
        entry = require_entry_for(session, org, fields.catalog_entry.id)
        if fields.category is not entry.category:
            raise RuleViolation(
                N_("The category must be the catalog entry's."), code="category_mismatch"
            )
        rules.check_scope_against_catalog(fields.scope, entry.scope)
    if fields.urgent and fields.timing is not Timing.IMMEDIATE:
        raise RuleViolation(
            N_("Only immediate disclosures can be urgent (interrupt the screens)."),
            code="urgent_needs_immediate",
        )
    translation = checked_translation(org, fields, body_json)
    normalised = replace(fields, title=title, body=body_json, translation=translation)
    check_notice(normalised, env)
    return normalised


def _attach_pages(session: Session, body: dict[str, Any], shas: list[str]) -> dict[str, Any]:
    """Check that the body's files were uploaded; fill in the page images of a PDF."""
    for sha in shas:
        asset = session.get(Asset, sha)
        if asset is None:
            raise RuleViolation(N_("A file of the body was not uploaded."), code="unknown_asset")
        if body.get("type") == "image" and sha == body.get("asset") and asset.kind != "image":
            raise RuleViolation(N_("The file is not an image."), code="wrong_asset_kind")
        if body.get("type") == "pdf" and sha == body.get("asset"):
            if asset.kind != "pdf":
                raise RuleViolation(N_("The file is not a PDF."), code="wrong_asset_kind")
            body = {**body, "pages": list(asset.pages)}
    return body


def content_sha256(org: Org, fields: Fields) -> str:
    """Return the hash of everything a revision discloses (what the QR page shows)."""
    entry = fields.catalog_entry
    return audit.content_hash(
        rules.content_fingerprint(
            {
                "org": org.code,
                "title": fields.title,
                "category": fields.category,
                "timing": fields.timing,
                "scope": fields.scope,
                "major": fields.major,
                "urgent": fields.urgent,
                "notice": (
                    {"kind": fields.notice_kind, "min_working_days": fields.notice_min_days}
                    if fields.notice_kind
                    else None
                ),
                "body": fields.body,
                "attachments": list(fields.attachments),
                "department": fields.department,
                "accountable": fields.accountable,
                "stage": fields.stage,
                "valid_from": fields.valid_from,
                "valid_until": fields.valid_until,
                "catalog_entry": f"{entry.template_id}:{entry.code}" if entry else None,
                # Only a voter list has one: other revisions keep the hash they had.
                **({"election_on": fields.election_on.isoformat()} if fields.election_on else {}),
                # Both texts of a bilingual item are sealed together: neither changes alone.
                **({"translation": fields.translation} if fields.translation else {}),
            }
        )
    )


def _store(revision: Revision, org: Org, fields: Fields) -> None:
    for name in FIELD_NAMES:
        if name != "catalog_entry":
            setattr(revision, name, getattr(fields, name))
    revision.catalog_entry = fields.catalog_entry
    revision.catalog_entry_id = fields.catalog_entry.id if fields.catalog_entry else None
    revision.content_sha256 = content_sha256(org, fields)
    revision.procedure = procedures.procedure_for(fields.category.value, org.kind)


def procedure_of(item: Item, revision: Revision) -> Procedure:
    """Return the procedure ``revision`` goes through: kept from its submission; a draft's
    follows from its category and the organisation's kind as they are now."""
    if revision.state is State.DRAFT:
        return procedures.procedure_for(revision.category.value, item.org.kind)
    return revision.procedure


def sealed_details(revision: Revision) -> dict[str, Any]:
    """Return what the audit records of a village-affairs revision seal besides its content
    and state: its procedure, the joint meeting's record and the supervision committee's seal
    (``{}`` for the party procedure, whose records seal nothing more)."""
    if revision.procedure is not Procedure.VILLAGE:
        return {}
    details: dict[str, Any] = {"procedure": revision.procedure.value}
    if revision.meeting:
        details["meeting"] = dict(revision.meeting)
    if revision.seal:
        details["seal"] = dict(revision.seal)
    return details


def _index_assets(session: Session, revision: Revision) -> None:
    shas = set(revision.attachments)
    body = revision.body
    if body.get("type") in ("image", "pdf"):
        shas.add(body["asset"])
        shas.update(body.get("pages", []))
    session.execute(sa.delete(RevisionAsset).where(RevisionAsset.revision_id == revision.id))
    for sha in sorted(shas):
        session.add(RevisionAsset(revision_id=revision.id, sha256=sha))


def _record(
    session: Session,
    item: Item,
    revision: Revision,
    action: Action,
    *,
    actor: Principal | None,
    permissions: tuple[Permission, ...] = (),
    reason: str = "",
    at: dt.datetime,
) -> None:
    if actor is None:
        name, role = SYSTEM, SYSTEM
    else:
        name = actor.user.username
        acted = acting_role(actor.grants, permissions, item.org.path) if permissions else None
        role = acted.value if acted else "editor"
    audit.append(
        session,
        item_id=item.id,
        revision=revision.number,
        content_sha256=revision.content_sha256,
        actor=name,
        role=role,
        action=action.value,
        reason=reason,
        at=at,
        state=revision.state.value,
        published_at=revision.published_at,
        ended_at=revision.ended_at,
        details=sealed_details(revision),
    )


# --- drafting -----------------------------------------------------------------------


def _save_draft(
    session: Session,
    item: Item,
    revision: Revision,
    fields: Fields,
    action: Action,
    actor: Principal,
    env: Env,
) -> None:
    """Store ``fields`` in the draft ``revision``, index its files and audit ``action``."""
    _store(revision, item.org, fields)
    session.flush()
    _index_assets(session, revision)
    _record(
        session,
        item,
        revision,
        action,
        actor=actor,
        permissions=(Permission.DRAFT_ITEMS,),
        at=env.now,
    )


def create_item(session: Session, org: Org, author: Principal, fields: Fields, env: Env) -> Item:
    """Draft a new item at ``org``.

    :raise BadRequest, RuleViolation: see :func:`validate`.
    """
    fields = validate(session, org, fields, env)
    item = Item(org=org, created_by=author.user, current_number=1)
    revision = Revision(
        number=1, state=State.DRAFT, author=author.user, contributors=[author.user.id]
    )
    item.revisions.append(revision)
    session.add(item)
    _save_draft(session, item, revision, fields, Action.CREATE, author, env)
    return item


def edit_item(
    session: Session, item: Item, editor: Principal, changes: dict[str, Any], env: Env
) -> Revision:
    """Change the draft; past draft, open a new draft revision with the changes.

    The published revision stays on display until the new one is published.

    :raise Conflict: a revision is in the procedure, or the item is archived.
    """
    current = item.current
    rules.check_editable(current.state)
    unknown = set(changes) - set(FIELD_NAMES)
    if unknown:
        raise BadRequest(N_("Unknown fields."), code="unknown_field", details=sorted(unknown))
    fields = validate(session, item.org, replace(Fields.of(current), **changes), env)
    user_id = editor.user.id
    if current.state is State.DRAFT:
        revision = current
        if user_id not in revision.contributors:
            revision.contributors = [*revision.contributors, user_id]
    else:
        revision = Revision(
            number=current.number + 1,
            state=State.DRAFT,
            author=editor.user,
            contributors=[user_id],
        )
        item.revisions.append(revision)
        item.current_number = revision.number
    _save_draft(session, item, revision, fields, Action.EDIT, editor, env)
    return revision


# --- the procedure ------------------------------------------------------------------


def notice_protected_until(revision: Revision, env: Env) -> dt.datetime | None:
    """Return the end of a published notice's minimum period (the notice rule, :mod:`.notices`)."""
    return notices.protected_until(viewing.notice_facts(revision), env.calendar, env.tz)


def replaced_notice_until(item: Item, revision: Revision, env: Env) -> dt.datetime | None:
    """Return until when the live notice that publishing ``revision`` would replace is protected."""
    live = item.live
    if live is None or live is revision or live.state is not State.PUBLISHED:
        return None
    return notice_protected_until(live, env)


MERGE_REVIEW_SETTING = "merge_review_approval"


def merges_review(org: Org) -> bool:
    """Tell whether an administrator above ``org`` let it merge review and sign-off."""
    return bool((org.settings or {}).get(MERGE_REVIEW_SETTING, False))


def set_merged_review(
    session: Session, org: Org, actor: Principal, allowed: bool, reason: str, now: dt.datetime
) -> None:
    """Let ``org`` merge review and sign-off (or stop it), as an administrator above it.

    Only an administrator of an ancestor organisation may (a county or township admin for a
    village), never the org's own admin. The drafter still never reviews or signs off, and
    the superior is never the approver.

    :raise PermissionDenied: the actor is not an administrator above ``org``.
    :raise RuleViolation: no written reason.
    """
    if not actor.administers_above(org):
        raise PermissionDenied(
            N_(
                "Only an administrator of a higher organisation may let an organisation merge"
                " review and sign-off."
            ),
            code="admin_above_required",
        )
    if not reason.strip():
        raise RuleViolation(N_("Give a written reason."), code="reason_required")
    org.settings = {**(org.settings or {}), MERGE_REVIEW_SETTING: bool(allowed)}
    session.flush()
    record_merged_review(
        session, org, actor=actor.user.username, allowed=allowed, reason=reason.strip(), at=now
    )


def record_merged_review(
    session: Session, org: Org, *, actor: str, allowed: bool, reason: str, at: dt.datetime
) -> None:
    """Seal a change of an org's merged review into the audit chain (DESIGN.md §1: "that
    choice is recorded in the audit chain"); ``audit verify`` compares the setting with it."""
    audit.record_event(
        session,
        subject=audit_rules.ORG,
        subject_id=org.id,
        actor=actor,
        role="admin",
        action="merge_review" if allowed else "separate_review",
        reason=reason,
        at=at,
        state=_merge_state(allowed),
    )
    logger.info("org %s: merge_review_approval=%s by %s: %s", org.code, allowed, actor, reason)


def _merge_state(allowed: bool) -> str:
    return "review_merged" if allowed else "review_separate"


def org_settings_states(session: Session) -> Iterator[Current]:
    """Yield every org's merged-review setting: an org that merges review and sign-off must
    have the sealed decision of an administrator above it (``audit verify``)."""
    for org in session.scalars(sa.select(Org).order_by(Org.id)):
        allowed = merges_review(org)
        yield Current(
            subject=audit_rules.ORG,
            subject_id=org.id,
            revision=None,
            state=_merge_state(allowed),
            label=f"org {org.code} (merged review and sign-off)",
            # The default (separate) needs no record; merging always does.
            required=allowed,
        )


#: Fields required before submission (DESIGN.md §1), by API name.
REQUIRED_BEFORE_SUBMIT = {"accountable_person": "accountable", "department": "department"}


def check_required(revision: Revision) -> None:
    """Refuse to submit without the accountable person and the supplying department.

    :raise RuleViolation: ``missing_fields``; ``details`` maps each missing field (API name)
        to ``"required"``.
    """
    second = language(revision.item.org.second_language)
    translation = revision.translation
    if second is not None and (translation is None or translation.get("lang") != second.code):
        raise RuleViolation(
            N_("Write the title and content in %(language)s too before submitting."),
            code="missing_fields",
            details={"translation": "required"},
            language=second.name_zh,
        )
    if second is None and translation is not None:
        raise RuleViolation(
            N_("The organisation now discloses in Chinese only: remove the translation."),
            code="no_second_language",
        )
    missing = [
        name
        for name, attribute in REQUIRED_BEFORE_SUBMIT.items()
        if not str(getattr(revision, attribute) or "").strip()
    ]
    if not missing:
        return
    if len(missing) == 2:
        message = N_(
            "Name the accountable person (第一责任人) and the supplying department before"
            " submitting."
        )
    elif missing[0] == "department":
        message = N_("Name the supplying department before submitting.")
    else:
        message = N_("Name the accountable person (第一责任人) before submitting.")
    raise RuleViolation(
        message, code="missing_fields", details={name: "required" for name in missing}
    )


def _decided(
    item: Item, actor: Principal, action: Action, reason: str, env: Env
) -> tuple[Revision, rules.Attempt, State]:
    """Return the revision ``action`` applies to, the attempt and the state it leads to.

    :raise PermissionDenied, Conflict, RuleViolation: see :func:`rules.decide`.
    """
    rule = rules.RULES[action]
    revision = item.live if rule.on_live else item.current
    if revision is None:
        raise Conflict(N_("The item has never been published."), code="invalid_state")
    attempt = rules.Attempt(
        action=action,
        state=revision.state,
        held=frozenset(actor.permissions_at(item.org)),
        is_contributor=actor.user.id in revision.contributors,
        reason=reason,
        needs_superior=revision.needs_superior,
        now=env.now,
        valid_until=revision.valid_until,
        notice_protected_until=notice_protected_until(revision, env),
        replaces_notice_until=(
            replaced_notice_until(item, revision, env) if action is Action.PUBLISH else None
        ),
        actor_id=actor.user.id,
        reviewed_by=revision.reviewed_by_id,
        approved_by=revision.approved_by_id,
        merged_review=merges_review(item.org),
        procedure=procedure_of(item, revision),
    )
    return revision, attempt, rules.decide(attempt)


def _enter(
    session: Session,
    item: Item,
    revision: Revision,
    attempt: rules.Attempt,
    target: State,
    actor: Principal,
) -> None:
    """Move ``revision`` to ``target`` and seal the step in the audit chain, with the role
    the actor took it in (ending a notice early: the superior organisation's decision)."""
    action = attempt.action
    rule = rules.RULES[action]
    permissions: tuple[Permission, ...] = (
        rules.REJECTERS.get(attempt.state, rule.permissions)
        if action is Action.REJECT
        else rule.permissions
    )
    if rules.ends_notice_early(attempt):
        permissions = (notices.OVERRIDE,)
    revision.state = target
    _record(
        session,
        item,
        revision,
        action,
        actor=actor,
        permissions=permissions,
        reason=attempt.reason.strip(),
        at=attempt.now,
    )
    session.flush()


def submit_item(
    session: Session, item: Item, actor: Principal, env: Env, reason: str = ""
) -> Revision:
    """Submit the draft for review: the accountable person and the department named, a
    notice's period checked; whether the superior organisation must review is decided now.

    :raise PermissionDenied, Conflict, RuleViolation: see :func:`rules.decide`;
        ``already_expired``, ``missing_fields``, notice periods (:mod:`.notices`).
    """
    revision, attempt, target = _decided(item, actor, Action.SUBMIT, reason, env)
    rules.check_submittable(revision.valid_until, env.now)
    check_required(revision)
    check_can_submit(session, item.id)
    check_notice(Fields.of(revision), env)
    reasons = rules.higher_review_reasons(
        revision.category,
        revision.major,
        revision.catalog_entry_id is not None,
        item.org.settings.get("higher_review_categories", []),
    )
    revision.higher_review = reasons
    revision.needs_superior = bool(reasons)
    revision.procedure = procedures.procedure_for(revision.category.value, item.org.kind)
    revision.submitted_at = env.now
    _enter(session, item, revision, attempt, target, actor)
    return revision


def review_item(
    session: Session, item: Item, actor: Principal, env: Env, reason: str = ""
) -> Revision:
    """Review the submitted revision (审核; never its drafter).

    :raise PermissionDenied, Conflict, RuleViolation: see :func:`rules.decide`.
    """
    revision, attempt, target = _decided(item, actor, Action.REVIEW, reason, env)
    revision.reviewed_by_id = actor.user.id
    _enter(session, item, revision, attempt, target, actor)
    return revision


def approve_item(
    session: Session, item: Item, actor: Principal, env: Env, reason: str = ""
) -> Revision:
    """Sign off the reviewed revision (审签): ready to publish, or on to the superior
    organisation when it needs a higher review.

    :raise PermissionDenied, Conflict, RuleViolation: see :func:`rules.decide`.
    """
    revision, attempt, target = _decided(item, actor, Action.APPROVE, reason, env)
    revision.approved_by_id = actor.user.id
    _enter(session, item, revision, attempt, target, actor)
    return revision


def decide_item(
    session: Session,
    item: Item,
    actor: Principal,
    env: Env,
    reason: str = "",
    *,
    meeting: Meeting | None = None,
) -> Revision:
    """Record the 两委 joint meeting's decision on the reviewed village-affairs revision (its
    date, attendance and resolution, sealed with the step); it then awaits the supervision
    committee's seal.

    :raise PermissionDenied, Conflict, RuleViolation: see :func:`rules.decide`;
        ``meeting_required``, ``meeting_invalid`` (:func:`procedures.check_meeting`).
    """
    revision, attempt, target = _decided(item, actor, Action.DECIDE, reason, env)
    if meeting is None:
        raise RuleViolation(
            N_("Record the joint meeting: its date, attendance and resolution."),
            code="meeting_required",
        )
    reviewed = audit.last_action_at(session, item.id, revision.number, Action.REVIEW.value)
    kept = procedures.check_meeting(
        meeting,
        reviewed_on=reviewed.astimezone(env.tz).date() if reviewed else None,
        today=env.now.astimezone(env.tz).date(),
    )
    revision.meeting = kept.json()
    revision.approved_by_id = actor.user.id
    _enter(session, item, revision, attempt, target, actor)
    return revision


def seal_item(
    session: Session, item: Item, actor: Principal, env: Env, reason: str = ""
) -> Revision:
    """Sign and seal the decided village-affairs revision for the supervision committee
    (监督委员会签字盖章): who sealed it and when are sealed with the step and shown as the seal
    line wherever the item is shown. Then it is ready to publish, or goes to the superior
    organisation when it needs a higher review.

    :raise PermissionDenied, Conflict, RuleViolation: see :func:`rules.decide`.
    """
    revision, attempt, target = _decided(item, actor, Action.SEAL, reason, env)
    user = actor.user
    name = user.display_name or user.username
    revision.seal = Seal(by=user.username, name=name, at=env.now).json()
    _enter(session, item, revision, attempt, target, actor)
    return revision


def superior_approve_item(
    session: Session, item: Item, actor: Principal, env: Env, reason: str = ""
) -> Revision:
    """Approve the revision as the superior organisation (上级审核): ready to publish.

    :raise PermissionDenied, Conflict, RuleViolation: see :func:`rules.decide`.
    """
    revision, attempt, target = _decided(item, actor, Action.SUPERIOR_APPROVE, reason, env)
    _enter(session, item, revision, attempt, target, actor)
    return revision


def reject_item(session: Session, item: Item, actor: Principal, env: Env, reason: str) -> Revision:
    """Send the revision in the procedure back with a written reason: it stays ``rejected``
    and a new draft with the same content opens (returned to its author).

    :raise PermissionDenied, Conflict, RuleViolation: see :func:`rules.decide`.
    """
    revision, attempt, target = _decided(item, actor, Action.REJECT, reason, env)
    fields = Fields.of(revision)
    _enter(session, item, revision, attempt, target, actor)
    reopened = Revision(
        number=revision.number + 1,
        state=State.DRAFT,
        author=revision.author,
        contributors=list(revision.contributors),
        returned_reason=reason.strip(),
        returned_by=actor.user.username,
    )
    item.revisions.append(reopened)
    _store(reopened, item.org, fields)
    item.current_number = reopened.number
    session.flush()
    _index_assets(session, reopened)
    session.flush()
    return reopened


def publish_item(
    session: Session, item: Item, actor: Principal, env: Env, reason: str = ""
) -> Revision:
    """Publish the ready revision; it replaces the live one (superseded), which a running
    notice's protection forbids but to the superior organisation with a written reason.
    The screens of the item's subtree get their new manifests once the caller commits.

    :raise PermissionDenied, Conflict, RuleViolation: see :func:`rules.decide`; a notice
        whose period no longer holds its minimum from now on.
    """
    revision, attempt, target = _decided(item, actor, Action.PUBLISH, reason, env)
    check_notice(
        Fields.of(revision), env, start=notices.publication_start(revision.valid_from, env.now)
    )
    # The record seals the resulting state and times: set them first.
    revision.published_at = env.now
    _enter(session, item, revision, attempt, target, actor)
    previous = item.live
    if previous is not None and previous is not revision and previous.state is State.PUBLISHED:
        previous.state = State.SUPERSEDED
        previous.ended_at = env.now
        _record(
            session, item, previous, Action.SUPERSEDE, actor=None, reason=reason.strip(), at=env.now
        )
    item.live_number = revision.number
    changes.touch_orgs(session, [item.org_id])
    session.flush()
    return revision


def withdraw_item(
    session: Session, item: Item, actor: Principal, env: Env, reason: str
) -> Revision:
    """Withdraw the live revision with a written reason; during a notice's protection only
    the superior organisation may. The screens drop it once the caller commits.

    :raise PermissionDenied, Conflict, RuleViolation: see :func:`rules.decide`.
    """
    revision, attempt, target = _decided(item, actor, Action.WITHDRAW, reason, env)
    revision.ended_at = env.now
    _enter(session, item, revision, attempt, target, actor)
    changes.touch_orgs(session, [item.org_id])
    session.flush()
    return revision


def archive_item(
    session: Session, item: Item, actor: Principal, env: Env, reason: str = ""
) -> Revision:
    """Archive the live revision once it expired or was withdrawn.

    :raise PermissionDenied, Conflict, RuleViolation: see :func:`rules.decide`.
    """
    revision, attempt, target = _decided(item, actor, Action.ARCHIVE, reason, env)
    _enter(session, item, revision, attempt, target, actor)
    return revision


class Step(Protocol):
    """A step of the procedure as the functions above take it."""

    def __call__(
        self, session: Session, item: Item, actor: Principal, env: Env, reason: str
    ) -> Revision: ...


#: The function of each step a user may ask for (``POST /items/<id>/transitions``).
STEPS: dict[Action, Step] = {
    Action.SUBMIT: submit_item,
    Action.REVIEW: review_item,
    Action.APPROVE: approve_item,
    Action.DECIDE: decide_item,
    Action.SEAL: seal_item,
    Action.SUPERIOR_APPROVE: superior_approve_item,
    Action.REJECT: reject_item,
    Action.PUBLISH: publish_item,
    Action.WITHDRAW: withdraw_item,
    Action.ARCHIVE: archive_item,
}


def transition(
    session: Session,
    item: Item,
    actor: Principal,
    action: Action,
    reason: str,
    env: Env,
    *,
    meeting: Meeting | None = None,
) -> Revision:
    """Carry out the step ``action`` asked for by ``actor`` (one of :data:`STEPS`);
    ``meeting``: the joint meeting's record, for ``decide``.

    :raise BadRequest: not a step a user may ask for.
    :raise PermissionDenied: the actor's roles at the item's org do not allow it (403).
    :raise Conflict: the state does not allow it (409).
    :raise RuleViolation: a domain rule forbids it (422).
    """
    step = STEPS.get(action)
    if step is None:
        raise BadRequest(N_("Unknown action."), code="unknown_action")
    if action is Action.DECIDE:
        return decide_item(session, item, actor, env, reason, meeting=meeting)
    return step(session, item, actor, env, reason)


def expire_due(
    session: Session, now: dt.datetime, tz: dt.tzinfo | None = None
) -> list[tuple[int, int]]:
    """Expire every published revision whose validity has ended; archive ended notices.

    A notice whose minimum period is still running stays published until it ends (see
    :mod:`.notices`), even when its validity ended earlier.

    Returns ``(item id, revision number)`` of what changed. Safe to run from several
    processes: each revision is re-read under the audit lock before it changes.
    """
    protection = viewing.Protection(session, tz or DEFAULT_TZ)
    due = list(
        session.scalars(
            sa.select(Revision)
            .where(Revision.state == State.PUBLISHED, Revision.valid_until <= now)
            .order_by(Revision.valid_until)
            .options(selectinload(Revision.item))
        )
    )
    changed = []
    for revision in due:
        session.refresh(revision, with_for_update=session.get_bind().dialect.name == "postgresql")
        if revision.state is not State.PUBLISHED:
            continue
        shown = protection.window(revision)
        if not shown.ended(now):
            continue  # a notice whose minimum period still runs
        item = revision.item
        revision.state = State.EXPIRED
        revision.ended_at = shown.end
        _record(session, item, revision, Action.EXPIRE, actor=None, at=now)
        if revision.notice_kind is not None:
            # A notice leaves the screens by itself at the end of its period, then is archived.
            revision.state = State.ARCHIVED
            _record(session, item, revision, Action.ARCHIVE, actor=None, at=now)
        changed.append((item.id, revision.number))
        changes.touch_orgs(session, [item.org_id])
    session.flush()
    if changed:
        logger.info("expired %d revisions: %s", len(changed), changed)
    return changed


def next_deadline(session: Session, now: dt.datetime) -> dt.datetime | None:
    """Return when the next published revision expires (for the scheduler's sleep)."""
    return session.scalar(
        sa.select(sa.func.min(Revision.valid_until)).where(
            Revision.state == State.PUBLISHED, Revision.valid_until > now
        )
    )


# --- reading ------------------------------------------------------------------------


def get_item(session: Session, item_id: int) -> Item:
    """Return the item.

    :raise NotFound: no such item.
    """
    item = session.get(Item, item_id, options=[selectinload(Item.revisions)])
    if item is None:
        raise NotFound(N_("No such item."), code="item_not_found")
    return item


def _current(revision: Revision) -> Current:
    """Return what the chain must have sealed last about ``revision``."""
    draft = revision.state is State.DRAFT
    return Current(
        subject=audit_rules.ITEM,
        subject_id=revision.item_id,
        revision=revision.number,
        state=revision.state.value,
        label=f"item {revision.item_id} revision {revision.number}",
        # Drafts may change (each saved edit is sealed, but nothing is presented from them).
        content_sha256=None if draft else content_sha256(revision.item.org, Fields.of(revision)),
        published_at=audit_rules.optional_timestamp(revision.published_at),
        ended_at=audit_rules.optional_timestamp(revision.ended_at),
        # A draft reopened by a rejection has no record until it is edited.
        required=not draft,
        details=sealed_details(revision),
    )


def revision_contents(session: Session) -> Iterator[Current]:
    """Yield the state, times and content hash (recomputed now) of every revision.

    ``audit verify`` compares these with what the chain sealed last about each revision.
    """
    query = (
        sa.select(Revision)
        .options(
            selectinload(Revision.item).selectinload(Item.org), selectinload(Revision.catalog_entry)
        )
        .order_by(Revision.id)
    )
    for revision in session.scalars(query):
        yield _current(revision)


def broken_seals(session: Session, revisions: Iterable[Revision]) -> list[Revision]:
    """Return the revisions whose content, state or times do not match their seal in the chain.

    A revision matches when the newest audit record of it is genuine (its keyed hash holds)
    and seals the content hash recomputed now from the stored fields, the current state and
    the publication and end times. Tampering in the database (假公开) shows up here.
    """
    wanted = list(revisions)
    if not wanted:
        return []
    last = audit.last_item_records(session, {r.item_id for r in wanted})
    broken = []
    for revision in wanted:
        record = last.get((revision.item_id, revision.number))
        if record is None or not audit.is_genuine(session, record):
            broken.append(revision)
            continue
        current = _current(revision)
        if current.content_sha256 is None:
            current = replace(
                current, content_sha256=content_sha256(revision.item.org, Fields.of(revision))
            )
        if audit_rules.check_current(current, record.entry()) is not None:
            broken.append(revision)
    return broken


def integrity_alarms(session: Session, org_condition: sa.ColumnElement[bool]) -> list[Revision]:
    """Return the published revisions of the orgs matching ``org_condition`` (an SQL condition
    on ``Org``) that do not match their seal: screens leave them out; operators must see it."""
    published = session.scalars(
        sa.select(Revision)
        .join(Item, Revision.item_id == Item.id)
        .join(Org, Item.org_id == Org.id)
        .where(Revision.state == State.PUBLISHED, org_condition)
        .options(
            selectinload(Revision.item).selectinload(Item.org), selectinload(Revision.catalog_entry)
        )
        .order_by(Revision.item_id)
    )
    return broken_seals(session, list(published))


def seal_intact(revision: Revision) -> bool:
    """Tell whether ``revision`` as stored now is what the audit chain sealed (see
    :func:`broken_seals`). Present nothing of a revision for which this is false."""
    session = object_session(revision)
    if session is None:
        raise ValueError("the revision is not in a session")
    return not broken_seals(session, [revision])


def display_state(revision: Revision, now: dt.datetime) -> str:
    """Say whether a published revision is on display now, scheduled, or off."""
    if revision.state is not State.PUBLISHED:
        return "off"
    if not windows.Window(windows.starts(revision.valid_from, revision.published_at)).started(now):
        return "scheduled"
    return "on_display"
