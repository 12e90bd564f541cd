"""After a commit: recompile the manifests of the screens it touched and say what to send.

The realtime dispatcher calls :func:`recompile` with the marks a committed transaction left
(``screens.changes``) and sends what it returns: the connections to close, the new manifests
and the screen wall's news. Nothing is sent from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from signage_server.db import in_batches
from signage_server.extensions import db
from signage_server.fleet.power.schedules import power_states
from signage_server.screens import deltas
from signage_server.screens import manifests
from signage_server.screens.changes import Changes
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenConnection
from signage_server.screens.showing import live_titles
from signage_server.screens.showing import screen_json


@dataclass
class Recompiled:
    """What to send once the manifests are recompiled and stored."""

    #: Player connections to close (their screen's token was revoked or replaced).
    disconnect: list[str] = field(default_factory=list)
    #: Each new manifest (as sent) and the screens that get it whole.
    manifests: list[tuple[dict[str, Any], list[int]]] = field(default_factory=list)
    #: Each ``manifest_delta`` and the screens that get it (they acknowledged its base).
    deltas: list[tuple[dict[str, Any], list[int]]] = field(default_factory=list)
    #: The screens that changed: the screen wall is told of them (:func:`wall_news`), after
    #: the players were sent theirs.
    touched: list[int] = field(default_factory=list)


def recompile(changes: Changes, context: manifests.Context) -> Recompiled:
    """Recompile and store the manifests of the screens ``changes`` touched, in a session of
    its own (outside any request), and forget the connections of revoked screens."""
    with Session(bind=db.engine, expire_on_commit=False) as session:
        return _recompile(session, changes, context)


def _recompile(session: Session, changes: Changes, context: manifests.Context) -> Recompiled:
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
    screens = manifests.affected_rows(session, changes.orgs, changes.screens, changes.everything)
    changed = manifests.refresh(session, screens, context)
    sending = deltas.split(session, changed.values(), {s.id: s.acked_version for s in screens})
    session.commit()
    updated = {i for _manifest, ids in changed.values() for i in ids}
    return Recompiled(
        disconnect=sids,
        manifests=sending.full,
        deltas=sending.deltas,
        touched=[s.id for s in screens if s.id in updated or s.id in changes.disconnect],
    )


def news_of(
    session: Session, screens: Sequence[Screen], now: dt.datetime
) -> list[tuple[dict[str, Any], str]]:
    """What the screen wall shows of each of ``screens``, with its organisation's path (the
    operators watching that organisation or one above are told): one query for the titles of
    what they show, not one a screen), and their power by schedule (``power``: ``None``
    without a schedule; the wall says "off by schedule until 07:00", not "offline")."""
    titles = live_titles(session, {s.current_item_id for s in screens if s.current_item_id})
    powers = power_states(session, screens, now)
    return [
        ({**screen_json(s, now, titles), "power": powers.get(s.id)}, s.org.path) for s in screens
    ]


def wall_news(screen_ids: list[int], now: dt.datetime) -> list[tuple[dict[str, Any], str]]:
    """:func:`news_of` these screens, loaded in a session of its own."""
    news: list[tuple[dict[str, Any], str]] = []
    with Session(bind=db.engine) as session:
        for _batch, among in in_batches(session, Screen.id, screen_ids):
            query = sa.select(Screen).where(among).options(selectinload(Screen.org))
            news += news_of(session, list(session.scalars(query)), now)
    return news
