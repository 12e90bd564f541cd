"""``/api/v1/me`` and ``/api/v1/users``: the caller, and user administration for admins
(the use cases of ``accounts.services``, shared with the pages of ``accounts.views``)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask import jsonify
from flask_babel import gettext
from pydantic import BaseModel
from pydantic import Field

from signage_server import services as registry
from signage_server.accounts import services
from signage_server.accounts.models import RoleGrant
from signage_server.accounts.models import User
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.rules import Role
from signage_server.api import api_blueprint
from signage_server.api import parse
from signage_server.extensions import db

bp = api_blueprint("accounts_api", __name__)


def grant_json(grant: RoleGrant) -> dict[str, Any]:
    return {
        "id": grant.id,
        "role": grant.role.value,
        "role_label": gettext(grant.role.label),
        "org": grant.org.code,
        "org_name": grant.org.name,
    }


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "home_org": user.home_org.code,
        "active": user.active,
        "locale": user.locale,
        "grants": [grant_json(g) for g in user.grants],
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
    }


@bp.get("/me")
def me() -> Response:
    """Return the caller with their grants."""
    principal = current_principal()
    return jsonify(user_json(principal.user))


@bp.get("/users")
def list_users() -> Response:
    """Return the users whose home organisation the caller administers."""
    users = services.managed_users(db.session, current_principal())
    return jsonify({"users": [user_json(u) for u in users]})


class UserCreate(BaseModel):
    username: str = Field(min_length=3, max_length=64)
    display_name: str = Field(default="", max_length=100)
    org: str
    roles: list[Role] = Field(default_factory=list)
    password: str | None = Field(default=None, max_length=256)


class UserUpdate(BaseModel):
    display_name: str | None = Field(default=None, max_length=100)
    active: bool | None = None
    password: str | None = Field(default=None, max_length=256)


class GrantCreate(BaseModel):
    org: str
    role: Role


@bp.post("/users")
def create_user() -> tuple[Response, int]:
    """Create a user at ``org`` with ``roles`` there (admins of that org)."""
    data = parse(UserCreate)
    user = services.add_user(
        db.session,
        registry.get(services.Passwords),
        current_principal(),
        username=data.username,
        display_name=data.display_name,
        org=data.org,
        password=data.password,
        roles=data.roles,
    )
    return jsonify(user_json(user)), 201


@bp.get("/users/<username>")
def get_user(username: str) -> Response:
    return jsonify(user_json(services.managed_user(db.session, current_principal(), username)))


@bp.patch("/users/<username>")
def update_user(username: str) -> Response:
    """Change a user's display name, active flag or password."""
    principal = current_principal()
    user = services.managed_user(db.session, principal, username)
    data = parse(UserUpdate)
    services.edit_user(
        db.session,
        registry.get(services.Passwords),
        principal,
        user,
        display_name=data.display_name,
        active=data.active,
        password=data.password,
    )
    return jsonify(user_json(user))


@bp.post("/users/<username>/grants")
def add_grant(username: str) -> tuple[Response, int]:
    """Grant a role at an org; the caller must administer both the user and the org."""
    principal = current_principal()
    user = services.managed_user(db.session, principal, username)
    data = parse(GrantCreate)
    grant = services.add_grant(db.session, principal, user, data.org, data.role)
    return jsonify(grant_json(grant)), 201


@bp.delete("/users/<username>/grants/<int:grant_id>")
def remove_grant(username: str, grant_id: int) -> tuple[str, int]:
    """Revoke a role grant; the caller must administer the org where it is held."""
    principal = current_principal()
    user = services.managed_user(db.session, principal, username)
    services.remove_grant(db.session, principal, user, grant_id)
    return "", 204
