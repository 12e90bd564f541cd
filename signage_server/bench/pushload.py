"""A load process of ``signage bench push|storm``: many minimal players in one process.

Run as ``python -m signage_server.bench.pushload HOST PORT`` with one screen token a line on
its standard input, then commands on the following lines. Each player is a greenlet speaking
Engine.IO 4 / Socket.IO 5 over a raw WebSocket (``websocket-client`` on gevent): it joins
``/player`` with its token (``40/player,{"token": …}``), answers pings, acknowledges every
``manifest`` (``ack`` with its version, as the web player does) and notes the
:func:`time.monotonic` of each ``manifest`` and ``floor`` it receives. ``time.monotonic`` is
``CLOCK_MONOTONIC``, one clock for the whole machine on Linux, so the controller compares
these times with its own. A lost connection is retried like socket.io-client in the web player
(``player/static/socket.js``): ``1 s · 2ⁿ`` capped at 60 s, ±50 % at random.

A full client (python-socketio's ``AsyncClient``) costs about three times the server's CPU per
message, and the load shares the machine with the server: hence this small client.

Commands (one a line; each answer is one JSON line on standard output):

* ``connect TIMEOUT`` — connect every player; answer when all hold a manifest (or after
  ``TIMEOUT`` seconds).
* ``reset`` — forget the receipts: from now on note the next ``floor`` and ``manifest``.
* ``wait floor|manifest TIMEOUT`` — wait until every player received a ``floor`` or a
  ``manifest`` since the last ``reset``; answer the receipt times.
* ``acked SINCE TIMEOUT`` — wait until every player reconnected after ``SINCE`` (a
  :func:`time.monotonic` time) and acknowledged the manifest it got then; answer the times.
* ``quit``.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import gevent  # noqa: E402
import websocket  # noqa: E402
from gevent.fileobject import FileObjectPosix  # noqa: E402

from signage_server.bench.latency import backoff  # noqa: E402

NAMESPACE = "/player"
MANIFEST = '42/player,["manifest",'
#: A player that acknowledged a manifest is sent what changed since (docs/player-protocol.md).
DELTA = '42/player,["manifest_delta",'
FLOOR = '42/player,["floor",'
HELLO = '42/player,["hello",'
PACE = '42/player,["pace",'
#: The web player acknowledges a manifest after ACK_MIN_S plus up to ACK_SPREAD_S, at random
#: (``ACK_MIN_MS`` and ``ACK_SPREAD_MS`` of ``player/static/socket.js``), unless the server's
#: ``hello`` says how long (``ack_delay_ms``: longer on a process with many players).
ACK_MIN_S = 1.0
ACK_SPREAD_S = 2.0


@dataclass
class Player:
    token: str
    url: str
    version: str = ""
    floor_at: float | None = None
    pushed_at: float | None = None
    armed: bool = False
    last_ack_at: float = 0.0
    manifest_bytes: int = 0
    #: Size of the push received since the last reset (a full manifest or a delta).
    pushed_bytes: int = 0
    pushed_delta: bool = False
    connected_at: float = 0.0
    reconnects: int = 0
    refused: str = ""
    ack_min_s: float = ACK_MIN_S
    ack_spread_s: float = ACK_SPREAD_S

    def acknowledge(self, ws: websocket.WebSocket, version: str) -> None:
        if version != self.version or not ws.connected:
            return
        try:
            ws.send("42/player," + json.dumps(["ack", {"version": version}]))
        except Exception:  # the connection closed meanwhile: acknowledged after reconnecting
            return
        self.last_ack_at = time.monotonic()

    def run(self) -> None:
        attempt = 0
        while True:
            try:
                self.session()
                attempt = 0
            except Exception:  # noqa: S110 - any failure: reconnect like the player
                pass
            if self.refused:
                return
            gevent.sleep(backoff(attempt, random.random()))  # noqa: S311 - jitter, not secrecy
            attempt += 1
            self.reconnects += 1

    def session(self) -> None:
        ws = websocket.create_connection(self.url, timeout=None, enable_multithread=False)
        try:
            opened = _text(ws)
            if not opened.startswith("0"):
                return
            ws.send("40" + NAMESPACE + "," + json.dumps({"token": self.token}))
            self.connected_at = time.monotonic()
            while True:
                message = _text(ws)
                if not message:
                    return
                if message == "2":
                    ws.send("3")
                elif message.startswith((HELLO, PACE)):
                    wait = json.loads(message[len("42/player,") :])[1].get("ack_delay_ms") or {}
                    self.ack_min_s = float(wait.get("min", ACK_MIN_S * 1000)) / 1000
                    self.ack_spread_s = float(wait.get("spread", ACK_SPREAD_S * 1000)) / 1000
                elif message.startswith((MANIFEST, DELTA)):
                    now = time.monotonic()
                    body = json.loads(message[len("42/player,") :])[1]
                    version = str(body.get("version", ""))
                    if self.armed and self.pushed_at is None:
                        self.pushed_at = now
                        self.pushed_bytes = len(message)
                        self.pushed_delta = message.startswith(DELTA)
                    self.version = version
                    if message.startswith(MANIFEST):
                        self.manifest_bytes = len(message)
                    # As the web player: after the wait the server asked for, newest version only.
                    delay = self.ack_min_s + random.random() * self.ack_spread_s  # noqa: S311
                    gevent.spawn_later(delay, self.acknowledge, ws, version)
                elif message.startswith(FLOOR):
                    if self.floor_at is None:
                        self.floor_at = time.monotonic()
                elif message.startswith("44/player"):
                    self.refused = message
                    return
        finally:
            ws.close()


def _text(ws: websocket.WebSocket) -> str:
    """The next message (Engine.IO text frames)."""
    message = ws.recv()
    return message.decode() if isinstance(message, bytes) else message


def _wait(players: list[Player], done: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not all(done(p) for p in players):  # type: ignore[operator]
        gevent.sleep(0.05)


def main(argv: list[str]) -> None:
    host, port = argv[0], argv[1]
    url = f"ws://{host}:{port}/socket.io/?EIO=4&transport=websocket"
    # Read commands without blocking the players' greenlets.
    stdin = FileObjectPosix(sys.stdin.fileno(), "r", close=False)
    tokens = []
    for line in stdin:
        if not line.strip():
            break
        tokens.append(line.strip())
    players = [Player(token, url) for token in tokens]

    def answer(value: object) -> None:
        sys.stdout.write(json.dumps(value) + "\n")
        sys.stdout.flush()

    for line in stdin:
        words = line.split()
        if not words:
            continue
        command = words[0]
        if command == "connect":
            for player in players:
                gevent.spawn(player.run)
                gevent.sleep(0.002)  # a steady ramp, not 1,000 handshakes at once
            _wait(players, lambda p: bool(p.version or p.refused), float(words[1]))
            answer(
                {
                    "connected": sum(bool(p.version) for p in players),
                    "refused": [p.refused for p in players if p.refused][:3],
                    "versions": sorted({p.version for p in players}),
                    "manifest_bytes": max((p.manifest_bytes for p in players), default=0),
                }
            )
        elif command == "reset":
            for player in players:
                player.floor_at = player.pushed_at = None
                player.armed = True
            answer({})
        elif command == "wait" and words[1] == "floor":
            _wait(players, lambda p: p.floor_at is not None, float(words[2]))
            answer({"times": [p.floor_at for p in players if p.floor_at is not None]})
        elif command == "wait" and words[1] == "manifest":
            _wait(players, lambda p: p.pushed_at is not None, float(words[2]))
            answer(
                {
                    "times": [p.pushed_at for p in players if p.pushed_at is not None],
                    "versions": len({p.version for p in players}),
                    "manifest_bytes": max((p.manifest_bytes for p in players), default=0),
                    "pushed_bytes": max((p.pushed_bytes for p in players), default=0),
                    "deltas": sum(p.pushed_delta for p in players if p.pushed_at is not None),
                }
            )
        elif command == "acked":
            since, timeout = float(words[1]), float(words[2])

            def back(p: Player, since: float = since) -> bool:
                return p.connected_at > since and p.last_ack_at > since

            _wait(players, back, timeout)
            answer(
                {
                    "times": [p.last_ack_at for p in players if back(p)],
                    "reconnects": sum(p.reconnects for p in players),
                }
            )
        elif command == "quit":
            answer({})
            return


if __name__ == "__main__":
    main(sys.argv[1:])
