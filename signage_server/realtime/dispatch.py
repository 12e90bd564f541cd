"""After a commit: have the screens' manifests recompiled, send what changed.

The recompiling is the screens' business (``screens.services.push``); this module only carries
it out at the right moment (inline, or in a greenlet on the gevent server) and hands the
result to the notifier.
"""

from __future__ import annotations

import logging
import time

import gevent
from flask import Flask

from signage_server import services as registry
from signage_server.realtime.notifier import Notifier
from signage_server.screens.changes import Changes
from signage_server.screens.context import manifest_context
from signage_server.screens.services.push import recompile

logger = logging.getLogger(__name__)


class Dispatcher:
    """Carry out committed changes: inline (tests, CLI) or in a greenlet (the gevent server)."""

    def __init__(self, app: Flask, notifier: Notifier, *, background: bool) -> None:
        self.app = app
        self.notifier = notifier
        self.background = background

    def submit(self, changes: Changes) -> None:
        if not changes:
            return
        if self.background:
            gevent.spawn(self.process, changes)
        else:
            self.process(changes)

    def process(self, changes: Changes) -> None:
        """Recompile and push; failures are logged, never raised into the committing code."""
        started = time.monotonic()
        try:
            with self.app.app_context():
                self._process(changes)
        except Exception:
            logger.exception("pushing screen changes failed: %s", changes)
            return
        logger.debug("screen changes processed in %.3f s", time.monotonic() - started)

    def _process(self, changes: Changes) -> None:
        done = recompile(changes, manifest_context(self.app, registry.now()))
        if done.disconnect:
            self.notifier.disconnect(done.disconnect)
        for manifest, screen_ids in done.manifests:
            self.notifier.push_manifest(manifest, screen_ids)
        if done.screens:
            self.notifier.screens_changed(done.screens, done.org_paths)
