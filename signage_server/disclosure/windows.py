"""An item's windows: the one home of ``valid_from`` / ``valid_until`` arithmetic. Pure.

* **Validity** (:func:`validity`): a revision may show from ``valid_from`` (without one:
  from its publication) until ``valid_until`` (without one: until replaced). The end is
  never before ``kept_until``: a public notice's protection, which the notice rule
  (:mod:`signage_server.disclosure.notices`) computes and the audience rule
  (:mod:`signage_server.disclosure.audience`) passes in. Every surface (screens, QR pages,
  public pages, boards, posters, dossiers, compliance, expiry) asks this window.
* **Current at a moment** (:meth:`Window.contains`): ``start <= t < end``; a window that
  has ended at ``t`` (:meth:`Window.ended`) is expired, one not yet started is scheduled.
* **Publication** (:func:`publication`): when a revision was actually public, for dossiers:
  from its publication or ``valid_from``, whichever is later, to its recorded end (while it
  runs: to now, or to the end of its validity when that comes first).
* **Days** (:meth:`Window.first_day`, :meth:`Window.last_day`): the local days a window
  covers; an end at midnight ends the day before (valid until 2026-12-08 00:00 reads
  "until 2026-12-07").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from signage_server.errors import RuleViolation
from signage_server.i18n import N_

#: No slack: a window's own bounds.
EXACT = dt.timedelta(0)


@dataclass(frozen=True)
class Window:
    """A stretch of time ``[start, end)``; ``None`` is unbounded on that side."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None

    def started(self, at: dt.datetime) -> bool:
        """Tell whether the window has started at ``at``."""
        return self.start is None or self.start <= at

    def ended(self, at: dt.datetime) -> bool:
        """Tell whether the window is over at ``at`` (its end is exclusive)."""
        return self.end is not None and self.end <= at

    def contains(self, at: dt.datetime, slack: dt.timedelta = EXACT) -> bool:
        """Tell whether ``at`` is inside the window, widened by ``slack`` on both sides
        (clocks that differ a little: a player's reported plays)."""
        return (self.start is None or self.start - slack <= at) and (
            self.end is None or at < self.end + slack
        )

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Tell whether the window shares any moment with ``[start, end)``."""
        return (self.end is None or self.end > start) and (self.start is None or self.start < end)

    @property
    def empty(self) -> bool:
        """Tell whether the window holds no moment (it ends when or before it starts)."""
        return self.start is not None and self.end is not None and self.end <= self.start

    def first_day(self, tz: dt.tzinfo) -> dt.date | None:
        """Return the local day the window starts on (``None``: no start)."""
        return first_day(self.start, tz) if self.start is not None else None

    def last_day(self, tz: dt.tzinfo) -> dt.date | None:
        """Return the last local day inside the window (``None``: no end)."""
        return last_day(self.end, tz) if self.end is not None else None


def first_day(start: dt.datetime, tz: dt.tzinfo) -> dt.date:
    """Return the local day a window starting at ``start`` starts on."""
    return start.astimezone(tz).date()


def last_day(end: dt.datetime, tz: dt.tzinfo) -> dt.date:
    """Return the last local day of a window ending at ``end`` (exclusive): an end at
    midnight is the end of the day before."""
    return (end - dt.timedelta(microseconds=1)).astimezone(tz).date()


def starts(valid_from: dt.datetime | None, published_at: dt.datetime | None) -> dt.datetime | None:
    """Return when a revision's validity starts: ``valid_from``, else its publication."""
    return valid_from or published_at


def validity(
    valid_from: dt.datetime | None,
    valid_until: dt.datetime | None,
    published_at: dt.datetime | None,
    kept_until: dt.datetime | None = None,
) -> Window:
    """Return when a revision may show: from ``valid_from`` or its publication, until
    ``valid_until``, never ending before ``kept_until`` (a notice's protection).

    A window without an end stays open (until replaced) whatever ``kept_until`` says.
    """
    end = valid_until
    if end is not None and kept_until is not None:
        end = max(end, kept_until)
    return Window(starts(valid_from, published_at), end)


def check_validity(valid_from: dt.datetime | None, valid_until: dt.datetime | None) -> None:
    """Refuse a validity that ends before (or when) it starts.

    :raise RuleViolation: ``invalid_window``.
    """
    if valid_from is not None and valid_until is not None and valid_until <= valid_from:
        raise RuleViolation(N_("The validity must end after it starts."), code="invalid_window")


def publication(
    *,
    published_at: dt.datetime | None,
    valid: Window,
    ended_at: dt.datetime | None,
    running: bool,
    now: dt.datetime,
) -> tuple[dt.datetime, dt.datetime] | None:
    """Return when a revision was actually public, ``(start, end)`` (``None``: never, or not
    for a moment).

    :param valid: its validity (:func:`validity`, with a notice's protection).
    :param ended_at: when its publication was recorded as ended.
    :param running: it is published now (no recorded end yet).
    """
    if published_at is None:
        return None
    start = max(published_at, valid.start) if valid.start is not None else published_at
    if ended_at is not None:
        end = ended_at
    elif running:
        end = min(now, valid.end) if valid.end is not None else now
    else:
        return None
    return (start, end) if end > start else None


def ended_at(
    recorded: dt.datetime | None, valid: Window, published_at: dt.datetime | None
) -> dt.datetime | None:
    """Return when a revision stopped being public: its recorded end, else the end of its
    validity (it passed before the expiry job ran), else its publication."""
    return recorded or valid.end or published_at
