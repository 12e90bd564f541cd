"""The JSON API under ``/api/v1``: bearer-token authentication, body parsing, rate limits.

Each domain package makes its API blueprint with :func:`api_blueprint` (in
``<domain>/api.py``); every such blueprint authenticates callers by bearer token, is
exempt from CSRF (no cookies are used) and shares one rate limit per token. The operator's
own pages may call some endpoints with the login cookie instead: the links to documents (the
PDFs of posters, boards and dossiers, marked :func:`session_allowed`) and the blueprints their
scripts poll (made with ``sessions=True``: print jobs). A change made with the cookie must carry
the page's CSRF token in ``X-CSRFToken``; every other endpoint refuses the cookie.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any
from typing import TypeVar

from flask import Blueprint
from flask import current_app
from flask import g
from flask import request
from flask_login import current_user
from pydantic import BaseModel
from pydantic import ValidationError

from signage_server import services
from signage_server.accounts.permissions import Principal
from signage_server.accounts.services import find_token
from signage_server.config import Settings
from signage_server.errors import BadRequest
from signage_server.errors import Unauthorized
from signage_server.extensions import client_address
from signage_server.extensions import csrf
from signage_server.extensions import db
from signage_server.extensions import limiter
from signage_server.i18n import N_

M = TypeVar("M", bound=BaseModel)
F = TypeVar("F", bound=Callable[..., Any])

#: Methods that change nothing: a session calls them without a CSRF token.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Blueprints made with ``api_blueprint(…, sessions=True)``.
SESSION_BLUEPRINTS: set[str] = set()


def bearer_token() -> str | None:
    """Return the token of an ``Authorization: Bearer`` header, or ``None``."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _rate_key() -> str:
    token = bearer_token()
    if token:
        return "token:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    return "addr:" + client_address()


def _api_rate_limit() -> str:
    return services.get(Settings).api_rate_limit


def session_allowed(view: F) -> F:
    """Let a logged-in operator's browser call this endpoint without a token (a link on a
    page: the PDF of a poster). Put it under the route decorator."""
    view.session_allowed = True  # type: ignore[attr-defined]
    return view


def _session_may_call() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "session_allowed", False) or request.blueprint in SESSION_BLUEPRINTS


def authenticate() -> None:
    """Resolve the bearer token, or on the endpoints that accept it the login session, into
    ``g.principal``; refuse (401) otherwise. A change made with the login cookie must carry
    the CSRF token (the blueprint is exempt from the automatic check meant for forms)."""
    token_text = bearer_token()
    if token_text is None:
        if not (_session_may_call() and current_user.is_authenticated):
            raise Unauthorized(N_("An API token is required."), code="unauthorized")
        if request.method not in SAFE_METHODS:
            csrf.protect()
        g.principal = Principal.of(current_user._get_current_object())
        return
    token = find_token(db.session, token_text)
    if token is None:
        raise Unauthorized(N_("The API token is invalid, expired or revoked."), code="bad_token")
    if db.session.dirty:
        db.session.commit()  # last_used_at, written at most every few minutes
    g.principal = Principal.of(token.user, token)


def json_body() -> dict[str, Any]:
    """Return the request's JSON object.

    :raise BadRequest: the body is not JSON, not valid JSON, or not an object.
    """
    if not request.is_json:
        raise BadRequest(
            N_("Send a JSON body with Content-Type: application/json."), code="not_json"
        )
    data = request.get_json(silent=True)
    if data is None:
        raise BadRequest(N_("The request body is not valid JSON."), code="invalid_json")
    if not isinstance(data, dict):
        raise BadRequest(N_("The JSON body must be an object."), code="invalid_json")
    return data


def parse(model: type[M], data: dict[str, Any] | None = None) -> M:
    """Validate ``data`` (default: the JSON body) against ``model``.

    :raise BadRequest: with the field errors in ``details``.
    """
    try:
        return model.model_validate(json_body() if data is None else data)
    except ValidationError as error:
        details = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "type": e["type"]}
            for e in error.errors(include_url=False, include_input=False)
        ]
        raise BadRequest(
            N_("Some fields are invalid."), code="invalid_fields", details=details
        ) from None


def api_blueprint(name: str, import_name: str, *, sessions: bool = False) -> Blueprint:
    """Return a blueprint under ``/api/v1`` that authenticates by bearer token (with
    ``sessions``, by bearer token or login session for all its endpoints)."""
    bp = Blueprint(name, import_name, url_prefix="/api/v1")
    if sessions:
        SESSION_BLUEPRINTS.add(name)
    bp.before_request(authenticate)
    csrf.exempt(bp)
    limiter.limit(_api_rate_limit, key_func=_rate_key, scope="api")(bp)
    return bp
