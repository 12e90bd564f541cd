"""Pairing: a player without a token shows a code, an operator attaches it to a screen, the
player collects its new token once.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.errors import NotFound
from signage_server.errors import RuleViolation
from signage_server.i18n import N_
from signage_server.screens.models import PairingRequest
from signage_server.screens.models import Screen
from signage_server.screens.services.lookup import screen_for
from signage_server.screens.services.tokens import hash_token
from signage_server.screens.services.tokens import issue_token
from signage_server.unit_of_work import committed

PAIRING_MINUTES = 15
#: Letters and digits that cannot be mistaken for one another on a screen across a room.
PAIRING_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"


def start_pairing(session: Session, now: dt.datetime, address: str) -> tuple[PairingRequest, str]:
    """Open a pairing request; return it and its secret (kept by the player only)."""
    code = "".join(secrets.choice(PAIRING_ALPHABET) for _ in range(6))
    code = f"{code[:3]}-{code[3:]}"
    secret = secrets.token_urlsafe(24)
    request = PairingRequest(
        code=code,
        secret_hash=hash_token(secret),
        expires_at=now + dt.timedelta(minutes=PAIRING_MINUTES),
        address=address[:64],
    )
    session.add(request)
    session.flush()
    return request, secret


def _open_request(session: Session, code: str, now: dt.datetime) -> PairingRequest:
    normalised = code.strip().upper().replace(" ", "")
    if len(normalised) == 6:
        normalised = f"{normalised[:3]}-{normalised[3:]}"
    request = session.scalar(
        sa.select(PairingRequest)
        .where(PairingRequest.code == normalised, PairingRequest.expires_at > now)
        .where(PairingRequest.screen_id.is_(None))
        .order_by(PairingRequest.id.desc())
    )
    if request is None:
        raise RuleViolation(
            N_("No screen is showing this pairing code (codes last 15 minutes)."),
            code="pairing_unknown",
        )
    return request


def attach(session: Session, code: str, screen: Screen, now: dt.datetime) -> None:
    """Attach the player showing ``code`` to ``screen``: it receives a new token."""
    request = _open_request(session, code, now)
    request.screen_id = screen.id
    request.token = issue_token(session, screen)
    session.flush()


def collect(session: Session, secret: str, now: dt.datetime) -> dict[str, Any]:
    """Return the pairing state for the player holding ``secret``; hand the token over once.

    :raise NotFound: no such request, or it expired, or its token was collected.
    """
    request = session.scalar(
        sa.select(PairingRequest).where(PairingRequest.secret_hash == hash_token(secret))
    )
    if request is None or request.collected_at is not None:
        raise NotFound(N_("Pairing expired."), code="pairing_expired")
    if request.screen_id is None:
        if request.expires_at <= now:
            raise NotFound(N_("Pairing expired."), code="pairing_expired")
        return {
            "state": "waiting",
            "code": request.code,
            "expires_at": request.expires_at.isoformat(),
        }
    token = request.token
    request.token = ""
    request.collected_at = now
    session.flush()
    return {"state": "paired", "token": token, "screen": request.screen_id}


# --- use cases --------------------------------------------------------------------------


def pair_screen(principal: Principal, screen_id: int, code: str) -> Screen:
    """Attach the player showing ``code`` to the screen ``screen_id``.

    :raise NotFound, PermissionDenied: no such screen, or the caller may not manage it.
    :raise RuleViolation: ``pairing_unknown``: no player shows this code.
    """
    with committed() as session:
        screen = screen_for(principal, screen_id, Permission.MANAGE_SCREENS)
        attach(session, code, screen, registry.now())
    return screen


def open_pairing(address: str) -> tuple[PairingRequest, str]:
    """A player without a token asks for a code to show; return the request and its secret."""
    with committed() as session:
        return start_pairing(session, registry.now(), address)


def poll_pairing(secret: str) -> dict[str, Any]:
    """Return the pairing state of the player holding ``secret`` (its token once paired).

    :raise NotFound: ``pairing_expired``.
    """
    with committed() as session:
        return collect(session, secret, registry.now())
