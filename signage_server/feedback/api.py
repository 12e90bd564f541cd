"""``/api/v1/feedback``: the cases visible to the caller, replies and handling actions."""

from __future__ import annotations

from typing import Any
from typing import Literal

import sqlalchemy as sa
from flask import jsonify
from flask import request
from pydantic import BaseModel
from pydantic import Field
from werkzeug.wrappers import Response

from signage_server.accounts.models import User
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.rules import Permission
from signage_server.api import api_blueprint
from signage_server.api import parse
from signage_server.errors import BadRequest
from signage_server.extensions import db
from signage_server.feedback import rules
from signage_server.feedback import services
from signage_server.feedback.presenters import case_json
from signage_server.feedback.presenters import clock
from signage_server.feedback.rules import CaseState
from signage_server.feedback.rules import Kind
from signage_server.i18n import N_
from signage_server.orgs.services import require_by_code

bp = api_blueprint("feedback_api", __name__)

#: Most cases one list answer holds (``?limit=``, default 100).
MAX_LIMIT = 500


def _enum(kind: type[Any], name: str) -> Any:
    value = request.args.get(name)
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        raise BadRequest(
            N_("Unknown %(name)s: %(value)s."), code="bad_filter", name=name, value=value
        ) from None


@bp.get("/feedback")
def list_cases() -> Response:
    principal = current_principal()
    code = request.args.get("org")
    org = require_by_code(db.session, code) if code else None
    if org is not None:
        principal.require(Permission.VIEW, org)
    filters = services.Filters(
        org=org,
        state=_enum(CaseState, "state"),
        kind=_enum(Kind, "kind"),
        hidden=request.args.get("hidden") in ("1", "true"),
    )
    limit = min(max(request.args.get("limit", 100, type=int) or 100, 1), MAX_LIMIT)
    offset = max(request.args.get("offset", 0, type=int) or 0, 0)
    query = services.cases_query(principal, filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    cases = db.session.scalars(query.limit(limit).offset(offset)).all()
    now = clock()
    return jsonify(
        {
            "total": total,
            "cases": [case_json(case, principal, now) for case in cases],
        }
    )


@bp.get("/feedback/<int:case_id>")
def get_case(case_id: int) -> Response:
    principal = current_principal()
    case = services.visible_case(db.session, principal, case_id)
    if services.fill_shown(db.session, case):
        db.session.commit()
    return jsonify(case_json(case, principal, clock()))


class ReplyIn(BaseModel):
    text: str = Field(min_length=1, max_length=rules.REPLY_MAX)
    publish: bool = False


@bp.post("/feedback/<int:case_id>/reply")
def reply(case_id: int) -> tuple[Response, int]:
    principal = current_principal()
    case = services.visible_case(db.session, principal, case_id)
    payload = parse(ReplyIn)
    now = clock()
    services.reply(db.session, case, principal, payload.text, payload.publish, now.now)
    db.session.commit()
    return jsonify(case_json(case, principal, now)), 201


class ActionIn(BaseModel):
    action: Literal[
        "assign",
        "acknowledge",
        "conclude",
        "publish_reply",
        "grant",
        "refuse",
        "confirm_refusal",
        "overturn_refusal",
        "close",
        "reopen",
        "hide",
        "unhide",
    ]
    reason: str = Field(default="", max_length=rules.REASON_MAX)
    assignee: str | None = None


@bp.post("/feedback/<int:case_id>/actions")
def act(case_id: int) -> Response:
    principal = current_principal()
    case = services.visible_case(db.session, principal, case_id)
    payload = parse(ActionIn)
    now = clock()
    at = now.now
    session = db.session
    match payload.action:
        case "assign":
            assignee = None
            if payload.assignee:
                assignee = session.scalar(sa.select(User).where(User.username == payload.assignee))
                if assignee is None:
                    raise BadRequest(N_("No such user."), code="no_user")
            services.assign(session, case, principal, assignee, at)
        case "acknowledge":
            services.acknowledge(session, case, principal, at)
        case "conclude":
            services.conclude(session, case, principal, payload.reason, at)
        case "publish_reply":
            services.publish_reply(session, case, principal, at)
        case "grant":
            services.grant(session, case, principal, payload.reason, at)
        case "refuse":
            services.refuse(session, case, principal, payload.reason, at)
        case "confirm_refusal" | "overturn_refusal":
            services.review_refusal(
                session, case, principal, payload.action == "confirm_refusal", payload.reason, at
            )
        case "close":
            services.close(session, case, principal, at)
        case "reopen":
            services.reopen(session, case, principal, payload.reason, at)
        case "hide":
            services.hide(session, case, principal, payload.reason, at)
        case "unhide":
            services.unhide(session, case, principal, at)
    session.commit()
    return jsonify(case_json(case, principal, now))
