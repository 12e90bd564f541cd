"""After a commit: have the screens' manifests recompiled, send what changed.

The recompiling is the screens' business (``screens.services.push``); this module only carries
it out at the right moment (inline, or in a greenlet on the gevent server) and hands the
result to the notifier. Whoever watches pushes (the metrics) registers an observer: it is told
of each push once its last manifest is emitted (:class:`Pushed`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import gevent
from flask import Flask

from signage_server import services as registry
from signage_server.realtime.batching import PUSH_NEWS
from signage_server.realtime.notifier import Notifier
from signage_server.screens.changes import Changes
from signage_server.screens.context import manifest_context
from signage_server.screens.services.push import Recompiled
from signage_server.screens.services.push import recompile

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pushed:
    """A push carried out: the manifests emitted (one per screen) and the seconds from the
    commit to the end of the last emit to a player (the screen wall is told after)."""

    manifests: int
    seconds: float


class Dispatcher:
    """Carry out committed changes: inline (tests, CLI) or in a greenlet (the gevent server)."""

    def __init__(self, app: Flask, notifier: Notifier, *, background: bool) -> None:
        self.app = app
        self.notifier = notifier
        self.background = background
        #: Told of each push that emitted manifests (the metrics); their failures are logged.
        self.observers: list[Callable[[Pushed], None]] = []

    def submit(self, changes: Changes) -> None:
        if not changes:
            return
        committed = time.monotonic()
        if self.background:
            gevent.spawn(self.process, changes, committed)
        else:
            self.process(changes, committed)

    def process(self, changes: Changes, committed: float | None = None) -> None:
        """Recompile and push, then tell the screen wall; failures are logged, never raised
        into the committing code.

        :param committed: ``time.monotonic()`` at the commit (default: now).
        """
        started = time.monotonic()
        committed = started if committed is None else committed
        try:
            with self.app.app_context():
                context = manifest_context(self.app, registry.now())
                done = recompile(changes, context)
                pushed = self._push(done)
                finished = time.monotonic()
                if pushed:
                    self._tell(Pushed(manifests=pushed, seconds=finished - committed))
                # The wall hears of the screens a few seconds later, in chunks: made at once,
                # the news of 10,000 screens took seconds of the event loop while the players'
                # messages were still going out (``batching.PUSH_NEWS_WINDOW``).
                registry.get(PUSH_NEWS, self.app).extend(done.touched)
        except Exception:
            logger.exception("pushing screen changes failed: %s", changes)
            return
        logger.debug("screen changes processed in %.3f s", time.monotonic() - started)

    def _push(self, done: Recompiled) -> int:
        """Send what ``done`` says to the players; return how many manifests were sent."""
        if done.disconnect:
            self.notifier.disconnect(done.disconnect)
        pushed = 0
        for manifest, screen_ids in done.manifests:
            screens = list(screen_ids)
            self.notifier.push_manifest(manifest, screens)
            pushed += len(screens)
        for delta, screen_ids in done.deltas:
            screens = list(screen_ids)
            self.notifier.push_delta(delta, screens)
            pushed += len(screens)
        return pushed

    def _tell(self, pushed: Pushed) -> None:
        for observer in self.observers:
            try:
                observer(pushed)
            except Exception:
                logger.exception("an observer of pushes failed")
