"""When a box needs attention, and what a health report may say."""

from __future__ import annotations

import datetime as dt
from typing import Any

from signage_server.fleet.health import rules
from signage_server.fleet.health.rules import Flag

NOW = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)


def flags(**given: Any) -> list[Flag]:
    args: dict[str, Any] = {
        "disk_ratio": 0.5,
        "restarts": 0,
        "player_versions": ("2.0.0", "2.0.0"),
        "server_version": "2.0.0",
        "agent_seen_at": NOW - dt.timedelta(minutes=4),
        "now": NOW,
    }
    return rules.flags(**args | given)


def test_a_healthy_box_needs_nothing() -> None:
    assert flags() == []
    assert flags(disk_ratio=None, agent_seen_at=None, player_versions=("", "")) == []


def test_each_reason() -> None:
    assert flags(disk_ratio=0.9) == []
    assert flags(disk_ratio=0.91) == [Flag.DISK_FULL]
    assert flags(restarts=2) == []
    assert flags(restarts=3) == [Flag.RESTARTS]
    assert flags(player_versions=("1.9.0", "")) == [Flag.PLAYER_BEHIND]
    assert flags(player_versions=("", "1.9.0")) == [Flag.PLAYER_BEHIND]
    assert flags(agent_seen_at=NOW - dt.timedelta(minutes=15)) == []
    assert flags(agent_seen_at=NOW - dt.timedelta(minutes=16)) == [Flag.AGENT_SILENT]
    every = flags(
        disk_ratio=0.99,
        restarts=5,
        player_versions=("1.0", "1.0"),
        agent_seen_at=NOW - dt.timedelta(hours=1),
    )
    assert every == [Flag.DISK_FULL, Flag.RESTARTS, Flag.PLAYER_BEHIND, Flag.AGENT_SILENT]


GOOD = {
    "uptime_s": 100,
    "disk_used": 1,
    "disk_total": 2,
    "temperature_c": 48.2,
    "browser_version": "Chrome/120",
    "player_version": "2.0.0",
    "agent_version": "1.0.0",
    "restart_reason": "power_loss",
    "restart_count": 4,
}


def test_parse_a_report() -> None:
    report = rules.parse(GOOD)
    assert report is not None and report.disk_ratio == 0.5 and report.restart_count == 4
    assert rules.parse(GOOD | {"temperature_c": None}) is not None
    weird = rules.parse(GOOD | {"restart_reason": "<script>", "browser_version": "x" * 500})
    assert weird is not None and weird.restart_reason == "unknown"
    assert len(weird.browser_version) == rules.VERSION_MAX
    implausible = rules.parse(GOOD | {"temperature_c": 9000})
    assert implausible is not None and implausible.temperature_c is None
    for bad in (
        None,
        [],
        GOOD | {"uptime_s": -1},
        GOOD | {"uptime_s": True},
        GOOD | {"disk_used": 3},
        GOOD | {"temperature_c": "hot"},
        GOOD | {"restart_count": 2**40},
    ):
        assert rules.parse(bad) is None, bad
    assert rules.parse(GOOD | {"disk_total": 0, "disk_used": 0}).disk_ratio is None  # type: ignore[union-attr]


def test_which_reports_tell_of_a_new_restart() -> None:
    first = rules.parse(GOOD | {"restart_reason": "first_start", "restart_count": 0})
    again = rules.parse(GOOD)
    assert first is not None and again is not None
    assert not rules.is_new_restart(None, first)
    assert rules.is_new_restart(None, again)
    assert rules.is_new_restart(3, again)
    assert not rules.is_new_restart(4, again)
