"""Accounts: users, passwords, role grants, API tokens, logins and login sessions.

Two layers, both taking a SQLAlchemy ``Session``:

* the building blocks (:func:`create_user`, :func:`set_password`, :func:`grant_role`,
  :func:`create_token`, the lockout and login-session functions ...): one change each, with
  its account event, flushed, never committed, no permission check (the demo seeding, the
  command line and the use cases call them);
* the use cases of the pages and the API (section "use cases" below: :func:`log_in`,
  :func:`add_user`, :func:`edit_user`, :func:`add_grant` ...): each one transaction
  (``db.transaction``) that checks the caller's permission (``accounts.permissions``) and the
  rules (``accounts.rules``), writes through the building blocks, and commits.

The queries the pages and the API show (users an admin manages, a user's events and
tokens) are here too. Login sessions live in real time (``db.utcnow``), like the signed cookie
whose age Flask checks by the wall clock; lockouts follow the app's clock (``now``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import argon2
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from signage_server import listing
from signage_server.accounts.models import AccountEvent
from signage_server.accounts.models import ApiToken
from signage_server.accounts.models import LoginSession
from signage_server.accounts.models import LoginThrottle
from signage_server.accounts.models import RoleGrant
from signage_server.accounts.models import User
from signage_server.accounts.models import log_event
from signage_server.accounts.models import new_session_stamp
from signage_server.accounts.permissions import Principal
from signage_server.accounts.permissions import require_manage_user
from signage_server.accounts.rules import PASSWORD_MIN
from signage_server.accounts.rules import LockoutPolicy
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import Role
from signage_server.accounts.rules import check_deactivation
from signage_server.accounts.rules import login_key
from signage_server.accounts.rules import normalise_username
from signage_server.accounts.rules import password_problem
from signage_server.db import transaction
from signage_server.db import utcnow
from signage_server.errors import BadRequest
from signage_server.errors import Conflict
from signage_server.errors import NotFound
from signage_server.errors import RuleViolation
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.models import within
from signage_server.orgs.services import require_by_code

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
    name = normalise_username(username)
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
        session.execute(
            pg_insert(LoginThrottle)
            .values(username=key, failures=0, last_failure_at=now)
            .on_conflict_do_nothing(index_elements=["username"])
        )
    else:
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


def tokens_of(session: Session, user: User, *, newest_first: bool = False) -> list[ApiToken]:
    """Return ``user``'s API tokens, revoked and expired ones too, oldest first (the command
    line) or ``newest_first`` (the pages)."""
    order = ApiToken.id.desc() if newest_first else ApiToken.id
    return list(
        session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(order))
    )


# --- queries of the pages and the API -----------------------------------------------------


def managed_user(session: Session, actor: Principal, username: str) -> User:
    """Return the user called ``username``, whom ``actor`` must administer.

    :raise NotFound: no such user.
    :raise PermissionDenied: the actor does not administer the user's home organisation.
    """
    user = get_user(session, username)
    if user is None:
        raise NotFound(N_("No user called %(username)s."), code="user_not_found", username=username)
    require_manage_user(actor, user)
    return user


def _managed_query(actor: Principal) -> sa.Select[User]:
    return (
        sa.select(User)
        .join(Org, User.home_org_id == Org.id)
        .where(actor.org_condition(Permission.MANAGE_USERS))
    )


def managed_users(session: Session, actor: Principal) -> list[User]:
    """Return the users whose home organisation ``actor`` administers, by user name."""
    return list(session.scalars(_managed_query(actor).order_by(User.username)))


@dataclass(frozen=True)
class UserFilters:
    """What the users list is narrowed by (empty: not at all)."""

    #: Words of the user name or the full name.
    text: str = ""
    #: The code of an organisation: its users and those below it.
    org: str = ""
    #: A role the user holds somewhere.
    role: str = ""
    #: ``"yes"``: active accounts only; ``"no"``: inactive ones only.
    active: str = ""


def users_page(
    session: Session, actor: Principal, filters: UserFilters, page: int
) -> listing.Page[User]:
    """Return page ``page`` of the users ``actor`` administers, by organisation and name."""
    query = (
        _managed_query(actor)
        .options(selectinload(User.grants), selectinload(User.home_org))
        .order_by(Org.code, User.username, User.id)
    )
    from_org = require_by_code(session, filters.org) if filters.org else None
    if from_org is not None:
        query = query.where(within([from_org.path]))
    if filters.text:
        query = query.where(listing.text_match(filters.text, User.username, User.display_name))
    if filters.role:
        holders = sa.select(RoleGrant.user_id).where(RoleGrant.role == Role(filters.role))
        query = query.where(User.id.in_(holders))
    if filters.active:
        query = query.where(User.active.is_(filters.active == "yes"))
    return listing.paginate(session, query, page)


def events_of(session: Session, user: User, limit: int = 50) -> list[AccountEvent]:
    """Return the newest ``limit`` account events about ``user``, newest first."""
    query = (
        sa.select(AccountEvent)
        .where(AccountEvent.user_id == user.id)
        .order_by(AccountEvent.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def session_user(
    session: Session, session_id: str, key: object, longest: dt.timedelta
) -> User | None:
    """Return the user of a login session id ``"<id>.<stamp>"`` whose browser session names
    the server-side login session ``key``; ``None`` when it is stale: the user's stamp changed,
    or that login session was closed (logout, new password, deactivation) or outlived
    ``longest``."""
    user_id, _, stamp = session_id.partition(".")
    if not user_id.isdigit():
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.active or user.session_stamp != stamp:
        return None
    if not isinstance(key, str) or not session_open(session, user, key, utcnow(), longest):
        return None
    return user


# --- use cases ----------------------------------------------------------------------------


def start_login(session: Session, user: User, longest: dt.timedelta) -> str:
    """Open a login session of ``user`` (dropping its dead ones) and return its key; flushed,
    not committed."""
    now = utcnow()
    prune_sessions(session, user, now, longest)
    return start_session(session, user, now)


@dataclass(frozen=True)
class Login:
    """What a login came to: the user with the key of their new login session, or a lock on
    the name, or neither (a wrong name or password)."""

    user: User | None = None
    key: str = ""
    locked_until: dt.datetime | None = None


def log_in(
    session: Session,
    passwords: Passwords,
    policy: LockoutPolicy,
    username: str,
    password: str,
    *,
    now: dt.datetime,
    longest: dt.timedelta,
) -> Login:
    """Log in with ``username`` and ``password`` at ``now`` (the app's clock: lockouts).

    A locked name is refused without looking at the password (guessing during a lock gains
    nothing); a failure is counted under the name as typed, known or not (``policy``); a
    success forgets the failures and opens a login session younger than ``longest``.
    """
    key = login_key(username)
    until = locked_until(session, policy, key, now)
    if until is not None:
        return Login(locked_until=until)
    user = authenticate(session, passwords, username, password)
    if user is None:
        session.rollback()
        with transaction(session):
            login_failed(session, policy, key, now)
        return Login()
    with transaction(session):
        login_succeeded(session, key)
        return Login(user=user, key=start_login(session, user, longest))


def log_out(session: Session, key: str) -> None:
    """Close the login session ``key``: a copy of its cookie stops working."""
    with transaction(session):
        end_session(session, key, utcnow())


def change_own_password(
    session: Session,
    passwords: Passwords,
    user: User,
    current: str,
    new: str,
    longest: dt.timedelta,
) -> str:
    """Change the password of ``user``, who knows the ``current`` one: every session of theirs
    ends; return the key of the new login session this one goes on in.

    :raise BadRequest: the current password is wrong (``wrong_password``).
    :raise RuleViolation: the new password breaks the policy.
    """
    with transaction(session):
        if not passwords.verify(user.password_hash, current):
            raise BadRequest(N_("The current password is wrong."), code="wrong_password")
        set_password(session, passwords, user, new, actor=user)
        return start_login(session, user, longest)


def end_other_sessions(session: Session, user: User, keep: str | None) -> None:
    """End every login session of ``user`` but ``keep`` (this one)."""
    with transaction(session):
        user.session_stamp = new_session_stamp()
        end_sessions(session, user, utcnow(), keep=keep)


def create_own_token(session: Session, user: User, *, name: str, days: int | None) -> str:
    """Create an API token for ``user``, valid ``days`` (``None``: until revoked), and return
    its plain text (shown once)."""
    with transaction(session):
        _token, plain = create_token(session, user, name=name, expires_at=token_expiry(days))
    return plain


def revoke_user_token(session: Session, actor: Principal, user: User, token_id: int) -> None:
    """Revoke the API token ``token_id`` of ``user``: the actor's own, or a user's they
    administer.

    :raise PermissionDenied: another user's, whom the actor does not administer.
    :raise NotFound: ``user`` has no token ``token_id``.
    """
    with transaction(session):
        if user.id != actor.user.id:
            require_manage_user(actor, user)
        token = get_token(session, token_id)
        if token is None or token.user_id != user.id:
            raise NotFound(N_("This page does not exist. Please check the address."))
        revoke_token(session, token, actor=actor.user)


def set_locale(session: Session, user: User, locale: str) -> None:
    """Keep ``locale`` as the interface language of ``user``."""
    with transaction(session):
        user.locale = locale


def add_user(
    session: Session,
    passwords: Passwords,
    actor: Principal,
    *,
    username: str,
    org: str,
    password: str | None,
    display_name: str = "",
    roles: Iterable[Role] = (),
) -> User:
    """Create a user at the org with code ``org``, holding ``roles`` there, as ``actor`` (an
    administrator of that org).

    :raise NotFound: no such organisation.
    :raise PermissionDenied: the actor does not administer it.
    :raise BadRequest: the user name is malformed.
    :raise Conflict: the user name is taken.
    :raise RuleViolation: the password breaks the policy.
    """
    with transaction(session):
        home = require_by_code(session, org)
        actor.require(Permission.MANAGE_USERS, home)
        return create_user(
            session,
            passwords,
            username=username,
            display_name=display_name,
            home_org=home,
            password=password,
            roles=roles,
            actor=actor.user,
        )


def edit_user(
    session: Session,
    passwords: Passwords,
    actor: Principal,
    user: User,
    *,
    display_name: str | None = None,
    active: bool | None = None,
    password: str | None = None,
    email: str | None = None,
) -> None:
    """Change the full name of ``user`` (or the email address the supervision digest goes
    to, ``""``: none), activate or deactivate them, or set their password
    (``None``: unchanged), as ``actor`` (their administrator).

    :raise PermissionDenied: the actor does not administer ``user``.
    :raise RuleViolation: the actor deactivates themselves; the password breaks the policy.
    """
    with transaction(session):
        require_manage_user(actor, user)
        if display_name is not None:
            user.display_name = display_name.strip()
        if email is not None:
            user.email = email.strip() or None
        if active is not None:
            check_deactivation(actor.user.id, user.id, active)
            set_active(session, user, active, actor=actor.user)
        if password is not None:
            set_password(session, passwords, user, password, actor=actor.user)


def add_grant(session: Session, actor: Principal, user: User, org: str, role: Role) -> RoleGrant:
    """Grant ``user`` ``role`` at the org with code ``org``; the actor administers both the
    user and the org (so nobody raises anyone above their own reach).

    :raise PermissionDenied: the actor does not administer the user or the org.
    :raise NotFound: no such organisation.
    """
    with transaction(session):
        require_manage_user(actor, user)
        where = require_by_code(session, org)
        actor.require(Permission.MANAGE_USERS, where)
        return grant_role(session, user, where, role, actor=actor.user)


def remove_grant(session: Session, actor: Principal, user: User, grant_id: int) -> None:
    """Revoke the role grant ``grant_id`` of ``user``; the actor administers the user and the
    org where it is held.

    :raise PermissionDenied: the actor does not administer the user or the org.
    :raise NotFound: ``user`` holds no grant ``grant_id``.
    """
    with transaction(session):
        require_manage_user(actor, user)
        grant = next((g for g in user.grants if g.id == grant_id), None)
        if grant is None:
            raise NotFound(N_("No such role grant."), code="grant_not_found")
        actor.require(Permission.MANAGE_USERS, grant.org)
        revoke_role(session, grant, actor=actor.user)
