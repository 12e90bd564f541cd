"""``/api/v1/me`` and ``/api/v1/users``: the caller, and user administration for admins."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Response
from flask import jsonify
from flask_babel import gettext
from pydantic import BaseModel
from pydantic import Field

from signage_server import services as registry
from signage_server.accounts import services
from signage_server.accounts.models import RoleGrant
from signage_server.accounts.models import User
from signage_server.accounts.permissions import Principal
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import require_manage_user
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import Role
from signage_server.api import api_blueprint
from signage_server.api import parse
from signage_server.errors import NotFound
from signage_server.errors import RuleViolation
from signage_server.extensions import db
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.services import require_by_code

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


def _user_or_404(username: str) -> User:
    user = services.get_user(db.session, username)
    if user is None:
        raise NotFound(N_("No user called %(username)s."), code="user_not_found", username=username)
    return user


@bp.get("/users")
def list_users() -> Response:
    """Return the users whose home organisation the caller administers."""
    principal = current_principal()
    users = db.session.scalars(
        sa.select(User)
        .join(Org, User.home_org_id == Org.id)
        .where(principal.org_condition(Permission.MANAGE_USERS))
        .order_by(User.username)
    )
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
    org = require_by_code(db.session, data.org)
    principal = current_principal()
    principal.require(Permission.MANAGE_USERS, org)
    user = services.create_user(
        db.session,
        registry.get(services.Passwords),
        username=data.username,
        display_name=data.display_name,
        home_org=org,
        password=data.password,
        roles=data.roles,
        actor=principal.user,
    )
    db.session.commit()
    return jsonify(user_json(user)), 201


@bp.get("/users/<username>")
def get_user(username: str) -> Response:
    user = _user_or_404(username)
    require_manage_user(current_principal(), user)
    return jsonify(user_json(user))


@bp.patch("/users/<username>")
def update_user(username: str) -> Response:
    """Change a user's display name, active flag or password."""
    user = _user_or_404(username)
    principal = current_principal()
    require_manage_user(principal, user)
    data = parse(UserUpdate)
    if data.display_name is not None:
        user.display_name = data.display_name.strip()
    if data.active is not None:
        _refuse_self(principal, user, data.active)
        services.set_active(db.session, user, data.active, actor=principal.user)
    if data.password is not None:
        services.set_password(
            db.session, registry.get(services.Passwords), user, data.password, actor=principal.user
        )
    db.session.commit()
    return jsonify(user_json(user))


def _refuse_self(principal: Principal, user: User, active: bool) -> None:
    if user.id == principal.user.id and not active:
        raise RuleViolation(N_("You cannot deactivate yourself."), code="self_deactivation")


@bp.post("/users/<username>/grants")
def add_grant(username: str) -> tuple[Response, int]:
    """Grant a role at an org; the caller must administer both the user and the org."""
    user = _user_or_404(username)
    principal = current_principal()
    require_manage_user(principal, user)
    data = parse(GrantCreate)
    org = require_by_code(db.session, data.org)
    principal.require(Permission.MANAGE_USERS, org)
    grant = services.grant_role(db.session, user, org, data.role, actor=principal.user)
    db.session.commit()
    return jsonify(grant_json(grant)), 201


@bp.delete("/users/<username>/grants/<int:grant_id>")
def remove_grant(username: str, grant_id: int) -> tuple[str, int]:
    """Revoke a role grant; the caller must administer the org where it is held."""
    user = _user_or_404(username)
    principal = current_principal()
    require_manage_user(principal, user)
    grant = next((g for g in user.grants if g.id == grant_id), None)
    if grant is None:
        raise NotFound(N_("No such role grant."), code="grant_not_found")
    principal.require(Permission.MANAGE_USERS, grant.org)
    services.revoke_role(db.session, grant, actor=principal.user)
    db.session.commit()
    return "", 204
