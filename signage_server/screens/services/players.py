"""What players do and report: connecting and disconnecting, acknowledging a manifest, what
they show, and proof of play. The socket edge (``realtime.events``) calls the use cases at the
end; the operators watching the screen wall are told of each change once it is committed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from signage_server import services as registry
from signage_server.config import Settings
from signage_server.db import in_batches
from signage_server.fleet.power import reports as power_services
from signage_server.screens import manifests
from signage_server.screens import plays
from signage_server.screens.context import current_context
from signage_server.screens.interfaces import NOTIFIER
from signage_server.screens.models import Manifest
from signage_server.screens.models import PlayRecord
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenConnection
from signage_server.screens.models import ScreenManifestLog
from signage_server.screens.services.push import news_of
from signage_server.screens.services.push import wall_news
from signage_server.screens.services.tokens import refused
from signage_server.screens.services.tokens import token_holder
from signage_server.unit_of_work import committed


def seen(screen: Screen, now: dt.datetime, address: str | None = None) -> None:
    screen.online = True
    screen.last_seen_at = now
    if address:
        screen.player_address = address[:64]


def connected(session: Session, screen: Screen, sid: str, now: dt.datetime, address: str) -> None:
    seen(screen, now, address)
    session.merge(ScreenConnection(sid=sid, screen_id=screen.id))
    session.flush()


def disconnected(session: Session, sid: str, now: dt.datetime) -> Screen | None:
    connection = session.get(ScreenConnection, sid)
    if connection is None:
        return None
    screen = session.get(Screen, connection.screen_id)
    session.delete(connection)
    session.flush()
    if screen is not None:
        others = session.scalar(
            sa.select(sa.func.count())
            .select_from(ScreenConnection)
            .where(ScreenConnection.screen_id == screen.id)
        )
        screen.online = bool(others)
        screen.last_seen_at = now
    return screen


def _manifest_items(session: Session, *versions: str) -> set[int]:
    items: set[int] = set()
    for version in {v for v in versions if v}:
        manifest = session.get(Manifest, version)
        if manifest is not None:
            items |= {item for item, _revision in plays.windows(manifest.body)}
    return items


def report_status(
    session: Session, screen: Screen, status: dict[str, Any], now: dt.datetime
) -> None:
    """Store what the player says it shows; an item of none of its manifests is not believed."""
    # 定时开关屏: on, off by schedule, or woken by an urgent item.
    power_services.record_report(session, screen, status.get("power"), now)
    item = status.get("current_item")
    shown = isinstance(item, int) and not isinstance(item, bool) and 0 < item <= plays.ID_MAX
    screen.current_item_id = (
        item
        if shown and item in _manifest_items(session, screen.manifest_version, screen.acked_version)
        else None
    )
    uptime = status.get("uptime_s")
    if isinstance(uptime, int | float) and 0 <= uptime < 10**9:
        screen.uptime_s = int(uptime)
    version = status.get("version")
    if isinstance(version, str) and len(version) <= 64:
        screen.acked_version = version or screen.acked_version
    player_version = status.get("player_version")
    if isinstance(player_version, str) and 0 < len(player_version) <= 64:
        screen.player_version = player_version
    seen(screen, now)


#: Proof-of-play records looked at in one batch; more are refused (the player batches by 50).
PLAYED_BATCH_MAX = 500


@dataclass(frozen=True)
class PlayedReport:
    """What became of a batch of proof of play (sent back to the player)."""

    #: Stored now.
    accepted: int = 0
    #: Stored before (a batch sent again): nothing to do.
    duplicates: int = 0
    #: Refused for good: malformed, out of bounds, or not in a manifest the screen held.
    rejected: int = 0
    #: Not looked at: over the screen's rate; send them again later.
    deferred: int = 0

    def json(self) -> dict[str, int]:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "deferred": self.deferred,
        }


def holdings(
    session: Session, screen: Screen, first: dt.datetime, last: dt.datetime
) -> list[plays.Holding]:
    """The manifests the screen may have held between ``first`` and ``last`` (what proof of play
    and a snapshot's item are checked against)."""
    rows = session.execute(
        sa.select(
            ScreenManifestLog.version, ScreenManifestLog.sent_at, ScreenManifestLog.acked_at
        ).where(ScreenManifestLog.screen_id == screen.id)
    ).all()
    held = []
    for span in plays.spans(plays.Sent(*row) for row in rows):
        if plays.overlaps(span, first, last):
            manifest = session.get(Manifest, span[0].version)
            if manifest is not None:
                held.append(plays.holding(span, manifest.body))
    return held


def _first_manifest(session: Session, screen: Screen) -> dt.datetime | None:
    return session.scalar(
        sa.select(sa.func.min(ScreenManifestLog.sent_at)).where(
            ScreenManifestLog.screen_id == screen.id
        )
    )


def record_played(
    session: Session, screen: Screen, records: Any, now: dt.datetime, *, per_minute: int
) -> PlayedReport:
    """Store the proof of play a screen may claim; say what became of each record.

    A record is stored only when well formed and bounded (:func:`plays.parse`) and when a
    manifest the screen held at its start named that item revision (:func:`plays.was_held`).
    At most :data:`PLAYED_BATCH_MAX` records are looked at per batch and ``per_minute`` stored
    per screen and minute (by the application clock); the rest are deferred.
    """
    if not isinstance(records, list):
        return PlayedReport(rejected=1)
    batch = records[:PLAYED_BATCH_MAX]
    rejected = len(records) - len(batch)
    recent = session.scalar(
        sa.select(sa.func.count())
        .select_from(PlayRecord)
        .where(
            PlayRecord.screen_id == screen.id,
            PlayRecord.received_at > now - dt.timedelta(minutes=1),
        )
    )
    budget = max(0, per_minute - int(recent or 0))
    earliest = _first_manifest(session, screen)
    parsed = [plays.parse(record, now, earliest) for record in batch]
    valid = [p for p in parsed if p is not None]
    rejected += len(parsed) - len(valid)
    moments = [p.started_at for p in valid]
    held = holdings(session, screen, min(moments), max(moments)) if valid else []
    accepted = duplicates = deferred = 0
    seen_keys: set[tuple[int, int, dt.datetime]] = set()
    for play in valid:
        key = (play.item, play.revision, play.started_at)
        if not plays.was_held(play, held):
            rejected += 1
            continue
        if key in seen_keys or session.scalar(
            sa.select(PlayRecord.id).where(
                PlayRecord.screen_id == screen.id,
                PlayRecord.item_id == play.item,
                PlayRecord.revision == play.revision,
                PlayRecord.started_at == play.started_at,
            )
        ):
            duplicates += 1
            continue
        if accepted >= budget:
            deferred += 1
            continue
        seen_keys.add(key)
        session.add(
            PlayRecord(
                screen_id=screen.id,
                item_id=play.item,
                revision=play.revision,
                started_at=play.started_at,
                duration_s=play.duration_s,
                received_at=now,
            )
        )
        accepted += 1
    seen(screen, now)
    session.flush()
    return PlayedReport(accepted, duplicates, rejected, deferred)


# --- use cases --------------------------------------------------------------------------

#: What a connection remembers of its screen: its id and the hash of the token it connected
#: with (a replaced or revoked token ends the connection).
Identity = Sequence[Any]


def tell_operators(session: Session, screens: Sequence[Screen]) -> None:
    """Tell the operators watching the screens' organisations about their new state (one
    message per group of rooms, however many screens: :meth:`Notifier.screens_changed`)."""
    if screens:
        registry.get(NOTIFIER).screens_changed(news_of(session, screens, registry.now()))


def _holds(screen: Screen | None, known: Identity | None) -> bool:
    """Whether ``screen`` is still the one a connection identified as ``known`` (its token was
    neither revoked nor replaced since, it is active)."""
    return (
        screen is not None
        and _screen_id(known) == screen.id
        and known is not None
        and bool(screen.token_hash)
        and screen.token_hash == known[1]
        and screen.active
    )


def _reporting(session: Session, known: Identity | None) -> Screen:
    """Return the connected screen, unless its token was revoked or replaced since.

    :raise Unauthorized: ``unauthorized``.
    """
    screen_id = _screen_id(known)
    screen = session.get(Screen, screen_id) if screen_id is not None else None
    if screen is None or not _holds(screen, known):
        raise refused()
    return screen


#: The connected screen (for other packages' socket use cases: ``fleet.commands``).
reporting_screen = _reporting


def _reporting_many(session: Session, reports: Sequence[Report]) -> dict[int, Screen]:
    """Return the screens of ``reports`` whose connection still holds them, by id (one
    query for all)."""
    ids = {i for i in (_screen_id(r.known) for r in reports) if i is not None}
    if not ids:
        return {}
    screens = session.scalars(
        sa.select(Screen).where(Screen.id.in_(ids)).options(selectinload(Screen.org))
    )
    return {screen.id: screen for screen in screens}


@dataclass(frozen=True)
class Report:
    """One event a connected player sent (``ack`` or ``status``), taken in a batch."""

    #: The connection it came on (closed when its screen's token no longer holds).
    sid: str
    #: What the connection knows of its screen (:data:`Identity`).
    known: Identity | None
    #: The event's data, as sent.
    data: Any
    #: When it arrived (the application clock).
    at: dt.datetime


@dataclass(frozen=True)
class Connection:
    """A player that connected: its screen, who it is (for its next events), its manifest."""

    screen: Screen
    identity: list[Any]
    manifest: dict[str, Any]


def connect_player(
    token: str | None, sid: str, address: str, *, identified: Callable[[int], None]
) -> Connection:
    """A player connects with ``token`` on connection ``sid``: record it, return its manifest.
    (The edge tells the screen wall, with the news of other screens: :func:`tell_operators_of`.)

    :param identified: called with the screen's id once the token is known, before anything
        is committed: the socket edge joins the screen's room there, so that the player misses
        no manifest pushed after the one it is given here.
    :raise Unauthorized: ``unauthorized``: a bad, revoked or replaced token.
    """
    with committed() as session:
        screen = token_holder(session, token)
        identified(screen.id)
        now = registry.now()
        connected(session, screen, sid, now, address)
        manifest = manifests.current(session, screen, current_context(now))
    return Connection(screen, [screen.id, screen.token_hash], manifest)


def disconnect_player(sid: str) -> int | None:
    """The connection ``sid`` closed: the screen is offline unless connected elsewhere.
    Return the screen's id (None: the connection was not known)."""
    with committed() as session:
        screen = disconnected(session, sid, registry.now())
    return screen.id if screen is not None else None


def tell_operators_of(screen_ids: Sequence[int]) -> list[str]:
    """Tell the operators watching these screens (those that connected or went away) about
    their state now, all in one go (:func:`wall_news`); refuse no connection."""
    news = wall_news(sorted(set(screen_ids)), registry.now())
    if news:
        registry.get(NOTIFIER).screens_changed(news)
    return []


def acknowledge_manifests(reports: Sequence[Report]) -> list[str]:
    """Players say they hold manifest ``{version}`` now (anything else is ignored): all of
    ``reports`` in one transaction, the operators told once. Return the connections whose
    screen's token was revoked or replaced (to be closed)."""
    return _reported(reports, _acknowledge_all)


def status_reported_many(reports: Sequence[Report]) -> list[str]:
    """Players say what they show (:func:`report_status`; anything but an object is
    ignored): all of ``reports`` in one transaction, the operators told once. Return the
    connections whose screen's token was revoked or replaced (to be closed)."""
    return _reported(reports, _report_all)


def _reported(
    reports: Sequence[Report],
    store: Callable[[Session, list[tuple[Screen, Report]]], None],
) -> list[str]:
    refused_sids: list[str] = []
    with committed() as session:
        screens = _reporting_many(session, reports)
        valid: list[tuple[Screen, Report]] = []
        for report in reports:
            screen = screens.get(_screen_id(report.known) or 0)
            if screen is None or not _holds(screen, report.known):
                refused_sids.append(report.sid)
            elif isinstance(report.data, dict):
                valid.append((screen, report))
        store(session, valid)
        _offline_if_gone(session, valid)
    tell_operators(session, list({screen.id: screen for screen, _report in valid}.values()))
    return refused_sids


def _offline_if_gone(session: Session, valid: list[tuple[Screen, Report]]) -> None:
    """A report waits up to a second in its batch (``realtime.batching``): when its connection
    closed meanwhile, storing it must not bring its screen back on line (the wall would say
    "online" for a box that is gone, until it goes stale)."""
    sids = {report.sid for _screen, report in valid}
    if not sids:
        return
    live = set(
        session.scalars(sa.select(ScreenConnection.sid).where(ScreenConnection.sid.in_(sids)))
    )
    gone = {screen.id: screen for screen, report in valid if report.sid not in live}
    if not gone:
        return
    connected = set(
        session.scalars(
            sa.select(ScreenConnection.screen_id).where(ScreenConnection.screen_id.in_(gone))
        )
    )
    for screen_id, screen in gone.items():
        if screen_id not in connected:
            screen.online = False


def _screen_id(known: Identity | None) -> int | None:
    """The screen id a connection's identity names, if it is well formed."""
    if isinstance(known, list | tuple) and len(known) == 2 and isinstance(known[0], int):
        return known[0]
    return None


def _acknowledge_all(session: Session, valid: list[tuple[Screen, Report]]) -> None:
    acked: dict[tuple[int, str], dt.datetime] = {}
    for screen, report in valid:
        version = report.data.get("version", "")
        if isinstance(version, str) and 0 < len(version) <= 64:
            screen.acked_version = version
            acked.setdefault((screen.id, version), report.at)
        seen(screen, report.at)
    _mark_acked(session, acked)


def _mark_acked(session: Session, acked: dict[tuple[int, str], dt.datetime]) -> None:
    """Note when each screen acknowledged each version: on the newest sending of that version
    to that screen, unless noted before. One statement per version (and batch of screens),
    at the last acknowledgement of that version in the batch (they came within a second):
    row by row, 10,000 acknowledgements after a push took seconds of the event loop while
    the push was still going out."""
    by_version: dict[str, list[int]] = defaultdict(list)
    latest: dict[str, dt.datetime] = {}
    for (screen_id, version), at in acked.items():
        by_version[version].append(screen_id)
        latest[version] = max(at, latest.get(version, at))
    log = ScreenManifestLog
    for version, screen_ids in by_version.items():
        for _batch, among in in_batches(session, log.screen_id, screen_ids):
            newest = (
                sa.select(sa.func.max(log.id))
                .where(log.version == version, among)
                .group_by(log.screen_id)
                .scalar_subquery()
            )
            session.execute(
                sa.update(log)
                .where(log.acked_at.is_(None), log.id.in_(newest))
                .values(acked_at=latest[version])
                .execution_options(synchronize_session=False)
            )


def _report_all(session: Session, valid: list[tuple[Screen, Report]]) -> None:
    for screen, report in valid:
        report_status(session, screen, report.data, report.at)


def played_reported(known: Identity | None, records: Any) -> PlayedReport:
    """Store the connected player's proof of play (:func:`record_played`).

    :raise Unauthorized: the screen's token was revoked or replaced.
    """
    with committed() as session:
        screen = _reporting(session, known)
        return record_played(
            session,
            screen,
            records,
            registry.now(),
            per_minute=registry.get(Settings).played_per_minute,
        )


def blanked_reported(known: Identity | None, periods: Any) -> dict[str, int]:
    """Store the connected player's blank periods (定时开关屏,
    :func:`signage_server.fleet.power.services.record_blanked`).

    :raise Unauthorized: the screen's token was revoked or replaced.
    """
    with committed() as session:
        screen = _reporting(session, known)
        return power_services.record_blanked(session, screen, periods, registry.now())


def player_manifest(token: str | None, address: str) -> dict[str, Any]:
    """Return the manifest of the screen holding ``token`` (the player's HTTP backstop).

    :raise Unauthorized: ``unauthorized``: a bad, revoked or replaced token.
    """
    with committed() as session:
        screen = token_holder(session, token)
        now = registry.now()
        body = manifests.current(session, screen, current_context(now))
        seen(screen, now, address)
    return body
