"""How news reaches screens and operators: a Protocol and its Socket.IO implementation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from typing import Protocol

from flask_socketio import SocketIO

from signage_server import services as registry


class Notifier(Protocol):
    def push_manifest(self, manifest: dict[str, Any], screen_ids: Iterable[int]) -> None:
        """Send ``manifest`` to the given screens (one message for all of them)."""
        ...

    def disconnect(self, sids: Iterable[str]) -> None:
        """Close these player connections, wherever they are."""
        ...

    def screens_changed(self, screens: Iterable[dict[str, Any]], org_paths: Iterable[str]) -> None:
        """Tell the operators watching the orgs of ``org_paths`` about the screens' new state."""
        ...


NOTIFIER = registry.Key[Notifier]("notifier")


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

    def disconnect(self, sids: Iterable[str]) -> None:
        server = self.socketio.server
        if server is None:
            return
        for sid in sids:
            server.disconnect(sid, namespace="/player")

    def screens_changed(self, screens: Iterable[dict[str, Any]], org_paths: Iterable[str]) -> None:
        rooms = sorted(
            {admin_room(int(part)) for path in org_paths for part in path.strip("/").split("/")}
        )
        for screen in screens:
            self.socketio.emit("screen", screen, to=rooms, namespace="/admin")
