"""What the supervision pages show, gathered in the app context's session: the overview of
the caller's scope, an inspection, a finding, meetings, a roster, accountability records.
Writes are the use cases' (:mod:`.use_cases`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.accounts.services import get_user
from signage_server.errors import BadRequest
from signage_server.errors import NotFound
from signage_server.errors import PermissionDenied
from signage_server.errors import RuleViolation
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.services import get_by_code
from signage_server.orgs.services import tree_choices
from signage_server.orgs.services import visible_orgs
from signage_server.supervision import rules
from signage_server.supervision import services
from signage_server.supervision.models import Finding
from signage_server.supervision.models import Inspection
from signage_server.supervision.rules import FindingState
from signage_server.unit_of_work import session
from signage_server.workdays.services import calendar_of


def visible_org(
    principal: Principal, code: str | None, permission: Permission = Permission.VIEW
) -> Org:
    """Return the org with ``code`` where the caller has ``permission``.

    :raise NotFound: no such org, or one the caller does not see.
    :raise PermissionDenied: seen, but without ``permission`` there.
    """
    org = get_by_code(session(), code) if code else None
    if org is None or not principal.can(Permission.VIEW, org):
        raise NotFound(N_("No organisation with code %(org)s."), code="org_not_found", org=code)
    principal.require(permission, org)
    return org


def org_choices(principal: Principal, permission: Permission) -> list[tuple[str, str]]:
    return tree_choices(visible_orgs(session(), principal, permission))


def accountability_org_choices(principal: Principal) -> list[tuple[str, str]]:
    return org_choices(principal, Permission.SUPERIOR_APPROVE_ITEMS)


def meeting_org_choices(principal: Principal) -> list[tuple[str, str]]:
    orgs = visible_orgs(session(), principal)
    return tree_choices([o for o in orgs if services.may_record_meetings(principal, o)])


def may_read_accountability(principal: Principal) -> bool:
    return any(principal.has_role_for(p) for p in rules.READING)


def overview_page(principal: Principal, now: dt.datetime, tz: dt.tzinfo) -> dict[str, Any]:
    current = session()
    today = now.astimezone(tz).date()
    findings = [
        f
        for f in services.findings_in_scope(current, principal)
        if f.state is not FindingState.CLOSED
    ]
    return {
        "alerts": services.alerts(current, principal, now, tz),
        "today": today,
        "inspections": services.inspections_in_scope(current, principal, limit=20),
        "findings": findings,
        "overdue_ids": {f.id for f in findings if rules.is_overdue(f.state, f.deadline, today)},
        "meetings": services.meetings_in_scope(current, principal, limit=20),
        "inspectable": org_choices(principal, Permission.RECORD_INSPECTIONS),
        "roster_orgs": org_choices(principal, Permission.VIEW),
        "may_account": may_read_accountability(principal),
        "may_open_account": principal.has_role_for(Permission.SUPERIOR_APPROVE_ITEMS),
        "may_record_meetings": bool(meeting_org_choices(principal)),
    }


def new_inspection_page(principal: Principal, code: str | None) -> dict[str, Any]:
    org = visible_org(principal, code, Permission.RECORD_INSPECTIONS)
    inspectors = [
        (u.id, u.name)
        for u in services.inspector_choices(session(), org)
        if u.id != principal.user.id
    ]
    return {"org": org, "inspectors": inspectors}


def inspection_page(
    principal: Principal, inspection_id: int, now: dt.datetime, tz: dt.tzinfo
) -> dict[str, Any]:
    current = session()
    inspection = services.get_inspection(current, principal, inspection_id)
    today = now.astimezone(tz).date()
    may_record = principal.can(Permission.RECORD_INSPECTIONS, inspection.org)
    return {
        "inspection": inspection,
        "points": list(rules.Point),
        "today": today,
        "overdue_ids": {
            f.id for f in inspection.findings if rules.is_overdue(f.state, f.deadline, today)
        },
        "may_record": may_record,
        "owners": [(u.id, u.name) for u in services.owner_choices(current, inspection.org)]
        if may_record
        else [],
        "default_deadline": rules.default_deadline(calendar_of(current), today),
    }


def finding_page(
    principal: Principal, finding_id: int, now: dt.datetime, tz: dt.tzinfo
) -> dict[str, Any]:
    finding = services.get_finding(session(), principal, finding_id)
    today = now.astimezone(tz).date()
    return {
        "finding": finding,
        "overdue": rules.is_overdue(finding.state, finding.deadline, today),
        "actions": rules.actions_for(finding.state, services.capacities(principal, finding)),
    }


def meetings_page(
    principal: Principal, code: str | None, now: dt.datetime, tz: dt.tzinfo
) -> dict[str, Any]:
    current = session()
    today = now.astimezone(tz).date()
    if code:
        org = visible_org(principal, code)
        return {
            "org": org,
            "meetings": services.meetings_of(current, org),
            "gaps": services.meeting_gaps(current, org, today),
            "choices": meeting_org_choices(principal),
        }
    return {
        "org": None,
        "meetings": services.meetings_in_scope(current, principal),
        "gaps": [],
        "choices": meeting_org_choices(principal),
    }


def roster_page(principal: Principal, code: str | None) -> dict[str, Any]:
    org = visible_org(principal, code)
    return {
        "roster": services.roster(session(), org),
        "may_manage": services.may_manage_roster(principal, org),
    }


def require_accountability_reader(principal: Principal) -> None:
    """:raise PermissionDenied: the caller holds no role that reads accountability records."""
    if not may_read_accountability(principal):
        raise PermissionDenied(N_("You may not open this page."), code="forbidden")


def require_accountability_opener(principal: Principal) -> None:
    """:raise PermissionDenied: the caller is no superior reviewer anywhere."""
    if not principal.has_role_for(Permission.SUPERIOR_APPROVE_ITEMS):
        raise PermissionDenied(N_("You may not open this page."), code="forbidden")


def accountability_list_page(principal: Principal) -> dict[str, Any]:
    require_accountability_reader(principal)
    return {
        "records": services.accountability_list(session(), principal),
        "may_open": principal.has_role_for(Permission.SUPERIOR_APPROVE_ITEMS),
    }


def accountability_page(principal: Principal, record_id: int) -> dict[str, Any]:
    return {"record": services.get_accountability(session(), principal, record_id)}


# --- JSON --------------------------------------------------------------------------------


def finding_json(finding: Finding, today: dt.date) -> dict[str, Any]:
    return {
        "id": finding.id,
        "inspection": finding.inspection_id,
        "org": finding.org.code,
        "point": finding.point.value,
        "description": finding.description,
        "item": finding.item_id,
        "owner": finding.owner.username,
        "deadline": finding.deadline.isoformat(),
        "state": finding.state.value,
        "overdue": rules.is_overdue(finding.state, finding.deadline, today),
        "rectification": finding.rectification,
        "evidence": finding.evidence,
        "rectified_at": finding.rectified_at.isoformat() if finding.rectified_at else None,
        "closed_at": finding.closed_at.isoformat() if finding.closed_at else None,
        "reopen_reason": finding.reopen_reason,
        "reopened_count": finding.reopened_count,
    }


def inspection_json(inspection: Inspection) -> dict[str, Any]:
    return {
        "id": inspection.id,
        "org": inspection.org.code,
        "inspected_on": inspection.inspected_on.isoformat(),
        "inspectors": [u.username for u in inspection.inspectors],
        "checks": inspection.checks,
        "summary": inspection.summary,
        "findings": [f.id for f in inspection.findings],
    }


def findings_json(
    principal: Principal, state: str | None, now: dt.datetime, tz: dt.tzinfo
) -> list[dict[str, Any]]:
    """The findings about the orgs the caller sees (and those the caller owns)."""
    try:
        wanted = FindingState(state) if state else None
    except ValueError:
        raise BadRequest(N_("Unknown state."), code="invalid_state") from None
    today = now.astimezone(tz).date()
    return [
        finding_json(f, today)
        for f in services.findings_in_scope(session(), principal, state=wanted)
    ]


def one_finding_json(
    principal: Principal, finding_id: int, now: dt.datetime, tz: dt.tzinfo
) -> dict[str, Any]:
    finding = services.get_finding(session(), principal, finding_id)
    return finding_json(finding, now.astimezone(tz).date())


def user_id_of(username: str) -> int:
    """:raise RuleViolation: no such user (as an owner that does not qualify)."""
    user = get_user(session(), username)
    if user is None:
        raise RuleViolation(
            N_("The owner must hold a role at the inspected organisation."), code="owner_elsewhere"
        )
    return user.id
