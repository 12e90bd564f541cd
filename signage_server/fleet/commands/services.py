"""Remote commands: issuing (audited), cancelling, listing, and their delivery to players.

An operator with ``MANAGE_SCREENS`` at a screen's organisation issues a command; a connected
screen is sent it at once (over the notifier, so through the Redis message queue when several
processes serve players); a screen that is offline is sent its pending, unexpired commands
when its player connects again (:func:`pending_for`). The player answers with
``command_done`` (:func:`command_done`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import acting_role
from signage_server.audit import rules as audit_rules
from signage_server.audit import services as audit
from signage_server.errors import BadRequest
from signage_server.errors import Conflict
from signage_server.errors import NotFound
from signage_server.errors import RuleViolation
from signage_server.fleet.agents import agent_present
from signage_server.fleet.commands import rules
from signage_server.fleet.commands.models import ScreenCommand
from signage_server.fleet.commands.rules import Kind
from signage_server.fleet.commands.rules import State
from signage_server.i18n import N_
from signage_server.screens.interfaces import NOTIFIER
from signage_server.screens.models import Screen
from signage_server.screens.services.lookup import get
from signage_server.screens.services.lookup import screen_for
from signage_server.screens.services.players import Identity
from signage_server.screens.services.players import reporting_screen
from signage_server.unit_of_work import committed

#: Commands listed on a screen's page (newest first).
RECENT = 20
#: Who issued a command from the command line.
CLI_ISSUER = "cli"


def payload(command: ScreenCommand) -> dict[str, Any]:
    """The ``command`` event a player receives."""
    return {
        "id": command.id,
        "kind": command.kind.value,
        "issued_at": command.issued_at.isoformat(),
        "expires_at": command.expires_at.isoformat(),
    }


@dataclass(frozen=True)
class Issued:
    """A command issued, or the identical one still pending (``created`` false)."""

    command: ScreenCommand
    created: bool


def _pending(
    session: Session, screen_id: int, kind: Kind, now: dt.datetime
) -> ScreenCommand | None:
    return session.scalar(
        sa.select(ScreenCommand)
        .where(
            ScreenCommand.screen_id == screen_id,
            ScreenCommand.kind == kind,
            ScreenCommand.state.in_(rules.PENDING),
            ScreenCommand.expires_at > now,
        )
        .order_by(ScreenCommand.id.desc())
        .limit(1)
    )


def _paired(screen: Screen) -> bool:
    return screen.active and bool(screen.token_hash) and screen.revoked_at is None


def offer(screen: Screen, now: dt.datetime) -> list[tuple[Kind, str, bool]]:
    """The command menu of a screen: each kind, its label (message id), and whether it can be
    issued now (agent-only kinds need the box agent)."""
    agent = agent_present(screen.agent_seen_at, now)
    return [(kind, rule.label, agent or not rule.agent_only) for kind, rule in rules.KINDS.items()]


def issue(
    session: Session, screen: Screen, kind: Kind, issuer: str, role: str, now: dt.datetime
) -> Issued:
    """Issue ``kind`` to ``screen`` (sealed into the audit chain), or return the identical
    command still pending. The caller sends it once committed (:func:`deliver`).

    :raise RuleViolation: ``screen_not_paired``: the screen holds no token (revoked or never
        paired); ``no_agent``: an agent-only kind for a screen without the box agent.
    """
    if not _paired(screen):
        raise RuleViolation(
            N_("This screen has no player paired (or its token was revoked)."),
            code="screen_not_paired",
        )
    if rules.needs_agent(kind) and not agent_present(screen.agent_seen_at, now):
        raise RuleViolation(
            N_(
                "This screen has no snapshot agent: only a box with the kiosk agent can"
                " reboot or take a snapshot."
            ),
            code="no_agent",
        )
    existing = _pending(session, screen.id, kind, now)
    if existing is not None:
        return Issued(existing, created=False)
    command = ScreenCommand(
        screen_id=screen.id,
        kind=kind,
        issued_by=issuer,
        issued_at=now,
        expires_at=rules.expires_at(kind, now),
        state=State.QUEUED,
        error="",
    )
    if screen.online:
        command.state = State.SENT
        command.sent_at = now
    session.add(command)
    session.flush()
    _seal(session, screen, command, issuer, role, rules.issue_action(kind), now)
    return Issued(command, created=True)


def _seal(
    session: Session,
    screen: Screen,
    command: ScreenCommand,
    actor: str,
    role: str,
    action: str,
    at: dt.datetime,
) -> None:
    audit.record_event(
        session,
        subject=audit_rules.SCREEN,
        subject_id=screen.id,
        actor=actor,
        role=role,
        action=action,
        reason="",
        at=at,
        state=command.state.value,
        details={"org": screen.org_id, "command": command.id, "kind": command.kind.value},
    )


def deliver(issued: Issued) -> None:
    """Send a newly issued command that was marked sent (its screen was connected)."""
    command = issued.command
    if issued.created and command.state is State.SENT:
        registry.get(NOTIFIER).send_command(payload(command), command.screen_id)


def _role(principal: Principal, screen: Screen) -> str:
    role = acting_role(principal.grants, (Permission.MANAGE_SCREENS,), screen.org.path)
    return role.value if role else "operator"


def _kind(value: object) -> Kind:
    kind = rules.parse_kind(value)
    if kind is None:
        raise BadRequest(N_("Unknown command."), code="unknown_command")
    return kind


def expire_due(session: Session, now: dt.datetime, screen_id: int | None = None) -> int:
    """Mark the pending commands whose time ran out as expired (of one screen, or all);
    return how many."""
    query = sa.update(ScreenCommand).where(
        ScreenCommand.state.in_(rules.PENDING), ScreenCommand.expires_at <= now
    )
    if screen_id is not None:
        query = query.where(ScreenCommand.screen_id == screen_id)
    result = session.execute(
        query.values(state=State.EXPIRED).execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# --- use cases --------------------------------------------------------------------------


def issue_command(principal: Principal, screen_id: int, kind_value: object) -> Issued:
    """An operator issues a command to a screen.

    :raise NotFound, PermissionDenied: no such screen, or the caller may not manage it.
    :raise BadRequest: ``unknown_command``.
    :raise RuleViolation: see :func:`issue`.
    """
    kind = _kind(kind_value)
    with committed() as session:
        screen = screen_for(principal, screen_id, Permission.MANAGE_SCREENS)
        issued = issue(
            session, screen, kind, principal.user.username, _role(principal, screen), registry.now()
        )
    deliver(issued)
    return issued


def issue_as_administrator(screen_id: int, kind_value: object) -> Issued:
    """The server's administrator issues a command from the command line (audited as ``cli``).

    :raise NotFound: no such screen. :raise BadRequest, RuleViolation: see :func:`issue`.
    """
    kind = _kind(kind_value)
    with committed() as session:
        screen = get(session, screen_id)
        issued = issue(session, screen, kind, CLI_ISSUER, "system", registry.now())
    deliver(issued)
    return issued


def cancel_command(principal: Principal, screen_id: int, command_id: int) -> ScreenCommand:
    """An operator cancels a command not yet sent.

    :raise NotFound: no such command of that screen.
    :raise Conflict: ``not_cancellable``: it was sent, answered or expired.
    """
    with committed() as session:
        screen = screen_for(principal, screen_id, Permission.MANAGE_SCREENS)
        command = session.get(ScreenCommand, command_id)
        if command is None or command.screen_id != screen.id:
            raise NotFound(N_("No such command."), code="command_not_found")
        now = registry.now()
        if not rules.cancellable(command.state, command.expires_at, now):
            raise Conflict(
                N_("Only a command not yet sent to the screen can be cancelled."),
                code="not_cancellable",
            )
        command.state = State.CANCELLED
        command.done_at = now
        session.flush()
        _seal(
            session,
            screen,
            command,
            principal.user.username,
            _role(principal, screen),
            rules.CANCEL_ACTION,
            now,
        )
    return command


def recent_commands(
    principal: Principal, screen_id: int, limit: int = RECENT
) -> list[ScreenCommand]:
    """The screen's latest commands, newest first, each in its state as of now (a pending one
    past its time shows as expired).

    :raise NotFound, PermissionDenied: no such screen, or the caller may not see it.
    """
    with committed() as session:
        screen = screen_for(principal, screen_id, Permission.VIEW)
        expire_due(session, registry.now(), screen.id)
        return list(
            session.scalars(
                sa.select(ScreenCommand)
                .where(ScreenCommand.screen_id == screen.id)
                .order_by(ScreenCommand.id.desc())
                .limit(max(1, min(limit, 200)))
            )
        )


def pending_for(screen_id: int) -> list[dict[str, Any]]:
    """A player of ``screen_id`` connected: expire what ran out, mark the rest sent, and
    return them (oldest first) to be sent after its hello and manifest."""
    with committed() as session:
        now = registry.now()
        expire_due(session, now, screen_id)
        commands = list(
            session.scalars(
                sa.select(ScreenCommand)
                .where(
                    ScreenCommand.screen_id == screen_id,
                    ScreenCommand.state.in_(rules.PENDING),
                )
                .order_by(ScreenCommand.id)
            )
        )
        for command in commands:
            if command.state is State.QUEUED:
                command.state = State.SENT
                command.sent_at = now
        return [payload(c) for c in commands]


def command_done(known: Identity | None, data: Any) -> dict[str, Any]:
    """The connected player answers ``{id, ok, error?}`` for one of its screen's commands.

    :raise Unauthorized: the screen's token was revoked or replaced.
    :raise BadRequest: ``bad_answer``: not such an answer.
    :raise NotFound: ``command_not_found``: no such command of this screen.
    """
    well_formed = isinstance(data, dict) and _is_id(data.get("id"))
    if not well_formed or not isinstance(data.get("ok"), bool):
        raise BadRequest(N_("Expected {id, ok, error}."), code="bad_answer")
    with committed() as session:
        screen = reporting_screen(session, known)
        command = session.get(ScreenCommand, data["id"])
        if command is None or command.screen_id != screen.id:
            raise NotFound(N_("No such command."), code="command_not_found")
        state = rules.answered(command.state, data["ok"])
        if state is not None:
            command.state = state
            command.done_at = registry.now()
            command.error = "" if data["ok"] else rules.clean_error(data.get("error"))
        return {"id": command.id, "state": command.state.value}


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31
