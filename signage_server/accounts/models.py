"""Users, their role grants, API tokens, login sessions and throttles, and the account event
log with its one writer (:func:`log_event`)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import Session
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from signage_server.accounts.rules import Grant
from signage_server.accounts.rules import Role
from signage_server.db import Base
from signage_server.db import created_at
from signage_server.db import intpk
from signage_server.db import str_enum
from signage_server.orgs.models import Org


def new_session_stamp() -> str:
    """Return a fresh random session stamp."""
    return secrets.token_hex(8)


class User(Base):
    """A person who works with the system (operators, reviewers, handlers, admins)."""

    __tablename__ = "users"

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100), default="")
    #: The organisation the person works for; decides which admins manage the account.
    home_org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    #: argon2id hash; empty for accounts that may only use API tokens.
    password_hash: Mapped[str] = mapped_column(sa.String(255), default="")
    active: Mapped[bool] = mapped_column(default=True)
    #: Preferred interface language; ``None`` follows the site default.
    locale: Mapped[str | None] = mapped_column(sa.String(16))
    #: Where the daily supervision digest goes (optional; no address, no mail).
    email: Mapped[str | None] = mapped_column(sa.String(254))
    created_at: Mapped[created_at]
    last_login_at: Mapped[dt.datetime | None]
    password_changed_at: Mapped[dt.datetime | None]
    #: Part of the login session id; changing it (new password, deactivation, "log out
    #: everywhere") ends every session of the user at its next request.
    session_stamp: Mapped[str] = mapped_column(sa.String(32), default=new_session_stamp)

    home_org: Mapped[Org] = relationship()
    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        foreign_keys="RoleGrant.user_id",
        order_by="RoleGrant.id",
    )

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}.{self.session_stamp}"

    @property
    def name(self) -> str:
        return self.display_name or self.username

    def rule_grants(self) -> list[Grant]:
        """Return the user's grants as plain values for ``accounts.rules``."""
        return [Grant(g.role, g.org.path) for g in self.grants if g.org.active]

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class RoleGrant(Base):
    """A role held by a user at an organisation (and its subtree)."""

    __tablename__ = "role_grants"
    __table_args__ = (sa.UniqueConstraint("user_id", "org_id", "role"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, 16))
    granted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[created_at]

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id])
    org: Mapped[Org] = relationship(lazy="joined")


class ApiToken(Base):
    """A bearer token for the HTTP API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100), default="")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The first characters of the token, to recognise it in lists.
    prefix: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[created_at]
    last_used_at: Mapped[dt.datetime | None]
    expires_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()


class AccountEvent(Base):
    """What happened to accounts and organisations: who created, granted, revoked what."""

    __tablename__ = "account_events"

    id: Mapped[intpk]
    at: Mapped[created_at]
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(40))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    org: Mapped[Org | None] = relationship()


def log_event(
    session: Session,
    action: str,
    *,
    actor: User | None,
    user: User | None = None,
    org: Org | None = None,
    **detail: Any,
) -> AccountEvent:
    """Record ``action`` in the account event log (the use cases of accounts and orgs do)."""
    event = AccountEvent(action=action, actor=actor, user=user, org=org, detail=detail)
    session.add(event)
    return event


class LoginSession(Base):
    """One web login, kept on the server so that logging out really ends it.

    The browser's (signed) session holds a random key whose SHA-256 is stored here; the user
    loader accepts a session only while its row is open. Logging out closes the row, so a
    copy of the cookie stops working at once.
    """

    __tablename__ = "login_sessions"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: Real time, like the cookie's own; the session ends ``SIGNAGE_SESSION_MAX_DAYS`` later
    #: at the latest (the signed cookie itself ends after ``SIGNAGE_SESSION_HOURS`` unused).
    created_at: Mapped[dt.datetime]
    ended_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()


class LoginThrottle(Base):
    """Failed logins under one user name (known or not), for the growing lockout."""

    __tablename__ = "login_throttles"

    id: Mapped[intpk]
    #: The name as typed, normalised like user names (stripped, lower case, 64 characters).
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(index=True)
    locked_until: Mapped[dt.datetime | None]
