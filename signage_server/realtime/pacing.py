"""How long a player waits before it acknowledges a manifest, told in ``hello``
(docs/player-protocol.md).

After a push every player answers: the answers of the first players served compete with the
messages still going out to the last. The web player therefore waits a random time before it
acknowledges; how long must grow with the players a process writes to. Measured on 2 cores
(docs/benchmarks.md, "Push to screens"): a process holding 1,000 players sends them a push in
well under a second, one holding 5,000 (10,000 players on two processes) takes about 4 s at p99,
and with the 1-3 s every player used to wait, their answers landed inside that time (p99 1.17-1.45
times a bare broadcast over one night's runs; 1.07 with the window below).
"""

from __future__ import annotations

from dataclasses import dataclass

from signage_server import services as registry

#: The shortest window: wait at least 1 s, then up to 2 s more (a small installation).
MIN_MS = 1000
SPREAD_MS = 2000
#: Both bounds grow by this much per player connected to the process.
MS_PER_PLAYER = 0.8
#: Nobody waits longer than this before acknowledging (the wall then shows the screen up to date).
LONGEST_MS = 30000


@dataclass(frozen=True)
class AckDelay:
    """Wait ``min_ms``, then a random part of ``spread_ms`` (milliseconds)."""

    min_ms: int
    spread_ms: int

    def json(self) -> dict[str, int]:
        return {"min": self.min_ms, "spread": self.spread_ms}


def ack_delay(connected: int) -> AckDelay:
    """Return the wait before acknowledging of a player of a process with ``connected``
    players: 1-3 s up to about 1,250 players, then growing by 0.8 ms per player for each bound
    (5,000 players: 4-8 s), never beyond 30 s in all."""
    grown = round(max(0, connected) * MS_PER_PLAYER)
    low = min(max(MIN_MS, grown), LONGEST_MS // 2)
    return AckDelay(low, min(max(SPREAD_MS, grown), LONGEST_MS - low))


#: The players of a process are told a new wait (``pace``) when it is this much longer or
#: shorter than what they were told: a few messages while 5,000 players connect, not one each.
RETELL_FACTOR = 1.25


class Attendance:
    """The players connected to this process (counted by the ``/player`` namespace) and the
    wait they were all told last.

    A player learns its wait in ``hello``; those that connected earlier, when the process had
    fewer players (after a restart: the first to reconnect), learn a new one when it has
    changed by a quarter (:data:`RETELL_FACTOR`).
    """

    def __init__(self) -> None:
        self.connected = 0
        self.told = ack_delay(0)

    def joined(self) -> tuple[AckDelay, AckDelay | None]:
        """Count a player in; return the wait it is to be told, and the wait every player of
        the process is to be told now (``None``: nothing new)."""
        self.connected += 1
        delay = ack_delay(self.connected)
        return delay, self._retell(delay)

    def left(self) -> AckDelay | None:
        """Count a player out; return the wait every player is to be told now, if any."""
        self.connected = max(0, self.connected - 1)
        return self._retell(ack_delay(self.connected))

    def _retell(self, delay: AckDelay) -> AckDelay | None:
        told = self.told.min_ms
        if told / RETELL_FACTOR < delay.min_ms < told * RETELL_FACTOR:
            return None
        self.told = delay
        return delay


#: Where the app keeps its count.
ATTENDANCE = registry.Key[Attendance]("players connected to this process")
