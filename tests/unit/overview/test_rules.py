"""What makes the home page say 一切正常, and what is "ending soon"."""

from __future__ import annotations

import datetime as dt

from signage_server.overview.rules import Findings
from signage_server.overview.rules import ending_soon
from signage_server.overview.rules import not_up_to_date

NOW = dt.datetime(2026, 11, 23, 1, tzinfo=dt.UTC)


def test_notices_ending_within_a_week() -> None:
    assert ending_soon(NOW + dt.timedelta(days=6, hours=23), NOW)
    assert ending_soon(NOW + dt.timedelta(days=7), NOW)
    assert not ending_soon(NOW + dt.timedelta(days=7, seconds=1), NOW)
    assert not ending_soon(NOW, NOW)  # ended
    assert not ending_soon(None, NOW)  # runs for good


def test_a_screen_is_listed_as_not_up_to_date_once() -> None:
    assert not not_up_to_date(online=True, up_to_date=True, holds_content=True)
    assert not_up_to_date(online=True, up_to_date=False, holds_content=True)
    assert not_up_to_date(online=True, up_to_date=False, holds_content=False)
    assert not_up_to_date(online=False, up_to_date=False, holds_content=True)
    # Offline and never took any content: it is on the offline list already.
    assert not not_up_to_date(online=False, up_to_date=False, holds_content=False)


def test_work_to_do_is_not_a_fault() -> None:
    assert Findings().healthy
    assert Findings(tasks=3, notices_ending=2).healthy
    found = Findings(offline_screens=1, owed_entries=5, tasks=1)
    assert not found.healthy
    assert found.problems == [("offline", 1), ("catalog", 5)]
    assert Findings(integrity_alarms=1, overdue_feedback=2).problems == [
        ("integrity", 1),
        ("feedback", 2),
    ]
    assert Findings(overdue_rectifications=1, tasks=2).problems == [("rectification", 1)]
