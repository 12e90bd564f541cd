"""What players report of their display's power: the state in their ``status`` and the blank
periods (``blanked``), and the hours saved per month summed from those periods."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.fleet.power import rules
from signage_server.fleet.power.models import BlankPeriod
from signage_server.fleet.power.models import PowerReport
from signage_server.fleet.power.schedules import Effective
from signage_server.screens.models import Screen

#: The most blank periods one ``blanked`` message may carry.
BLANKED_MAX = 200
#: The longest blank period accepted (a longer one is cut: a player left off for a month by a
#: broken schedule is not "saved" time beyond what a long holiday gives).
BLANK_LONGEST = dt.timedelta(days=10)
#: Months the screen's page lists.
MONTHS_SHOWN = 12


def record_report(session: Session, screen: Screen, state: object, now: dt.datetime) -> None:
    """Keep the power state a player's ``status`` reported (``on``/``off``/``woken``)."""
    if state not in {s.value for s in rules.PowerState}:
        return
    report = session.get(PowerReport, screen.id)
    if report is None:
        session.add(PowerReport(screen_id=screen.id, state=str(state), reported_at=now))
    else:
        report.state, report.reported_at = str(state), now
    session.flush()


def _moment(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(dt.UTC) if moment.tzinfo else None


def record_blanked(
    session: Session, screen: Screen, periods: object, now: dt.datetime
) -> dict[str, int]:
    """Store the blank periods a player reports (``[{from, until}]``, ISO with offsets);
    return ``{"stored", "duplicates", "rejected"}``.

    A period sent again (its acknowledgement lost) is a duplicate, not counted twice; a period
    that ends in the future, is empty or malformed is rejected; one longer than
    :data:`BLANK_LONGEST` is cut to it.
    """
    stored = duplicates = rejected = 0
    listed = periods if isinstance(periods, list) else []
    if not isinstance(periods, list) or len(listed) > BLANKED_MAX:
        return {"stored": 0, "duplicates": 0, "rejected": len(listed) or 1}
    slack = dt.timedelta(minutes=5)  # a player's clock a little ahead
    for period in listed:
        start = _moment(period.get("from")) if isinstance(period, dict) else None
        end = _moment(period.get("until")) if isinstance(period, dict) else None
        if start is None or end is None or end <= start or end > now + slack:
            rejected += 1
            continue
        end = min(end, start + BLANK_LONGEST)
        exists = session.scalar(
            sa.select(BlankPeriod.id).where(
                BlankPeriod.screen_id == screen.id, BlankPeriod.started_at == start
            )
        )
        if exists is not None:
            duplicates += 1
            continue
        session.add(BlankPeriod(screen_id=screen.id, started_at=start, ended_at=end))
        session.flush()
        stored += 1
    return {"stored": stored, "duplicates": duplicates, "rejected": rejected}


@dataclass(frozen=True)
class MonthSaved:
    """The hours a screen was off by its schedule in a month (measured), and the energy."""

    year: int
    month: int
    hours: float
    kwh: float | None

    def json(self) -> dict[str, Any]:
        return {
            "month": f"{self.year:04d}-{self.month:02d}",
            "hours": round(self.hours, 1),
            "kwh": None if self.kwh is None else round(self.kwh, 1),
        }


def saved_by_month(
    session: Session,
    screen: Screen,
    effective: Effective | None,
    now: dt.datetime,
    months: int = MONTHS_SHOWN,
) -> list[MonthSaved]:
    """Return the hours saved in each of the last ``months`` months (newest first), summed
    from the blank periods the player reported (overlaps counted once)."""
    tz = zoneinfo.ZoneInfo(screen.timezone)
    local = now.astimezone(tz)
    keys: list[tuple[int, int]] = []
    year, month = local.year, local.month
    for _ in range(months):
        keys.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    first = dt.datetime(keys[-1][0], keys[-1][1], 1, tzinfo=tz).astimezone(dt.UTC)
    rows = session.execute(
        sa.select(BlankPeriod.started_at, BlankPeriod.ended_at).where(
            BlankPeriod.screen_id == screen.id, BlankPeriod.ended_at > first
        )
    ).all()
    periods = [(max(a, first), b) for a, b in rows]
    hours = rules.hours_by_month(periods, tz)
    watts = effective.watts if effective else 0
    return [
        MonthSaved(
            y, m, hours.get((y, m), 0.0), hours.get((y, m), 0.0) * watts / 1000 if watts else None
        )
        for y, m in keys
    ]
