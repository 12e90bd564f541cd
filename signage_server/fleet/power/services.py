"""定时开关屏 use cases: setting a screen's or a group's schedule (audited, ``MANAGE_SCREENS``)
and what the API and the pages read of it. Which schedule a screen follows:
:mod:`~signage_server.fleet.power.schedules`; what players report:
:mod:`~signage_server.fleet.power.reports`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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
from signage_server.fleet.power import rules
from signage_server.fleet.power.models import PowerSchedule
from signage_server.fleet.power.reports import saved_by_month
from signage_server.fleet.power.schedules import effective_of
from signage_server.fleet.power.schedules import power_now
from signage_server.i18n import N_
from signage_server.screens import changes
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenGroup
from signage_server.screens.models import screen_group_members
from signage_server.screens.services.lookup import group_for
from signage_server.screens.services.lookup import screen_for
from signage_server.unit_of_work import committed
from signage_server.unit_of_work import session as current_session

#: The highest power draw accepted, in watts.
WATTS_MAX = 5000


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


@dataclass(frozen=True)
class _Owner:
    """What a schedule belongs to, a screen or a group: how its row is found, how the audit
    names it, and the screens whose manifests carry it."""

    subject: str
    id: int
    org_id: int
    org_path: str
    #: The schedule row's column naming it: ``{"screen_id": …}`` or ``{"group_id": …}``.
    key: dict[str, int]
    screens: list[int]


def _of_screen(screen: Screen) -> _Owner:
    return _Owner(
        audit_rules.SCREEN,
        screen.id,
        screen.org_id,
        screen.org.path,
        {"screen_id": screen.id},
        [screen.id],
    )


def _of_group(session: Session, group: ScreenGroup) -> _Owner:
    screens = session.scalars(
        sa.select(screen_group_members.c.screen_id).where(
            screen_group_members.c.group_id == group.id
        )
    )
    return _Owner(
        audit_rules.SCREEN_GROUP,
        group.id,
        group.org_id,
        group.org.path,
        {"group_id": group.id},
        list(screens),
    )


def _audit(
    session: Session,
    principal: Principal,
    owner: _Owner,
    action: str,
    state: str,
    details: dict[str, Any],
) -> None:
    role = acting_role(principal.grants, (Permission.MANAGE_SCREENS,), owner.org_path)
    audit.record_event(
        session,
        subject=owner.subject,
        subject_id=owner.id,
        actor=principal.user.username,
        role=role.value if role else "operator",
        action=action,
        reason="",
        at=registry.now(),
        state=state,
        details={"org": owner.org_id, **details},
    )


def _set(session: Session, principal: Principal, owner: _Owner, data: Mapping[str, Any]) -> None:
    """Give ``owner`` the schedule ``data`` (audited; its screens get new manifests).

    :raise BadRequest: ``invalid_power_schedule``, ``invalid_watts``.
    """
    row = session.scalar(sa.select(PowerSchedule).filter_by(**owner.key))
    schedule = rules.parse_schedule(data)
    watts = _watts(data.get("watts", row.watts if row else 0))
    if row is None:
        row = PowerSchedule(**owner.key)
        session.add(row)
    row.rows = schedule.json()
    row.watts = watts
    row.updated_at = registry.now()
    row.updated_by = principal.user.username
    session.flush()
    _audit(
        session,
        principal,
        owner,
        "set_power_schedule",
        "scheduled",
        {"power": row.rows, "watts": row.watts},
    )
    changes.touch_screens(session, owner.screens)


def _clear(session: Session, principal: Principal, owner: _Owner) -> None:
    """Remove ``owner``'s schedule, if it has one (audited; its screens get new manifests)."""
    row = session.scalar(sa.select(PowerSchedule).filter_by(**owner.key))
    if row is None:
        return
    session.delete(row)
    session.flush()
    _audit(session, principal, owner, "clear_power_schedule", "unscheduled", {})
    changes.touch_screens(session, owner.screens)


def set_screen_schedule(principal: Principal, screen_id: int, data: Mapping[str, Any]) -> Screen:
    """Give a screen its own schedule (it wins over its groups').

    :raise NotFound, PermissionDenied: no such screen, or the caller may not manage it.
    :raise BadRequest: ``invalid_power_schedule``, ``invalid_watts``.
    """
    with committed() as session:
        screen = screen_for(principal, screen_id, Permission.MANAGE_SCREENS)
        _set(session, principal, _of_screen(screen), data)
    return screen


def clear_screen_schedule(principal: Principal, screen_id: int) -> Screen:
    """Remove a screen's own schedule (it follows its group's, if any, or stays on).

    :raise NotFound, PermissionDenied: no such screen, or the caller may not manage it.
    """
    with committed() as session:
        screen = screen_for(principal, screen_id, Permission.MANAGE_SCREENS)
        _clear(session, principal, _of_screen(screen))
    return screen


def set_group_schedule(principal: Principal, group_id: int, data: Mapping[str, Any]) -> ScreenGroup:
    """Give a group a schedule, followed by its screens without their own.

    :raise NotFound, PermissionDenied: no such group, or the caller may not manage it.
    :raise BadRequest: ``invalid_power_schedule``, ``invalid_watts``.
    """
    with committed() as session:
        group = group_for(principal, group_id, Permission.MANAGE_SCREENS)
        _set(session, principal, _of_group(session, group), data)
    return group


def clear_group_schedule(principal: Principal, group_id: int) -> ScreenGroup:
    """Remove a group's schedule.

    :raise NotFound, PermissionDenied: no such group, or the caller may not manage it.
    """
    with committed() as session:
        group = group_for(principal, group_id, Permission.MANAGE_SCREENS)
        _clear(session, principal, _of_group(session, group))
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
