"""Finding screens and screen groups: by id, for the system or for an operator with a
permission there; every screen for the command line (``signage screen list|revoke``, run by
the server's administrator)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.errors import NotFound
from signage_server.i18n import N_
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenGroup
from signage_server.unit_of_work import session as current_session


def get(session: Session, screen_id: int) -> Screen:
    """Return the screen ``screen_id``.

    :raise NotFound: ``screen_not_found``.
    """
    screen = session.get(Screen, screen_id)
    if screen is None:
        raise NotFound(N_("No such screen."), code="screen_not_found")
    return screen


def screen_for(principal: Principal, screen_id: int, permission: Permission) -> Screen:
    """Return the screen if ``principal`` has ``permission`` at its organisation.

    :raise NotFound: no such screen.
    :raise PermissionDenied: not allowed there.
    """
    screen = get(current_session(), screen_id)
    principal.require(permission, screen.org)
    return screen


def group_for(principal: Principal, group_id: int, permission: Permission) -> ScreenGroup:
    """Return the screen group if ``principal`` has ``permission`` at its organisation.

    :raise NotFound: ``group_not_found``.
    :raise PermissionDenied: not allowed there.
    """
    group = current_session().get(ScreenGroup, group_id)
    if group is None:
        raise NotFound(N_("No such group."), code="group_not_found")
    principal.require(permission, group.org)
    return group


def find(session: Session, screen_id: int) -> Screen | None:
    """Return the screen with id ``screen_id``, or ``None``."""
    return session.get(Screen, screen_id)


def all_screens(session: Session) -> list[Screen]:
    """Return every screen, revoked ones too, by id."""
    return list(session.scalars(sa.select(Screen).order_by(Screen.id)))
