"""What the operators are told about screens: whether one is online or since when it is
offline, whether it holds its newest content, what it shows (by title), which screens show an
item, and a screen as the screen wall sees it (:func:`screen_json`, also pushed live). No Flask.

The wall and the item page say the same thing in the same words: an offline screen does not
"show" anything; it *last showed* an item, offline since it was last heard from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import object_session
from sqlalchemy.orm import selectinload

from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.rules import State
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.models import within
from signage_server.screens import plays
from signage_server.screens.models import Manifest
from signage_server.screens.models import Screen

#: A screen counts as online when it reported within this time (it reports every minute).
ONLINE_WITHIN = dt.timedelta(seconds=150)


class Presence(StrEnum):
    ONLINE = "online"
    #: Heard from before, silent now: offline since it was last seen.
    OFFLINE = "offline"
    #: Never connected (registered, not yet paired or switched on).
    NEVER = "never"


class Freshness(StrEnum):
    """Whether a screen holds the newest content the server compiled for it."""

    REVOKED = "revoked"
    UP_TO_DATE = "up_to_date"
    #: Online and fetching the newest version.
    UPDATING = "updating"
    #: Offline with older content: it gets the newest when it comes back.
    BEHIND = "behind"
    #: It never said it holds any content.
    NONE = "none"


FRESHNESS_LABELS = {
    Freshness.REVOKED: N_("token revoked"),
    Freshness.UP_TO_DATE: N_("up to date"),
    Freshness.UPDATING: N_("updating…"),
    Freshness.BEHIND: N_("not up to date: updates when back online"),
    Freshness.NONE: N_("no content received yet"),
}


def is_online(screen: Screen, now: dt.datetime) -> bool:
    return bool(screen.online and screen.last_seen_at and now - screen.last_seen_at < ONLINE_WITHIN)


def online_condition(now: dt.datetime) -> sa.ColumnElement[bool]:
    """Return :func:`is_online` as an SQL condition on :class:`Screen` (for lists)."""
    return sa.and_(
        Screen.online.is_(True),
        Screen.last_seen_at.is_not(None),
        Screen.last_seen_at > now - ONLINE_WITHIN,
    )


def up_to_date_condition() -> sa.ColumnElement[bool]:
    """SQL form of the wall's "up to date": the screen acknowledged its current manifest."""
    return sa.and_(Screen.acked_version != "", Screen.acked_version == Screen.manifest_version)


def presence(online: bool, last_seen_at: dt.datetime | None) -> Presence:
    if online:
        return Presence.ONLINE
    return Presence.OFFLINE if last_seen_at is not None else Presence.NEVER


def freshness(revoked: bool, online: bool, acked_version: str, manifest_version: str) -> Freshness:
    if revoked:
        return Freshness.REVOKED
    if not acked_version:
        return Freshness.NONE
    if acked_version == manifest_version:
        return Freshness.UP_TO_DATE
    return Freshness.UPDATING if online else Freshness.BEHIND


def presence_of(screen: Screen, now: dt.datetime) -> Presence:
    return presence(is_online(screen, now), screen.last_seen_at)


def freshness_of(screen: Screen, now: dt.datetime) -> Freshness:
    return freshness(
        screen.revoked_at is not None,
        is_online(screen, now),
        screen.acked_version,
        screen.manifest_version,
    )


def live_titles(session: Session, item_ids: Iterable[int]) -> dict[int, str]:
    """Return the title of the published (or last published) revision of each item: what a
    screen showing it shows."""
    ids = {i for i in item_ids if i}
    if not ids:
        return {}
    rows = session.execute(
        sa.select(Item.id, Revision.title)
        .join(Revision, sa.and_(Revision.item_id == Item.id, Revision.number == Item.live_number))
        .where(Item.id.in_(ids))
    )
    return {item_id: title for item_id, title in rows}


def revision_titles(
    session: Session, revisions: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], str]:
    """Return the titles of item revisions (what proof of play names)."""
    wanted = set(revisions)
    if not wanted:
        return {}
    rows = session.execute(
        sa.select(Revision.item_id, Revision.number, Revision.title).where(
            Revision.item_id.in_({item for item, _number in wanted})
        )
    )
    return {(item, number): title for item, number, title in rows if (item, number) in wanted}


def current_title(screen: Screen) -> str | None:
    """Return the title of the item ``screen`` shows (or last showed), if it said."""
    session = object_session(screen)
    if screen.current_item_id is None or session is None:
        return None
    return live_titles(session, [screen.current_item_id]).get(screen.current_item_id)


def screen_json(
    screen: Screen, now: dt.datetime, titles: dict[int, str] | None = None
) -> dict[str, Any]:
    """Return what the screen wall shows of a screen (``titles``: the items' titles, when the
    caller looked them up for many screens at once)."""
    return {
        "id": screen.id,
        "name": screen.name,
        "org": screen.org.code,
        "online": is_online(screen, now),
        # ``online`` | ``offline`` (since ``last_seen_at``) | ``never`` (connected).
        "presence": presence_of(screen, now).value,
        "last_seen_at": screen.last_seen_at.isoformat() if screen.last_seen_at else None,
        "manifest_version": screen.manifest_version,
        "acked_version": screen.acked_version,
        "up_to_date": bool(screen.acked_version)
        and screen.acked_version == screen.manifest_version,
        "freshness": freshness_of(screen, now).value,
        "current_item": screen.current_item_id,
        # What it shows (online) or last showed (offline), by title.
        "current_title": (titles.get(screen.current_item_id) if screen.current_item_id else None)
        if titles is not None
        else current_title(screen),
        "revoked": screen.revoked_at is not None,
    }


@dataclass(frozen=True)
class ScreenOfItem:
    """A screen whose content names the item: it shows it in its rotation, or will."""

    screen: Screen
    presence: Presence
    freshness: Freshness
    #: The screen said it is showing this item right now (only meaningful online).
    on_now: bool


def screens_showing(
    session: Session, item: Item, now: dt.datetime, visible: sa.ColumnElement[bool]
) -> list[ScreenOfItem]:
    """Return the active screens, among the orgs matching ``visible``, whose compiled content
    (the next 48 hours) names ``item``: they show it or are due to show it. Online first."""
    live = item.live
    if live is None or live.state is not State.PUBLISHED:
        return []
    screens = list(
        session.scalars(
            sa.select(Screen)
            .join(Org, Screen.org_id == Org.id)
            .where(
                Screen.active.is_(True),
                Screen.manifest_version != "",
                within([item.org.path]),
                visible,
            )
            .options(selectinload(Screen.org))
            .order_by(Org.path, Screen.name)
        )
    )
    names: dict[str, bool] = {}
    for version in {s.manifest_version for s in screens}:
        manifest = session.get(Manifest, version)
        names[version] = manifest is not None and any(
            found == item.id for found, _revision in plays.windows(manifest.body)
        )
    out = [
        ScreenOfItem(
            screen=s,
            presence=presence_of(s, now),
            freshness=freshness_of(s, now),
            on_now=s.current_item_id == item.id and is_online(s, now),
        )
        for s in screens
        if names.get(s.manifest_version)
    ]
    return sorted(out, key=lambda s: s.presence is not Presence.ONLINE)
