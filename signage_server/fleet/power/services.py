"""定时开关屏 use cases: setting a screen's or a group's schedule (audited), what a screen's
manifest carries of it, what the wall says, and the blank periods players report.

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

from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import acting_role
from signage_server.audit import rules as audit_rules
from signage_server.audit import services as audit
from signage_server.errors import BadRequest
from signage_server.errors import NotFound
from signage_server.fleet.power import rules
from signage_server.fleet.power.models import BlankPeriod
from signage_server.fleet.power.models import PowerReport
from signage_server.fleet.power.models import PowerSchedule
from signage_server.i18n import N_
from signage_server.screens import changes
from signage_server.screens.models import Manifest
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenGroup
from signage_server.screens.models import screen_group_members
from signage_server.screens.services.lookup import screen_for
from signage_server.unit_of_work import committed
from signage_server.unit_of_work import session as current_session
from signage_server.workdays.services import calendar_of

#: Days of the calendar a manifest carries (from the start of today in the screen's zone): the
#: player applies holidays offline for two weeks.
CALENDAR_DAYS = 14
#: The most blank periods one ``blanked`` message may carry.
BLANKED_MAX = 200
#: The longest blank period accepted (a longer one is cut: a player left off for a month by a
#: broken schedule is not "saved" time beyond what a long holiday gives).
BLANK_LONGEST = dt.timedelta(days=10)
#: Months the screen's page lists.
MONTHS_SHOWN = 12
#: The highest power draw accepted, in watts.
WATTS_MAX = 5000


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

    def json(self) -> dict[str, Any]:
        return {
            "state": self.state.value,
            "until": self.until.isoformat() if self.until else None,
            "until_text": self.until.strftime("%H:%M") if self.until else None,
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
    return PowerNow(state, until.astimezone(tz) if until else None)


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


# --- setting schedules ------------------------------------------------------------------------


def _watts(value: object) -> int:
    try:
        watts = int(str(value or 0))
    except ValueError:
        watts = -1
    if not 0 <= watts <= WATTS_MAX:
        raise BadRequest(
            N_("The power draw must be a whole number of watts from 0 to %(max)s."),
            code="invalid_watts",
            max=WATTS_MAX,
        )
    return watts


def _audit(
    session: Session,
    principal: Principal,
    subject: str,
    subject_id: int,
    org_path: str,
    action: str,
    state: str,
    details: dict[str, Any],
) -> None:
    role = acting_role(principal.grants, (Permission.MANAGE_SCREENS,), org_path)
    audit.record_event(
        session,
        subject=subject,
        subject_id=subject_id,
        actor=principal.user.username,
        role=role.value if role else "operator",
        action=action,
        reason="",
        at=registry.now(),
        state=state,
        details=details,
    )


def _store(
    session: Session,
    row: PowerSchedule | None,
    target: dict[str, int],
    data: Mapping[str, Any],
    principal: Principal,
) -> PowerSchedule:
    schedule = rules.parse_schedule(data)
    watts = _watts(data.get("watts", row.watts if row else 0))
    if row is None:
        row = PowerSchedule(**target)
        session.add(row)
    row.rows = schedule.json()
    row.watts = watts
    row.updated_at = registry.now()
    row.updated_by = principal.user.username
    session.flush()
    return row


def _group_screens(session: Session, group_id: int) -> list[int]:
    return list(
        session.scalars(
            sa.select(screen_group_members.c.screen_id).where(
                screen_group_members.c.group_id == group_id
            )
        )
    )


def set_screen_schedule(principal: Principal, screen_id: int, data: Mapping[str, Any]) -> Screen:
    """Give a screen its own schedule (``data``: :meth:`rules.Schedule.json` plus ``watts``).

    :raise NotFound, PermissionDenied: no such screen, or the caller may not manage it.
    :raise BadRequest: ``invalid_power_schedule``, ``invalid_watts``.
    """
    with committed() as session:
        screen = screen_for(principal, screen_id, Permission.MANAGE_SCREENS)
        row = session.scalar(sa.select(PowerSchedule).where(PowerSchedule.screen_id == screen.id))
        row = _store(session, row, {"screen_id": screen.id}, data, principal)
        _audit(
            session,
            principal,
            audit_rules.SCREEN,
            screen.id,
            screen.org.path,
            "set_power_schedule",
            "scheduled",
            {"org": screen.org_id, "power": row.rows, "watts": row.watts},
        )
        changes.touch_screens(session, [screen.id])
    return screen


def clear_screen_schedule(principal: Principal, screen_id: int) -> Screen:
    """Remove a screen's own schedule (it follows its group's, if any, or stays on).

    :raise NotFound, PermissionDenied: no such screen, or the caller may not manage it.
    """
    with committed() as session:
        screen = screen_for(principal, screen_id, Permission.MANAGE_SCREENS)
        row = session.scalar(sa.select(PowerSchedule).where(PowerSchedule.screen_id == screen.id))
        if row is not None:
            session.delete(row)
            session.flush()
            _audit(
                session,
                principal,
                audit_rules.SCREEN,
                screen.id,
                screen.org.path,
                "clear_power_schedule",
                "unscheduled",
                {"org": screen.org_id},
            )
            changes.touch_screens(session, [screen.id])
    return screen


def group_for(principal: Principal, group_id: int, permission: Permission) -> ScreenGroup:
    """Return the group if ``principal`` has ``permission`` at its organisation.

    :raise NotFound: ``group_not_found``.
    :raise PermissionDenied: not allowed there.
    """
    group = current_session().get(ScreenGroup, group_id)
    if group is None:
        raise NotFound(N_("No such group."), code="group_not_found")
    principal.require(permission, group.org)
    return group


def set_group_schedule(principal: Principal, group_id: int, data: Mapping[str, Any]) -> ScreenGroup:
    """Give a group a schedule, followed by its screens without their own.

    :raise NotFound, PermissionDenied: no such group, or the caller may not manage it.
    :raise BadRequest: ``invalid_power_schedule``, ``invalid_watts``.
    """
    with committed() as session:
        group = group_for(principal, group_id, Permission.MANAGE_SCREENS)
        row = session.scalar(sa.select(PowerSchedule).where(PowerSchedule.group_id == group.id))
        row = _store(session, row, {"group_id": group.id}, data, principal)
        _audit(
            session,
            principal,
            audit_rules.SCREEN_GROUP,
            group.id,
            group.org.path,
            "set_power_schedule",
            "scheduled",
            {"org": group.org_id, "power": row.rows, "watts": row.watts},
        )
        changes.touch_screens(session, _group_screens(session, group.id))
    return group


def clear_group_schedule(principal: Principal, group_id: int) -> ScreenGroup:
    """Remove a group's schedule.

    :raise NotFound, PermissionDenied: no such group, or the caller may not manage it.
    """
    with committed() as session:
        group = group_for(principal, group_id, Permission.MANAGE_SCREENS)
        row = session.scalar(sa.select(PowerSchedule).where(PowerSchedule.group_id == group.id))
        if row is not None:
            session.delete(row)
            session.flush()
            _audit(
                session,
                principal,
                audit_rules.SCREEN_GROUP,
                group.id,
                group.org.path,
                "clear_power_schedule",
                "unscheduled",
                {"org": group.org_id},
            )
            changes.touch_screens(session, _group_screens(session, group.id))
    return group


def schedule_json(row: PowerSchedule | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {**row.rows, "watts": row.watts, "updated_at": row.updated_at.isoformat()}


def screen_power(principal: Principal, screen_id: int) -> dict[str, Any]:
    """Return a screen's power settings and state (the API's ``GET``).

    :raise NotFound, PermissionDenied: no such screen, or the caller may not see it.
    """
    session = current_session()
    screen = screen_for(principal, screen_id, Permission.VIEW)
    own = session.scalar(sa.select(PowerSchedule).where(PowerSchedule.screen_id == screen.id))
    effective = effective_of(session, screen)
    now = registry.now()
    power = power_now(session, screen, effective, now)
    return {
        "screen": screen.id,
        "schedule": schedule_json(own),
        "follows": None
        if effective is None
        else {
            "source": effective.source,
            "group": effective.group.id if effective.group else None,
            **effective.schedule.json(),
        },
        "now": power.json() if power else None,
        "saved": [m.json() for m in saved_by_month(session, screen, effective, now)],
    }


def group_power(principal: Principal, group_id: int) -> dict[str, Any]:
    """Return a group's schedule (the API's ``GET``).

    :raise NotFound, PermissionDenied: no such group, or the caller may not see it.
    """
    session = current_session()
    group = group_for(principal, group_id, Permission.VIEW)
    row = session.scalar(sa.select(PowerSchedule).where(PowerSchedule.group_id == group.id))
    return {"group": group.id, "schedule": schedule_json(row)}


def group_schedule_row(session: Session, group_id: int) -> PowerSchedule | None:
    return session.scalar(sa.select(PowerSchedule).where(PowerSchedule.group_id == group_id))


def screen_schedule_row(session: Session, screen_id: int) -> PowerSchedule | None:
    return session.scalar(sa.select(PowerSchedule).where(PowerSchedule.screen_id == screen_id))


# --- what players report ----------------------------------------------------------------------


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
