"""Players' reports taken in batches: the ``ack`` and ``status`` events of many players stored
in one transaction and told to the screen wall in one message; the wall's news of screens that
connected or went away, sent once a second for all of them.

After a publish every player acknowledges its new manifest within the same second. Handled one
by one (a transaction and a screen-wall message each), the 2,000 acknowledgements of the first
players served kept the event loop from sending the last ones their manifest: the push took
five times a bare broadcast (docs/benchmarks.md, "Push to screens"). A :class:`Batch` collects
reports for :data:`WINDOW` seconds, then hands them to its use case :data:`SIZE` at a time,
letting the sends go on between chunks. Without gevent (tests, the CLI) a report is handled
on arrival.

What is lost if the process dies within the window: acknowledgements (the screen is sent its
next manifest whole instead of a delta), a status (the next comes within a minute) and the
wall's news (the wall page shows the stored state when loaded).

:data:`DATABASE_GATE` bounds the socket handlers that hold a database connection at once (a
player connecting or leaving, proof of play): 5,000 players connecting to one process at once
otherwise waited for one of the pool's connections until their handlers failed (the pool's
30 s timeout), and such a player never got its manifest.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from collections.abc import Sequence
from typing import Generic
from typing import TypeVar

import gevent
from flask import Flask

from signage_server import services as registry
from signage_server.screens.services.players import Report

logger = logging.getLogger(__name__)

T = TypeVar("T")


#: Socket handlers holding a database connection at once, per process: below the pool's ten
#: connections (``db.create_engine``), so that requests and batches find one too.
DATABASE_HANDLERS = 8
#: The gate they pass (gevent's, once the process is patched; a thread's in the tests).
DATABASE_GATE = registry.Key[threading.BoundedSemaphore]("socket handlers' database gate")

#: Seconds a report waits for others to join its batch.
WINDOW = 1.0
#: Seconds the wall's news of a push waits: by then the screens that hold the new manifest
#: have acknowledged it (and told the wall), and the push's messages to 10,000 players are out
#: (its news, made for 10,000 screens at once, took seconds of the event loop).
PUSH_NEWS_WINDOW = 5.0
#: Most reports stored in one transaction.
SIZE = 250


class Batch(Generic[T]):
    """Collect reports, hand them to ``handle`` in batches; close the connections it refuses."""

    def __init__(
        self,
        app: Flask,
        handle: Callable[[Sequence[T]], list[str]],
        refuse: Callable[[list[str]], None],
        *,
        background: bool,
        window: float = WINDOW,
        size: int = SIZE,
    ) -> None:
        self.app = app
        self.handle = handle
        self.refuse = refuse
        self.background = background
        self.window = window
        self.size = size
        self.pending: list[T] = []
        self._flusher: gevent.Greenlet | None = None

    def add(self, report: T) -> None:
        self.extend([report])

    def extend(self, reports: Sequence[T]) -> None:
        """Add ``reports`` (without gevent: handle them now, together)."""
        if not reports:
            return
        if not self.background:
            self._run(list(reports))
            return
        self.pending.extend(reports)
        if self._flusher is None:
            self._flusher = gevent.spawn_later(self.window, self.flush)

    def flush(self) -> None:
        """Handle every pending report now, :attr:`size` at a time."""
        self._flusher = None
        while self.pending:
            chunk, self.pending = self.pending[: self.size], self.pending[self.size :]
            self._run(chunk)
            gevent.sleep(0)  # the sends queued meanwhile go out between chunks

    def _run(self, reports: list[T]) -> None:
        try:
            with self.app.app_context():
                refused = self.handle(reports)
        except Exception:
            logger.exception("storing %d player reports failed", len(reports))
            return
        if refused:
            self.refuse(refused)


#: Where the app keeps its batch of acknowledgements (``ack``), of statuses (``status``) and
#: of screens whose news the wall is to be told (ids).
ACKS = registry.Key[Batch[Report]]("player acknowledgements")
STATUSES = registry.Key[Batch[Report]]("player statuses")
WALL = registry.Key[Batch[int]]("screen wall news")
PUSH_NEWS = registry.Key[Batch[int]]("screen wall news of pushes")
