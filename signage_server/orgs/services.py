"""The organisation tree's use cases, and its queries.

Use cases, each one transaction (:func:`signage_server.db.transaction`): the permission check,
the rules of ``orgs.rules``, the writes, the account event (``accounts.services.log_event``)
and the commit; a refused change is rolled back whole.

* :func:`create_org`: a new organisation under a parent (administrators of the parent; the
  installation itself, ``actor=None``, from the command line);
* :func:`edit_org`: what the edit form and ``PATCH /api/v1/orgs/<code>`` change: name, kind,
  members, address, the categories needing higher review, and in the same transaction a move,
  a dissolution or restoration and the merged review;
* :func:`move_org`, :func:`dissolve_org`, :func:`restore_org`: one of those alone.

Moving, dissolving and restoring an organisation are for the administrators *above* it
(``orgs.rules.administers_above``, asked through ``Principal.administers_above``), never for
its own; the root is never dissolved.

:func:`add_org` is the building block without permission check, event or commit (the demo
seeding and tests). The queries find orgs by code, subtrees, and the orgs a caller may see
or manage in tree order (with the form choices built from them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from content.languages import language
from signage_server.accounts.models import User
from signage_server.accounts.models import log_event
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.db import transaction
from signage_server.disclosure.services import merges_review
from signage_server.disclosure.services import set_merged_review
from signage_server.errors import BadRequest
from signage_server.errors import Conflict
from signage_server.errors import NotFound
from signage_server.errors import PermissionDenied
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.models import within
from signage_server.orgs.rules import OrgKind
from signage_server.orgs.rules import TreeNode
from signage_server.orgs.rules import build_tree
from signage_server.orgs.rules import check_dissolve
from signage_server.orgs.rules import check_kind_change
from signage_server.orgs.rules import check_move
from signage_server.orgs.rules import check_name
from signage_server.orgs.rules import check_parent_active
from signage_server.orgs.rules import check_placement
from signage_server.orgs.rules import child_path
from signage_server.orgs.rules import is_within
from signage_server.orgs.rules import normalise_code
from signage_server.orgs.rules import walk
from signage_server.screens import changes as screen_changes

#: What :func:`edit_org` changes (every key optional): the org's own fields, ...
FIELDS = frozenset(
    {"name", "kind", "party_members", "address", "higher_review_categories", "second_language"}
)
#: ... its place in the tree (``parent``: a code; ``active``), and its merged review.
RESTRUCTURING = frozenset({"parent", "active", "merge_review_approval", "merge_review_reason"})

#: Why a caller who may edit an org may still not move, dissolve or restore it.
ABOVE_REQUIRED = N_(
    "Only an administrator of a higher organisation may move, dissolve or restore %(org)s."
)


# --- queries ------------------------------------------------------------------------------


def get_by_code(session: Session, code: str) -> Org | None:
    """Return the org with ``code`` (any case), or ``None``."""
    return session.scalar(sa.select(Org).where(Org.code == code.strip().upper()))


def require_by_code(session: Session, code: str) -> Org:
    """Return the org with ``code``.

    :raise NotFound: no such organisation.
    """
    org = get_by_code(session, code)
    if org is None:
        raise NotFound(N_("No organisation with code %(org)s."), code="org_not_found", org=code)
    return org


def require_org(
    session: Session, actor: Principal, code: str, permission: Permission = Permission.VIEW
) -> Org:
    """Return the org with ``code`` after checking that ``actor`` has ``permission`` there.

    :raise NotFound: no such organisation.
    :raise PermissionDenied: the actor lacks ``permission`` there.
    """
    org = require_by_code(session, code)
    actor.require(permission, org)
    return org


def subtree(session: Session, org: Org, *, include_inactive: bool = False) -> list[Org]:
    """Return ``org`` and every org below it, ordered by path."""
    query = sa.select(Org).where(within([org.path]))
    if not include_inactive:
        query = query.where(Org.active.is_(True))
    return list(session.scalars(query.order_by(Org.path)))


def visible_orgs(
    session: Session, actor: Principal, permission: Permission = Permission.VIEW
) -> list[Org]:
    """Return the active orgs where ``actor`` has ``permission``, in tree order."""
    orgs = session.scalars(sa.select(Org).where(actor.org_condition(permission)))
    return [org for _depth, org in tree_order(orgs)]


def choices(
    session: Session, actor: Principal, permission: Permission = Permission.VIEW
) -> list[tuple[str, str]]:
    """Return ``(code, name)`` of the orgs where ``actor`` has ``permission``, names indented
    by depth (a filter's or a form's choices)."""
    return tree_choices(visible_orgs(session, actor, permission))


def managed_choices(
    session: Session, actor: Principal, permission: Permission, *, exclude: Org | None = None
) -> list[tuple[str, str]]:
    """Return ``(code, "name (code)")`` of the orgs where ``actor`` has ``permission`` (an
    administration form's choices), indented as a tree, without ``exclude``'s subtree."""
    orgs = session.scalars(sa.select(Org).where(actor.org_condition(permission)))
    return [
        (o.code, "\u3000" * depth + f"{o.name} ({o.code})")
        for depth, o in tree_order(orgs)
        if exclude is None or not is_within(o.path, exclude.path)
    ]


@dataclass(frozen=True)
class AdminTree:
    """The organisations page: what the admin manages, as a tree."""

    #: ``(depth, org)`` of the active orgs the admin manages, in tree order.
    rows: list[tuple[int, Org]]
    #: The dissolved orgs the admin manages (restorable by those above them).
    dissolved: list[Org]
    #: How many users each org is the home of, by org id.
    users_per_org: dict[int, int]


def admin_tree(session: Session, actor: Principal) -> AdminTree:
    """Return the organisations page of ``actor``."""
    managed = session.scalars(sa.select(Org).where(actor.org_condition(Permission.MANAGE_ORGS)))
    inactive = session.scalars(sa.select(Org).where(Org.active.is_(False)).order_by(Org.code))
    counts = sa.select(User.home_org_id, sa.func.count()).group_by(User.home_org_id)
    return AdminTree(
        rows=tree_order(managed),
        dissolved=[o for o in inactive if actor.can(Permission.MANAGE_ORGS, o)],
        users_per_org={org_id: n for org_id, n in session.execute(counts)},
    )


def as_tree(orgs: Iterable[Org]) -> list[TreeNode[Org]]:
    """Arrange ``orgs`` as a forest ordered by code (orgs whose parent is absent are roots)."""
    return build_tree(orgs, lambda o: o.id, lambda o: o.parent_id, lambda o: o.code)


def tree_order(orgs: Iterable[Org]) -> list[tuple[int, Org]]:
    """Return ``(depth, org)`` in tree order, depth counted from the top of ``orgs``."""
    return list(walk(as_tree(orgs)))


def whole_tree(session: Session) -> list[tuple[int, Org]]:
    """Return ``(depth, org)`` of every organisation, dissolved ones too, in tree order."""
    return tree_order(session.scalars(sa.select(Org)))


def tree_choices(orgs: Iterable[Org]) -> list[tuple[str, str]]:
    """Return ``(code, name)`` choices of ``orgs`` in tree order, names indented by depth."""
    return [(o.code, "\u3000" * depth + o.name) for depth, o in tree_order(orgs)]


# --- the building block -------------------------------------------------------------------


def add_org(
    session: Session,
    *,
    code: str,
    name: str,
    kind: OrgKind,
    parent: Org | None,
    party_members: int | None = None,
    address: str = "",
) -> Org:
    """Add an organisation under ``parent`` (``None``: a new root) and flush; no permission
    check, no event, no commit (the demo seeding, tests; :func:`create_org` for a caller).

    :raise BadRequest: malformed code or name.
    :raise Conflict: the code is taken.
    :raise RuleViolation: the kind may not sit under the parent's kind, or the parent is
        dissolved.
    """
    code = normalise_code(code)
    name = check_name(name)
    check_placement(kind, parent.kind if parent else None)
    check_parent_active(parent is None or parent.active)
    if get_by_code(session, code) is not None:
        raise Conflict(N_("The code %(org)s is taken."), code="org_exists", org=code)
    org = Org(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        party_members=party_members,
        address=address.strip(),
        settings={},
    )
    session.add(org)
    session.flush()
    org.path = child_path(parent.path if parent else None, org.id)
    session.flush()
    return org


# --- use cases ----------------------------------------------------------------------------


def create_org(
    session: Session,
    *,
    actor: Principal | None,
    code: str,
    name: str,
    kind: OrgKind,
    parent: str | None,
    party_members: int | None = None,
    address: str = "",
) -> Org:
    """Create an organisation under the org with code ``parent``, as ``actor`` (an
    administrator of the parent; ``None``: the installation, which may also create a root).

    :raise NotFound: no parent with that code.
    :raise PermissionDenied: the actor does not administer the parent.
    :raise BadRequest: malformed code or name.
    :raise Conflict: the code is taken.
    :raise RuleViolation: the kind may not sit there, or the parent is dissolved.
    """
    with transaction(session):
        parent_org = require_by_code(session, parent) if parent is not None else None
        if actor is not None:
            if parent_org is None:
                raise PermissionDenied(
                    N_("You may not do this for %(org)s."), code="forbidden", org=name
                )
            actor.require(Permission.MANAGE_ORGS, parent_org)
        org = add_org(
            session,
            code=code,
            name=name,
            kind=kind,
            parent=parent_org,
            party_members=party_members,
            address=address,
        )
        log_event(session, "org.created", actor=_user(actor), org=org, code=org.code)
    return org


def edit_org(
    session: Session, actor: Principal, org: Org, changes: Mapping[str, Any], *, now: dt.datetime
) -> None:
    """Change ``org`` as ``actor`` (an administrator of it), in one transaction.

    ``changes`` holds any of :data:`FIELDS`; and, for an administrator above ``org`` only,
    ``parent`` (the code of a new parent, administered by the actor too), ``active`` (``False``
    dissolves, ``True`` restores) and ``merge_review_approval`` (with
    ``merge_review_reason``). A value equal to the current one changes nothing.

    :raise PermissionDenied: the actor may not edit ``org``, or restructures it without being
        above it, or moves it under an org they do not administer.
    :raise NotFound: no new parent with that code.
    :raise BadRequest: a malformed name.
    :raise RuleViolation: a cycle; a kind that does not fit the parent or the children; a
        dissolution of the root or of an org with active orgs below; a restoration under a
        dissolved parent; a merged review without a reason.
    """
    unknown = set(changes) - FIELDS - RESTRUCTURING
    if unknown:
        raise TypeError(f"edit_org cannot change {sorted(unknown)}")
    with transaction(session):
        actor.require(Permission.MANAGE_ORGS, org)
        merge = changes.get("merge_review_approval")
        if merge is not None and merge != merges_review(org):
            reason = changes.get("merge_review_reason") or ""
            set_merged_review(session, org, actor, merge, reason, now)
        parent = changes.get("parent")
        if parent is not None and (org.parent is None or parent != org.parent.code):
            new_parent = require_by_code(session, parent)
            _require_above(actor, org)
            _move(session, actor, org, new_parent)
        active = changes.get("active")
        toggles = active is not None and active != org.active
        if toggles:
            _require_above(actor, org)
        _update_fields(session, org, {k: v for k, v in changes.items() if k in FIELDS})
        if toggles:
            (_restore if active else _dissolve)(session, org)
        log_event(
            session,
            "org.updated",
            actor=actor.user,
            org=org,
            code=org.code,
            **{key: _jsonable(value) for key, value in changes.items()},
        )


def move_org(session: Session, actor: Principal, org: Org, parent: str) -> None:
    """Move ``org`` with its subtree under the org with code ``parent``, as ``actor`` (an
    administrator above ``org`` and of the new parent).

    :raise NotFound: no org with code ``parent``.
    :raise PermissionDenied: the actor is not above ``org`` or does not administer the parent.
    :raise RuleViolation: a cycle, or a kind that may not sit there.
    """
    with transaction(session):
        new_parent = require_by_code(session, parent)
        _require_above(actor, org)
        _move(session, actor, org, new_parent)
        log_event(session, "org.updated", actor=actor.user, org=org, code=org.code, parent=parent)


def dissolve_org(session: Session, actor: Principal, org: Org) -> None:
    """Dissolve ``org``, as ``actor`` (an administrator above it).

    :raise PermissionDenied: the actor is not above ``org``.
    :raise RuleViolation: ``org`` is the root, or has active orgs below it.
    """
    with transaction(session):
        _require_above(actor, org)
        _dissolve(session, org)
        log_event(session, "org.updated", actor=actor.user, org=org, code=org.code, active=False)


def restore_org(session: Session, actor: Principal, org: Org) -> None:
    """Restore the dissolved ``org``, as ``actor`` (an administrator above it).

    :raise PermissionDenied: the actor is not above ``org``.
    :raise RuleViolation: its parent is dissolved.
    """
    with transaction(session):
        _require_above(actor, org)
        _restore(session, org)
        log_event(session, "org.updated", actor=actor.user, org=org, code=org.code, active=True)


# --- the steps of the use cases -----------------------------------------------------------


def _user(actor: Principal | None) -> User | None:
    return actor.user if actor is not None else None


def _require_above(actor: Principal, org: Org) -> None:
    if not actor.administers_above(org):
        raise PermissionDenied(ABOVE_REQUIRED, code="forbidden", org=org.name)


def _move(session: Session, actor: Principal, org: Org, new_parent: Org) -> None:
    actor.require(Permission.MANAGE_ORGS, new_parent)
    check_move(org.path, org.kind, new_parent.path, new_parent.kind)
    old_prefix = org.path
    new_prefix = child_path(new_parent.path, org.id)
    for member in subtree(session, org, include_inactive=True):
        member.path = new_prefix + member.path[len(old_prefix) :]
    org.parent = new_parent
    screen_changes.touch_orgs(session, [org.id])
    session.flush()


def _dissolve(session: Session, org: Org) -> None:
    check_dissolve(org.path, any(child.active for child in org.children))
    org.active = False
    screen_changes.touch_orgs(session, [org.id])
    session.flush()


def _restore(session: Session, org: Org) -> None:
    check_parent_active(org.parent is None or org.parent.active)
    org.active = True
    screen_changes.touch_orgs(session, [org.id])
    session.flush()


def _update_fields(session: Session, org: Org, changes: Mapping[str, Any]) -> None:
    if "name" in changes:
        org.name = check_name(changes["name"])
    if "kind" in changes and changes["kind"] != org.kind:
        kind = OrgKind(changes["kind"])
        check_kind_change(
            kind, org.parent.kind if org.parent else None, [c.kind for c in org.children]
        )
        org.kind = kind
    if "party_members" in changes:
        org.party_members = changes["party_members"]
    if "address" in changes:
        org.address = (changes["address"] or "").strip()
    if "second_language" in changes:
        code = changes["second_language"] or None
        if code is not None and language(code) is None:
            raise BadRequest(N_("Unknown disclosure language."), code="invalid_language")
        org.second_language = code
    if "higher_review_categories" in changes:
        extra = sorted({str(c) for c in changes["higher_review_categories"] or []})
        org.settings = {**(org.settings or {}), "higher_review_categories": extra}
    session.flush()


def _jsonable(value: Any) -> Any:
    """Return ``value`` as the account event's JSON detail keeps it."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value
