"""The Socket.IO namespaces: ``/player`` for screens, ``/admin`` for the screen wall.

Handlers stay thin: authenticate, call one service, commit, emit.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask import current_app
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
from signage_server.config import Settings
from signage_server.extensions import db
from signage_server.feedback.links import screen_code
from signage_server.realtime.dispatch import manifest_context
from signage_server.realtime.notifier import admin_room
from signage_server.realtime.notifier import player_room
from signage_server.screens import manifests
from signage_server.screens import services
from signage_server.screens.models import Screen


def hello_json(screen: Screen) -> dict[str, Any]:
    """What a player learns of its own screen on connect (CONTRACT.md ``hello``)."""
    return {
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
        }
    }


def _address() -> str:
    return request.remote_addr or ""


def _sid() -> str:
    """Return this connection's Socket.IO id (Flask-SocketIO sets ``request.sid``)."""
    return str(getattr(request, "sid", ""))


def _app() -> Flask:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return app


class PlayerNamespace(Namespace):  # type: ignore[misc]
    """``/player``: screens connect with their token and report what they show."""

    def on_connect(self, auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        screen = services.screen_for_token(db.session, token)
        if screen is None:
            db.session.rollback()
            raise ConnectionRefusedError("unauthorized")
        session["screen"] = [screen.id, screen.token_hash]
        join_room(player_room(screen.id))
        now = registry.now()
        services.connected(db.session, screen, _sid(), now, _address())
        manifest = manifests.current(db.session, screen, manifest_context(_app(), now))
        db.session.commit()
        emit("hello", hello_json(screen))
        emit("manifest", manifest)
        _tell_operators(screen)

    def on_disconnect(self, reason: Any = None) -> None:
        screen = services.disconnected(db.session, _sid(), registry.now())
        db.session.commit()
        if screen is not None:
            _tell_operators(screen)

    def on_ack(self, data: Any = None) -> None:
        screen = _screen()
        if screen is not None and isinstance(data, dict):
            services.acknowledge(db.session, screen, str(data.get("version", "")), registry.now())
            db.session.commit()
            _tell_operators(screen)

    def on_status(self, data: Any = None) -> None:
        screen = _screen()
        if screen is not None and isinstance(data, dict):
            services.report_status(db.session, screen, data, registry.now())
            db.session.commit()
            _tell_operators(screen)

    def on_played(self, data: Any = None) -> dict[str, int]:
        """Store proof of play; answer ``{accepted, duplicates, rejected, deferred}``."""
        screen = _screen()
        if screen is None:
            return services.PlayedReport().json()
        report = services.record_played(
            db.session,
            screen,
            data,
            registry.now(),
            per_minute=registry.get(Settings).played_per_minute,
        )
        db.session.commit()
        return report.json()


def _screen() -> Screen | None:
    """Return the connected screen; disconnect it when its token was revoked or replaced."""
    known = session.get("screen")
    if not isinstance(known, list) or len(known) != 2:
        disconnect()
        return None
    screen = db.session.get(Screen, known[0])
    if (
        screen is None
        or not screen.token_hash
        or screen.token_hash != known[1]
        or not screen.active
    ):
        db.session.rollback()
        disconnect()
        return None
    return screen


def _tell_operators(screen: Screen) -> None:
    from signage_server.realtime.dispatch import screen_json
    from signage_server.realtime.notifier import NOTIFIER

    registry.get(NOTIFIER).screens_changed([screen_json(screen, registry.now())], [screen.org.path])


class AdminNamespace(Namespace):  # type: ignore[misc]
    """``/admin``: logged-in operators watching the screen wall get screens' news live."""

    def on_connect(self, auth: Any = None) -> None:
        origin = request.headers.get("Origin")
        if origin and urlsplit(origin).netloc != request.host:
            # A page of another site riding on the operator's cookie (cross-site WebSocket).
            raise ConnectionRefusedError("forbidden origin")
        if not current_user.is_authenticated:
            raise ConnectionRefusedError("unauthorized")
        principal = Principal.of(current_user._get_current_object())
        for path in principal.visible_roots():
            join_room(admin_room(int(path.strip("/").split("/")[-1])))
        db.session.rollback()
