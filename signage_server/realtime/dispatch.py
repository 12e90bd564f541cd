"""After a commit: recompile the manifests of the screens it touched, push the new ones."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from signage_server import services as registry
from signage_server.screens import manifests
from signage_server.screens.changes import Changes
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenConnection

logger = logging.getLogger(__name__)


def manifest_context(app: Flask, now: dt.datetime) -> manifests.Context:
    """Return what compiling manifests needs, for ``app`` at ``now``."""
    from flask_babel import force_locale
    from flask_babel import gettext

    from signage_server.config import Settings
    from signage_server.disclosure.rules import CATEGORY_LABELS
    from signage_server.feedback.links import code_key

    settings = registry.get(Settings, app)
    labels = app.extensions.get("signage_category_labels")
    if labels is None:
        with app.test_request_context(), force_locale("zh_Hans_CN"):
            labels = {c.value: str(gettext(label)) for c, label in CATEGORY_LABELS.items()}
        app.extensions["signage_category_labels"] = labels
    return manifests.Context(
        now=now,
        public_url=settings.public_url,
        code_key=code_key(app),
        category_labels=labels,
        asset_url=lambda sha: f"/assets/{sha}",
    )


def screen_json(
    screen: Screen, now: dt.datetime, titles: dict[int, str] | None = None
) -> dict[str, Any]:
    """Return what the screen wall shows of a screen (``titles``: the items' titles, when the
    caller looked them up for many screens at once)."""
    from signage_server.screens import showing
    from signage_server.screens.services import is_online

    return {
        "id": screen.id,
        "name": screen.name,
        "org": screen.org.code,
        "online": is_online(screen, now),
        # ``online`` | ``offline`` (since ``last_seen_at``) | ``never`` (connected).
        "presence": showing.presence_of(screen, now).value,
        "last_seen_at": screen.last_seen_at.isoformat() if screen.last_seen_at else None,
        "manifest_version": screen.manifest_version,
        "acked_version": screen.acked_version,
        "up_to_date": bool(screen.acked_version)
        and screen.acked_version == screen.manifest_version,
        "freshness": showing.freshness_of(screen, now).value,
        "current_item": screen.current_item_id,
        # What it shows (online) or last showed (offline), by title.
        "current_title": (titles.get(screen.current_item_id) if screen.current_item_id else None)
        if titles is not None
        else showing.current_title(screen),
        "revoked": screen.revoked_at is not None,
    }


class Dispatcher:
    """Carry out committed changes: inline (tests, CLI) or in a greenlet (the gevent server)."""

    def __init__(self, app: Flask, notifier: Any, *, background: bool) -> None:
        self.app = app
        self.notifier = notifier
        self.background = background

    def submit(self, changes: Changes) -> None:
        if not changes:
            return
        if self.background:
            import gevent

            gevent.spawn(self.process, changes)
        else:
            self.process(changes)

    def process(self, changes: Changes) -> None:
        """Recompile and push; failures are logged, never raised into the committing code."""
        started = time.monotonic()
        try:
            with self.app.app_context():
                engine = self.app.extensions["signage_db"].engine
                with Session(bind=engine, expire_on_commit=False) as session:
                    self._process(session, changes)
        except Exception:
            logger.exception("pushing screen changes failed: %s", changes)
            return
        logger.debug("screen changes processed in %.3f s", time.monotonic() - started)

    def _process(self, session: Session, changes: Changes) -> None:
        now = registry.now()
        context = manifest_context(self.app, now)
        sids: list[str] = []
        if changes.disconnect:
            sids = list(
                session.scalars(
                    sa.select(ScreenConnection.sid).where(
                        ScreenConnection.screen_id.in_(changes.disconnect)
                    )
                )
            )
            session.execute(sa.delete(ScreenConnection).where(ScreenConnection.sid.in_(sids)))
        screens = manifests.affected_screens(
            session, changes.orgs, changes.screens, changes.everything
        )
        changed = manifests.refresh(session, screens, context)
        session.commit()
        if sids:
            self.notifier.disconnect(sids)
        for manifest, screen_ids in changed.values():
            self.notifier.push_manifest(manifest, screen_ids)
        touched = [
            s
            for s in screens
            if s.id in {i for _, ids in changed.values() for i in ids} or s.id in changes.disconnect
        ]
        if touched:
            self.notifier.screens_changed(
                [screen_json(s, now) for s in touched], [s.org.path for s in touched]
            )
