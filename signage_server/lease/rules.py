"""Who holds a lease, and what a process may do with it: pure, the time passed in.

A lease has a name and at most one holder, until ``expires_at``. Its holder renews it each
round (pushing ``expires_at`` on by the lease's duration); another process may take it only
once it has expired, or once its holder released it. A holder that dies stops renewing, so
the lease runs out and another process takes it: at most the duration plus one round later.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

#: How long a lease lasts unless renewed (``SIGNAGE_SCHEDULER_LEASE_SECONDS``).
DEFAULT_DURATION = dt.timedelta(seconds=30)
#: Shortest duration accepted: a holder renews it every round (a second apart at most), and
#: a round's work must end well within the lease.
SHORTEST_DURATION = dt.timedelta(seconds=5)


@dataclass(frozen=True)
class Lease:
    """The state of one lease as stored (``holder`` is ``None`` once released)."""

    name: str
    holder: str | None
    acquired_at: dt.datetime | None
    renewed_at: dt.datetime | None
    expires_at: dt.datetime | None

    def free(self, now: dt.datetime) -> bool:
        """Whether anyone may take the lease at ``now``: released, or expired."""
        return self.holder is None or self.expires_at is None or self.expires_at <= now

    def held_by(self, holder: str, now: dt.datetime) -> bool:
        """Whether ``holder`` holds the lease at ``now``."""
        return self.holder == holder and not self.free(now)

    def current_holder(self, now: dt.datetime) -> str | None:
        """Who holds the lease at ``now`` (``None``: no one)."""
        return None if self.free(now) else self.holder


def may_take(lease: Lease | None, holder: str, now: dt.datetime) -> bool:
    """Whether ``holder`` may take or renew ``lease`` at ``now``: it holds it already (a
    renewal, even just after it expired: no one took it meanwhile), or the lease is free, or
    there is none yet."""
    return lease is None or lease.holder == holder or lease.free(now)


def taken(
    lease: Lease | None, name: str, holder: str, now: dt.datetime, duration: dt.timedelta
) -> Lease:
    """The lease once ``holder`` took or renewed it at ``now`` for ``duration``.

    A renewal keeps the time it was first acquired; a take-over starts it afresh.

    :raise ValueError: ``holder`` may not take it (see :func:`may_take`), or ``duration`` is
        not positive.
    """
    if duration <= dt.timedelta(0):
        raise ValueError("a lease lasts a positive time")
    if not may_take(lease, holder, now):
        raise ValueError(f"lease {name!r} is held by {lease.holder if lease else None!r}")
    renewal = lease is not None and lease.holder == holder and lease.acquired_at is not None
    acquired = lease.acquired_at if renewal and lease is not None else now
    return Lease(name, holder, acquired, now, now + duration)


class Change(enum.Enum):
    """What a round's attempt changed for this process (what it logs)."""

    TOOK = "took"
    KEPT = "kept"
    LOST = "lost"
    WAITS = "waits"


def change(held_before: bool, holds_now: bool) -> Change:
    """How this process's standing moved between two rounds."""
    if holds_now:
        return Change.KEPT if held_before else Change.TOOK
    return Change.LOST if held_before else Change.WAITS


def holder_id(host: str, pid: int, token: str) -> str:
    """The id of a holder: ``host:pid:token`` (the token tells apart two processes that got
    the same pid, e.g. in two containers of one host name)."""
    if not token:
        raise ValueError("a holder id needs a random token")
    return f"{host}:{pid}:{token}"


def check_duration(duration: dt.timedelta, round_every: dt.timedelta) -> None:
    """Refuse a lease too short to be renewed in time.

    :raise ValueError: shorter than :data:`SHORTEST_DURATION` or than two rounds.
    """
    if duration < SHORTEST_DURATION or duration < 2 * round_every:
        raise ValueError(
            f"a lease of {duration.total_seconds():g} s is too short: at least "
            f"{max(SHORTEST_DURATION, 2 * round_every).total_seconds():g} s"
        )
