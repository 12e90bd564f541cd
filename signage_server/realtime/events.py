"""The Socket.IO namespaces: ``/player`` for screens, ``/admin`` for the screen wall.

Handlers stay thin: read the event, call one use case of ``screens.services``, emit. Domain
errors are translated in one place, :func:`socket_error`: a refused connection carries the
error's code as its message (``unauthorized``, what the player checks); an event from a screen
whose token was revoked or replaced closes its connection; an event's acknowledgement is
``{"error": {"code", "message"}}``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import request
from flask import session
from flask_login import current_user
from flask_socketio import ConnectionRefusedError
from flask_socketio import Namespace
from flask_socketio import disconnect
from flask_socketio import emit
from flask_socketio import join_room

from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.errorhandlers import domain_message
from signage_server.errors import DomainError
from signage_server.errors import Unauthorized
from signage_server.feedback.links import screen_code
from signage_server.fleet.commands import services as commands
from signage_server.realtime.batching import ACKS
from signage_server.realtime.batching import DATABASE_GATE
from signage_server.realtime.batching import STATUSES
from signage_server.realtime.batching import WALL
from signage_server.realtime.notifier import admin_room
from signage_server.realtime.notifier import player_room
from signage_server.realtime.pacing import ATTENDANCE
from signage_server.realtime.pacing import AckDelay
from signage_server.screens.models import Screen
from signage_server.screens.player import player_version
from signage_server.screens.services import players
from signage_server.screens.services.wall import wall_rooms


def hello_json(screen: Screen, ack: AckDelay) -> dict[str, Any]:
    """What a player learns of its own screen on connect (CONTRACT.md ``hello``), and how long
    it waits before acknowledging a manifest (``realtime.pacing``)."""
    return {
        "ack_delay_ms": ack.json(),
        # The player served now: a page of another version updates itself.
        "player_version": player_version(),
        "screen": {
            "id": screen.id,
            "name": screen.name,
            "org": screen.org.code,
            "org_name": screen.org.name,
            "audience": screen.audience.value,
            "layout": screen.layout,
            "resolution": screen.resolution,
            "timezone": screen.timezone,
            "code": screen_code(screen.id),
        },
    }


def socket_error(error: Exception) -> dict[str, Any]:
    """Translate a domain error raised by a handler of either namespace (the only place).

    :raise ConnectionRefusedError: the error came from a connection attempt.
    """
    if not isinstance(error, DomainError):
        raise error
    if request.event["message"] == "connect":  # type: ignore[attr-defined]
        raise ConnectionRefusedError(error.code)
    if isinstance(error, Unauthorized):
        disconnect()
    return {"error": {"code": error.code, "message": domain_message(error)}}


def _address() -> str:
    return request.remote_addr or ""


def _sid() -> str:
    """Return this connection's Socket.IO id (Flask-SocketIO sets ``request.sid``)."""
    return str(getattr(request, "sid", ""))


def _report(data: Any) -> players.Report:
    """This connection's event, to be stored with others (``realtime.batching``)."""
    return players.Report(_sid(), session.get("screen"), data, registry.now())


def _pace(delay: AckDelay | None) -> None:
    """Tell every player of this process (only: ``ignore_queue``) its new wait before
    acknowledging (``realtime.pacing``)."""
    if delay is not None:
        emit("pace", {"ack_delay_ms": delay.json()}, broadcast=True, ignore_queue=True)


class PlayerNamespace(Namespace):  # type: ignore[misc]
    """``/player``: screens connect with their token and report what they show."""

    def on_connect(self, auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        with registry.get(DATABASE_GATE):
            connection = players.connect_player(
                token, _sid(), _address(), identified=lambda screen: join_room(player_room(screen))
            )
        session["screen"] = connection.identity
        session["counted"] = True
        delay, everybody = registry.get(ATTENDANCE).joined()
        emit("hello", hello_json(connection.screen, delay))
        _pace(everybody)
        emit("manifest", connection.manifest)
        with registry.get(DATABASE_GATE):
            pending = commands.pending_for(connection.screen.id)
        for command in pending:
            emit("command", command)
        registry.get(WALL).add(connection.screen.id)

    def on_disconnect(self, reason: Any = None) -> None:
        if session.pop("counted", False):
            _pace(registry.get(ATTENDANCE).left())
        with registry.get(DATABASE_GATE):
            screen_id = players.disconnect_player(_sid())
        if screen_id is not None:
            registry.get(WALL).add(screen_id)

    def on_ack(self, data: Any = None) -> None:
        registry.get(ACKS).add(_report(data))

    def on_status(self, data: Any = None) -> None:
        registry.get(STATUSES).add(_report(data))

    def on_command_done(self, data: Any = None) -> dict[str, Any]:
        """The player carried out (or could not carry out) a remote command: ``{id, ok,
        error?}``; answer ``{id, state}``."""
        with registry.get(DATABASE_GATE):
            return commands.command_done(session.get("screen"), data)

    def on_played(self, data: Any = None) -> dict[str, int]:
        """Store proof of play; answer ``{accepted, duplicates, rejected, deferred}``."""
        with registry.get(DATABASE_GATE):
            return players.played_reported(session.get("screen"), data).json()

    def on_blanked(self, data: Any = None) -> dict[str, int]:
        """Store the periods the display was off by schedule (定时开关屏); answer
        ``{stored, duplicates, rejected}``."""
        with registry.get(DATABASE_GATE):
            return players.blanked_reported(session.get("screen"), data)


class AdminNamespace(Namespace):  # type: ignore[misc]
    """``/admin``: logged-in operators watching the screen wall get screens' news live."""

    def on_connect(self, auth: Any = None) -> None:
        origin = request.headers.get("Origin")
        if origin and urlsplit(origin).netloc != request.host:
            # A page of another site riding on the operator's cookie (cross-site WebSocket).
            raise ConnectionRefusedError("forbidden origin")
        if not current_user.is_authenticated:
            raise ConnectionRefusedError("unauthorized")
        for org_id in wall_rooms(Principal.of(current_user._get_current_object())):
            join_room(admin_room(org_id))
