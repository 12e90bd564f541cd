"""Periods and compliance statuses (DESIGN.md §3)."""

from __future__ import annotations

import datetime as dt

import pytest

from signage_server.catalog.rules import Cadence
from signage_server.catalog.rules import Publication
from signage_server.catalog.rules import Requirement
from signage_server.catalog.rules import Status
from signage_server.catalog.rules import period_of
from signage_server.catalog.rules import status
from signage_server.disclosure.rules import Timing

D = dt.date
QUARTERLY = Requirement(Timing.PERIODIC, Cadence.QUARTERLY, 19)


@pytest.mark.parametrize(
    ("cadence", "day", "start", "end", "label"),
    [
        (Cadence.MONTHLY, D(2026, 12, 5), D(2026, 12, 1), D(2027, 1, 1), "2026-12"),
        (Cadence.QUARTERLY, D(2026, 11, 22), D(2026, 10, 1), D(2027, 1, 1), "2026-Q4"),
        (Cadence.QUARTERLY, D(2026, 4, 1), D(2026, 4, 1), D(2026, 7, 1), "2026-Q2"),
        (Cadence.HALF_YEARLY, D(2026, 6, 30), D(2026, 1, 1), D(2026, 7, 1), "2026-H1"),
        (Cadence.YEARLY, D(2026, 7, 1), D(2026, 1, 1), D(2027, 1, 1), "2026"),
    ],
)
def test_periods(cadence: Cadence, day: D, start: D, end: D, label: str) -> None:
    period = period_of(cadence, day)
    assert (period.start, period.end, period.label) == (start, end, label)


def pub(day: D, *, live: bool = True, item: int = 1, ended: D | None = None) -> Publication:
    return Publication(item_id=item, published_at=day, live=live, ended_at=ended)


def test_periodic_current_when_published_this_period() -> None:
    result = status(
        QUARTERLY, [pub(D(2026, 7, 10), item=1), pub(D(2026, 10, 12), item=2)], D(2026, 11, 22)
    )
    assert (result.status, result.item_id, result.period) == (Status.CURRENT, 2, "2026-Q4")


def test_periodic_due_soon_inside_grace_days() -> None:
    result = status(QUARTERLY, [pub(D(2026, 7, 10))], D(2026, 10, 15))
    assert result.status is Status.DUE_SOON
    assert result.since == D(2026, 10, 20)  # "quarterly items by the 20th of the first month"


def test_periodic_overdue_after_the_deadline() -> None:
    result = status(QUARTERLY, [pub(D(2026, 7, 10))], D(2026, 11, 22))
    assert (result.status, result.since) == (Status.OVERDUE, D(2026, 10, 20))


def test_periodic_missing_when_never_published() -> None:
    assert status(QUARTERLY, [], D(2026, 11, 22)).status is Status.MISSING
    assert status(QUARTERLY, [], D(2026, 10, 2)).status is Status.DUE_SOON


def test_standing() -> None:
    standing = Requirement(Timing.STANDING, None, 19)
    assert status(standing, [], D(2026, 11, 22)).status is Status.MISSING
    assert status(standing, [pub(D(2026, 3, 1))], D(2026, 11, 22)).status is Status.CURRENT
    due = status(standing, [pub(D(2025, 11, 30))], D(2026, 11, 22))
    assert (due.status, due.since) == (Status.DUE_SOON, D(2026, 11, 30))
    stale = status(standing, [pub(D(2025, 6, 1))], D(2026, 11, 22))
    assert (stale.status, stale.since) == (Status.OVERDUE, D(2026, 6, 1))
    withdrawn = status(
        standing, [pub(D(2026, 3, 1), live=False, ended=D(2026, 9, 1))], D(2026, 11, 22)
    )
    assert (withdrawn.status, withdrawn.since) == (Status.OVERDUE, D(2026, 9, 1))


def test_staged_needs_a_year_end_summary() -> None:
    staged = Requirement(Timing.STAGED, None, 30)
    assert status(staged, [], D(2026, 5, 1)).status is Status.MISSING
    assert (
        status(staged, [pub(D(2026, 4, 1), live=False)], D(2026, 11, 22)).status is Status.CURRENT
    )
    assert (
        status(staged, [pub(D(2025, 9, 1), live=False)], D(2026, 1, 20)).status is Status.DUE_SOON
    )
    late = status(staged, [pub(D(2025, 9, 1), live=False)], D(2026, 3, 1))
    assert (late.status, late.since) == (Status.OVERDUE, D(2026, 1, 31))


def test_immediate_owes_nothing_until_something_happens() -> None:
    immediate = Requirement(Timing.IMMEDIATE, None, 0)
    assert status(immediate, [], D(2026, 11, 22)).status is Status.CURRENT


def test_exemptions_win() -> None:
    assert status(QUARTERLY, [], D(2026, 11, 22), "approved").status is Status.EXEMPTED
    assert status(QUARTERLY, [], D(2026, 11, 22), "pending").status is Status.PENDING_EXEMPTION
    assert status(QUARTERLY, [], D(2026, 11, 22), "refused").status is Status.MISSING
