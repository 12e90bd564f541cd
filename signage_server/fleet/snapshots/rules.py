"""Snapshots: who may see one, what one is linked to, and how long one is kept. Pure: no Flask,
no database session.

A snapshot shows whatever the screen showed, so it is exactly as visible as the screen's
content: :func:`may_view` asks the one audience rule (``disclosure.audience.may_see``) about an
item of the screen's own scope at the screen's organisation. A public screen's snapshot is
public content; a party screen's (党员活动室) shows party items, so only those who may see
party items there may see its snapshots.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from signage_server.disclosure.audience import Audience
from signage_server.disclosure.audience import RevisionFacts
from signage_server.disclosure.audience import Viewer
from signage_server.disclosure.audience import Visibility
from signage_server.disclosure.audience import may_see
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import State

#: Largest upload accepted (a full-HD PNG screenshot is 1–4 MB).
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
#: Stored snapshots are at most this wide (the height keeps the proportions) ...
MAX_WIDTH = 1280
#: ... and JPEG of this quality.
JPEG_QUALITY = 80
#: A snapshot sent again (its answer lost) is the same snapshot, not a new one: the agent names
#: each capture (``capture``), and the same bytes under the same name from the same screen
#: within :data:`RESEND_WINDOW` are that snapshot. Without a name, the same bytes for the
#: same reason within :data:`UNNAMED_RESEND_WINDOW` are (shorter than any interval a screen
#: may have, so a screen showing the same page for hours still leaves one snapshot each time).
RESEND_WINDOW = dt.timedelta(days=1)
UNNAMED_RESEND_WINDOW = dt.timedelta(seconds=50)
#: A capture's name: letters, digits, ``-`` and ``_``.
CAPTURE_MAX = 40
#: The snapshot intervals a screen may have, in minutes (0: none on a timer).
EVERY_MIN_MAX = 24 * 60
DEFAULT_EVERY_MIN = 30
#: Why a snapshot was taken.
REASONS = ("scheduled", "command", "manual")


def content_facts(audience: Audience, org_path: str) -> RevisionFacts:
    """Return the facts of the most restricted content a screen of ``audience`` at
    ``org_path`` shows: a published item of the screen's own scope there."""
    return RevisionFacts(
        state=State.PUBLISHED,
        scope=Scope(audience.value),
        org_path=org_path,
        valid_from=None,
        valid_until=None,
        published_at=None,
    )


def may_view(audience: Audience, org_path: str, viewer: Viewer) -> bool:
    """Tell whether ``viewer`` may see the snapshots of a screen of ``audience`` at
    ``org_path``: whether they may see that screen's content in full."""
    return may_see(content_facts(audience, org_path), viewer) is Visibility.FULL


@dataclass(frozen=True)
class Played:
    """A proof-of-play record: ``item`` ``revision`` shown from ``started_at`` for
    ``duration_s``."""

    id: int
    item: int
    revision: int
    started_at: dt.datetime
    duration_s: float


#: Clocks of player and server differ; a play covers a moment give or take this.
SKEW = dt.timedelta(seconds=30)


def covering(
    plays: Iterable[Played], item: int, revision: int, moment: dt.datetime
) -> Played | None:
    """Return the play of ``item`` ``revision`` that covers ``moment`` (the latest started
    if several do), or None. The player sends a play once it has ended, so the one covering a
    fresh snapshot usually arrives later: callers link again then."""
    found = [
        p
        for p in plays
        if p.item == item
        and p.revision == revision
        and p.started_at - SKEW
        <= moment
        <= p.started_at + dt.timedelta(seconds=p.duration_s) + SKEW
    ]
    return max(found, key=lambda p: p.started_at) if found else None


def expired_before(now: dt.datetime, keep_days: int) -> dt.datetime:
    """Return the moment before which snapshots are deleted (kept ``keep_days`` days)."""
    return now - dt.timedelta(days=keep_days)


def valid_every(value: int) -> bool:
    """Tell whether ``value`` is an allowed snapshot interval in minutes (0: off)."""
    return 0 <= value <= EVERY_MIN_MAX


def parse_capture(text: str | None) -> str:
    """Return the agent's name of a capture from a query parameter ("" when none or bad)."""
    if not text or len(text) > CAPTURE_MAX:
        return ""
    return text if all(c.isascii() and (c.isalnum() or c in "-_") for c in text) else ""


def parse_id(text: str | None) -> int | None:
    """Return a positive database id from a query parameter, or None."""
    if not text or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 1 <= value <= 2**31 - 1 else None
