"""Use cases of the organisation tree: create, edit, move, and subtree queries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.errors import BadRequest
from signage_server.errors import Conflict
from signage_server.errors import NotFound
from signage_server.errors import RuleViolation
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind
from signage_server.orgs.rules import OrgRuleError
from signage_server.orgs.rules import TreeNode
from signage_server.orgs.rules import build_tree
from signage_server.orgs.rules import check_move
from signage_server.orgs.rules import check_name
from signage_server.orgs.rules import check_placement
from signage_server.orgs.rules import child_path
from signage_server.orgs.rules import minimal_roots
from signage_server.orgs.rules import normalise_code
from signage_server.orgs.rules import walk
from signage_server.screens import changes as screen_changes

_RULE_MESSAGES = {
    "invalid_code": N_(
        "Organisation codes have 1-32 capital letters, digits and single dashes,"
        " starting with a letter."
    ),
    "invalid_name": N_("Organisation names have 1-100 characters."),
    "invalid_parent": N_("An organisation of this kind cannot be placed there."),
    "cycle": N_("An organisation cannot be moved under itself."),
}


def _rule_error(error: OrgRuleError) -> RuleViolation | BadRequest:
    message = _RULE_MESSAGES.get(error.code, N_("The organisation change is not allowed."))
    if error.code in ("invalid_code", "invalid_name"):
        return BadRequest(message, code=error.code)
    return RuleViolation(message, code=error.code)


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


def within(paths: Iterable[str], *, strict: bool = False) -> sa.ColumnElement[bool]:
    """Return an SQL condition matching orgs in the subtrees at ``paths``.

    :param strict: leave the orgs at ``paths`` themselves out.
    """
    conditions: list[sa.ColumnElement[bool]] = []
    for path in minimal_roots(paths) if not strict else set(paths):
        condition = Org.path.like(path + "%")
        conditions.append(sa.and_(condition, Org.path != path) if strict else condition)
    return sa.or_(sa.false(), *conditions)


def subtree(session: Session, org: Org, *, include_inactive: bool = False) -> list[Org]:
    """Return ``org`` and every org below it, ordered by path."""
    query = sa.select(Org).where(within([org.path]))
    if not include_inactive:
        query = query.where(Org.active.is_(True))
    return list(session.scalars(query.order_by(Org.path)))


def create_org(
    session: Session,
    *,
    code: str,
    name: str,
    kind: OrgKind,
    parent: Org | None,
    party_members: int | None = None,
    address: str = "",
) -> Org:
    """Create an organisation under ``parent`` (``None``: a new root).

    :raise BadRequest: malformed code or name.
    :raise Conflict: the code is taken.
    :raise RuleViolation: the kind may not sit under the parent's kind.
    """
    try:
        code = normalise_code(code)
        name = check_name(name)
        check_placement(kind, parent.kind if parent else None)
    except OrgRuleError as error:
        raise _rule_error(error) from None
    if parent is not None and not parent.active:
        raise RuleViolation(N_("The parent organisation is dissolved."), code="parent_inactive")
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


def update_org(session: Session, org: Org, **changes: Any) -> None:
    """Change ``name``, ``kind``, ``party_members``, ``address``, ``active`` of ``org``, or the
    ``higher_review_categories`` its items need the superior organisation's review for.

    :raise BadRequest: a malformed name.
    :raise RuleViolation: the new kind does not fit the parent or the children, or the
        org to dissolve still has active children.
    """
    try:
        if "name" in changes:
            org.name = check_name(changes["name"])
        if "kind" in changes and changes["kind"] != org.kind:
            kind = OrgKind(changes["kind"])
            check_placement(kind, org.parent.kind if org.parent else None)
            for child in org.children:
                check_placement(child.kind, kind)
            org.kind = kind
    except OrgRuleError as error:
        raise _rule_error(error) from None
    if "party_members" in changes:
        org.party_members = changes["party_members"]
    if "address" in changes:
        org.address = (changes["address"] or "").strip()
    if "higher_review_categories" in changes:
        extra = sorted({str(c) for c in changes["higher_review_categories"] or []})
        org.settings = {**(org.settings or {}), "higher_review_categories": extra}
    if "active" in changes and changes["active"] != org.active:
        if not changes["active"] and any(child.active for child in org.children):
            raise RuleViolation(
                N_("Dissolve the organisations below it first."), code="has_active_children"
            )
        if changes["active"] and org.parent is not None and not org.parent.active:
            raise RuleViolation(N_("The parent organisation is dissolved."), code="parent_inactive")
        org.active = bool(changes["active"])
        screen_changes.touch_orgs(session, [org.id])
    session.flush()


def move_org(session: Session, org: Org, new_parent: Org) -> None:
    """Move ``org`` (with its subtree) under ``new_parent``.

    :raise RuleViolation: a cycle, or a kind that may not sit there.
    """
    try:
        check_move(org.path, new_parent.path)
        check_placement(org.kind, new_parent.kind)
    except OrgRuleError as error:
        raise _rule_error(error) from None
    old_prefix = org.path
    new_prefix = child_path(new_parent.path, org.id)
    for member in subtree(session, org, include_inactive=True):
        member.path = new_prefix + member.path[len(old_prefix) :]
    org.parent = new_parent
    screen_changes.touch_orgs(session, [org.id])
    session.flush()


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
