"""The pure rule behind the subtree compliance table: counting and ordering the rows."""

from __future__ import annotations

from signage_server.catalog.rules import Status
from signage_server.catalog.tally import Row
from signage_server.catalog.tally import Sort
from signage_server.catalog.tally import Tally
from signage_server.catalog.tally import parse_sort
from signage_server.catalog.tally import sort_rows
from signage_server.catalog.tally import tally
from signage_server.catalog.tally import total


def test_tally_counts_each_status_and_exemptions_together() -> None:
    counted = tally(
        [
            Status.OVERDUE,
            Status.MISSING,
            Status.MISSING,
            Status.DUE_SOON,
            Status.CURRENT,
            Status.EXEMPTED,
            Status.PENDING_EXEMPTION,
        ]
    )
    assert counted == Tally(overdue=1, missing=2, due_soon=1, current=1, exempted=2)
    assert (counted.owed, counted.entries) == (3, 7)
    assert total([counted, Tally(current=4)]) == Tally(1, 2, 1, 5, 2)
    assert total([]) == Tally()


ROWS = [
    Row("township", 0, Tally(overdue=1, missing=5)),
    Row("village-1", 1, Tally(overdue=4, missing=2)),
    Row("village-2", 2, Tally(missing=9, current=2)),
    Row("village-3", 3, Tally(missing=9, current=2)),
    Row("school", 4, Tally(missing=2, due_soon=1)),
]


def order(sort: Sort) -> list[str]:
    return [row.org for row in sort_rows(ROWS, sort)]


def test_default_is_worst_first_then_tree_order() -> None:
    assert order(Sort()) == ["village-1", "township", "village-2", "village-3", "school"]


def test_each_column_sorts_both_ways_and_ties_keep_the_worst_first() -> None:
    assert order(Sort("missing", "desc")) == [
        "village-2",
        "village-3",
        "township",
        "village-1",
        "school",
    ]
    assert order(Sort("missing", "asc")) == [
        "village-1",
        "school",
        "township",
        "village-2",
        "village-3",
    ]
    assert order(Sort("org", "asc")) == [
        "township",
        "village-1",
        "village-2",
        "village-3",
        "school",
    ]
    assert order(Sort("org", "desc")) == [
        "school",
        "village-3",
        "village-2",
        "village-1",
        "township",
    ]


def test_query_parameters_are_checked_and_clicks_toggle() -> None:
    assert parse_sort(None, None) == Sort("overdue", "desc")
    assert parse_sort("missing'--", "desc") == Sort()
    assert parse_sort("org", None) == Sort("org", "asc")
    assert parse_sort("current", "sideways") == Sort("current", "desc")
    assert Sort("missing", "desc").toggle("missing") == Sort("missing", "asc")
    assert Sort("missing", "asc").toggle("missing") == Sort("missing", "desc")
    assert Sort("missing", "asc").toggle("org") == Sort("org", "asc")
    assert Sort("org", "asc").toggle("due_soon") == Sort("due_soon", "desc")
