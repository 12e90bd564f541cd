"""Which playlist is live at a moment, and the rotation a screen plays over a horizon. Pure.

A playlist has entries (an item, or "all current items of a category"), an optional date
range, dayparts (days of the week and time ranges, in the screen's time zone) and a priority.
At a moment, the live playlists of a screen are those assigned to it (directly or through a
group) whose date range and dayparts contain the moment; the highest priority wins, and
playlists of equal priority play one after the other. A screen without a live playlist plays
its default rotation: every eligible item, major matters first.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from signage_server.disclosure.windows import Window

#: Seconds per page when nothing else is set.
DEFAULT_DURATION = 15


@dataclass(frozen=True)
class Daypart:
    """Days of the week (0 = Monday) and a time range; ``end`` before ``start`` crosses midnight."""

    days: frozenset[int]
    start: dt.time
    end: dt.time

    def contains(self, local: dt.datetime) -> bool:
        t = local.time()
        if self.start <= self.end:
            return local.weekday() in self.days and self.start <= t < self.end
        # Crossing midnight: the part after midnight belongs to the previous day's daypart.
        if t >= self.start:
            return local.weekday() in self.days
        return (local.weekday() - 1) % 7 in self.days and t < self.end


def parse_daypart(data: dict[str, object]) -> Daypart:
    """Read ``{"days": [0, 1, ...], "start": "HH:MM", "end": "HH:MM"}``.

    :raise ValueError: malformed days or times.
    """
    days = data.get("days", list(range(7)))
    if (
        not isinstance(days, list)
        or not days
        or any(not isinstance(d, int) or not 0 <= d <= 6 for d in days)
    ):
        raise ValueError("days must be a non-empty list of 0 (Monday) to 6 (Sunday)")
    start = dt.time.fromisoformat(str(data.get("start", "00:00")))
    end_text = str(data.get("end", "24:00"))
    end = dt.time.max if end_text in ("24:00", "23:59:59") else dt.time.fromisoformat(end_text)
    if start == end:
        raise ValueError("a daypart must not start and end at the same time")
    return Daypart(frozenset(days), start, end)


@dataclass(frozen=True)
class Entry:
    """One place in a playlist: a given item, or every eligible item of a category."""

    item_id: int | None = None
    category: str | None = None
    duration_s: int | None = None


@dataclass(frozen=True)
class PlaylistRule:
    id: int
    priority: int
    entries: tuple[Entry, ...]
    date_from: dt.date | None = None
    date_until: dt.date | None = None
    dayparts: tuple[Daypart, ...] = ()

    def live_at(self, local: dt.datetime) -> bool:
        day = local.date()
        if self.date_from is not None and day < self.date_from:
            return False
        if self.date_until is not None and day > self.date_until:
            return False
        return not self.dayparts or any(p.contains(local) for p in self.dayparts)


@dataclass(frozen=True)
class Candidate:
    """An item a screen may show (eligibility already checked), with what ordering needs."""

    item_id: int
    category: str
    major: bool
    start: dt.datetime | None
    end: dt.datetime | None
    duration_s: int = DEFAULT_DURATION
    sort_key: tuple[object, ...] = ()
    #: Stays in the rotation whatever playlists select: a 三重一大 item, or a public notice
    #: during its minimum period (DESIGN.md §2).
    kept: bool = False
    #: When keeping ends (the end of a notice's protection); ``None``: while it is live.
    kept_until: dt.datetime | None = None

    def live_at(self, at: dt.datetime) -> bool:
        return Window(self.start, self.end).contains(at)

    def kept_at(self, at: dt.datetime) -> bool:
        """Tell whether no playlist may drop this item at ``at``."""
        return self.kept and (self.kept_until is None or at < self.kept_until)


@dataclass(frozen=True)
class Slot:
    item: int
    duration_s: int


@dataclass
class Segment:
    start: dt.datetime
    end: dt.datetime
    sequence: list[Slot] = field(default_factory=list)
    #: The playlists that decide the sequence (empty: the default rotation).
    playlists: tuple[int, ...] = ()
    #: Items appended after the playlists' slots because no playlist may drop them.
    kept: tuple[int, ...] = ()


@dataclass(frozen=True)
class Rotation:
    """What a screen rotates through at a moment, and why."""

    slots: list[Slot]
    #: The live playlists of the highest priority that select something (empty: the screen
    #: plays its default rotation).
    playlists: tuple[int, ...] = ()
    #: Items the playlists leave out that stay anyway (appended after their slots).
    kept: tuple[int, ...] = ()


def default_rotation(candidates: Iterable[Candidate]) -> list[Slot]:
    """Return every candidate, major matters first, then newest first."""
    ordered = sorted(candidates, key=lambda c: (not c.major, c.sort_key, c.item_id))
    return [Slot(c.item_id, c.duration_s) for c in ordered]


def playlist_rotation(rules: Sequence[PlaylistRule], candidates: Sequence[Candidate]) -> list[Slot]:
    """Return the rotation of the given (live, equally prioritised) playlists.

    Entries that name an item not among the candidates (not eligible for this screen) are
    skipped: a playlist never widens what a screen may show.
    """
    by_id = {c.item_id: c for c in candidates}
    slots: list[Slot] = []
    for rule in sorted(rules, key=lambda r: r.id):
        for entry in rule.entries:
            if entry.item_id is not None:
                candidate = by_id.get(entry.item_id)
                if candidate is not None:
                    slots.append(Slot(candidate.item_id, entry.duration_s or candidate.duration_s))
            elif entry.category is not None:
                matching = [c for c in candidates if c.category == entry.category]
                slots.extend(
                    Slot(s.item, entry.duration_s or s.duration_s)
                    for s in default_rotation(matching)
                )
    return slots


def dropped(slots: Sequence[Slot], candidates: Iterable[Candidate], at: dt.datetime) -> list[int]:
    """Return the items kept in rotation at ``at`` that ``slots`` leave out, in default order."""
    present = {slot.item for slot in slots}
    kept = [c for c in candidates if c.live_at(at) and c.kept_at(at)]
    return [s.item for s in default_rotation(kept) if s.item not in present]


def rotation(
    local: dt.datetime, rules: Sequence[PlaylistRule], candidates: Sequence[Candidate]
) -> Rotation:
    """Return what a screen rotates through at ``local`` (a time in the screen's zone), and why.

    A playlist narrows the rotation, but never drops an item that must stay (major matters,
    notices during their minimum period): those are appended after the playlist's slots.
    """
    current = [c for c in candidates if c.live_at(local)]
    live = [r for r in rules if r.live_at(local)]
    if live:
        top = max(r.priority for r in live)
        deciding = [r for r in live if r.priority == top]
        slots = playlist_rotation(deciding, current)
        if slots:
            by_id = {c.item_id: c for c in current}
            missing = dropped(slots, current, local)
            return Rotation(
                slots + [Slot(i, by_id[i].duration_s) for i in missing],
                tuple(sorted(r.id for r in deciding)),
                tuple(missing),
            )
    return Rotation(default_rotation(current))


def rotation_at(
    local: dt.datetime, rules: Sequence[PlaylistRule], candidates: Sequence[Candidate]
) -> list[Slot]:
    """Return what a screen rotates through at ``local``: :func:`rotation`'s slots."""
    return rotation(local, rules, candidates).slots


def boundaries(
    start: dt.datetime,
    end: dt.datetime,
    rules: Sequence[PlaylistRule],
    candidates: Sequence[Candidate],
    tz: dt.tzinfo,
) -> list[dt.datetime]:
    """Return every moment in ``[start, end)`` where the rotation may change, sorted."""
    points = {start}
    for candidate in candidates:
        for moment in (candidate.start, candidate.end, candidate.kept_until):
            if moment is not None and start < moment < end:
                points.add(moment)
    day = start.astimezone(tz).date()
    last = end.astimezone(tz).date()
    while day <= last:
        midnight = dt.datetime.combine(day, dt.time(), tz)
        if start < midnight < end:
            points.add(midnight)
        for rule in rules:
            for part in rule.dayparts:
                for t in (part.start, part.end):
                    if t == dt.time.max:
                        continue
                    moment = dt.datetime.combine(day, t, tz)
                    if start < moment < end:
                        points.add(moment)
        day += dt.timedelta(days=1)
    return sorted(points)


def build_schedule(
    start: dt.datetime,
    end: dt.datetime,
    rules: Sequence[PlaylistRule],
    candidates: Sequence[Candidate],
    tz: dt.tzinfo,
    *,
    by_reason: bool = False,
) -> list[Segment]:
    """Return contiguous segments covering ``[start, end)`` with the rotation of each.

    Neighbouring segments with the same rotation are merged; with ``by_reason`` only when the
    same playlists decide it and the same items are kept (what a preview explains).
    """
    points = [*boundaries(start, end, rules, candidates, tz), end]
    segments: list[Segment] = []
    for begin, finish in itertools.pairwise(points):
        if finish <= begin:
            continue
        found = rotation(begin.astimezone(tz), rules, candidates)
        last = segments[-1] if segments else None
        if (
            last is not None
            and last.sequence == found.slots
            and (not by_reason or (last.playlists, last.kept) == (found.playlists, found.kept))
        ):
            last.end = finish
        else:
            segments.append(Segment(begin, finish, found.slots, found.playlists, found.kept))
    return segments
