"""Every screen, and a screen by id, for the command line (``signage screen list|revoke``).

No permission check: the command line is run by the server's administrator.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.screens.models import Screen


def find(session: Session, screen_id: int) -> Screen | None:
    """Return the screen with id ``screen_id``, or ``None``."""
    return session.get(Screen, screen_id)


def all_screens(session: Session) -> list[Screen]:
    """Return every screen, revoked ones too, by id."""
    return list(session.scalars(sa.select(Screen).order_by(Screen.id)))
