"""Use cases of playlists: create, change, assign, delete, preview. Every change marks the
screens it concerns (before and after), which get new manifests once committed.

The domain operations take a session; the use cases at the end (``create_playlist``,
``edit_playlist``, ``save_playlist``, ``remove_playlist``, the lists and the form's choices)
own the permission check and the commit, and are what the edges call."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.disclosure import viewing
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import State
from signage_server.errors import BadRequest
from signage_server.errors import NotFound
from signage_server.errors import RuleViolation
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.models import within
from signage_server.orgs.rules import is_within
from signage_server.orgs.rules import path_ids
from signage_server.orgs.services import require_by_code
from signage_server.orgs.services import tree_order
from signage_server.schedule import rules as schedule
from signage_server.schedule.models import Playlist
from signage_server.schedule.models import PlaylistEntry
from signage_server.schedule.rules import parse_daypart
from signage_server.screens import changes
from signage_server.screens.manifests import Protection
from signage_server.screens.manifests import group_key
from signage_server.screens.manifests import item_facts
from signage_server.screens.manifests import playlist_rule
from signage_server.screens.manifests import playlists_of
from signage_server.screens.manifests import published_above
from signage_server.screens.manifests import shown_on
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenGroup
from signage_server.screens.rules import ScreenFacts
from signage_server.screens.rules import may_show
from signage_server.unit_of_work import committed
from signage_server.unit_of_work import session as current_session

ENTRIES_MAX = 200
DURATION_RANGE = (3, 600)
#: Days a preview covers: a whole week, so that every weekday's time slots show.
PREVIEW_DAYS = 7
#: The id a playlist not saved yet has in a preview: it sorts after every saved playlist, as
#: its real id will.
UNSAVED_ID = 2**31 - 1


@dataclass
class EntrySpec:
    item: int | None = None
    category: str | None = None
    duration_s: int | None = None


@dataclass
class PlaylistSpec:
    name: str
    priority: int = 0
    date_from: dt.date | None = None
    date_until: dt.date | None = None
    dayparts: list[dict[str, Any]] = field(default_factory=list)
    entries: list[EntrySpec] = field(default_factory=list)
    screens: list[int] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)
    active: bool = True


def affected(playlist: Playlist) -> set[int]:
    """Return the ids of the screens a playlist plays on (directly or through groups)."""
    ids = {s.id for s in playlist.screens}
    for group in playlist.groups:
        ids.update(s.id for s in group.screens)
    return ids


def _screens_and_groups(
    session: Session, org: Org, spec: PlaylistSpec
) -> tuple[list[Screen], list[ScreenGroup]]:
    screens = list(session.scalars(sa.select(Screen).where(Screen.id.in_(spec.screens))))
    groups = list(session.scalars(sa.select(ScreenGroup).where(ScreenGroup.id.in_(spec.groups))))
    if len(screens) != len(set(spec.screens)) or len(groups) != len(set(spec.groups)):
        raise NotFound(N_("No such screen or group."), code="screen_not_found")
    for path in [s.org.path for s in screens] + [g.org.path for g in groups]:
        if not is_within(path, org.path):
            raise RuleViolation(
                N_("A playlist plays on screens of its organisation's subtree only."),
                code="screen_outside",
            )
    return screens, groups


def _entries(session: Session, org: Org, specs: list[EntrySpec]) -> list[PlaylistEntry]:
    if len(specs) > ENTRIES_MAX:
        raise BadRequest(N_("A playlist holds at most 200 entries."), code="too_many_entries")
    entries = []
    for position, spec in enumerate(specs, start=1):
        if (spec.item is None) == (spec.category is None):
            raise BadRequest(N_("Each entry names an item or a category."), code="invalid_entry")
        if (
            spec.duration_s is not None
            and not DURATION_RANGE[0] <= spec.duration_s <= DURATION_RANGE[1]
        ):
            raise BadRequest(N_("Durations are 3-600 seconds."), code="invalid_duration")
        if spec.category is not None and spec.category not in {c.value for c in Category}:
            raise BadRequest(N_("Unknown category."), code="invalid_category")
        if spec.item is not None:
            item = session.get(Item, spec.item)
            if item is None:
                raise NotFound(N_("No such item."), code="item_not_found")
            # The item must be one that can reach the playlist's screens: of an ancestor of
            # the playlist's organisation, or of its subtree. (Eligibility still decides.)
            if not (is_within(org.path, item.org.path) or is_within(item.org.path, org.path)):
                raise RuleViolation(
                    N_("This item cannot reach the screens of this organisation."),
                    code="item_out_of_reach",
                )
        entries.append(
            PlaylistEntry(
                position=position,
                item_id=spec.item,
                category=spec.category,
                duration_s=spec.duration_s,
            )
        )
    return entries


def _check(spec: PlaylistSpec) -> None:
    name = " ".join(spec.name.split())
    if not name or len(name) > 100:
        raise BadRequest(N_("Playlist names have 1-100 characters."), code="invalid_name")
    spec.name = name
    if spec.date_from and spec.date_until and spec.date_until < spec.date_from:
        raise RuleViolation(N_("The date range must end after it starts."), code="invalid_dates")
    if not -100 <= spec.priority <= 100:
        raise BadRequest(N_("Priorities are -100 to 100."), code="invalid_priority")
    for part in spec.dayparts:
        try:
            parse_daypart(part)
        except (ValueError, TypeError):
            raise BadRequest(
                N_("Dayparts are days 0-6 with start and end times HH:MM."), code="invalid_daypart"
            ) from None


def create(session: Session, org: Org, spec: PlaylistSpec) -> Playlist:
    """Create a playlist of ``org``.

    :raise BadRequest: malformed name, dates, dayparts or entries.
    :raise RuleViolation: screens outside the org's subtree, items that cannot reach them.
    """
    _check(spec)
    screens, groups = _screens_and_groups(session, org, spec)
    playlist = Playlist(
        org=org,
        name=spec.name,
        priority=spec.priority,
        date_from=spec.date_from,
        date_until=spec.date_until,
        dayparts=list(spec.dayparts),
        active=spec.active,
        entries=_entries(session, org, spec.entries),
        screens=screens,
        groups=groups,
    )
    session.add(playlist)
    session.flush()
    changes.touch_screens(session, affected(playlist))
    return playlist


def update(session: Session, playlist: Playlist, spec: PlaylistSpec) -> None:
    """Replace a playlist's settings, entries and assignment."""
    _check(spec)
    before = affected(playlist)
    screens, groups = _screens_and_groups(session, playlist.org, spec)
    playlist.name = spec.name
    playlist.priority = spec.priority
    playlist.date_from = spec.date_from
    playlist.date_until = spec.date_until
    playlist.dayparts = list(spec.dayparts)
    playlist.active = spec.active
    playlist.entries = _entries(session, playlist.org, spec.entries)
    playlist.screens = screens
    playlist.groups = groups
    session.flush()
    changes.touch_screens(session, before | affected(playlist))


def kept(session: Session, playlist: Playlist, now: dt.datetime) -> list[tuple[int, str]]:
    """Return ``(item id, title)`` of the items the playlist leaves out on its screens that
    stay in their rotation anyway: 三重一大 items and public notices in their minimum period.

    Dayparts and dates are ignored: the question is what its entries select, now.
    """
    screen_ids = affected(playlist)
    if not screen_ids:
        return []
    rule = schedule.PlaylistRule(
        id=playlist.id,
        priority=playlist.priority,
        entries=tuple(
            schedule.Entry(e.item_id, e.category, e.duration_s) for e in playlist.entries
        ),
    )
    found: dict[int, str] = {}
    screens = session.scalars(
        sa.select(Screen).where(Screen.id.in_(screen_ids), Screen.active.is_(True))
    )
    protection = Protection(session, viewing.local_tz())
    for screen in screens:
        facts = ScreenFacts(audience=screen.audience, org_path=screen.org.path)
        titles: dict[int, str] = {}
        candidates = []
        for revision, item, org in published_above(session, screen):
            _ends, candidate = protection.candidate(revision, item, now)
            if may_show(item_facts(revision, org), facts) and candidate.live_at(now):
                candidates.append(candidate)
                titles[item.id] = revision.title
        slots = schedule.playlist_rotation([rule], candidates)
        if not slots:
            continue  # an empty selection plays the default rotation: nothing is dropped
        for item_id in schedule.dropped(slots, candidates, now):
            found[item_id] = titles[item_id]
    return sorted(found.items())


@dataclass(frozen=True)
class PreviewSlot:
    """One place in a previewed rotation."""

    item: int
    title: str
    duration_s: int
    major: bool
    notice: bool
    #: Appended although the playlists leave it out: no playlist may drop it.
    kept: bool


@dataclass
class PreviewRotation:
    """One rotation a screen would play, and the time spans it plays in."""

    slots: list[PreviewSlot]
    spans: list[tuple[dt.datetime, dt.datetime]]
    #: The edited playlist decides it (alone or with others of the same priority).
    by_this: bool
    #: Names of the other playlists that decide it; none and not ``by_this``: the default
    #: rotation (every item the screen may show, major matters first).
    others: list[str]

    @property
    def kept(self) -> list[PreviewSlot]:
        return [slot for slot in self.slots if slot.kept]


@dataclass
class ScreenPreview:
    """What one screen the playlist reaches (or leaves) would rotate through once saved."""

    screen: Screen
    #: ``joins`` (assigned by this change), ``stays`` (assigned before and after) or
    #: ``leaves`` (no longer assigned).
    change: str
    start: dt.datetime
    end: dt.datetime
    rotations: list[PreviewRotation]
    #: Whether the rotation over the span differs from what the screen plays today.
    changed: bool
    #: Titles of urgent items, which interrupt whatever rotation plays.
    urgent: list[str]


def _rule_of(spec: PlaylistSpec, playlist_id: int) -> schedule.PlaylistRule:
    return schedule.PlaylistRule(
        id=playlist_id,
        priority=spec.priority,
        entries=tuple(schedule.Entry(e.item, e.category, e.duration_s) for e in spec.entries),
        date_from=spec.date_from,
        date_until=spec.date_until,
        dayparts=tuple(parse_daypart(d) for d in spec.dayparts),
    )


def _assigned(session: Session, spec: PlaylistSpec) -> set[int]:
    ids = set(spec.screens)
    for group in session.scalars(sa.select(ScreenGroup).where(ScreenGroup.id.in_(spec.groups))):
        ids.update(s.id for s in group.screens)
    return ids


def preview(
    session: Session, org: Org, spec: PlaylistSpec, playlist: Playlist | None, now: dt.datetime
) -> list[ScreenPreview]:
    """Return, without saving anything (``playlist``: the one edited, of ``org``; ``None``: a
    new one), what every screen the playlist reaches (or would no
    longer reach) rotates through once ``spec`` is saved, over the next :data:`PREVIEW_DAYS`
    (from ``spec.date_from`` when that is later).

    The same rules as the manifest compiler decide: the screens' eligible items
    (``manifests.shown_on``), their other playlists and ``schedule.build_schedule``.

    :raise BadRequest, NotFound, RuleViolation: what saving ``spec`` would raise.
    """
    _check(spec)
    _screens_and_groups(session, org, spec)
    _entries(session, org, spec.entries)
    own_id = playlist.id if playlist is not None else UNSAVED_ID
    rule = _rule_of(spec, own_id)
    after = _assigned(session, spec)
    before = affected(playlist) if playlist is not None else set()
    screens = session.scalars(
        sa.select(Screen)
        .where(Screen.id.in_(after | before), Screen.active.is_(True))
        .order_by(Screen.name, Screen.id)
    )
    found = []
    # Screens that get the same manifest get the same preview (as ``manifests.refresh``
    # compiles once per such group): a group of many alike screens is computed once.
    alike: dict[tuple[object, ...], ScreenPreview] = {}
    for screen in screens:
        key = (*group_key(session, screen), screen.id in after, screen.id in before)
        if key in alike:
            found.append(replace(alike[key], screen=screen))
            continue
        alike[key] = _screen_preview(session, screen, spec, rule, after, before, now)
        found.append(alike[key])
    return found


def _screen_preview(
    session: Session,
    screen: Screen,
    spec: PlaylistSpec,
    rule: schedule.PlaylistRule,
    after: set[int],
    before: set[int],
    now: dt.datetime,
) -> ScreenPreview:
    tz = zoneinfo.ZoneInfo(screen.timezone)
    start = now.astimezone(tz).replace(second=0, microsecond=0)
    if spec.date_from is not None and spec.date_from > start.date():
        start = dt.datetime.combine(spec.date_from, dt.time(), tz)
    end = start + dt.timedelta(days=PREVIEW_DAYS)
    shown = shown_on(session, screen, now, end, viewing.local_tz())
    current = playlists_of(session, screen)
    others = [p for p in current if p.id != rule.id]
    names = {p.id: p.name for p in others}
    rules_now = [playlist_rule(p) for p in current]
    rules_then = [playlist_rule(p) for p in others]
    if screen.id in after and spec.active:
        rules_then.append(rule)

    def plain(rules: list[schedule.PlaylistRule]) -> list[tuple[object, ...]]:
        segments = schedule.build_schedule(start, end, rules, shown.candidates, tz)
        return [(s.start, s.end, s.sequence) for s in segments]

    revisions = {item.id: revision for revision, item, _org in shown.chosen}
    rotations: dict[tuple[object, ...], PreviewRotation] = {}
    for segment in schedule.build_schedule(
        start, end, rules_then, shown.candidates, tz, by_reason=True
    ):
        key = (tuple(segment.sequence), segment.playlists, segment.kept)
        if key not in rotations:
            rotations[key] = PreviewRotation(
                slots=[
                    PreviewSlot(
                        item=slot.item,
                        title=revisions[slot.item].title,
                        duration_s=slot.duration_s,
                        major=revisions[slot.item].major,
                        notice=revisions[slot.item].notice_kind is not None,
                        kept=slot.item in segment.kept,
                    )
                    for slot in segment.sequence
                ],
                spans=[],
                by_this=rule.id in segment.playlists,
                others=[names[i] for i in segment.playlists if i in names],
            )
        rotations[key].spans.append((segment.start.astimezone(tz), segment.end.astimezone(tz)))
    change = "stays" if screen.id in before and screen.id in after else "joins"
    if screen.id not in after:
        change = "leaves"
    return ScreenPreview(
        screen=screen,
        change=change,
        start=start,
        end=end,
        rotations=list(rotations.values()),
        changed=plain(rules_now) != plain(rules_then),
        urgent=[r.title for r, _item, _org in shown.chosen if r.urgent],
    )


def delete(session: Session, playlist: Playlist) -> None:
    changes.touch_screens(session, affected(playlist))
    session.delete(playlist)
    session.flush()


def get(session: Session, playlist_id: int) -> Playlist:
    playlist = session.get(Playlist, playlist_id)
    if playlist is None:
        raise NotFound(N_("No such playlist."), code="playlist_not_found")
    return playlist


def spec_of(playlist: Playlist) -> PlaylistSpec:
    return PlaylistSpec(
        name=playlist.name,
        priority=playlist.priority,
        date_from=playlist.date_from,
        date_until=playlist.date_until,
        dayparts=list(playlist.dayparts),
        entries=[EntrySpec(e.item_id, e.category, e.duration_s) for e in playlist.entries],
        screens=[s.id for s in playlist.screens],
        groups=[g.id for g in playlist.groups],
        active=playlist.active,
    )


# --- use cases --------------------------------------------------------------------------


def playlist_for(principal: Principal, playlist_id: int, permission: Permission) -> Playlist:
    """Return the playlist if ``principal`` has ``permission`` at its organisation.

    :raise NotFound: ``playlist_not_found``.
    :raise PermissionDenied: not allowed there.
    """
    playlist = get(current_session(), playlist_id)
    principal.require(permission, playlist.org)
    return playlist


def org_for(principal: Principal, org_code: str) -> Org:
    """Return the organisation ``org_code`` if ``principal`` may manage its playlists.

    :raise NotFound: no such organisation.
    :raise PermissionDenied: the caller may not manage its playlists.
    """
    org = require_by_code(current_session(), org_code)
    principal.require(Permission.MANAGE_PLAYLISTS, org)
    return org


@dataclass(frozen=True)
class Saved:
    """A saved playlist, and what stays in its screens' rotation although it leaves it out
    (:func:`kept`)."""

    playlist: Playlist
    kept: list[tuple[int, str]]


def _saved(session: Session, playlist: Playlist) -> Saved:
    return Saved(playlist, kept(session, playlist, registry.now()))


def create_playlist(principal: Principal, org_code: str, spec: PlaylistSpec) -> Saved:
    """Create a playlist of ``org_code``.

    :raise NotFound, PermissionDenied: no such org, or the caller may not manage its playlists.
    :raise BadRequest, RuleViolation: what :func:`create` raises.
    """
    with committed() as session:
        playlist = create(session, org_for(principal, org_code), spec)
    return _saved(session, playlist)


def edit_playlist(principal: Principal, playlist_id: int, changed: Mapping[str, Any]) -> Saved:
    """Change the settings of a playlist named in ``changed`` (fields of :class:`PlaylistSpec`).

    :raise NotFound, PermissionDenied: no such playlist, or the caller may not manage it.
    :raise BadRequest, RuleViolation: what :func:`update` raises.
    """
    with committed() as session:
        playlist = playlist_for(principal, playlist_id, Permission.MANAGE_PLAYLISTS)
        update(session, playlist, replace(spec_of(playlist), **changed))
    return _saved(session, playlist)


def save_playlist(
    principal: Principal, org: Org, playlist: Playlist | None, spec: PlaylistSpec
) -> Saved:
    """Save ``spec`` as a new playlist of ``org`` (``playlist`` ``None``) or as ``playlist``.

    :raise PermissionDenied: the caller may not manage the org's playlists.
    :raise BadRequest, NotFound, RuleViolation: what :func:`create` or :func:`update` raise.
    """
    with committed() as session:
        principal.require(Permission.MANAGE_PLAYLISTS, org)
        if playlist is None:
            playlist = create(session, org, spec)
        else:
            update(session, playlist, spec)
    return _saved(session, playlist)


def preview_playlist(
    org: Org, spec: PlaylistSpec, playlist: Playlist | None
) -> list[ScreenPreview]:
    """Return :func:`preview` now; nothing is saved, and the preview leaves no trace.

    :raise BadRequest, NotFound, RuleViolation: what saving ``spec`` would raise.
    """
    session = current_session()
    try:
        return preview(session, org, spec, playlist, registry.now())
    finally:
        session.rollback()


def remove_playlist(principal: Principal, playlist_id: int) -> None:
    """Delete a playlist; its screens get their new rotation.

    :raise NotFound, PermissionDenied: no such playlist, or the caller may not manage it.
    """
    with committed() as session:
        delete(session, playlist_for(principal, playlist_id, Permission.MANAGE_PLAYLISTS))


def visible_playlists(principal: Principal, org_code: str | None) -> list[Playlist]:
    """Return the playlists ``principal`` may see (of the subtree of ``org_code`` if given).

    :raise NotFound: no such organisation.
    """
    session = current_session()
    query = (
        sa.select(Playlist).join(Org, Playlist.org_id == Org.id).where(principal.org_condition())
    )
    if org_code:
        org = require_by_code(session, org_code)
        query = query.where(within([org.path]))
    return list(session.scalars(query.order_by(Playlist.id)))


@dataclass(frozen=True)
class PlaylistsPage:
    """The playlists the caller may see and the organisations where they may add one."""

    playlists: list[Playlist]
    orgs: list[tuple[int, Org]]


def playlists_page(principal: Principal) -> PlaylistsPage:
    """Return the playlists ``principal`` may see, by organisation, highest priority first,
    and the organisations (as a tree) where they may make playlists."""
    session = current_session()
    found = session.scalars(
        sa.select(Playlist)
        .join(Org, Playlist.org_id == Org.id)
        .where(principal.org_condition())
        .order_by(Org.code, Playlist.priority.desc(), Playlist.name)
    )
    orgs = session.scalars(
        sa.select(Org).where(principal.org_condition(Permission.MANAGE_PLAYLISTS))
    )
    return PlaylistsPage(list(found), tree_order(orgs))


#: The most items the playlist form offers.
CHOICES_MAX = 300


@dataclass(frozen=True)
class Choices:
    """What the playlist form of an organisation offers."""

    #: Items that can reach the org's screens: ``(id, title, org name)``, newest first.
    items: list[tuple[int, str, str]]
    screens: list[Screen]
    groups: list[ScreenGroup]


def choices(org: Org) -> Choices:
    """Return the items that can reach the org's screens (published items of the org, its
    ancestors and its subtree), and the org's subtree's active screens and groups."""
    session = current_session()
    reachable = (
        sa.select(Item)
        .join(Org, Item.org_id == Org.id)
        .join(Revision, sa.and_(Revision.item_id == Item.id, Revision.number == Item.live_number))
        .where(Revision.state == State.PUBLISHED)
        .where(sa.or_(Item.org_id.in_(path_ids(org.path)), within([org.path])))
        .order_by(Item.id.desc())
        .limit(CHOICES_MAX)
    )
    subtree = sa.select(Org.id).where(within([org.path]))
    items = [
        (i.id, i.live.title if i.live else i.current.title, i.org.name)
        for i in session.scalars(reachable)
    ]
    screens = session.scalars(
        sa.select(Screen)
        .where(Screen.org_id.in_(subtree), Screen.active.is_(True))
        .order_by(Screen.name)
    )
    groups = session.scalars(
        sa.select(ScreenGroup).where(ScreenGroup.org_id.in_(subtree)).order_by(ScreenGroup.name)
    )
    return Choices(items, list(screens), list(groups))
