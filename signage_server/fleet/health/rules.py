"""When a screen's box needs an operator's attention. Pure: no Flask, no database session.

The agent of ``deploy/kiosk`` reports the box's health every ``fleet.agents.REPORT_EVERY``.
:func:`flags` turns the latest report, the restarts of the last day and the versions into the
reasons the wall shows beside a "needs attention" badge:

* the disk of ``/`` is more than :data:`DISK_FULL_RATIO` full (Chromium's cache and logs grow;
  a full disk stops the player from keeping its content offline);
* the box or its browser restarted :data:`RESTARTS_MANY` times or more within
  :data:`RESTARTS_WINDOW` (power, heat or a crashing browser);
* the player on the box is behind the server's (it did not update itself);
* the agent fell silent (it reported before, and not for ``fleet.agents.SILENT_AFTER``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from signage_server.fleet.agents import agent_present
from signage_server.i18n import N_

DISK_FULL_RATIO = 0.9
RESTARTS_MANY = 3
RESTARTS_WINDOW = dt.timedelta(hours=24)

#: Why the box last (re)started, as the agent works it out.
RESTART_REASONS = {
    "first_start": N_("first start of the agent"),
    "power_loss": N_("power loss (no clean shutdown)"),
    "reboot": N_("reboot or shutdown"),
    "remote_reboot": N_("reboot from the screen wall"),
    "browser_restart": N_("browser restarted"),
    "agent_restart": N_("agent restarted"),
    "unknown": N_("unknown"),
}

#: Longest text kept of a version string.
VERSION_MAX = 64


class Flag(StrEnum):
    DISK_FULL = "disk_full"
    RESTARTS = "restarts"
    PLAYER_BEHIND = "player_behind"
    AGENT_SILENT = "agent_silent"

    @property
    def label(self) -> str:
        return FLAG_LABELS[self]


FLAG_LABELS = {
    Flag.DISK_FULL: N_("disk more than 90 percent full"),
    Flag.RESTARTS: N_("restarted 3 times or more in 24 hours"),
    Flag.PLAYER_BEHIND: N_("player version behind the server's"),
    Flag.AGENT_SILENT: N_("box agent silent"),
}


@dataclass(frozen=True)
class Report:
    """A health report as the agent sends it (checked by :func:`parse`)."""

    uptime_s: int
    disk_used: int
    disk_total: int
    temperature_c: float | None
    browser_version: str
    player_version: str
    agent_version: str
    restart_reason: str
    restart_count: int
    #: When the agent saw the last restart (its own clock; only for telling restarts apart).
    restart_at: str

    @property
    def disk_ratio(self) -> float | None:
        return self.disk_used / self.disk_total if self.disk_total > 0 else None


def _count(value: Any, limit: int = 2**62) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= limit else None


def _text(value: Any, limit: int = VERSION_MAX) -> str:
    return value[:limit] if isinstance(value, str) else ""


def parse(body: Any) -> Report | None:
    """Return the report ``body`` (parsed JSON) describes, or None when it is malformed."""
    if not isinstance(body, dict):
        return None
    uptime, used, total = (_count(body.get(k)) for k in ("uptime_s", "disk_used", "disk_total"))
    count = _count(body.get("restart_count", 0), 2**31 - 1)
    if uptime is None or used is None or total is None or count is None or used > total:
        return None
    temperature = body.get("temperature_c")
    if isinstance(temperature, bool) or not isinstance(temperature, int | float | None):
        return None
    if temperature is not None and not -60 <= temperature <= 200:
        temperature = None
    reason = body.get("restart_reason") or "unknown"
    return Report(
        uptime_s=uptime,
        disk_used=used,
        disk_total=total,
        temperature_c=None if temperature is None else float(temperature),
        browser_version=_text(body.get("browser_version")),
        player_version=_text(body.get("player_version")),
        agent_version=_text(body.get("agent_version"), 32),
        restart_reason=reason if reason in RESTART_REASONS else "unknown",
        restart_count=count,
        restart_at=_text(body.get("restart_at"), 40),
    )


def is_new_restart(previous_count: int | None, report: Report) -> bool:
    """Tell whether ``report`` tells of a restart the server has not counted yet (the agent's
    count went up; a first report counts its restart unless it is the agent's first start)."""
    if previous_count is None:
        return report.restart_reason != "first_start" and report.restart_count > 0
    return report.restart_count > previous_count


def player_behind(server_version: str, *reported: str) -> bool:
    """Tell whether any reported player version (known ones only) differs from the server's."""
    return any(v and v != server_version for v in reported)


def flags(
    *,
    disk_ratio: float | None,
    restarts: int,
    player_versions: tuple[str, ...],
    server_version: str,
    agent_seen_at: dt.datetime | None,
    now: dt.datetime,
) -> list[Flag]:
    """Return why a screen's box needs attention (empty: it does not).

    ``disk_ratio``: the latest report's used/total of ``/`` (None: no report);
    ``restarts``: restarts within :data:`RESTARTS_WINDOW`; ``player_versions``: what the page
    and the agent last reported; ``agent_seen_at``: the agent's last report (None: never).
    """
    found: list[Flag] = []
    if disk_ratio is not None and disk_ratio > DISK_FULL_RATIO:
        found.append(Flag.DISK_FULL)
    if restarts >= RESTARTS_MANY:
        found.append(Flag.RESTARTS)
    if player_behind(server_version, *player_versions):
        found.append(Flag.PLAYER_BEHIND)
    if agent_seen_at is not None and not agent_present(agent_seen_at, now):
        found.append(Flag.AGENT_SILENT)
    return found
