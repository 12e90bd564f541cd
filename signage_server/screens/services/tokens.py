"""Screen tokens: issuing, revoking, and finding the screen that holds one.

A screen's token is shown once; the server keeps its SHA-256 only. Issuing a new token or
revoking one closes the screen's open connections once the change is committed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.errors import Unauthorized
from signage_server.i18n import N_
from signage_server.screens import changes
from signage_server.screens.models import Screen
from signage_server.screens.services.lookup import screen_for
from signage_server.unit_of_work import committed

SCREEN_TOKEN_PREFIX = "scr_"  # noqa: S105 - a marker, not a secret
#: The longest token looked up (longer ones are refused without a query).
TOKEN_MAX = 128


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token() -> str:
    return SCREEN_TOKEN_PREFIX + secrets.token_urlsafe(32)


def is_screen_token(token: str | None) -> bool:
    """Tell whether ``token`` looks like a screen's token (not a user's API token)."""
    return bool(token) and str(token).startswith(SCREEN_TOKEN_PREFIX)


def issue_token(session: Session, screen: Screen) -> str:
    """Give the screen a new token (the old one stops working); return it, shown once."""
    token = _new_token()
    screen.token_hash = hash_token(token)
    screen.token_prefix = token[:12]
    screen.token_issued_at = dt.datetime.now(dt.UTC)
    screen.revoked_at = None
    session.flush()
    changes.disconnect_screen(session, screen.id)
    return token


def revoke(session: Session, screen: Screen) -> None:
    """Revoke the screen's token: it stops working everywhere, its connections are closed."""
    screen.token_hash = ""
    screen.revoked_at = dt.datetime.now(dt.UTC)
    screen.online = False
    session.flush()
    changes.disconnect_screen(session, screen.id)


def screen_for_token(session: Session, token: str | None) -> Screen | None:
    """Return the active screen holding ``token``, or ``None``."""
    if not token or not is_screen_token(token) or len(token) > TOKEN_MAX:
        return None
    digest = hash_token(token)
    screen = session.scalar(sa.select(Screen).where(Screen.token_hash == digest))
    if screen is None or not screen.active or not hmac.compare_digest(screen.token_hash, digest):
        return None
    return screen


# --- use cases --------------------------------------------------------------------------


def refused() -> Unauthorized:
    """Return the error of a bad, revoked or replaced screen token."""
    return Unauthorized(N_("The screen token is invalid or revoked."), code="unauthorized")


def token_holder(session: Session, token: str | None) -> Screen:
    """Return the active screen holding ``token`` (a player calling with its token).

    :raise Unauthorized: ``unauthorized``: no such token, or it was revoked or replaced.
    """
    screen = screen_for_token(session, token)
    if screen is None:
        raise refused()
    return screen


def revoke_screen(principal: Principal, screen_id: int) -> Screen:
    """Revoke a screen's token: it stops working everywhere, the open connection is closed.

    :raise NotFound, PermissionDenied: no such screen, or the caller may not manage it.
    """
    with committed() as session:
        screen = screen_for(principal, screen_id, Permission.MANAGE_SCREENS)
        revoke(session, screen)
    return screen


def renew_token(principal: Principal, screen_id: int) -> tuple[Screen, str]:
    """Issue a new token for a screen (the old one stops working); return it, shown once.

    :raise NotFound, PermissionDenied: no such screen, or the caller may not manage it.
    """
    with committed() as session:
        screen = screen_for(principal, screen_id, Permission.MANAGE_SCREENS)
        token = issue_token(session, screen)
    return screen, token
