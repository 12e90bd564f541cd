"""The box's health: storing what the agent reports, and what the wall and the screen's page
show of it (the flags of ``fleet.health.rules``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server import services as registry
from signage_server.errors import BadRequest
from signage_server.fleet import news
from signage_server.fleet.agents import agent_present
from signage_server.fleet.health import rules
from signage_server.fleet.health.models import BoxHealth
from signage_server.fleet.health.models import BoxRestart
from signage_server.i18n import N_
from signage_server.screens.models import Screen
from signage_server.screens.player import player_version
from signage_server.screens.services.tokens import token_holder
from signage_server.unit_of_work import committed

#: Restarts kept per screen (the flag needs a day's; the page shows the last few).
RESTARTS_KEPT = dt.timedelta(days=30)


def report(token: str | None, body: Any) -> dict[str, Any]:
    """Store the health the agent of the screen holding ``token`` reports; answer what the
    agent should know (``snapshot_every_min``).

    :raise Unauthorized: a bad, revoked or replaced token; :raise BadRequest: a malformed report.
    """
    with committed() as session:
        screen = token_holder(session, token)
        parsed = rules.parse(body)
        if parsed is None:
            raise BadRequest(N_("Malformed health report."), code="bad_health")
        now = registry.now()
        before = states(session, [screen], now)[screen.id]
        health = session.get(BoxHealth, screen.id)
        previous = None if health is None else health.restart_count
        if health is None:
            health = BoxHealth(screen_id=screen.id)
            session.add(health)
        if rules.is_new_restart(previous, parsed):
            session.add(BoxRestart(screen_id=screen.id, at=now, reason=parsed.restart_reason))
        health.reported_at = now
        health.uptime_s = parsed.uptime_s
        health.disk_used = parsed.disk_used
        health.disk_total = parsed.disk_total
        health.temperature_c = parsed.temperature_c
        health.browser_version = parsed.browser_version
        health.player_version = parsed.player_version
        health.agent_version = parsed.agent_version
        health.restart_reason = parsed.restart_reason
        health.restart_count = parsed.restart_count
        screen.agent_version = parsed.agent_version
        screen.agent_seen_at = now
        session.execute(
            sa.delete(BoxRestart).where(
                BoxRestart.screen_id == screen.id, BoxRestart.at < now - RESTARTS_KEPT
            )
        )
        session.flush()
        after = states(session, [screen], now)[screen.id]
        answer = {"snapshot_every_min": screen.snapshot_every_min}
        whose = news.Whose.of(screen)
    news.health_changed(whose, before, after)
    return answer


def restarts_within(
    session: Session, screen_ids: Iterable[int], now: dt.datetime
) -> dict[int, int]:
    """Return how many restarts each screen had within ``rules.RESTARTS_WINDOW``."""
    ids = list(screen_ids)
    if not ids:
        return {}
    rows = session.execute(
        sa.select(BoxRestart.screen_id, sa.func.count())
        .where(BoxRestart.screen_id.in_(ids), BoxRestart.at >= now - rules.RESTARTS_WINDOW)
        .group_by(BoxRestart.screen_id)
    )
    return {screen_id: count for screen_id, count in rows}


def healths(session: Session, screen_ids: Iterable[int]) -> dict[int, BoxHealth]:
    ids = list(screen_ids)
    if not ids:
        return {}
    return {
        h.screen_id: h
        for h in session.scalars(sa.select(BoxHealth).where(BoxHealth.screen_id.in_(ids)))
    }


def recent_restarts(session: Session, screen: Screen, limit: int = 10) -> list[BoxRestart]:
    return list(
        session.scalars(
            sa.select(BoxRestart)
            .where(BoxRestart.screen_id == screen.id)
            .order_by(BoxRestart.at.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class State:
    """What the wall and the screen's page show of a box."""

    agent: bool
    health: BoxHealth | None
    restarts: int
    flags: list[rules.Flag]

    def json(self) -> dict[str, Any]:
        h = self.health
        return {
            "agent": self.agent,
            "flags": [f.value for f in self.flags],
            "restarts_24h": self.restarts,
            "health": None
            if h is None
            else {
                "reported_at": h.reported_at.isoformat(),
                "uptime_s": h.uptime_s,
                "disk_used": h.disk_used,
                "disk_total": h.disk_total,
                "temperature_c": h.temperature_c,
                "browser_version": h.browser_version,
                "player_version": h.player_version,
                "agent_version": h.agent_version,
                "restart_reason": h.restart_reason,
                "restart_count": h.restart_count,
            },
        }


def state_of(screen: Screen, health: BoxHealth | None, restarts: int, now: dt.datetime) -> State:
    """Return what the wall shows of ``screen``'s box."""
    ratio = None
    if health is not None and health.disk_total > 0:
        ratio = health.disk_used / health.disk_total
    versions = (screen.player_version, health.player_version if health else "")
    return State(
        agent=agent_present(screen.agent_seen_at, now),
        health=health,
        restarts=restarts,
        flags=rules.flags(
            disk_ratio=ratio,
            restarts=restarts,
            player_versions=versions,
            server_version=player_version(),
            agent_seen_at=screen.agent_seen_at,
            now=now,
        ),
    )


def states(session: Session, screens: Iterable[Screen], now: dt.datetime) -> dict[int, State]:
    """Return the box state of each of ``screens``."""
    found = list(screens)
    ids = [s.id for s in found]
    health = healths(session, ids)
    restarts = restarts_within(session, ids, now)
    return {s.id: state_of(s, health.get(s.id), restarts.get(s.id, 0), now) for s in found}
