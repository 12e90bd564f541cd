"""Pure rules of disclosure items and their procedure (DESIGN.md §2). No Flask, no session.

The procedure runs on revisions::

    draft ─submit→ submitted ─review→ reviewed ─approve→ approved ─superior_approve→ ready
      ↑ reject (with a reason) from any pre-publication state                         │ publish
      └───────────────────────────────────────────────────────────────────────────────┘
    ready → published → expired | withdrawn → archived;  published → superseded (newer one)

Village affairs of a village take their own procedure (:mod:`.procedures`): the supervision
committee reviews, the 两委 joint meeting decides, the committee seals::

    submitted ─review→ reviewed ─decide→ decided ─seal→ approved | ready

``approve`` goes straight to ``ready`` when no higher review is required. A revision is
immutable once submitted: a rejection leaves it ``rejected`` and opens a new draft with the
same content; editing a revision past draft opens a new draft too.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from signage_server.accounts.rules import Permission
from signage_server.disclosure.notices import NOTICE_LABELS as NOTICE_LABELS
from signage_server.disclosure.notices import OVERRIDE
from signage_server.disclosure.notices import NoticeKind as NoticeKind
from signage_server.disclosure.notices import check_replacement
from signage_server.disclosure.notices import check_withdrawal
from signage_server.disclosure.notices import is_protected
from signage_server.disclosure.procedures import Procedure
from signage_server.disclosure.windows import Window
from signage_server.errors import Conflict
from signage_server.errors import PermissionDenied
from signage_server.errors import RuleViolation
from signage_server.i18n import N_
from signage_server.i18n import Label


class Category(StrEnum):
    """The categories of DESIGN.md §2."""

    DECISIONS = "decisions"
    IDEOLOGY = "ideology"
    ORGANISATION = "organisation"
    LEADERSHIP = "leadership"
    CADRES = "cadres"
    CONDUCT = "conduct"
    RULES = "rules"
    SERVICE = "service"
    VILLAGE_AFFAIRS = "village_affairs"
    OTHER = "other"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    Category.DECISIONS: N_("Party decisions and their implementation"),
    Category.IDEOLOGY: N_("Ideological and political work"),
    Category.ORGANISATION: N_("Organisation building (dues, elections, new members)"),
    Category.LEADERSHIP: N_("Leadership team"),
    Category.CADRES: N_("Cadre selection and management"),
    Category.CONDUCT: N_("Conduct and integrity"),
    Category.RULES: N_("Rules and systems"),
    Category.SERVICE: N_("Serving the people"),
    Category.VILLAGE_AFFAIRS: N_("Village affairs (collective funds, assets, finances)"),
    Category.OTHER: N_("Other"),
}


class Scope(StrEnum):
    """Who may see an item: party members, staff of the organisation, or everyone."""

    PARTY = "party"
    UNIT = "unit"
    PUBLIC = "public"

    @property
    def label(self) -> str:
        return SCOPE_LABELS[self]


SCOPE_LABELS = {
    Scope.PARTY: N_("Party members only"),
    Scope.UNIT: N_("Staff of the organisation"),
    Scope.PUBLIC: N_("Public"),
}


class Timing(StrEnum):
    STANDING = "standing"
    PERIODIC = "periodic"
    STAGED = "staged"
    IMMEDIATE = "immediate"

    @property
    def label(self) -> str:
        return TIMING_LABELS[self]


TIMING_LABELS = {
    Timing.STANDING: N_("Standing"),
    Timing.PERIODIC: N_("Periodic"),
    Timing.STAGED: N_("Staged"),
    Timing.IMMEDIATE: N_("Immediate"),
}


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    #: Village affairs: decided by the joint meeting, awaiting the supervision committee's seal.
    DECIDED = "decided"
    READY = "ready"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"
    REJECTED = "rejected"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    State.DRAFT: N_("Draft"),
    State.SUBMITTED: N_("Awaiting review"),
    State.REVIEWED: N_("Awaiting sign-off"),
    State.APPROVED: N_("Awaiting higher review"),
    State.DECIDED: N_("Awaiting the supervision committee's seal"),
    State.READY: N_("Ready to publish"),
    State.PUBLISHED: N_("Published"),
    State.SUPERSEDED: N_("Replaced by a newer revision"),
    State.REJECTED: N_("Sent back"),
    State.EXPIRED: N_("Expired"),
    State.WITHDRAWN: N_("Withdrawn"),
    State.ARCHIVED: N_("Archived"),
}

#: States of a revision still inside the procedure, before publication.
PENDING = frozenset({State.SUBMITTED, State.REVIEWED, State.DECIDED, State.APPROVED, State.READY})
#: States of a revision that has been published at some time.
WAS_PUBLISHED = frozenset(
    {State.PUBLISHED, State.SUPERSEDED, State.EXPIRED, State.WITHDRAWN, State.ARCHIVED}
)


class Action(StrEnum):
    """What can happen to an item: the procedure, and what the system does by itself."""

    CREATE = "create"
    EDIT = "edit"
    SUBMIT = "submit"
    REVIEW = "review"
    APPROVE = "approve"
    #: Village affairs: the 两委 joint meeting's decision, and the supervision committee's seal.
    DECIDE = "decide"
    SEAL = "seal"
    SUPERIOR_APPROVE = "superior_approve"
    REJECT = "reject"
    PUBLISH = "publish"
    WITHDRAW = "withdraw"
    ARCHIVE = "archive"
    EXPIRE = "expire"
    SUPERSEDE = "supersede"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.CREATE: N_("Drafted"),
    Action.EDIT: N_("Edited"),
    Action.SUBMIT: N_("Submitted for review"),
    Action.REVIEW: N_("Reviewed"),
    Action.APPROVE: N_("Signed off"),
    Action.DECIDE: N_("Decided by the joint meeting of the two committees"),
    Action.SEAL: N_("Signed and sealed by the village affairs supervision committee"),
    Action.SUPERIOR_APPROVE: N_("Approved by the superior organisation"),
    Action.REJECT: N_("Sent back"),
    Action.PUBLISH: N_("Published"),
    Action.WITHDRAW: N_("Withdrawn"),
    Action.ARCHIVE: N_("Archived"),
    Action.EXPIRE: N_("Expired"),
    Action.SUPERSEDE: N_("Replaced by a newer revision"),
}

#: The actions a user asks for through ``POST /items/<id>/transitions``.
USER_ACTIONS = (
    Action.SUBMIT,
    Action.REVIEW,
    Action.APPROVE,
    Action.DECIDE,
    Action.SEAL,
    Action.SUPERIOR_APPROVE,
    Action.REJECT,
    Action.PUBLISH,
    Action.WITHDRAW,
    Action.ARCHIVE,
)

#: The steps only one of the procedures has (the rest are common to both).
ONLY_IN: dict[Action, Procedure] = {
    Action.APPROVE: Procedure.PARTY,
    Action.DECIDE: Procedure.VILLAGE,
    Action.SEAL: Procedure.VILLAGE,
}


#: The steps that sign a reviewed revision off, in each procedure.
SIGN_OFF: dict[Procedure, tuple[Action, ...]] = {
    Procedure.PARTY: (Action.APPROVE,),
    Procedure.VILLAGE: (Action.DECIDE, Action.SEAL),
}


def in_procedure(action: Action, procedure: Procedure) -> bool:
    """Tell whether ``action`` is a step of ``procedure``."""
    return ONLY_IN.get(action, procedure) is procedure


@dataclass(frozen=True)
class ActionRule:
    """When an action is possible: from which states, for which permissions."""

    from_states: frozenset[State]
    #: The caller needs at least one of these at the item's organisation.
    permissions: tuple[Permission, ...]
    #: Contributors to the revision may not do it (four eyes).
    four_eyes: bool = False
    #: A written reason is required.
    needs_reason: bool = False
    #: The action applies to the live (published) revision, not the one in the procedure.
    on_live: bool = False


RULES: dict[Action, ActionRule] = {
    Action.SUBMIT: ActionRule(frozenset({State.DRAFT}), (Permission.DRAFT_ITEMS,)),
    Action.REVIEW: ActionRule(
        frozenset({State.SUBMITTED}), (Permission.REVIEW_ITEMS,), four_eyes=True
    ),
    Action.APPROVE: ActionRule(
        frozenset({State.REVIEWED}), (Permission.APPROVE_ITEMS,), four_eyes=True
    ),
    Action.DECIDE: ActionRule(
        frozenset({State.REVIEWED}), (Permission.APPROVE_ITEMS,), four_eyes=True
    ),
    Action.SEAL: ActionRule(frozenset({State.DECIDED}), (Permission.REVIEW_ITEMS,), four_eyes=True),
    Action.SUPERIOR_APPROVE: ActionRule(
        frozenset({State.APPROVED}), (Permission.SUPERIOR_APPROVE_ITEMS,), four_eyes=True
    ),
    Action.REJECT: ActionRule(
        PENDING,
        (Permission.REVIEW_ITEMS, Permission.APPROVE_ITEMS, Permission.SUPERIOR_APPROVE_ITEMS),
        needs_reason=True,
    ),
    Action.PUBLISH: ActionRule(frozenset({State.READY}), (Permission.PUBLISH_ITEMS,)),
    Action.WITHDRAW: ActionRule(
        frozenset({State.PUBLISHED}),
        (Permission.PUBLISH_ITEMS, Permission.SUPERIOR_APPROVE_ITEMS),
        needs_reason=True,
        on_live=True,
    ),
    Action.ARCHIVE: ActionRule(
        frozenset({State.EXPIRED, State.WITHDRAWN}),
        (Permission.PUBLISH_ITEMS, Permission.SUPERIOR_APPROVE_ITEMS),
        on_live=True,
    ),
}

#: Who may send back a revision in each state: the role whose step it awaits, or a later one.
REJECTERS: dict[State, tuple[Permission, ...]] = {
    State.SUBMITTED: (Permission.REVIEW_ITEMS, Permission.APPROVE_ITEMS),
    State.REVIEWED: (Permission.APPROVE_ITEMS,),
    # The joint meeting may revisit its decision; the committee may refuse to seal.
    State.DECIDED: (Permission.APPROVE_ITEMS, Permission.REVIEW_ITEMS),
    State.APPROVED: (Permission.SUPERIOR_APPROVE_ITEMS,),
    State.READY: (Permission.APPROVE_ITEMS, Permission.SUPERIOR_APPROVE_ITEMS),
}


@dataclass(frozen=True)
class Attempt:
    """Everything the procedure needs to decide on one action, as plain values."""

    action: Action
    state: State
    held: frozenset[Permission]
    is_contributor: bool
    reason: str
    needs_superior: bool
    now: dt.datetime
    valid_until: dt.datetime | None = None
    #: For public notices: until when the minimum notice period runs.
    notice_protected_until: dt.datetime | None = None
    #: Publishing: until when the live notice this revision would replace is protected.
    replaces_notice_until: dt.datetime | None = None
    #: Separation of duties: who asks, and who already reviewed / signed off this revision.
    actor_id: int | None = None
    reviewed_by: int | None = None
    approved_by: int | None = None
    #: The org may merge review and sign-off (set by an administrator above it).
    merged_review: bool = False
    procedure: Procedure = Procedure.PARTY


def decide(attempt: Attempt) -> State:
    """Return the state the revision moves to, or raise the shared domain error.

    Checks in the order of CONTRACT.md: the caller's role at the org (403), the state
    (409), then the domain rules (422).

    :raise PermissionDenied: the roles held at the org do not allow the step.
    :raise Conflict: the state does not allow it.
    :raise RuleViolation: four eyes, separation of duties, a missing reason, a running
        notice (:mod:`.notices`), a validity that has ended.
    """
    rule = RULES.get(attempt.action)
    if rule is None:
        raise RuleViolation(N_("Unknown action."), code="unknown_action")
    allowed = set(rule.permissions)
    if attempt.action is Action.REJECT and attempt.state in REJECTERS:
        allowed = set(REJECTERS[attempt.state])
    replacing_notice = attempt.action is Action.PUBLISH and is_protected(
        attempt.replaces_notice_until, attempt.now
    )
    if replacing_notice:
        # Only the superior organisation may replace a running notice (with a reason).
        allowed.add(OVERRIDE)
    if not allowed & attempt.held:
        raise PermissionDenied(N_("Your roles here do not allow this step."), code="role_required")
    if not in_procedure(attempt.action, attempt.procedure):
        raise Conflict(
            N_("This step is not part of the item's procedure (%(procedure)s)."),
            code="not_in_procedure",
            procedure=Label(attempt.procedure.label),
        )
    if attempt.state not in rule.from_states:
        raise Conflict(
            N_("This step is not possible while the item is “%(state)s”."),
            code="invalid_state",
            state=Label(attempt.state.label),
        )
    if rule.four_eyes and attempt.is_contributor:
        raise RuleViolation(
            N_("Four eyes: whoever drafted a revision may not review or approve it."),
            code="four_eyes",
        )
    conflict = separation_conflict(
        attempt.action,
        is_drafter=attempt.is_contributor,
        actor_id=attempt.actor_id,
        reviewed_by=attempt.reviewed_by,
        approved_by=attempt.approved_by,
        merged_review=attempt.merged_review,
    )
    if conflict is not None:
        raise RuleViolation(conflict, code="separation_of_duties")
    if rule.needs_reason and not attempt.reason.strip():
        raise RuleViolation(N_("Give a written reason."), code="reason_required")
    superior = OVERRIDE in attempt.held
    if attempt.action is Action.PUBLISH:
        check_replacement(
            attempt.replaces_notice_until, attempt.now, superior=superior, reason=attempt.reason
        )
        if Window(end=attempt.valid_until).ended(attempt.now):
            raise RuleViolation(
                N_("Its validity has ended; it cannot be published."), code="already_expired"
            )
    if attempt.action is Action.WITHDRAW:
        check_withdrawal(attempt.notice_protected_until, attempt.now, superior=superior)
    return target_state(attempt.action, attempt.needs_superior)


def ends_notice_early(attempt: Attempt) -> bool:
    """Tell whether the step ends a notice during its protection (withdrawing it, or
    publishing a revision that replaces it): the superior organisation's decision."""
    if attempt.action is Action.WITHDRAW:
        return is_protected(attempt.notice_protected_until, attempt.now)
    return attempt.action is Action.PUBLISH and is_protected(
        attempt.replaces_notice_until, attempt.now
    )


def check_submittable(valid_until: dt.datetime | None, now: dt.datetime) -> None:
    """Refuse to submit a revision whose validity has already ended.

    :raise RuleViolation: ``already_expired``.
    """
    if Window(end=valid_until).ended(now):
        raise RuleViolation(
            N_("Its validity has ended; change the dates before submitting."),
            code="already_expired",
        )


#: States of the current revision in which it may be edited (past draft, editing opens a new
#: draft): not while a revision is in the procedure, never once the item is archived.
EDITABLE = frozenset(State) - PENDING - {State.ARCHIVED}


def check_editable(state: State) -> None:
    """Refuse to edit an item whose current revision is in ``state``.

    :raise Conflict: ``under_review`` (send it back first) or ``archived``.
    """
    if state in PENDING:
        raise Conflict(
            N_("A revision is under review: send it back before editing."), code="under_review"
        )
    if state is State.ARCHIVED:
        raise Conflict(N_("The item is archived."), code="archived")


def separation_conflict(
    action: Action,
    *,
    is_drafter: bool,
    actor_id: int | None,
    reviewed_by: int | None,
    approved_by: int | None,
    merged_review: bool = False,
) -> str | None:
    """Return why ``actor_id`` may not take this step of a revision (``None``: they may).

    The drafter(s), the reviewer, the approver and the superior of one revision are
    different people (DESIGN.md §1). An org whose administrator above it allowed merging
    lets the reviewer also sign off; the drafter never reviews or signs off, and the
    superior is never the approver nor the reviewer.

    Village affairs: the joint meeting's decision is recorded by someone other than the
    reviewer (as a sign-off), and the supervision committee's seal never comes from whoever
    recorded that decision (the committee supervises the village committee).
    """
    if action not in (
        Action.REVIEW,
        Action.APPROVE,
        Action.DECIDE,
        Action.SEAL,
        Action.SUPERIOR_APPROVE,
    ):
        return None
    if is_drafter:
        return N_("Four eyes: whoever drafted a revision may not review or approve it.")
    if actor_id is None:
        return None
    if action is Action.APPROVE and actor_id == reviewed_by and not merged_review:
        return N_("Separation of duties: whoever reviewed a revision may not also sign it off.")
    if action is Action.DECIDE and actor_id == reviewed_by and not merged_review:
        return N_(
            "Separation of duties: the supervision committee member who reviewed it may not"
            " also record the joint meeting's decision."
        )
    if action is Action.SEAL and actor_id == approved_by:
        return N_(
            "Separation of duties: whoever recorded the joint meeting's decision may not seal"
            " it for the supervision committee."
        )
    if action is Action.SUPERIOR_APPROVE and actor_id in (reviewed_by, approved_by):
        return N_(
            "Separation of duties: the higher review must come from someone who did not"
            " review or sign off this revision."
        )
    return None


def target_state(action: Action, needs_superior: bool) -> State:
    """Return where ``action`` leads."""
    targets = {
        Action.SUBMIT: State.SUBMITTED,
        Action.REVIEW: State.REVIEWED,
        Action.APPROVE: State.APPROVED if needs_superior else State.READY,
        Action.DECIDE: State.DECIDED,
        Action.SEAL: State.APPROVED if needs_superior else State.READY,
        Action.SUPERIOR_APPROVE: State.READY,
        Action.REJECT: State.REJECTED,
        Action.PUBLISH: State.PUBLISHED,
        Action.WITHDRAW: State.WITHDRAWN,
        Action.ARCHIVE: State.ARCHIVED,
        Action.EXPIRE: State.EXPIRED,
        Action.SUPERSEDE: State.SUPERSEDED,
    }
    return targets[action]


def available_actions(
    state: State,
    held: Collection[Permission],
    is_contributor: bool,
    *,
    live: bool = False,
    procedure: Procedure = Procedure.PARTY,
) -> list[Action]:
    """Return the user actions that the caller could take now (for buttons and task lists)."""
    out = []
    for action in USER_ACTIONS:
        rule = RULES[action]
        if rule.on_live != live or state not in rule.from_states:
            continue
        if not in_procedure(action, procedure):
            continue
        allowed = (
            REJECTERS.get(state, rule.permissions) if action is Action.REJECT else rule.permissions
        )
        if not set(allowed) & set(held):
            continue
        if rule.four_eyes and is_contributor:
            continue
        out.append(action)
    return out


# --- higher review -------------------------------------------------------------------


def higher_review_reasons(
    category: Category,
    major: bool,
    in_catalog: bool,
    org_extra_categories: Iterable[str] = (),
) -> list[str]:
    """Return why a revision needs the superior organisation's review (empty: it does not)."""
    reasons = []
    if category is Category.CADRES:
        reasons.append("cadres")
    if major:
        reasons.append("major")
    if not in_catalog:
        reasons.append("outside_catalog")
    if category.value in set(org_extra_categories) and category is not Category.CADRES:
        reasons.append("org_setting")
    return reasons


HIGHER_REVIEW_LABELS = {
    "cadres": N_("cadre matter"),
    "major": N_("major matter (三重一大)"),
    "outside_catalog": N_("outside the disclosure catalog"),
    "org_setting": N_("required by the organisation's settings"),
}


# --- validation of content -----------------------------------------------------------

TITLE_MAX = 200


def check_scope_against_catalog(scope: Scope, entry_scope: Scope) -> None:
    """Refuse an item disclosed beyond what its catalog entry allows (先党内后党外).

    Under a public entry an item may go to party members or staff first; under a party
    or unit entry it stays there.
    """
    if entry_scope is not Scope.PUBLIC and scope is not entry_scope:
        raise RuleViolation(
            N_("The catalog entry allows disclosure to “%(scope)s” only."),
            code="scope_wider_than_catalog",
            scope=entry_scope.value,
        )


def content_fingerprint(fields: dict[str, Any]) -> dict[str, Any]:
    """Return the fields of a revision that its content hash covers, normalised."""

    def norm(value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        if isinstance(value, StrEnum):
            return value.value
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [norm(v) for v in value]
        return value

    return {key: norm(value) for key, value in sorted(fields.items())}


#: The fields a diff of two revisions compares (besides the body), with their labels.
DIFF_FIELDS = (
    ("title", N_("Title")),
    ("category", N_("Category")),
    ("timing", N_("Timing")),
    ("scope", N_("Scope")),
    ("major", N_("Major matter")),
    ("urgent", N_("Urgent")),
    ("notice_kind", N_("Public notice")),
    ("notice_min_days", N_("Minimum working days")),
    ("department", N_("Supplying department")),
    ("accountable", N_("Accountable person")),
    ("stage", N_("Stage")),
    ("valid_from", N_("Valid from")),
    ("valid_until", N_("Valid until")),
    ("catalog_entry_id", N_("Catalog entry")),
    ("attachments", N_("Attachments")),
)


_WORDS = re.compile(r"\s+|[^\s]+")


def text_ops(old: str, new: str, *, words: bool = False) -> list[list[str]]:
    """Return a diff as ``[op, text]`` pairs (op: ``=``, ``-``, ``+``).

    Chinese has no spaces between words, so the diff is by character; ``words``: by word, for
    the scripts that space their words (a change inside an Arabic-script word would break the
    joining of its letters).
    """
    a: Sequence[str] = _WORDS.findall(old) if words else old
    b: Sequence[str] = _WORDS.findall(new) if words else new
    ops: list[list[str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(["=", "".join(a[i1:i2])])
            continue
        if i2 > i1:
            ops.append(["-", "".join(a[i1:i2])])
        if j2 > j1:
            ops.append(["+", "".join(b[j1:j2])])
    return ops
