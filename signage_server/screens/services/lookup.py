"""Finding a screen by id, for the system or for an operator with a permission there."""

from __future__ import annotations

from sqlalchemy.orm import Session

from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.errors import NotFound
from signage_server.i18n import N_
from signage_server.screens.models import Screen
from signage_server.transactions import session as current_session


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
