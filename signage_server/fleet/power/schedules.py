"""Which power schedule each screen follows, what its manifest carries of it and what the
wall says of it now. Only queries (no use case, no permission): the manifest compiler and the
screen wall call it.

Which schedule a screen follows (:func:`effective_of`): its own; else that of the first of its
groups (the one created first, lowest id) that has one. The screen's page names the group
followed and the groups whose schedules it does not follow.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.fleet.power import rules
from signage_server.fleet.power.models import PowerSchedule
from signage_server.screens.models import Manifest
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenGroup
from signage_server.screens.models import screen_group_members
from signage_server.workdays.services import calendar_of

#: Days of the calendar a manifest carries (from the start of today in the screen's zone): the
#: player applies holidays offline for two weeks.
CALENDAR_DAYS = 14


@dataclass(frozen=True)
class Effective:
    """The schedule a screen follows, and where it comes from."""

    schedule: rules.Schedule
    #: ``"screen"`` (its own) or ``"group"``.
    source: str
    watts: int = 0
    group: ScreenGroup | None = None
    #: Groups of the screen with a schedule it does not follow.
    ignored: list[ScreenGroup] = field(default_factory=list)


def _schedule(row: PowerSchedule) -> rules.Schedule:
    return rules.parse_schedule(row.rows)


def effective_by_screen(session: Session, screen_ids: Iterable[int]) -> dict[int, Effective]:
    """Return the schedule each screen follows (screens without one are left out): two
    queries, whatever the number of screens."""
    ids = sorted(set(screen_ids))
    if not ids:
        return {}
    own = {
        row.screen_id: row
        for row in session.scalars(sa.select(PowerSchedule).where(PowerSchedule.screen_id.in_(ids)))
    }
    grouped = session.execute(
        sa.select(screen_group_members.c.screen_id, PowerSchedule, ScreenGroup)
        .join(PowerSchedule, PowerSchedule.group_id == screen_group_members.c.group_id)
        .join(ScreenGroup, ScreenGroup.id == screen_group_members.c.group_id)
        .where(screen_group_members.c.screen_id.in_(ids))
        .order_by(screen_group_members.c.screen_id, ScreenGroup.id)
    ).all()
    by_screen: dict[int, list[tuple[PowerSchedule, ScreenGroup]]] = {}
    for screen_id, row, group in grouped:
        by_screen.setdefault(screen_id, []).append((row, group))
    out: dict[int, Effective] = {}
    for screen_id in ids:
        groups = by_screen.get(screen_id, [])
        if screen_id in own:
            row = own[screen_id]
            out[screen_id] = Effective(
                _schedule(row), "screen", row.watts, ignored=[g for _r, g in groups]
            )
        elif groups:
            row, group = groups[0]
            out[screen_id] = Effective(
                _schedule(row), "group", row.watts, group, [g for _r, g in groups[1:]]
            )
    return out


def effective_of(session: Session, screen: Screen) -> Effective | None:
    return effective_by_screen(session, [screen.id]).get(screen.id)


def kind_of(session: Session) -> rules.KindOf:
    """Return which row each date uses, by the official calendar (loaded once per session)."""
    calendar = calendar_of(session)
    return lambda day: rules.day_kind(calendar.is_workday, day)


def manifest_json(
    session: Session, effective: Effective | None, now: dt.datetime, tz: dt.tzinfo
) -> dict[str, Any] | None:
    """Return the manifest's ``power`` (docs/player-protocol.md): the weekly rows, the holiday
    row and the days of the next :data:`CALENDAR_DAYS` that do not use their weekday's row;
    ``None`` without a schedule (the manifests of other screens keep their version)."""
    if effective is None:
        return None
    first = now.astimezone(tz).date()
    calendar = calendar_of(session)
    return {
        **effective.schedule.json(),
        "days": rules.special_days(calendar.is_workday, first, CALENDAR_DAYS),
        "days_from": first.isoformat(),
        "days_until": (first + dt.timedelta(days=CALENDAR_DAYS - 1)).isoformat(),
    }


# --- what the wall says -----------------------------------------------------------------------


@dataclass(frozen=True)
class PowerNow:
    """A screen's power as the wall shows it."""

    state: rules.PowerState
    #: When the state ends by the schedule (local time of the screen), if within three weeks.
    until: dt.datetime | None
    #: Whether that is within a day (the wall says "until 07:00"; later, "until 12-01 07:00").
    soon: bool = True

    def json(self) -> dict[str, Any]:
        return {
            "state": self.state.value,
            "until": self.until.isoformat() if self.until else None,
            "until_text": self.until.strftime("%H:%M" if self.soon else "%m-%d %H:%M")
            if self.until
            else None,
            "until_date": self.until.date().isoformat() if self.until else None,
        }


def urgent_live(manifest: Mapping[str, Any] | None, now: dt.datetime) -> bool:
    """Tell whether ``manifest`` has an urgent item in its window at ``now``."""
    if not manifest:
        return False
    for item in manifest.get("items", []):
        if not item.get("urgent"):
            continue
        start = item.get("valid_from")
        end = item.get("valid_until")
        if start and dt.datetime.fromisoformat(start) > now:
            continue
        if end and dt.datetime.fromisoformat(end) <= now:
            continue
        return True
    return False


def power_now(
    session: Session, screen: Screen, effective: Effective | None, now: dt.datetime
) -> PowerNow | None:
    """Return the screen's power now by its schedule (``None`` without one)."""
    if effective is None:
        return None
    tz = zoneinfo.ZoneInfo(screen.timezone)
    kinds = kind_of(session)
    on = rules.is_on(effective.schedule, kinds, now, tz)
    manifest = session.get(Manifest, screen.manifest_version) if screen.manifest_version else None
    state = rules.power_state(on, urgent_live(manifest.body if manifest else None, now))
    until = rules.next_change(effective.schedule, kinds, now, tz)
    if until is None:
        return PowerNow(state, None)
    return PowerNow(state, until.astimezone(tz), soon=until - now < dt.timedelta(days=1))


def power_states(
    session: Session, screens: Sequence[Screen], now: dt.datetime
) -> dict[int, dict[str, Any]]:
    """Return :meth:`PowerNow.json` of the screens that have a schedule, by id."""
    found = effective_by_screen(session, [s.id for s in screens])
    out: dict[int, dict[str, Any]] = {}
    for screen in screens:
        power = power_now(session, screen, found.get(screen.id), now)
        if power is not None:
            out[screen.id] = power.json()
    return out


def scheduled_off_ids(session: Session, screen_ids: Iterable[int], now: dt.datetime) -> list[int]:
    """Return the screens among ``screen_ids`` that their schedule has off at ``now`` (the
    wall's "off by schedule" filter)."""
    found = effective_by_screen(session, screen_ids)
    if not found:
        return []
    kinds = kind_of(session)
    zones = {
        screen_id: timezone
        for screen_id, timezone in session.execute(
            sa.select(Screen.id, Screen.timezone).where(Screen.id.in_(list(found)))
        )
    }
    return [
        screen_id
        for screen_id, effective in found.items()
        if not rules.is_on(effective.schedule, kinds, now, zoneinfo.ZoneInfo(zones[screen_id]))
    ]
