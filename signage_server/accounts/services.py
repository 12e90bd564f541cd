"""Use cases of accounts: users, passwords, role grants, API tokens, the event log.

Services take a SQLAlchemy ``Session`` and plain values, flush but never commit: the
edge that called them commits. Permission checks happen at the edges, through
``signage_server.accounts.permissions``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import argon2
import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.accounts.models import AccountEvent
from signage_server.accounts.models import ApiToken
from signage_server.accounts.models import LoginSession
from signage_server.accounts.models import LoginThrottle
from signage_server.accounts.models import RoleGrant
from signage_server.accounts.models import User
from signage_server.accounts.models import new_session_stamp
from signage_server.accounts.rules import PASSWORD_MIN
from signage_server.accounts.rules import LockoutPolicy
from signage_server.accounts.rules import Role
from signage_server.accounts.rules import normalise_username
from signage_server.accounts.rules import password_problem
from signage_server.db import utcnow
from signage_server.errors import BadRequest
from signage_server.errors import Conflict
from signage_server.errors import RuleViolation
from signage_server.i18n import N_
from signage_server.orgs.models import Org

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "sgn_"  # noqa: S105 - a marker, not a secret
#: ``last_used_at`` of a token is written at most this often, not on every request.
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Passwords:
    """Hash and verify passwords with argon2id."""

    hasher: argon2.PasswordHasher

    @classmethod
    def create(cls, time_cost: int, memory_cost: int, parallelism: int) -> Passwords:
        return cls(
            argon2.PasswordHasher(
                time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism
            )
        )

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        if not password_hash:
            return False
        try:
            return self.hasher.verify(password_hash, password)
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self.hasher.check_needs_rehash(password_hash)


def log_event(
    session: Session,
    action: str,
    *,
    actor: User | None,
    user: User | None = None,
    org: Org | None = None,
    **detail: Any,
) -> AccountEvent:
    """Record ``action`` in the account event log."""
    event = AccountEvent(action=action, actor=actor, user=user, org=org, detail=detail)
    session.add(event)
    return event


def check_password(password: str, username: str) -> None:
    """Raise :class:`RuleViolation` when ``password`` breaks the password policy."""
    problem = password_problem(password, username)
    if problem is not None:
        raise RuleViolation(problem, code="weak_password", min=PASSWORD_MIN)


def get_user(session: Session, username: str) -> User | None:
    """Return the user called ``username`` (any case), or ``None``."""
    return session.scalar(sa.select(User).where(User.username == username.strip().lower()))


def all_users(session: Session) -> list[User]:
    """Return every user, active or not, by user name."""
    return list(session.scalars(sa.select(User).order_by(User.username)))


def create_user(
    session: Session,
    passwords: Passwords,
    *,
    username: str,
    home_org: Org,
    password: str | None,
    display_name: str = "",
    roles: Iterable[Role] = (),
    actor: User | None = None,
) -> User:
    """Create a user at ``home_org`` holding ``roles`` there.

    :param password: the initial password; ``None`` makes an account for API tokens only.
    :raise BadRequest: the user name is malformed.
    :raise Conflict: the user name is taken.
    :raise RuleViolation: the password breaks the policy.
    """
    try:
        name = normalise_username(username)
    except ValueError:
        raise BadRequest(
            N_("User names have 3-64 characters: lower-case letters, digits, '_', '.', '-'."),
            code="invalid_username",
        ) from None
    if get_user(session, name) is not None:
        raise Conflict(
            N_("The user name %(username)s is taken."), code="user_exists", username=name
        )
    user = User(username=name, display_name=display_name.strip(), home_org=home_org)
    if password is not None:
        check_password(password, name)
        user.password_hash = passwords.hash(password)
        user.password_changed_at = utcnow()
    session.add(user)
    session.flush()
    log_event(session, "user.created", actor=actor, user=user, org=home_org)
    for role in roles:
        grant_role(session, user, home_org, role, actor=actor)
    return user


def set_password(
    session: Session, passwords: Passwords, user: User, password: str, *, actor: User | None
) -> None:
    """Set a new password, end the user's sessions and lift a login lockout of the name.

    :raise RuleViolation: the password breaks the policy.
    """
    check_password(password, user.username)
    user.password_hash = passwords.hash(password)
    user.password_changed_at = utcnow()
    user.session_stamp = new_session_stamp()
    end_sessions(session, user, utcnow())
    login_succeeded(session, user.username)  # a new password lifts a lockout
    log_event(session, "user.password_set", actor=actor, user=user)


def set_active(session: Session, user: User, active: bool, *, actor: User | None) -> None:
    """Activate or deactivate ``user``; deactivation ends its sessions and token use."""
    if user.active == active:
        return
    user.active = active
    if not active:
        user.session_stamp = new_session_stamp()
        end_sessions(session, user, utcnow())
    log_event(session, "user.activated" if active else "user.deactivated", actor=actor, user=user)


def authenticate(
    session: Session, passwords: Passwords, username: str, password: str
) -> User | None:
    """Return the active user with these credentials, or ``None``.

    Unknown users cost the same hashing time as known ones, so that timing does not tell
    which user names exist. An outdated hash is upgraded on success.
    """
    user = get_user(session, username)
    if user is None or not user.password_hash:
        passwords.verify(_dummy_hash(passwords), password)
        return None
    if not passwords.verify(user.password_hash, password) or not user.active:
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash(password)
    user.last_login_at = utcnow()
    return user


_DUMMY: dict[int, str] = {}


# --- failed logins ---------------------------------------------------------------------------


def locked_until(
    session: Session, policy: LockoutPolicy, key: str, now: dt.datetime
) -> dt.datetime | None:
    """Return until when the user name ``key`` (``rules.login_key``) is locked, or ``None``.

    Known and unknown names are counted alike, so a lock tells nothing about who exists.
    """
    row = session.scalar(sa.select(LoginThrottle).where(LoginThrottle.username == key))
    if row is None or row.locked_until is None or row.locked_until <= now:
        return None
    return row.locked_until


def login_failed(session: Session, policy: LockoutPolicy, key: str, now: dt.datetime) -> None:
    """Count a failed login under ``key`` and lock it as ``policy`` says."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(
            pg_insert(LoginThrottle)
            .values(username=key, failures=0, last_failure_at=now)
            .on_conflict_do_nothing(index_elements=["username"])
        )
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(
            sqlite_insert(LoginThrottle)
            .values(username=key, failures=0, last_failure_at=now)
            .on_conflict_do_nothing(index_elements=["username"])
        )
    row = session.scalars(
        sa.select(LoginThrottle)
        .where(LoginThrottle.username == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if row.failures and policy.forgotten(row.last_failure_at, now):
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    delay = policy.delay(row.failures)
    row.locked_until = now + delay if delay else None
    # Names nobody has tried for long are forgotten (unknown names would pile up).
    session.execute(
        sa.delete(LoginThrottle).where(LoginThrottle.last_failure_at <= now - 2 * policy.longest)
    )
    if delay:
        logger.warning(
            "login name %r locked until %s after %d failures", key, row.locked_until, row.failures
        )


def login_succeeded(session: Session, key: str) -> None:
    """Forget the failed logins under ``key``."""
    session.execute(sa.delete(LoginThrottle).where(LoginThrottle.username == key))


# --- login sessions --------------------------------------------------------------------------


def start_session(session: Session, user: User, now: dt.datetime) -> str:
    """Open a login session of ``user`` and return its key (for the browser's session only)."""
    key = secrets.token_urlsafe(32)
    session.add(LoginSession(user=user, key_hash=hash_token(key), created_at=now))
    session.flush()
    return key


def session_open(
    session: Session, user: User, key: str, now: dt.datetime, longest: dt.timedelta
) -> bool:
    """Tell whether ``key`` names an open login session of ``user`` younger than ``longest``."""
    row = session.scalar(sa.select(LoginSession).where(LoginSession.key_hash == hash_token(key)))
    return (
        row is not None
        and row.user_id == user.id
        and row.ended_at is None
        and now - row.created_at < longest
    )


def end_session(session: Session, key: str, now: dt.datetime) -> None:
    """Close the login session ``key`` (logging out): a copy of its cookie stops working."""
    session.execute(
        sa.update(LoginSession)
        .where(LoginSession.key_hash == hash_token(key), LoginSession.ended_at.is_(None))
        .values(ended_at=now)
    )


def end_sessions(
    session: Session, user: User, now: dt.datetime, *, keep: str | None = None
) -> None:
    """Close every login session of ``user`` (but ``keep``'s) and drop long-closed ones."""
    condition = sa.and_(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
    if keep is not None:
        condition = sa.and_(condition, LoginSession.key_hash != hash_token(keep))
    session.execute(sa.update(LoginSession).where(condition).values(ended_at=now))


def prune_sessions(session: Session, user: User, now: dt.datetime, longest: dt.timedelta) -> None:
    """Delete the closed or outlived login sessions of ``user`` (their cookies are dead)."""
    session.execute(
        sa.delete(LoginSession).where(
            LoginSession.user_id == user.id,
            sa.or_(LoginSession.ended_at.is_not(None), LoginSession.created_at <= now - longest),
        )
    )


def _dummy_hash(passwords: Passwords) -> str:
    key = id(passwords.hasher)
    if key not in _DUMMY:
        _DUMMY[key] = passwords.hash(secrets.token_hex(16))
    return _DUMMY[key]


def grant_role(
    session: Session, user: User, org: Org, role: Role, *, actor: User | None
) -> RoleGrant:
    """Give ``user`` ``role`` at ``org``; granting a role already held changes nothing."""
    for existing in user.grants:
        if existing.org_id == org.id and existing.role == role:
            return existing
    grant = RoleGrant(user=user, org=org, role=role, granted_by_id=actor.id if actor else None)
    user.grants.append(grant)
    session.flush()
    log_event(session, "role.granted", actor=actor, user=user, org=org, role=role.value)
    return grant


def revoke_role(session: Session, grant: RoleGrant, *, actor: User | None) -> None:
    """Take a role grant away."""
    user, org, role = grant.user, grant.org, grant.role
    user.grants.remove(grant)
    session.flush()
    log_event(session, "role.revoked", actor=actor, user=user, org=org, role=role.value)


def hash_token(token: str) -> str:
    """Return the stored form of an API token (hex SHA-256; tokens carry 256 random bits)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    session: Session,
    user: User,
    *,
    name: str = "",
    expires_at: dt.datetime | None = None,
    actor: User | None = None,
) -> tuple[ApiToken, str]:
    """Create an API token for ``user`` and return it with its plain text (shown once)."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip()[:100],
        token_hash=hash_token(plain),
        prefix=plain[:12],
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    log_event(session, "token.created", actor=actor or user, user=user, token=token.prefix)
    return token, plain


def find_token(session: Session, plain: str, now: dt.datetime | None = None) -> ApiToken | None:
    """Return the live token matching ``plain`` (its user active), or ``None``."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 128:
        return None
    digest = hash_token(plain)
    token = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    now = now or utcnow()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if not token.user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_INTERVAL:
        token.last_used_at = now
    return token


def revoke_token(session: Session, token: ApiToken, *, actor: User | None) -> None:
    """Revoke ``token``; it stops working at once."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        log_event(session, "token.revoked", actor=actor, user=token.user, token=token.prefix)


def token_expiry(days: int | None) -> dt.datetime | None:
    """Return when a token made now to last ``days`` days expires (``None``: never)."""
    return utcnow() + dt.timedelta(days=days) if days else None


def get_token(session: Session, token_id: int) -> ApiToken | None:
    """Return the API token with id ``token_id``, or ``None``."""
    return session.get(ApiToken, token_id)


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """Return ``user``'s API tokens, revoked ones too, oldest first."""
    return list(
        session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
        )
    )
