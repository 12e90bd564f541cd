"""The ``/bench`` namespace: the floor of ``signage bench push``, only with
``SIGNAGE_BENCH_TRIGGER`` (refused in production).

A client of ``/bench`` sends ``floor`` with a byte count; the server broadcasts one bare
``floor`` event of that size to every client of ``/player`` with the very call the notifier
uses (``socketio.emit``), and nothing else: no database, no manifest. The time from that
trigger to each player's receipt is the floor a manifest push is compared with.
"""

from __future__ import annotations

from typing import Any

from flask_socketio import Namespace
from flask_socketio import SocketIO


class BenchNamespace(Namespace):  # type: ignore[misc]
    def __init__(self, socketio: SocketIO) -> None:
        super().__init__("/bench")
        self.socketio = socketio

    def on_floor(self, data: Any = None) -> dict[str, int]:
        size = int(data.get("bytes", 0)) if isinstance(data, dict) else 0
        size = max(0, min(size, 1024 * 1024))
        self.socketio.emit("floor", {"pad": "x" * size}, namespace="/player")
        return {"bytes": size}
