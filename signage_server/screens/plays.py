"""Proof of play a screen may claim: pure rules (no session, no Flask).

A screen reports ``{item, revision, started_at, duration_s}`` records. One is believed only when
it is well formed and bounded (:func:`parse`) and when a manifest the screen held at
``started_at`` named that item revision, valid at that moment (:func:`was_held`). A screen holds
a manifest from when it was sent to it until the screen acknowledged a later one: while offline
it keeps playing what it has, so a manifest sent later but never acknowledged does not end it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from signage_server.disclosure.windows import Window

#: Clocks of players and server differ a little; a moment may be this far off.
SKEW = dt.timedelta(minutes=5)
#: Older proof of play is not accepted (a player keeps at most a few days offline).
MAX_AGE = dt.timedelta(days=7)
#: The longest a single display may last.
MAX_DURATION_S = 86_400.0
#: Item ids and revision numbers are database integers.
ID_MAX = 2**31 - 1


@dataclass(frozen=True)
class Play:
    item: int
    revision: int
    started_at: dt.datetime
    duration_s: float


@dataclass(frozen=True)
class Sent:
    """A manifest version given to a screen at ``sent_at`` (``acked_at``: when it said so)."""

    version: str
    sent_at: dt.datetime
    acked_at: dt.datetime | None


@dataclass(frozen=True)
class Holding:
    """The item revisions of one manifest and the time the screen held it."""

    start: dt.datetime
    end: dt.datetime | None
    #: (item, revision) → (valid from, valid until), either may be None.
    windows: Mapping[tuple[int, int], tuple[dt.datetime | None, dt.datetime | None]]


def _bounded_id(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 1 <= value <= ID_MAX else None


def parse(record: Any, now: dt.datetime, earliest: dt.datetime | None = None) -> Play | None:
    """Return the play a record describes, or None when it is malformed or out of bounds.

    ``started_at`` must carry an offset, lie within :data:`MAX_AGE` (and after ``earliest``, the
    screen's first manifest), and the play must have ended by ``now`` (give or take
    :data:`SKEW`); the duration is between 0 and a day.
    """
    if not isinstance(record, dict):
        return None
    item, revision = _bounded_id(record.get("item")), _bounded_id(record.get("revision"))
    duration = record.get("duration_s")
    started_text = record.get("started_at")
    if item is None or revision is None or not isinstance(started_text, str):
        return None
    if isinstance(duration, bool) or not isinstance(duration, int | float):
        return None
    if not 0 <= duration <= MAX_DURATION_S or len(started_text) > 40:
        return None
    try:
        started = dt.datetime.fromisoformat(started_text)
    except ValueError:
        return None
    if started.tzinfo is None:
        return None
    started = started.astimezone(dt.UTC)
    if started < now - MAX_AGE or (earliest is not None and started < earliest - SKEW):
        return None
    if started + dt.timedelta(seconds=float(duration)) > now + SKEW:
        return None
    return Play(item, revision, started, float(duration))


def _moment(text: Any) -> dt.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def windows(body: Mapping[str, Any]) -> dict[tuple[int, int], tuple[Any, Any]]:
    """Return the item revisions a manifest names, with their valid windows."""
    found: dict[tuple[int, int], tuple[Any, Any]] = {}
    for entry in body.get("items", []):
        if not isinstance(entry, dict):
            continue
        item, revision = entry.get("id"), entry.get("revision")
        if isinstance(item, int) and isinstance(revision, int):
            found[(item, revision)] = (
                _moment(entry.get("valid_from")),
                _moment(entry.get("valid_until")),
            )
    return found


def spans(sent: Iterable[Sent]) -> list[tuple[Sent, dt.datetime | None]]:
    """Return when the screen held each manifest it was sent: (sent, end), oldest first.

    A manifest is held from its ``sent_at`` until the first later manifest the screen
    acknowledged was acknowledged; with none, it may still be held (``end`` is None).
    """
    ordered = sorted(sent, key=lambda s: s.sent_at)
    result = []
    end: dt.datetime | None = None
    for entry in reversed(ordered):
        result.append((entry, end))
        if entry.acked_at is not None:
            end = entry.acked_at if end is None else min(end, entry.acked_at)
    result.reverse()
    return result


def overlaps(span: tuple[Sent, dt.datetime | None], first: dt.datetime, last: dt.datetime) -> bool:
    """Tell whether a span (see :func:`spans`) may cover a moment between first and last."""
    entry, end = span
    return entry.sent_at - SKEW <= last and (end is None or end + SKEW >= first)


def holding(span: tuple[Sent, dt.datetime | None], body: Mapping[str, Any]) -> Holding:
    return Holding(span[0].sent_at, span[1], windows(body))


def was_held(play: Play, held: Iterable[Holding]) -> bool:
    """Tell whether a manifest held at ``play.started_at`` had that item revision, valid then."""
    moment = play.started_at
    for holding in held:
        if moment < holding.start - SKEW or (holding.end and moment > holding.end + SKEW):
            continue
        window = holding.windows.get((play.item, play.revision))
        if window is None:
            continue
        if Window(*window).contains(moment, SKEW):
            return True
    return False
