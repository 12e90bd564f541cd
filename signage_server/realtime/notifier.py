"""How news reaches screens and operators: the screens' :class:`Notifier` over Socket.IO; the
rooms players and operators join."""

from __future__ import annotations

from collections import defaultdict
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

    def send_command(self, command: dict[str, Any], screen_id: int) -> None:
        self.socketio.emit("command", command, to=player_room(screen_id), namespace="/player")

    def disconnect(self, sids: Iterable[str]) -> None:
        server = self.socketio.server
        if server is None:
            return
        for sid in sids:
            server.disconnect(sid, namespace="/player")

    def screens_changed(self, news: Iterable[tuple[dict[str, Any], str]]) -> None:
        # Operators watching any org above (or at) a screen's org hear of it, and only they:
        # each room gets the list of its screens, and rooms given the same list share one
        # message (encoded once).
        by_room: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for screen, path in news:
            for org_id in path_ids(path):
                by_room[admin_room(org_id)].append(screen)
        same: dict[tuple[int, ...], tuple[list[dict[str, Any]], list[str]]] = {}
        for room, screens in by_room.items():
            key = tuple(id(screen) for screen in screens)
            same.setdefault(key, (screens, []))[1].append(room)
        for screens, rooms in same.values():
            self.socketio.emit("screens", screens, to=sorted(rooms), namespace="/admin")
