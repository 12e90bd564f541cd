"""``/api/v1/inspections`` and ``/api/v1/findings``: supervisors record inspections and their
findings; owners report rectification; supervisors accept or send back."""

from __future__ import annotations

import datetime as dt

from flask import Response
from flask import jsonify
from flask import request
from pydantic import BaseModel
from pydantic import Field

from signage_server import services as registry
from signage_server.accounts.permissions import current_principal
from signage_server.api import api_blueprint
from signage_server.api import parse
from signage_server.disclosure.viewing import local_tz
from signage_server.supervision import presenters
from signage_server.supervision import use_cases
from signage_server.supervision.rules import NOTE_MAX
from signage_server.supervision.rules import TEXT_MAX
from signage_server.supervision.rules import FindingAction
from signage_server.supervision.rules import Point
from signage_server.supervision.rules import Result

bp = api_blueprint("supervision_api", __name__)


class CheckIn(BaseModel):
    result: Result = Result.OK
    note: str = Field(default="", max_length=NOTE_MAX)


class InspectionIn(BaseModel):
    org: str
    inspected_on: dt.date
    checks: dict[Point, CheckIn] = Field(default_factory=dict)
    summary: str = Field(default="", max_length=TEXT_MAX)
    #: Ids of the other supervisors who inspected with the caller.
    inspectors: list[int] = Field(default_factory=list, max_length=20)


class FindingIn(BaseModel):
    point: Point
    description: str = Field(max_length=TEXT_MAX)
    #: User name of the person who rectifies it.
    owner: str = Field(max_length=64)
    deadline: dt.date | None = None
    item: int | None = None


class ActionIn(BaseModel):
    action: FindingAction
    text: str = Field(default="", max_length=TEXT_MAX)
    evidence: str = Field(default="", max_length=TEXT_MAX)
    deadline: dt.date | None = None


@bp.post("/inspections")
def record_inspection() -> tuple[Response, int]:
    """Record an inspection of ``org`` (the caller: a supervisor reaching it)."""
    data = parse(InspectionIn)
    inspection = use_cases.record_inspection(
        current_principal(),
        data.org,
        inspected_on=data.inspected_on,
        results={p.value: (c.result.value, c.note) for p, c in data.checks.items()},
        summary=data.summary,
        inspector_ids=data.inspectors,
        now=registry.now(),
    )
    return jsonify(presenters.inspection_json(inspection)), 201


@bp.post("/inspections/<int:inspection_id>/findings")
def add_finding(inspection_id: int) -> tuple[Response, int]:
    """Record a finding of the inspection; without ``deadline``, 20 working days."""
    data = parse(FindingIn)
    now = registry.now()
    finding = use_cases.add_finding(
        current_principal(),
        inspection_id,
        point=data.point,
        description=data.description,
        owner_id=presenters.user_id_of(data.owner),
        deadline=data.deadline,
        item_id=data.item,
        now=now,
        tz=local_tz(),
    )
    return jsonify(presenters.finding_json(finding, now.astimezone(local_tz()).date())), 201


@bp.get("/findings")
def findings() -> Response:
    """The findings about the orgs the caller sees (and those the caller owns);
    ``?state=open|rectified|closed``."""
    return jsonify(
        presenters.findings_json(
            current_principal(), request.args.get("state"), registry.now(), local_tz()
        )
    )


@bp.get("/findings/<int:finding_id>")
def finding(finding_id: int) -> Response:
    return jsonify(
        presenters.one_finding_json(current_principal(), finding_id, registry.now(), local_tz())
    )


@bp.post("/findings/<int:finding_id>/actions")
def act(finding_id: int) -> Response:
    """``rectify`` (the owner: ``text``, ``evidence``), ``accept`` or ``reopen`` (a supervisor
    reaching the org: ``text`` the reason, ``deadline`` optional)."""
    data = parse(ActionIn)
    now = registry.now()
    found = use_cases.act_on_finding(
        current_principal(),
        finding_id,
        data.action,
        text=data.text,
        evidence=data.evidence,
        deadline=data.deadline,
        now=now,
        tz=local_tz(),
    )
    return jsonify(presenters.finding_json(found, now.astimezone(local_tz()).date()))
