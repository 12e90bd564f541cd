"""``/api/v1/screens/<id>/commands``: issue, list and cancel remote commands (operators)."""

from __future__ import annotations

from flask import Response
from flask import jsonify
from flask import request
from pydantic import BaseModel
from pydantic import Field

from signage_server.accounts.permissions import current_principal
from signage_server.api import api_blueprint
from signage_server.api import parse
from signage_server.fleet.commands import services

bp = api_blueprint("commands_api", __name__)


class CommandIn(BaseModel):
    kind: str = Field(min_length=1, max_length=32)


@bp.post("/screens/<int:screen_id>/commands")
def issue(screen_id: int) -> tuple[Response, int]:
    """Issue ``{kind}``: 201 with the new command, 200 with the identical one still pending."""
    issued = services.issue_command(current_principal(), screen_id, parse(CommandIn).kind)
    return jsonify(issued.command.json()), 201 if issued.created else 200


@bp.get("/screens/<int:screen_id>/commands")
def index(screen_id: int) -> Response:
    limit = request.args.get("limit", services.RECENT, type=int) or services.RECENT
    found = services.recent_commands(current_principal(), screen_id, limit)
    return jsonify({"commands": [c.json() for c in found]})


@bp.post("/screens/<int:screen_id>/commands/<int:command_id>/cancel")
def cancel(screen_id: int, command_id: int) -> Response:
    return jsonify(services.cancel_command(current_principal(), screen_id, command_id).json())
