"""Pure rules of the organisation tree: kinds, codes, placement, materialised paths, and who
may restructure it ("only administrators above an organisation": :func:`administers_above`).

No Flask, no database session: plain values in, plain values out; a broken rule raises a
shared error of ``signage_server.errors`` (translated once, at the edge). The use cases that
apply these rules live in ``orgs.services``.

Every organisation stores its ``path``: the ids from the root down to itself, written
``/1/4/17/``. The subtree of an organisation is every org whose path starts with its path,
which the database answers with one indexed ``LIKE 'prefix%'``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from enum import StrEnum
from typing import Generic
from typing import TypeVar

from signage_server.errors import BadRequest
from signage_server.errors import RuleViolation
from signage_server.i18n import N_


class OrgKind(StrEnum):
    """What an organisation is; decides where it may sit in the tree."""

    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"
    AGENCY = "agency"
    SCHOOL = "school"

    @property
    def label(self) -> str:
        return ORG_KIND_LABELS[self]


ORG_KIND_LABELS: dict[OrgKind, str] = {
    OrgKind.COUNTY: N_("County"),
    OrgKind.TOWNSHIP: N_("Township"),
    OrgKind.VILLAGE: N_("Village party branch"),
    OrgKind.AGENCY: N_("Agency party branch"),
    OrgKind.SCHOOL: N_("Education party branch"),
}

#: Which kinds may be created directly under an organisation of a kind.
CHILD_KINDS: dict[OrgKind, frozenset[OrgKind]] = {
    OrgKind.COUNTY: frozenset({OrgKind.TOWNSHIP, OrgKind.AGENCY, OrgKind.SCHOOL}),
    OrgKind.TOWNSHIP: frozenset({OrgKind.VILLAGE, OrgKind.AGENCY, OrgKind.SCHOOL}),
    OrgKind.VILLAGE: frozenset(),
    OrgKind.AGENCY: frozenset(),
    OrgKind.SCHOOL: frozenset(),
}

#: Kinds allowed at the root of a tree.
ROOT_KINDS = frozenset({OrgKind.COUNTY})


def kinds_below(kind: OrgKind) -> list[OrgKind]:
    """Return the kinds of organisation that can sit anywhere below one of ``kind``, in the
    order of :class:`OrgKind` (a county: townships, villages, agency and school branches)."""
    found: set[OrgKind] = set()
    todo = [kind]
    while todo:
        for child in CHILD_KINDS[todo.pop()]:
            if child not in found:
                found.add(child)
                todo.append(child)
    return [k for k in OrgKind if k in found]


CODE_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$")
CODE_MAX = 32
NAME_MAX = 100


def normalise_code(code: str) -> str:
    """Return ``code`` upper-cased and stripped.

    :raise BadRequest: malformed (``invalid_code``).
    """
    value = code.strip().upper()
    if not value or len(value) > CODE_MAX or not CODE_RE.match(value):
        raise BadRequest(
            N_(
                "Organisation codes have 1-32 capital letters, digits and single dashes,"
                " starting with a letter."
            ),
            code="invalid_code",
        )
    return value


def check_name(name: str) -> str:
    """Return ``name`` with its white space tidied.

    :raise BadRequest: empty or too long (``invalid_name``).
    """
    value = " ".join(name.split())
    if not value or len(value) > NAME_MAX:
        raise BadRequest(N_("Organisation names have 1-100 characters."), code="invalid_name")
    return value


def check_placement(kind: OrgKind, parent_kind: OrgKind | None) -> None:
    """Refuse an org of ``kind`` under a parent of ``parent_kind`` (``None``: at the root).

    :raise RuleViolation: not allowed there (``invalid_parent``).
    """
    allowed = ROOT_KINDS if parent_kind is None else CHILD_KINDS[parent_kind]
    if kind not in allowed:
        raise RuleViolation(
            N_("An organisation of this kind cannot be placed there."), code="invalid_parent"
        )


def check_kind_change(
    kind: OrgKind, parent_kind: OrgKind | None, child_kinds: Iterable[OrgKind]
) -> None:
    """Refuse to make an org of ``kind`` when that kind does not fit under its parent or
    above its children.

    :raise RuleViolation: ``invalid_parent``.
    """
    check_placement(kind, parent_kind)
    for child_kind in child_kinds:
        check_placement(child_kind, kind)


def child_path(parent_path: str | None, org_id: int) -> str:
    """Return the materialised path of org ``org_id`` under a parent with ``parent_path``."""
    return f"{parent_path or '/'}{org_id}/"


def path_ids(path: str) -> list[int]:
    """Return the ids along ``path``, root first."""
    return [int(part) for part in path.strip("/").split("/") if part]


def is_within(path: str, ancestor_path: str) -> bool:
    """Tell whether the org at ``path`` is the org at ``ancestor_path`` or below it."""
    return path.startswith(ancestor_path)


def is_strictly_below(path: str, ancestor_path: str) -> bool:
    """Tell whether the org at ``path`` is below (not equal to) the org at ``ancestor_path``."""
    return path != ancestor_path and path.startswith(ancestor_path)


def is_root(path: str) -> bool:
    """Tell whether the org at ``path`` is the top of its tree (the county)."""
    return len(path_ids(path)) == 1


def administers_above(path: str, admin_paths: Iterable[str]) -> bool:
    """Tell whether an administrator whose grants sit at ``admin_paths`` is *above* the org at
    ``path``: one of them is at an organisation strictly above it.

    Moving, dissolving or restoring an organisation, and letting it merge review and sign-off,
    are for them only, never for the organisation's own administrators; nobody is above the
    root (the county).
    """
    return any(is_strictly_below(path, admin_path) for admin_path in admin_paths)


def check_move(path: str, kind: OrgKind, new_parent_path: str, new_parent_kind: OrgKind) -> None:
    """Refuse to move the org at ``path`` under itself or one of its descendants, or under a
    parent its kind may not sit under.

    :raise RuleViolation: ``cycle`` or ``invalid_parent``.
    """
    if is_within(new_parent_path, path):
        raise RuleViolation(N_("An organisation cannot be moved under itself."), code="cycle")
    check_placement(kind, new_parent_kind)


def check_dissolve(path: str, has_active_children: bool) -> None:
    """Refuse to dissolve the root, or an org with active organisations below it.

    :raise RuleViolation: ``root_org`` or ``has_active_children``.
    """
    if is_root(path):
        raise RuleViolation(N_("The top organisation cannot be dissolved."), code="root_org")
    if has_active_children:
        raise RuleViolation(
            N_("Dissolve the organisations below it first."), code="has_active_children"
        )


def check_parent_active(parent_active: bool) -> None:
    """Refuse to create or restore an org under a dissolved parent (``parent_active``:
    ``True`` for the root).

    :raise RuleViolation: ``parent_inactive``.
    """
    if not parent_active:
        raise RuleViolation(N_("The parent organisation is dissolved."), code="parent_inactive")


def minimal_roots(paths: Iterable[str]) -> list[str]:
    """Return the paths not contained in another path of the set (the tops of the subtrees)."""
    ordered = sorted(set(paths), key=lambda p: (len(p), p))
    roots: list[str] = []
    for path in ordered:
        if not any(is_within(path, root) for root in roots):
            roots.append(path)
    return roots


T = TypeVar("T")


@dataclass
class TreeNode(Generic[T]):
    """One node of a tree built by :func:`build_tree`."""

    value: T
    children: list[TreeNode[T]] = field(default_factory=list)


def build_tree(
    items: Iterable[T],
    key: Callable[[T], int],
    parent_key: Callable[[T], int | None],
    sort_key: Callable[[T], str],
) -> list[TreeNode[T]]:
    """Arrange ``items`` as a forest: an item whose parent is not among them becomes a root.

    Siblings are ordered by ``sort_key``.
    """
    nodes = {key(item): TreeNode(item) for item in items}
    roots: list[TreeNode[T]] = []
    for node in nodes.values():
        parent_id = parent_key(node.value)
        parent = nodes.get(parent_id) if parent_id is not None else None
        (parent.children if parent is not None else roots).append(node)

    def order(level: list[TreeNode[T]]) -> None:
        level.sort(key=lambda n: sort_key(n.value))
        for n in level:
            order(n.children)

    order(roots)
    return roots


def walk(nodes: list[TreeNode[T]], depth: int = 0) -> Iterator[tuple[int, T]]:
    """Yield ``(depth, value)`` of every node in pre-order (parents before children)."""
    for node in nodes:
        yield depth, node.value
        yield from walk(node.children, depth + 1)
