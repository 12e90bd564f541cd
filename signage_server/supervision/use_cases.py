"""The use cases of supervision, as the edges call them: one function per action, each
finding what it acts on, letting :mod:`.services` check the caller and seal the change, and
committing (or rolling back when it raises)."""

from __future__ import annotations

import datetime as dt

from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.supervision import rules
from signage_server.supervision import services
from signage_server.supervision.models import Accountability
from signage_server.supervision.models import ExternalSupervisor
from signage_server.supervision.models import Finding
from signage_server.supervision.models import Inspection
from signage_server.supervision.models import Meeting
from signage_server.supervision.presenters import visible_org
from signage_server.unit_of_work import committed


def record_inspection(
    principal: Principal,
    org_code: str,
    *,
    inspected_on: dt.date,
    results: dict[str, tuple[str, str]],
    summary: str,
    inspector_ids: list[int],
    now: dt.datetime,
) -> Inspection:
    with committed() as session:
        org = visible_org(principal, org_code, Permission.RECORD_INSPECTIONS)
        return services.record_inspection(
            session,
            principal,
            org,
            inspected_on=inspected_on,
            results=results,
            summary=summary,
            inspector_ids=inspector_ids,
            now=now,
        )


def add_finding(
    principal: Principal,
    inspection_id: int,
    *,
    point: rules.Point,
    description: str,
    owner_id: int,
    deadline: dt.date | None,
    item_id: int | None,
    now: dt.datetime,
    tz: dt.tzinfo,
) -> Finding:
    with committed() as session:
        inspection = services.get_inspection(session, principal, inspection_id)
        return services.add_finding(
            session,
            principal,
            inspection,
            point=point,
            description=description,
            owner_id=owner_id,
            deadline=deadline,
            item_id=item_id,
            now=now,
            tz=tz,
        )


def act_on_finding(
    principal: Principal,
    finding_id: int,
    action: rules.FindingAction,
    *,
    text: str,
    evidence: str,
    deadline: dt.date | None,
    now: dt.datetime,
    tz: dt.tzinfo,
) -> Finding:
    with committed() as session:
        finding = services.get_finding(session, principal, finding_id)
        return services.act(
            session,
            principal,
            finding,
            action,
            text=text,
            evidence=evidence,
            deadline=deadline,
            now=now,
            tz=tz,
        )


def record_meeting(
    principal: Principal,
    org_code: str,
    *,
    kind: rules.MeetingKind,
    held_on: dt.date,
    attendees_count: int,
    attendees: str,
    topics: str,
    conclusions: str,
    now: dt.datetime,
) -> Meeting:
    with committed() as session:
        org = visible_org(principal, org_code)
        return services.record_meeting(
            session,
            principal,
            org,
            kind=kind,
            held_on=held_on,
            attendees_count=attendees_count,
            attendees=attendees,
            topics=topics,
            conclusions=conclusions,
            now=now,
        )


def appoint(
    principal: Principal,
    org_code: str,
    *,
    name: str,
    post: str,
    phone: str,
    appointed_on: dt.date,
    term_until: dt.date | None,
) -> ExternalSupervisor:
    with committed() as session:
        org = visible_org(principal, org_code)
        return services.appoint(
            session,
            principal,
            org,
            name=name,
            post=post,
            phone=phone,
            appointed_on=appointed_on,
            term_until=term_until,
        )


def dismiss(principal: Principal, supervisor_id: int) -> ExternalSupervisor:
    with committed() as session:
        return services.dismiss(session, principal, supervisor_id)


def open_accountability(
    principal: Principal,
    org_code: str,
    *,
    breach: rules.Breach,
    persons: str,
    facts: str,
    measure: rules.Measure,
    decision: str,
    decided_on: dt.date,
    item_ids: str,
    finding_ids: str,
    now: dt.datetime,
) -> Accountability:
    with committed() as session:
        org = visible_org(principal, org_code, Permission.SUPERIOR_APPROVE_ITEMS)
        return services.open_accountability(
            session,
            principal,
            org,
            breach=breach,
            persons=persons,
            facts=facts,
            measure=measure,
            decision=decision,
            decided_on=decided_on,
            item_ids=rules.parse_ids(item_ids),
            finding_ids=rules.parse_ids(finding_ids),
            now=now,
        )
