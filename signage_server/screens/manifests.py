"""Compile what each screen must show over the next days (DESIGN.md §4, docs/player-protocol.md).

Screens that share organisation, audience, layout, time zone and playlists get the same
manifest: it is compiled once per such group, stored once (by version) and may be sent in one
message. Everything a screen may show goes through ``screens.rules.eligible``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import zoneinfo
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from content.bodies import body_assets
from content.bodies import body_text
from content.bodies import parse_body
from content.languages import presented
from signage_server.assets.models import Asset
from signage_server.audit.rules import canonical_json
from signage_server.audit.services import head
from signage_server.db import in_batches
from signage_server.disclosure import notices
from signage_server.disclosure import viewing
from signage_server.disclosure import windows
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import State
from signage_server.disclosure.services import broken_seals
from signage_server.feedback.codes import form_url
from signage_server.feedback.codes import make
from signage_server.fleet.power import schedules as power_services
from signage_server.matters.services import screen_paths
from signage_server.orgs.models import Org
from signage_server.orgs.rules import path_ids
from signage_server.schedule import rules as schedule
from signage_server.schedule.models import Playlist
from signage_server.schedule.models import playlist_groups
from signage_server.schedule.models import playlist_screens
from signage_server.screens import aloud
from signage_server.screens.models import Manifest
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenManifestLog
from signage_server.screens.models import screen_group_members
from signage_server.screens.rules import Audience
from signage_server.screens.rules import ItemFacts
from signage_server.screens.rules import ScreenFacts
from signage_server.screens.rules import layouts_reached
from signage_server.screens.rules import may_show
from signage_server.screens.rules import window

logger = logging.getLogger(__name__)

#: Days of schedule a manifest carries, from the start of today in the screen's zone: at any
#: time at least 48 hours ahead.
HORIZON_DAYS = 3
TICKER_CHARS = 140
DEFAULT_SECONDS = {"text": 15, "table": 15, "image": 12, "pdf": 15}
#: Ids per ``IN (...)`` of the batched loads (below every database's parameter limit).
BATCH = 500


@dataclass(frozen=True)
class Context:
    """What compiling needs from outside."""

    now: dt.datetime
    public_url: str
    code_key: bytes
    category_labels: dict[str, str]
    asset_url: Callable[[str], str]
    #: The installation's time zone, where notice periods are counted (the notice rule is
    #: the same for every screen, whatever time zone a screen displays in).
    tz: dt.tzinfo


def horizon(now: dt.datetime, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """Return the manifest's span: from today's midnight in ``tz`` for :data:`HORIZON_DAYS`.

    Starting at midnight keeps the version unchanged all day unless something real changes.
    """
    start = dt.datetime.combine(now.astimezone(tz).date(), dt.time(), tz)
    return start, start + dt.timedelta(days=HORIZON_DAYS)


def _playlist_ids(session: Session, screen: Screen | ScreenRow) -> list[int]:
    return playlist_ids_of(session, [screen.id])[screen.id]


def playlist_ids_of(session: Session, screen_ids: Iterable[int]) -> dict[int, list[int]]:
    """Return the active playlists of each screen (directly or through its groups), by
    screen id: three queries, whatever the number of screens."""
    ids = sorted(set(screen_ids))
    found: dict[int, set[int]] = {screen_id: set() for screen_id in ids}
    for _batch, among in in_batches(session, playlist_screens.c.screen_id, ids):
        direct = sa.select(playlist_screens.c.screen_id, playlist_screens.c.playlist_id).where(
            among
        )
        for screen_id, playlist_id in session.execute(direct):
            found[screen_id].add(playlist_id)
    for _batch, among in in_batches(session, screen_group_members.c.screen_id, ids):
        grouped = (
            sa.select(screen_group_members.c.screen_id, playlist_groups.c.playlist_id)
            .join(
                screen_group_members,
                screen_group_members.c.group_id == playlist_groups.c.group_id,
            )
            .where(among)
        )
        for screen_id, playlist_id in session.execute(grouped):
            found[screen_id].add(playlist_id)
    wanted = sorted(set().union(*found.values()))
    active: set[int] = set()
    for start in range(0, len(wanted), BATCH):
        active.update(
            session.scalars(
                sa.select(Playlist.id).where(
                    Playlist.id.in_(wanted[start : start + BATCH]), Playlist.active.is_(True)
                )
            )
        )
    return {screen_id: sorted(found[screen_id] & active) for screen_id in ids}


def group_key(
    session: Session,
    screen: Screen | ScreenRow,
    playlist_ids: list[int] | None = None,
    power: dict[int, power_services.Effective] | None = None,
) -> tuple[Any, ...]:
    """Return what decides a screen's manifest: screens with equal keys get equal manifests.

    ``playlist_ids``: the screen's active playlists, when already loaded
    (:func:`playlist_ids_of`); ``power``: the power schedules of the screens, when loaded."""
    if playlist_ids is None:
        playlist_ids = _playlist_ids(session, screen)
    if power is None:
        power = power_services.effective_by_screen(session, [screen.id])
    effective = power.get(screen.id)
    return (
        # The power schedule it follows (定时开关屏), if any.
        canonical_json(effective.schedule.json()) if effective else None,
        screen.org_id,
        screen.audience.value,
        screen.layout,
        screen.timezone,
        tuple(playlist_ids),
        screen.read_aloud_times,
        screen.read_aloud_key,
    )


def item_facts(
    revision: Revision, org: Org, protected_until: dt.datetime | None = None
) -> ItemFacts:
    return viewing.facts_of(revision, org, protected_until)


class Protection(viewing.Protection):
    """Notices' protection for one compilation (the notice rule through
    ``disclosure.viewing``), with the rotation candidate of a revision."""

    def candidate(
        self, revision: Revision, item: Item, now: dt.datetime
    ) -> tuple[dt.datetime | None, schedule.Candidate]:
        """Return the revision's end on screens (never before its protection) and candidate."""
        until = self.until(revision)
        shown = self.window(revision)
        return shown.end, schedule.Candidate(
            item_id=item.id,
            category=revision.category.value,
            major=revision.major,
            start=shown.start,
            end=shown.end,
            duration_s=_duration(revision.body),
            sort_key=(-(revision.published_at or now).timestamp(),),
            kept=revision.major or until is not None,
            kept_until=None if revision.major else until,
        )


def _iso(moment: dt.datetime | None, tz: dt.tzinfo) -> str | None:
    return moment.astimezone(tz).isoformat() if moment is not None else None


def _duration(body: dict[str, Any]) -> int:
    return DEFAULT_SECONDS.get(str(body.get("type")), schedule.DEFAULT_DURATION)


def published_above(
    session: Session, screen: Screen, *where: sa.ColumnElement[bool]
) -> list[tuple[Revision, Item, Org]]:
    """Return the published revisions of the screen's organisation and those above it (with
    their item and org): what the eligibility rule then decides on. Only narrows the search."""
    return _published_of(session, path_ids(screen.org_path), *where)


class Loaded:
    """What compiling the manifests of many screens needs, loaded once for all of them
    (:func:`refresh`): their playlists, the published revisions of every organisation on
    their paths, the broken seals among those, the notices' protection and the assets the
    revisions show. The queries do not grow with the number of screens."""

    def __init__(
        self, session: Session, screens: Sequence[Screen | ScreenRow], notice_tz: dt.tzinfo
    ) -> None:
        self.playlist_ids = playlist_ids_of(session, [screen.id for screen in screens])
        #: The power schedule each screen follows (定时开关屏).
        self.power = power_services.effective_by_screen(session, [s.id for s in screens])
        playlist_ids = sorted(set().union(*map(set, self.playlist_ids.values())))
        self.playlists: dict[int, Playlist] = {}
        for start in range(0, len(playlist_ids), BATCH):
            self.playlists.update(
                (playlist.id, playlist)
                for playlist in session.scalars(
                    sa.select(Playlist)
                    .where(Playlist.id.in_(playlist_ids[start : start + BATCH]))
                    .options(selectinload(Playlist.entries))
                )
            )
        org_ids = sorted({i for screen in screens for i in path_ids(screen.org_path)})
        self.published: dict[int, list[tuple[Revision, Item, Org]]] = defaultdict(list)
        for start in range(0, len(org_ids), BATCH):
            for revision, item, org in _published_of(session, org_ids[start : start + BATCH]):
                self.published[item.org_id].append((revision, item, org))
        revisions = [revision for rows in self.published.values() for revision, _i, _o in rows]
        self.broken = {revision.id for revision in broken_seals(session, revisions)}
        self.protection = Protection(session, notice_tz)
        #: The 四议两公开 path of the items that disclose a major matter.
        self.paths = screen_paths(session, sorted({r.item_id for r in revisions}))
        shas = sorted(
            {sha for revision in revisions for sha in body_assets(parse_body(revision.body))}
        )
        # Into the session's identity map: ``_item_json`` then finds them without a query.
        for start in range(0, len(shas), BATCH):
            list(
                session.scalars(
                    sa.select(Asset).where(Asset.sha256.in_(shas[start : start + BATCH]))
                )
            )

    def published_above(self, screen: Screen) -> list[tuple[Revision, Item, Org]]:
        """:func:`published_above` of ``screen``, from what is loaded (by revision id)."""
        rows = [row for org_id in path_ids(screen.org_path) for row in self.published[org_id]]
        return sorted(rows, key=lambda row: row[0].id)


def _published_of(
    session: Session, org_ids: list[int], *where: sa.ColumnElement[bool]
) -> list[tuple[Revision, Item, Org]]:
    """Return the published revisions of the active organisations ``org_ids`` (with their
    item and org), by id: the one query of what screens may consider."""
    rows = session.execute(
        sa.select(Revision, Item, Org)
        .join(Item, Revision.item_id == Item.id)
        .join(Org, Item.org_id == Org.id)
        .where(
            Revision.state == State.PUBLISHED,
            Item.org_id.in_(org_ids),
            Org.active.is_(True),
            *where,
        )
        .order_by(Revision.id)
        # The seal check reads each revision's catalog entry.
        .options(selectinload(Revision.catalog_entry))
    ).all()
    return [(revision, item, org) for revision, item, org in rows]


@dataclass
class Shown:
    """What a screen may show over a span, as the manifest compiler and previews see it."""

    #: Published revisions the screen may show (with item and org), seals checked.
    chosen: list[tuple[Revision, Item, Org]]
    #: The rotation candidates of ``chosen``.
    candidates: list[schedule.Candidate]
    #: Each item's end on screens (never before a notice's protection).
    ends_of: dict[int, dt.datetime | None]
    #: Items whose revision fails its seal, shown as the last stored manifest had them.
    kept: Kept


def shown_on(
    session: Session,
    screen: Screen,
    now: dt.datetime,
    end: dt.datetime,
    notice_tz: dt.tzinfo,
    loaded: Loaded | None = None,
) -> Shown:
    """Return what ``screen`` may show from ``now`` until ``end``: the one eligibility rule
    decides, revisions that fail their seal are left out (or kept as last sent). Notices'
    protection is counted in ``notice_tz``, the installation's time zone (the one notice rule,
    whatever zone the screen displays in). ``loaded``: what :func:`refresh` loaded for many
    screens at once (else it is queried for this one)."""
    facts = ScreenFacts(audience=screen.audience, org_path=screen.org_path)
    if loaded is None:
        rows = published_above(session, screen)
        protection = Protection(session, notice_tz)
    else:
        rows = loaded.published_above(screen)
        protection = loaded.protection
    chosen: list[tuple[Revision, Item, Org]] = []
    candidates: list[schedule.Candidate] = []
    ends_of: dict[int, dt.datetime | None] = {}
    for revision, item, org in rows:
        ends, candidate = protection.candidate(revision, item, now)
        seen = item_facts(revision, org, protection.until(revision))
        # The one eligibility function decides; the query only narrowed the search.
        if not may_show(seen, facts) or not window(seen).overlaps(now, end):
            continue
        chosen.append((revision, item, org))
        candidates.append(candidate)
        ends_of[item.id] = ends

    chosen, kept = _sealed_only(session, screen, chosen, loaded.broken if loaded else None)
    shown = {item.id for _revision, item, _org in chosen}
    candidates = [candidate for candidate in candidates if candidate.item_id in shown]
    return Shown(chosen, candidates, ends_of, kept)


def playlist_rule(playlist: Playlist) -> schedule.PlaylistRule:
    """Return the pure rule of a stored playlist."""
    return schedule.PlaylistRule(
        id=playlist.id,
        priority=playlist.priority,
        entries=tuple(
            schedule.Entry(e.item_id, e.category, e.duration_s) for e in playlist.entries
        ),
        date_from=playlist.date_from,
        date_until=playlist.date_until,
        dayparts=tuple(schedule.parse_daypart(d) for d in playlist.dayparts),
    )


def playlists_of(session: Session, screen: Screen) -> list[Playlist]:
    """Return the active playlists that apply to ``screen`` (directly or through groups)."""
    return list(
        session.scalars(
            sa.select(Playlist)
            .where(Playlist.id.in_(_playlist_ids(session, screen)))
            .options(selectinload(Playlist.entries))
        )
    )


def compile_for(
    session: Session, screen: Screen, context: Context, loaded: Loaded | None = None
) -> dict[str, Any]:
    """Return the manifest of ``screen`` (with its version) at ``context.now`` (``loaded``:
    what :func:`refresh` loaded for many screens at once)."""
    tz = zoneinfo.ZoneInfo(screen.timezone)
    start, end = horizon(context.now, tz)
    shown = shown_on(session, screen, context.now, end, context.tz, loaded)
    chosen, candidates, ends_of, kept = shown.chosen, shown.candidates, shown.ends_of, shown.kept
    if loaded is None:
        stored = playlists_of(session, screen)
    else:
        stored = [loaded.playlists[i] for i in loaded.playlist_ids[screen.id]]
    playlists = [playlist_rule(p) for p in stored]
    segments = schedule.build_schedule(start, end, playlists, candidates, tz)
    used = {slot.item for segment in segments for slot in segment.sequence}

    paths = (
        loaded.paths
        if loaded is not None
        else screen_paths(session, sorted(item.id for _r, item, _o in chosen))
    )
    items = []
    ticker = []
    for revision, item, org in sorted(chosen, key=lambda row: row[1].id):
        if item.id not in used and not revision.urgent:
            continue
        if item.id in kept:
            # Its revision no longer matches its seal: the screen keeps the last good version.
            entry, line = kept[item.id]
            items.append(entry)
            if line is not None:
                ticker.append(line)
            continue
        entry = _item_json(revision, item.id, org, tz, context, session, ends_of[item.id])
        if item.id in paths:
            # A major matter's 四议两公开 (only then: other entries stay as they were).
            entry["path"] = paths[item.id]
        items.append(entry)
        if revision.urgent:
            ticker.append(_ticker_entry(revision, item.id, entry))
    manifest: dict[str, Any] = {
        "layout": screen.layout,
        "org": {"code": screen.org.code, "name": screen.org.name},
        "horizon": {"from": _iso(start, tz), "until": _iso(end, tz)},
        "items": items,
        "schedule": [
            {
                "from": _iso(segment.start, tz),
                "until": _iso(segment.end, tz),
                "sequence": [
                    {"item": s.item, "duration_s": s.duration_s} for s in segment.sequence
                ],
            }
            for segment in segments
        ],
        "ticker": ticker,
    }
    if any("translation" in entry for entry in items):
        # How this screen shows bilingual items: side by side, or alternating pages.
        manifest["bilingual"] = screen.bilingual
    reading = read_aloud_json(screen.read_aloud_times, screen.read_aloud_key)
    if reading is not None:
        # Only when set: the manifests of the other screens keep their version.
        manifest["read_aloud"] = reading
    power = power_services.manifest_json(
        session,
        loaded.power.get(screen.id)
        if loaded is not None
        else power_services.effective_of(session, screen),
        context.now,
        tz,
    )
    if power is not None:
        # 定时开关屏, only when set (as read_aloud).
        manifest["power"] = power
    manifest["version"] = version_of(manifest)
    manifest["generated_at"] = context.now.astimezone(tz).isoformat()
    return manifest


def read_aloud_json(times: str, key: bool) -> dict[str, Any] | None:
    """Return when a screen reads the item on it aloud (``{"times": ["08:00", "18:00"],
    "key": true}``: times of day in its time zone, and whether a key of its box starts a
    reading), or ``None`` when it never does."""
    listed = aloud.times_of(times)
    if not listed and not key:
        return None
    return {"times": listed, "key": bool(key)}


def version_of(manifest: dict[str, Any]) -> str:
    """Return the hash of a manifest's content (not of when it was generated, nor of the
    audit head it is sent with)."""
    content = {k: v for k, v in manifest.items() if k not in UNVERSIONED}
    return hashlib.sha256(canonical_json(content)).hexdigest()


#: Keys of a sent manifest outside its version: the audit head changes at every audit record,
#: and screens must not be pushed a new manifest for that.
UNVERSIONED = ("version", "generated_at", "audit_head")


def with_audit_head(session: Session, manifest: dict[str, Any]) -> dict[str, Any]:
    """Return ``manifest`` as it is sent: with the audit chain's head (seq and hash) witnessed
    by every screen (DESIGN.md §2, tamper evidence)."""
    return {**manifest, "audit_head": head(session).json()}


Kept = dict[int, tuple[dict[str, Any], dict[str, Any] | None]]


def _sealed_only(
    session: Session,
    screen: Screen,
    chosen: list[tuple[Revision, Item, Org]],
    broken_ids: set[int] | None = None,
) -> tuple[list[tuple[Revision, Item, Org]], Kept]:
    """Leave out the revisions whose content, state or times do not match their seal in the
    audit chain (tampered in the database); return what stays, and for the items of those
    revisions the entry (and ticker line) of the screen's last stored manifest, when it shows
    the same revision. ``broken_ids``: the revisions already found broken among many (else
    the seals of ``chosen`` are checked now)."""
    if broken_ids is None:
        broken = broken_seals(session, [revision for revision, _item, _org in chosen])
    else:
        broken = [revision for revision, _item, _org in chosen if revision.id in broken_ids]
    if not broken:
        return chosen, {}
    stored = session.get(Manifest, screen.manifest_version) if screen.manifest_version else None
    previous = {entry["id"]: entry for entry in (stored.body["items"] if stored else [])}
    lines = {line["item"]: line for line in (stored.body.get("ticker", []) if stored else [])}
    kept: Kept = {}
    leave_out = set()
    for revision in broken:
        logger.error(
            "INTEGRITY ALARM: item %s revision %s does not match its seal in the audit chain"
            " (changed in the database); it is not presented",
            revision.item_id,
            revision.number,
        )
        old = previous.get(revision.item_id)
        if old is not None and old.get("revision") == revision.number:
            kept[revision.item_id] = (old, lines.get(revision.item_id))
        else:
            leave_out.add(revision.id)
    return [row for row in chosen if row[0].id not in leave_out], kept


def qr_url(context: Context, item_id: int, revision: int) -> str:
    """Return the feedback link of an item revision (the player appends ``?s=<screen code>``)."""
    return form_url(context.public_url, make(context.code_key, "r", item_id, revision))


def _ticker_line(title: str, body: dict[str, Any], separator: str = "：") -> str:
    text = " ".join(body_text(parse_body(body)).split())
    line = f"{title}{separator}{text}" if text else title
    return line if len(line) <= TICKER_CHARS else line[: TICKER_CHARS - 1] + "…"


def _ticker_text(revision: Revision) -> str:
    return _ticker_line(revision.title, revision.body)


def _ticker_entry(revision: Revision, item_id: int, entry: dict[str, Any]) -> dict[str, Any]:
    """Return the ticker line of an urgent item (``entry``: its manifest entry), with its
    second language's line when it has one."""
    line: dict[str, Any] = {
        "item": item_id,
        "revision": revision.number,
        "text": _ticker_text(revision),
        "valid_from": entry["valid_from"],
        "valid_until": entry["valid_until"],
    }
    second = entry.get("translation")
    if second is not None:
        keys = ("lang", "tag", "dir", "vertical", "font")
        line["translation"] = {**{k: second[k] for k in keys}, "text": second["ticker"]}
    return line


def _translation_json(revision: Revision) -> dict[str, Any] | None:
    """The second language's title and body of a bilingual item, with how to set them
    (direction, vertical, font) and its ticker line."""
    second = presented(revision.translation)
    if second is None:
        return None
    return {**second, "ticker": _ticker_line(second["title"], second["body"], ": ")}


def _item_json(
    revision: Revision,
    item_id: int,
    org: Org,
    tz: dt.tzinfo,
    context: Context,
    session: Session,
    ends: dt.datetime | None,
) -> dict[str, Any]:
    body = revision.body
    shas = body_assets(parse_body(body))
    assets = []
    for sha in shas:
        asset = session.get(Asset, sha)
        if asset is not None:
            assets.append({"sha256": sha, "url": context.asset_url(sha), "type": asset.mime})
    notice = None
    if revision.notice_kind is not None:
        notice = {"kind": revision.notice_kind.value, "until": _iso(ends, tz)}
    entry = {
        "id": item_id,
        "revision": revision.number,
        "title": revision.title,
        "org": org.code,
        "org_name": org.name,
        "category": revision.category.value,
        "category_label": context.category_labels.get(
            revision.category.value, revision.category.value
        ),
        "scope": revision.scope.value,
        "timing": revision.timing.value,
        "major": revision.major,
        "stage": revision.stage,
        "notice": notice,
        "urgent": revision.urgent,
        "duration_s": _duration(body),
        "valid_from": _iso(windows.starts(revision.valid_from, revision.published_at), tz),
        "valid_until": _iso(ends, tz),
        "published_at": _iso(revision.published_at, tz),
        "content_sha256": revision.content_sha256,
        "qr_url": qr_url(context, item_id, revision.number),
        "body": body,
        "assets": assets,
    }
    translation = _translation_json(revision)
    if translation is not None:
        # Both texts were sealed together; the screen's setting says how to show them.
        entry["translation"] = translation
    seal = revision.committee_seal
    if seal is not None:
        # Village affairs: the supervision committee's seal line (sealed in the audit chain,
        # so a revision whose seal was changed never gets here).
        entry["seal"] = {"name": seal.name, "at": _iso(seal.at, tz)}
    return entry


# --- the editor's preview of a draft -------------------------------------------------------


def layouts_for(session: Session, org: Org, scope: Scope) -> dict[str, int]:
    """Return, by layout, how many active screens would show an item of ``org`` with ``scope``
    once it is published (the eligibility rule over the screens of the org's subtree, which
    are the only ones whose manifests may take an item of ``org``)."""
    facts = ItemFacts(
        state=State.PUBLISHED,
        scope=scope,
        org_path=org.path,
        valid_from=None,
        valid_until=None,
        published_at=None,
        org_active=org.active,
    )
    screens = affected_screens(session, [org.id], [], everything=False)
    return layouts_reached(
        facts, ((s.layout, ScreenFacts(s.audience, s.org.path)) for s in screens)
    )


def draft_manifest(
    session: Session,
    revision: Revision,
    item_id: int,
    org: Org,
    layout: str,
    context: Context,
    tz: dt.tzinfo,
    bilingual: str = "side",
) -> dict[str, Any]:
    """Return the manifest of a screen of ``layout`` at ``org`` that shows ``revision`` alone:
    the editor's preview of an unsaved draft (``revision`` is not stored; ``item_id`` is 0 for
    a new item). Its entry and ticker line are made as :func:`compile_for` makes them, as if
    the revision were published at ``revision.published_at``; it shows from now on whatever
    its start, and has no schedule (the player then shows its only item)."""
    ends = Protection(session, context.tz).window(revision).end
    entry = {**_item_json(revision, item_id, org, tz, context, session, ends), "valid_from": None}
    ticker = [_ticker_entry(revision, item_id, entry)] if revision.urgent else []
    start, end = horizon(context.now, tz)
    manifest: dict[str, Any] = {
        "layout": layout,
        "org": {"code": org.code, "name": org.name},
        "horizon": {"from": _iso(start, tz), "until": _iso(end, tz)},
        "items": [entry],
        "schedule": [],
        "ticker": ticker,
    }
    if "translation" in entry:
        manifest["bilingual"] = bilingual
    manifest["version"] = version_of(manifest)
    manifest["generated_at"] = context.now.astimezone(tz).isoformat()
    return manifest


# --- refreshing the screens ----------------------------------------------------------------


class ScreenRow(NamedTuple):
    """What recompiling needs of a screen, read without making it an object: a push touches
    thousands of screens, and as ORM objects (with the garbage collections they bring) they
    cost the push more than its compiling (docs/benchmarks.md, "Push to screens")."""

    id: int
    org_id: int
    org_path: str
    audience: Audience
    layout: str
    timezone: str
    read_aloud_times: str
    read_aloud_key: bool
    manifest_version: str
    #: The version the player said it holds (the base of its next delta).
    acked_version: str | None


def _affected(
    session: Session,
    query: sa.Select[Any],
    orgs: Iterable[int],
    screens: Iterable[int],
    everything: bool,
) -> sa.Select[Any] | None:
    """Narrow ``query`` (of screens joined to their org) to the active screens touched."""
    query = query.where(Screen.active.is_(True))
    if everything:
        return query
    conditions = []
    org_ids = list(orgs)
    if org_ids:
        paths = list(session.scalars(sa.select(Org.path).where(Org.id.in_(org_ids))))
        conditions += [Org.path.like(path + "%") for path in paths]
    screen_ids = list(screens)
    if screen_ids:
        conditions.append(Screen.id.in_(screen_ids))
    if not conditions:
        return None
    return query.where(sa.or_(*conditions))


def affected_screens(
    session: Session, orgs: Iterable[int], screens: Iterable[int], everything: bool
) -> list[Screen]:
    """Return the active screens touched: in the subtrees of ``orgs``, or named, or all."""
    query = _affected(
        session, sa.select(Screen).join(Org, Screen.org_id == Org.id), orgs, screens, everything
    )
    if query is None:
        return []
    return list(session.scalars(query.options(selectinload(Screen.org))))


def affected_rows(
    session: Session, orgs: Iterable[int], screens: Iterable[int], everything: bool
) -> list[ScreenRow]:
    """:func:`affected_screens` as :class:`ScreenRow` (one query, no objects)."""
    columns: Any = sa.select(
        Screen.id,
        Screen.org_id,
        Org.path,
        Screen.audience,
        Screen.layout,
        Screen.timezone,
        Screen.read_aloud_times,
        Screen.read_aloud_key,
        Screen.manifest_version,
        Screen.acked_version,
    ).join(Org, Screen.org_id == Org.id)
    query = _affected(session, columns, orgs, screens, everything)
    if query is None:
        return []
    return [ScreenRow(*row) for row in session.execute(query.order_by(Screen.id))]


def refresh(
    session: Session, screens: Iterable[Screen | ScreenRow], context: Context
) -> dict[str, tuple[dict[str, Any], list[int]]]:
    """Recompile the manifests of ``screens`` (objects, or rows of :func:`affected_rows`);
    return what changed: version → (manifest, ids).

    Screens whose manifest did not change are left out. Identical inputs are compiled once
    (for rows, from one screen of each group loaded as an object).
    """
    screens = list(screens)
    if not screens:
        return {}
    loaded = Loaded(session, screens, context.tz)
    compiled: dict[tuple[Any, ...], dict[str, Any]] = {}
    changed: dict[str, tuple[dict[str, Any], list[int]]] = {}
    by_version: dict[str, list[int]] = defaultdict(list)
    keys = {
        screen.id: group_key(session, screen, loaded.playlist_ids[screen.id], loaded.power)
        for screen in screens
    }
    for screen in screens:
        key = keys[screen.id]
        if key not in compiled:
            one = screen if isinstance(screen, Screen) else session.get(Screen, screen.id)
            assert one is not None  # a row just read
            compiled[key] = compile_for(session, one, context, loaded)
    versions = sorted({manifest["version"] for manifest in compiled.values()})
    stored = stored_versions(session, versions)
    # Groups may compile to equal manifests (an audience that sees nothing more): one row each.
    new = {m["version"]: m for m in compiled.values() if m["version"] not in stored}
    store_manifests(session, list(new.values()))
    for screen in screens:
        manifest = compiled[keys[screen.id]]
        version = manifest["version"]
        if screen.manifest_version != version:
            if isinstance(screen, Screen):
                # Written below for all the screens at once (the object as if loaded).
                set_committed_value(screen, "manifest_version", version)
            by_version[version].append(screen.id)
            changed[version] = (manifest, by_version[version])
    session.flush()
    _write_versions(session, by_version, context.now)
    audit_head = head(session).json() if changed else None
    return {
        version: ({**manifest, "audit_head": audit_head}, ids)
        for version, (manifest, ids) in changed.items()
    }


#: A new version given to at least this many screens is written for them set-based.
SET_BASED_FROM = 50


def _write_versions(session: Session, by_version: dict[str, list[int]], now: dt.datetime) -> None:
    """Write each screen's new version and the log of what it holds from now on (its proof of
    play is checked against it).

    A version many screens get (a push to a township's villages) is written with two
    set-based statements per :func:`in_batches` of its screens: row by row, even as one
    ``executemany``, a push to 10,000 screens on PostgreSQL spent a second in 20,000 round
    trips of the driver's pipeline. The versions of a few screens each (a full refresh: 292
    versions for 1,003 screens) go together as rows, two statements in all.
    """
    screens_table: Any = Screen.__table__
    log_table: Any = ScreenManifestLog.__table__
    rows = [
        (screen_id, version)
        for version, ids in by_version.items()
        if len(ids) < SET_BASED_FROM
        for screen_id in ids
    ]
    if rows:
        session.execute(
            sa.update(screens_table)
            .where(screens_table.c.id == sa.bindparam("screen"))
            .values(manifest_version=sa.bindparam("version")),
            [{"screen": screen_id, "version": version} for screen_id, version in rows],
        )
        session.execute(
            sa.insert(log_table),
            [
                {"screen_id": screen_id, "version": version, "sent_at": now}
                for screen_id, version in rows
            ],
        )
    for version, ids in by_version.items():
        if len(ids) < SET_BASED_FROM:
            continue
        for _batch, among in in_batches(session, screens_table.c.id, ids):
            session.execute(sa.update(screens_table).where(among).values(manifest_version=version))
            session.execute(
                sa.insert(log_table).from_select(
                    ["screen_id", "version", "sent_at"],
                    sa.select(
                        screens_table.c.id,
                        sa.literal(version, sa.String(64)),
                        sa.literal(now, log_table.c.sent_at.type),
                    ).where(among),
                )
            )


def stored_versions(session: Session, versions: list[str]) -> set[str]:
    """Return which of ``versions`` are stored (as this session sees it)."""
    stored: set[str] = set()
    for start in range(0, len(versions), BATCH):
        stored.update(
            session.scalars(
                sa.select(Manifest.version).where(
                    Manifest.version.in_(versions[start : start + BATCH])
                )
            )
        )
    return stored


def store_manifests(session: Session, new: list[dict[str, Any]]) -> None:
    """Store the ``new`` manifests: all in one insert, or one by one (:func:`store_manifest`)
    when another process stored one of them meanwhile."""
    if not new:
        return
    try:
        with session.begin_nested():
            session.execute(
                sa.insert(Manifest), [{"version": m["version"], "body": m} for m in new]
            )
    except sa.exc.IntegrityError:
        for manifest in new:
            store_manifest(session, manifest["version"], manifest)


def store_manifest(session: Session, version: str, manifest: dict[str, Any]) -> None:
    """Store ``manifest`` under its version, unless another process stored it meanwhile.

    Manifests are content-addressed: two processes (a request and the push dispatcher, two
    server workers) compiling the same screens insert the same row. The second insert must not
    fail the work around it (it once cancelled a revoked screen's disconnection), so it runs in
    a savepoint and a duplicate is taken as already stored.
    """
    try:
        with session.begin_nested():
            session.add(Manifest(version=version, body=manifest))
    except sa.exc.IntegrityError:
        if session.get(Manifest, version) is None:  # not a duplicate after all
            raise


def current(session: Session, screen: Screen, context: Context) -> dict[str, Any]:
    """Return the screen's manifest, compiling it when it has none yet."""
    if screen.manifest_version:
        stored = session.get(Manifest, screen.manifest_version)
        if stored is not None:
            return with_audit_head(session, stored.body)
    refresh(session, [screen], context)
    stored = session.get(Manifest, screen.manifest_version)
    assert stored is not None
    return with_audit_head(session, stored.body)


def prune(session: Session, keep_after: dt.datetime) -> int:
    """Delete stored manifests no screen uses that are older than ``keep_after``.

    Manifests still in the screens' manifest log are kept (proof of play is checked against
    them); the log forgets what is older than the oldest proof of play accepted.
    """
    cutoff = keep_after - dt.timedelta(days=30)
    newer = sa.orm.aliased(ScreenManifestLog)
    superseded = (
        sa.select(newer.id)
        .where(
            newer.screen_id == ScreenManifestLog.screen_id,
            newer.sent_at > ScreenManifestLog.sent_at,
            newer.sent_at < cutoff,
        )
        .exists()
    )
    session.execute(
        sa.delete(ScreenManifestLog).where(ScreenManifestLog.sent_at < cutoff, superseded)
    )
    in_use = sa.select(Screen.manifest_version).union(sa.select(ScreenManifestLog.version))
    stale = list(
        session.scalars(
            sa.select(Manifest.version).where(
                Manifest.version.not_in(in_use), Manifest.created_at < keep_after
            )
        )
    )
    if stale:
        session.execute(sa.delete(Manifest).where(Manifest.version.in_(stale)))
    return len(stale)


# --- what playlists may not drop ------------------------------------------------------------


def protected_notices_on(
    session: Session, screen: Screen, now: dt.datetime
) -> list[tuple[Revision, Item, Org]]:
    """Return the published notices in their minimum period that ``screen`` may show now."""
    protection = Protection(session, viewing.local_tz())
    facts = ScreenFacts(audience=screen.audience, org_path=screen.org_path)
    rows = published_above(session, screen, Revision.notice_kind.is_not(None))
    out = []
    for revision, item, org in rows:
        until = protection.until(revision)
        if notices.is_protected(until, now) and may_show(item_facts(revision, org), facts):
            out.append((revision, item, org))
    return out
