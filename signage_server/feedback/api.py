"""``/api/v1/feedback``: the cases visible to the caller, replies and handling actions.

Each handler parses the request, calls one use case of ``feedback.services`` and answers
with ``feedback.presenters.case_json``; refusals are the shared domain errors, translated
by ``signage_server.errorhandlers``.
"""

from __future__ import annotations

from typing import Any
from typing import Literal

from flask import jsonify
from flask import request
from pydantic import BaseModel
from pydantic import Field
from werkzeug.wrappers import Response

from signage_server import services as registry
from signage_server.accounts.permissions import current_principal
from signage_server.api import api_blueprint
from signage_server.api import parse
from signage_server.errors import BadRequest
from signage_server.extensions import db
from signage_server.feedback import rules
from signage_server.feedback.presenters import case_json
from signage_server.feedback.rules import Action
from signage_server.feedback.rules import CaseState
from signage_server.feedback.rules import Kind
from signage_server.feedback.services import handling
from signage_server.feedback.services import inbox
from signage_server.feedback.services import visibility
from signage_server.i18n import N_

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
    filters = inbox.Filters(
        org=request.args.get("org") or "",
        state=_enum(CaseState, "state"),
        kind=_enum(Kind, "kind"),
        hidden=request.args.get("hidden") in ("1", "true"),
    )
    limit = min(max(request.args.get("limit", 100, type=int) or 100, 1), MAX_LIMIT)
    offset = max(request.args.get("offset", 0, type=int) or 0, 0)
    total, rows = inbox.search(
        db.session, principal, filters, registry.now(), limit=limit, offset=offset
    )
    return jsonify({"total": total, "cases": [case_json(row) for row in rows]})


@bp.get("/feedback/<int:case_id>")
def get_case(case_id: int) -> Response:
    row = inbox.open_case(db.session, current_principal(), case_id, registry.now())
    return jsonify(case_json(row))


class ReplyIn(BaseModel):
    text: str = Field(min_length=1, max_length=rules.REPLY_MAX)
    publish: bool = False


@bp.post("/feedback/<int:case_id>/reply")
def reply(case_id: int) -> tuple[Response, int]:
    principal = current_principal()
    case = visibility.visible_case(db.session, principal, case_id)
    payload = parse(ReplyIn)
    now = registry.now()
    handling.reply_to_case(db.session, case, principal, payload.text, payload.publish, now)
    return jsonify(case_json(inbox.row(db.session, principal, case, now))), 201


class ActionIn(BaseModel):
    action: Literal[
        "assign",
        "acknowledge",
        "conclude",
        "publish_reply",
        "extend",
        "grant",
        "refuse",
        "confirm_refusal",
        "overturn_refusal",
        "close",
        "reopen",
        "hide",
        "unhide",
        "transfer",
    ]
    reason: str = Field(default="", max_length=rules.REASON_MAX)
    assignee: str | None = None
    #: The code of the receiving organisation (``transfer``).
    to: str = Field(default="", max_length=40)


@bp.post("/feedback/<int:case_id>/actions")
def act(case_id: int) -> Response:
    principal = current_principal()
    case = visibility.visible_case(db.session, principal, case_id)
    payload = parse(ActionIn)
    now = registry.now()
    handling.take_action(
        db.session,
        case,
        principal,
        Action(payload.action),
        now,
        note=payload.reason,
        assignee=payload.assignee or None,
        to=payload.to,
    )
    return jsonify(case_json(inbox.row(db.session, principal, case, now)))
