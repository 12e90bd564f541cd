"""Pure rules of the catalog: periods of periodic entries and the compliance status.

Compliance is computed, never typed in (DESIGN.md §3). For one organisation and one catalog
entry, :func:`status` looks at when items for the entry were published and says:

* ``current`` - the requirement is met now;
* ``due_soon`` - not met yet, the deadline is near (or the grace days are still running);
* ``overdue`` - the deadline has passed (``since`` = the deadline);
* ``missing`` - nothing has ever been published for it;
* ``exempted`` / ``pending_exemption`` - declared unsuitable for disclosure (不便公开),
  approved or awaiting the superior organisation's decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from signage_server.disclosure.rules import Timing
from signage_server.i18n import N_


class Cadence(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"

    @property
    def label(self) -> str:
        return CADENCE_LABELS[self]

    @property
    def months(self) -> int:
        return {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}[self.value]


CADENCE_LABELS = {
    Cadence.MONTHLY: N_("Monthly"),
    Cadence.QUARTERLY: N_("Quarterly"),
    Cadence.HALF_YEARLY: N_("Half-yearly"),
    Cadence.YEARLY: N_("Yearly"),
}

#: Default grace days after a period starts: quarterly items by the 20th of the first month.
DEFAULT_GRACE_DAYS = 19
#: How long before a deadline an unmet requirement shows as ``due_soon``.
DUE_SOON_DAYS = 14
#: Standing content is re-confirmed at least yearly.
STANDING_RECONFIRM_DAYS = 365


class Status(StrEnum):
    CURRENT = "current"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MISSING = "missing"
    EXEMPTED = "exempted"
    PENDING_EXEMPTION = "pending_exemption"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.CURRENT: N_("Up to date"),
    Status.DUE_SOON: N_("Due soon"),
    Status.OVERDUE: N_("Overdue"),
    Status.MISSING: N_("Never disclosed"),
    Status.EXEMPTED: N_("Exempted (not suitable for disclosure)"),
    Status.PENDING_EXEMPTION: N_("Exemption awaiting decision"),
}


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # exclusive
    label: str


def period_of(cadence: Cadence, day: dt.date) -> Period:
    """Return the calendar period of ``cadence`` containing ``day``."""
    months = cadence.months
    first_month = (day.month - 1) // months * months + 1
    start = dt.date(day.year, first_month, 1)
    end_month = first_month + months
    end = dt.date(day.year + (end_month > 12), (end_month - 1) % 12 + 1, 1)
    if cadence is Cadence.MONTHLY:
        label = f"{day.year}-{first_month:02d}"
    elif cadence is Cadence.QUARTERLY:
        label = f"{day.year}-Q{(first_month - 1) // 3 + 1}"
    elif cadence is Cadence.HALF_YEARLY:
        label = f"{day.year}-H{(first_month - 1) // 6 + 1}"
    else:
        label = str(day.year)
    return Period(start, end, label)


@dataclass(frozen=True)
class Publication:
    """One published revision of an item for the entry."""

    item_id: int
    published_at: dt.date
    #: Whether it is on display now (published and inside its validity window).
    live: bool
    #: When it stopped being live (expired or withdrawn), if it did.
    ended_at: dt.date | None = None


@dataclass(frozen=True)
class Requirement:
    timing: Timing
    cadence: Cadence | None
    grace_days: int


@dataclass(frozen=True)
class Result:
    status: Status
    since: dt.date | None = None
    item_id: int | None = None
    period: str | None = None
    deadline: dt.date | None = None


def status(
    requirement: Requirement,
    publications: Sequence[Publication],
    today: dt.date,
    exemption: str | None = None,
) -> Result:
    """Return the compliance of one org with one catalog entry on ``today``.

    :param exemption: ``"approved"`` or ``"pending"`` when 不便公开 was declared.
    """
    if exemption == "approved":
        return Result(Status.EXEMPTED)
    if exemption == "pending":
        return Result(Status.PENDING_EXEMPTION)
    ordered = sorted(publications, key=lambda p: p.published_at)
    latest = ordered[-1] if ordered else None
    live = [p for p in ordered if p.live]

    if requirement.timing is Timing.PERIODIC and requirement.cadence is not None:
        period = period_of(requirement.cadence, today)
        deadline = period.start + dt.timedelta(days=requirement.grace_days)
        in_period = [p for p in ordered if period.start <= p.published_at < period.end]
        if in_period:
            following = period.end + dt.timedelta(days=requirement.grace_days)
            return Result(
                Status.CURRENT,
                item_id=in_period[-1].item_id,
                period=period.label,
                deadline=following,
            )
        item = latest.item_id if latest else None
        if today <= deadline:
            return Result(
                Status.DUE_SOON,
                since=deadline,
                item_id=item,
                period=period.label,
                deadline=deadline,
            )
        if latest is None:
            return Result(Status.MISSING, since=deadline, period=period.label, deadline=deadline)
        return Result(
            Status.OVERDUE, since=deadline, item_id=item, period=period.label, deadline=deadline
        )

    if requirement.timing is Timing.STANDING:
        if latest is None:
            return Result(Status.MISSING)
        if not live:
            since = latest.ended_at or latest.published_at
            return Result(Status.OVERDUE, since=since, item_id=latest.item_id)
        newest = live[-1]
        deadline = newest.published_at + dt.timedelta(days=STANDING_RECONFIRM_DAYS)
        if today > deadline:
            return Result(Status.OVERDUE, since=deadline, item_id=newest.item_id, deadline=deadline)
        if today > deadline - dt.timedelta(days=DUE_SOON_DAYS):
            return Result(
                Status.DUE_SOON, since=deadline, item_id=newest.item_id, deadline=deadline
            )
        return Result(Status.CURRENT, item_id=newest.item_id, deadline=deadline)

    if requirement.timing is Timing.STAGED:
        if latest is None:
            return Result(Status.MISSING)
        year_start = dt.date(today.year, 1, 1)
        this_year = [p for p in ordered if p.published_at >= year_start]
        if this_year or live:
            chosen = (this_year or live)[-1]
            return Result(Status.CURRENT, item_id=chosen.item_id)
        # Work crossing a year needs a year-end summary early in the new year.
        deadline = year_start + dt.timedelta(days=requirement.grace_days)
        if today <= deadline:
            return Result(
                Status.DUE_SOON, since=deadline, item_id=latest.item_id, deadline=deadline
            )
        return Result(Status.OVERDUE, since=deadline, item_id=latest.item_id, deadline=deadline)

    # Immediate: event-driven; nothing is owed until something happens.
    return Result(Status.CURRENT, item_id=latest.item_id if latest else None)
