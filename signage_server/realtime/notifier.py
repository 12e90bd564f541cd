"""How news reaches screens and operators: the screens' :class:`Notifier` over Socket.IO; the
rooms players and operators join."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_socketio import SocketIO

from signage_server.orgs.rules import path_ids
from signage_server.screens.interfaces import NOTIFIER as NOTIFIER
from signage_server.screens.interfaces import Notifier as Notifier


def player_room(screen_id: int) -> str:
    return f"screen:{screen_id}"


def admin_room(org_id: int) -> str:
    return f"admin-org:{org_id}"


class SocketIONotifier:
    """Emit through Flask-SocketIO (through the Redis message queue when configured)."""

    def __init__(self, socketio: SocketIO) -> None:
        self.socketio = socketio

    def push_manifest(self, manifest: dict[str, Any], screen_ids: Iterable[int]) -> None:
        rooms = [player_room(i) for i in screen_ids]
        if rooms:
            self.socketio.emit("manifest", manifest, to=rooms, namespace="/player")

    def push_delta(self, delta: dict[str, Any], screen_ids: Iterable[int]) -> None:
        rooms = [player_room(i) for i in screen_ids]
        if rooms:
            self.socketio.emit("manifest_delta", delta, to=rooms, namespace="/player")

    def disconnect(self, sids: Iterable[str]) -> None:
        server = self.socketio.server
        if server is None:
            return
        for sid in sids:
            server.disconnect(sid, namespace="/player")

    def screens_changed(self, screens: Iterable[dict[str, Any]], org_paths: Iterable[str]) -> None:
        # Operators watching any org above (or at) the screen's org hear of it.
        rooms = sorted({admin_room(org_id) for path in org_paths for org_id in path_ids(path)})
        for screen in screens:
            self.socketio.emit("screen", screen, to=rooms, namespace="/admin")
