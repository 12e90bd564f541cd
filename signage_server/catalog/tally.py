"""Compliance of a whole subtree: one tally per organisation, and the order of the rows. Pure.

The compliance page of a county or township shows one row per organisation below it with
how many of its catalog entries are overdue, never disclosed, due soon or up to date. The
rows are sorted on the server (``?sort=overdue&dir=desc``) so that the table works without
JavaScript; the worst organisations come first by default.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic
from typing import TypeVar

from signage_server.catalog.rules import Status

T = TypeVar("T")


@dataclass(frozen=True)
class Tally:
    """How an organisation's catalog entries stand, counted by status."""

    overdue: int = 0
    missing: int = 0
    due_soon: int = 0
    current: int = 0
    #: Declared not suitable for disclosure: approved, or awaiting the superior's decision.
    exempted: int = 0

    @property
    def entries(self) -> int:
        return self.overdue + self.missing + self.due_soon + self.current + self.exempted

    @property
    def owed(self) -> int:
        """Entries past their deadline: overdue or never disclosed."""
        return self.overdue + self.missing

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.overdue + other.overdue,
            self.missing + other.missing,
            self.due_soon + other.due_soon,
            self.current + other.current,
            self.exempted + other.exempted,
        )


def tally(statuses: Iterable[Status]) -> Tally:
    """Count ``statuses`` (one per catalog entry of an organisation)."""
    counts = {status: 0 for status in Status}
    for status in statuses:
        counts[status] += 1
    return Tally(
        overdue=counts[Status.OVERDUE],
        missing=counts[Status.MISSING],
        due_soon=counts[Status.DUE_SOON],
        current=counts[Status.CURRENT],
        exempted=counts[Status.EXEMPTED] + counts[Status.PENDING_EXEMPTION],
    )


def total(tallies: Iterable[Tally]) -> Tally:
    result = Tally()
    for one in tallies:
        result = result + one
    return result


#: The columns a subtree table sorts by; ``org`` is the order of the organisation tree.
SORT_KEYS = ("org", "overdue", "missing", "due_soon", "current", "exempted")
DEFAULT_SORT = "overdue"
ASCENDING = "asc"
DESCENDING = "desc"


@dataclass(frozen=True)
class Sort:
    key: str = DEFAULT_SORT
    direction: str = DESCENDING

    @property
    def descending(self) -> bool:
        return self.direction == DESCENDING

    def toggle(self, key: str) -> Sort:
        """Return the order a click on column ``key`` asks for: its natural direction first,
        the other direction when the table is sorted by ``key`` already."""
        if key == self.key:
            return Sort(key, ASCENDING if self.descending else DESCENDING)
        return Sort(key, natural_direction(key))


def natural_direction(key: str) -> str:
    """Counts sort largest first; the tree order top first."""
    return ASCENDING if key == "org" else DESCENDING


def parse_sort(key: str | None, direction: str | None) -> Sort:
    """Return the order asked for by the query parameters; unknown values give the default."""
    if key not in SORT_KEYS:
        return Sort()
    assert key is not None
    if direction not in (ASCENDING, DESCENDING):
        direction = natural_direction(key)
    return Sort(key, direction)


@dataclass(frozen=True)
class Row(Generic[T]):
    """One organisation of the subtree table."""

    org: T
    #: Its place in the organisation tree (0 = first), the order when counts are equal.
    position: int
    tally: Tally


def sort_rows(rows: Sequence[Row[T]], order: Sort) -> list[Row[T]]:
    """Return ``rows`` in ``order``; equal counts keep the worst first, then the tree order."""
    result = sorted(rows, key=lambda row: row.position)
    if order.key == "org":
        return result[::-1] if order.descending else result
    result.sort(
        key=lambda row: (row.tally.overdue, row.tally.missing, row.tally.due_soon), reverse=True
    )
    # Stable sort (also with ``reverse``): ties stay worst first, then in tree order.
    result.sort(key=lambda row: int(getattr(row.tally, order.key)), reverse=order.descending)
    return result
