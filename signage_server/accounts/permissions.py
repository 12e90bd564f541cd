"""The one permission module: who is calling, and may they do this here?

Every view, API endpoint and socket handler gets the caller as a :class:`Principal`
(from the login session or an API token) and asks it. The decisions themselves are the
pure rules of ``signage_server.accounts.rules``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import ParamSpec
from typing import TypeVar

import sqlalchemy as sa
from flask import g
from flask_login import current_user

from signage_server.accounts.models import ApiToken
from signage_server.accounts.models import User
from signage_server.accounts.rules import POLICY
from signage_server.accounts.rules import Grant
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import Reach
from signage_server.accounts.rules import Role
from signage_server.accounts.rules import allows
from signage_server.accounts.rules import permissions_at
from signage_server.errors import PermissionDenied
from signage_server.errors import Unauthorized
from signage_server.extensions import login_manager
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.models import within
from signage_server.orgs.rules import administers_above
from signage_server.orgs.rules import is_within
from signage_server.orgs.rules import minimal_roots


@dataclass
class Principal:
    """An authenticated caller: a user, their grants, and the API token used (if any)."""

    user: User
    grants: list[Grant]
    token: ApiToken | None = None
    _roles: set[Role] = field(init=False)

    def __post_init__(self) -> None:
        self._roles = {grant.role for grant in self.grants}

    @classmethod
    def of(cls, user: User, token: ApiToken | None = None) -> Principal:
        return cls(user, user.rule_grants(), token)

    def has_role(self, role: Role) -> bool:
        """Tell whether the caller holds ``role`` anywhere."""
        return role in self._roles

    def can(self, permission: Permission, org: Org) -> bool:
        """Tell whether the caller has ``permission`` at ``org``."""
        if org.active:
            return allows(self.grants, permission, org.path)
        return self._manages_inactive(permission, org)

    def _manages_inactive(self, permission: Permission, org: Org) -> bool:
        # A dissolved org stays visible and manageable to the admins above it, nothing else.
        return permission in (Permission.VIEW, Permission.MANAGE_ORGS) and allows(
            self.grants, Permission.MANAGE_ORGS, org.path
        )

    def require(self, permission: Permission, org: Org) -> None:
        """Raise :class:`PermissionDenied` unless the caller has ``permission`` at ``org``.

        The message names ``org`` only when it is on the caller's own line (one of their
        organisations, above or below it): walking the ids of a neighbouring village's
        records must not tell whose they are."""
        if self.can(permission, org):
            return
        if any(
            is_within(org.path, grant.org_path) or is_within(grant.org_path, org.path)
            for grant in self.grants
        ):
            raise PermissionDenied(
                N_("You may not do this for %(org)s."), code="forbidden", org=org.name
            )
        raise PermissionDenied(N_("You may not do this for that organisation."), code="forbidden")

    def has_role_for(self, permission: Permission) -> bool:
        """Tell whether the caller holds a role carrying ``permission`` anywhere."""
        return any(grant.role in POLICY[permission].roles for grant in self.grants)

    def permissions_at(self, org: Org) -> list[Permission]:
        """Return every permission the caller has at ``org``."""
        if not org.active:
            return [p for p in (Permission.VIEW, Permission.MANAGE_ORGS) if self.can(p, org)]
        return permissions_at(self.grants, org.path)

    def paths_with(self, permission: Permission) -> list[str]:
        """Return the paths of the orgs where the caller holds a role carrying ``permission``
        (the permission reaches from there, see ``POLICY``)."""
        return [grant.org_path for grant in self.grants if grant.role in POLICY[permission].roles]

    def administers_above(self, org: Org) -> bool:
        """Tell whether the caller is an administrator *above* ``org`` (``orgs.rules``): only
        they move, dissolve or restore it, or let it merge review and sign-off."""
        return administers_above(org.path, self.paths_with(Permission.MANAGE_ORGS))

    def org_condition(self, permission: Permission = Permission.VIEW) -> sa.ColumnElement[bool]:
        """Return an SQL condition on ``Org`` matching the orgs where ``permission`` holds."""
        paths = self.paths_with(permission)
        condition = within(paths, strict=POLICY[permission].reach is Reach.BELOW)
        return sa.and_(condition, Org.active.is_(True))

    def visible_roots(self) -> list[str]:
        """Return the paths of the top orgs of everything the caller may see."""
        return minimal_roots(grant.org_path for grant in self.grants)


def current_principal() -> Principal:
    """Return the caller of this request.

    :raise Unauthorized: nobody is logged in and no valid API token was sent.
    """
    principal = g.get("principal")
    if principal is not None:
        assert isinstance(principal, Principal)
        return principal
    if current_user.is_authenticated:
        principal = Principal.of(current_user._get_current_object())
        g.principal = principal
        return principal
    raise Unauthorized(N_("Please log in."), code="unauthorized")


def require(permission: Permission, org: Org) -> Principal:
    """Return the caller after checking ``permission`` at ``org``.

    :raise Unauthorized: no caller.
    :raise PermissionDenied: the caller lacks ``permission`` there.
    """
    principal = current_principal()
    principal.require(permission, org)
    return principal


P = ParamSpec("P")
R = TypeVar("R")


def login_required(view: Callable[P, R]) -> Callable[P, R | Any]:
    """Send anonymous visitors to the login page (Flask-Login's ``login_required``, typed)."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R | Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapped


def role_required(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Refuse (403) callers who hold none of ``roles`` anywhere; finer checks follow in the view."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            principal = current_principal()
            if not any(principal.has_role(role) for role in roles):
                raise PermissionDenied(N_("You may not open this page."), code="forbidden")
            return view(*args, **kwargs)

        return wrapped

    return decorate


def can_manage_user(principal: Principal, user: User) -> bool:
    """Tell whether ``principal`` administers ``user`` (the user's home org is in reach)."""
    return principal.can(Permission.MANAGE_USERS, user.home_org)


def require_manage_user(principal: Principal, user: User) -> None:
    """Raise :class:`PermissionDenied` unless ``principal`` administers ``user``."""
    if not can_manage_user(principal, user):
        raise PermissionDenied(N_("You may not manage this user."), code="forbidden")
