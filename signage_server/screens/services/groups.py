"""Screen groups: named sets of screens of an organisation's subtree that playlists target."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.errors import BadRequest
from signage_server.errors import RuleViolation
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.rules import is_within
from signage_server.orgs.services import require_by_code
from signage_server.screens import changes
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenGroup
from signage_server.screens.services.lookup import group_for
from signage_server.unit_of_work import committed
from signage_server.unit_of_work import session as current_session


def _check_members(org: Org, members: Iterable[Screen]) -> None:
    """Refuse screens outside ``org``'s subtree.

    :raise RuleViolation: ``screen_outside``.
    """
    for screen in members:
        if not is_within(screen.org.path, org.path):
            raise RuleViolation(
                N_("A group holds screens of its organisation's subtree only."),
                code="screen_outside",
            )


def create_group(session: Session, org: Org, name: str, screens: Iterable[Screen]) -> ScreenGroup:
    name = " ".join(name.split())
    if not name:
        raise BadRequest(N_("Give the group a name."), code="invalid_name")
    members = list(screens)
    _check_members(org, members)
    group = ScreenGroup(org=org, name=name, screens=members)
    session.add(group)
    session.flush()
    changes.touch_screens(session, [s.id for s in members])
    return group


def set_group_screens(session: Session, group: ScreenGroup, screens: Iterable[Screen]) -> None:
    before = {s.id for s in group.screens}
    members = list(screens)
    _check_members(group.org, members)
    group.screens = members
    session.flush()
    changes.touch_screens(session, before | {s.id for s in members})


def screens_by_id(session: Session, ids: Iterable[int]) -> list[Screen]:
    """Return the screens of ``ids`` that exist."""
    return list(session.scalars(sa.select(Screen).where(Screen.id.in_(list(ids)))))


# --- use cases --------------------------------------------------------------------------


def add_group(principal: Principal, org_code: str, name: str, screen_ids: list[int]) -> ScreenGroup:
    """Create a group of ``org_code`` holding the screens ``screen_ids`` (unknown ids are left
    out).

    :raise NotFound, PermissionDenied: no such org, or the caller may not manage its screens.
    :raise BadRequest: no name.
    :raise RuleViolation: ``screen_outside``: a screen outside the org's subtree.
    """
    with committed() as session:
        org = require_by_code(session, org_code)
        principal.require(Permission.MANAGE_SCREENS, org)
        return create_group(session, org, name, screens_by_id(session, screen_ids))


def change_group(principal: Principal, group_id: int, screen_ids: list[int]) -> ScreenGroup:
    """Make the group hold the screens ``screen_ids`` (a group left empty plays nothing of its
    own).

    :raise NotFound: ``group_not_found``.
    :raise PermissionDenied: the caller may not manage the group's screens.
    :raise RuleViolation: ``screen_outside``.
    """
    with committed() as session:
        group = group_for(principal, group_id, Permission.MANAGE_SCREENS)
        set_group_screens(session, group, screens_by_id(session, screen_ids))
    return group


@dataclass(frozen=True)
class GroupsPage:
    """The groups and the (active) screens of the organisations the caller may see."""

    groups: list[ScreenGroup]
    screens: list[Screen]


def groups_page(principal: Principal) -> GroupsPage:
    """Return the groups and active screens of the organisations ``principal`` may see."""
    session = current_session()
    visible = sa.select(Org.id).where(principal.org_condition())
    groups = session.scalars(
        sa.select(ScreenGroup).where(ScreenGroup.org_id.in_(visible)).order_by(ScreenGroup.name)
    )
    screens = session.scalars(
        sa.select(Screen)
        .where(Screen.org_id.in_(visible), Screen.active.is_(True))
        .order_by(Screen.name)
    )
    return GroupsPage(list(groups), list(screens))
