"""``POST /api/v1/player/health``: a box agent reports its box's health (screen token)."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import jsonify
from flask import request

from signage_server.api import bearer_token
from signage_server.extensions import client_address
from signage_server.extensions import csrf
from signage_server.extensions import limiter
from signage_server.fleet.health import services

bp = Blueprint("health_player_api", __name__, url_prefix="/api/v1/player")
csrf.exempt(bp)


@bp.post("/health")
@limiter.limit(
    "30 per minute", key_func=lambda: "agent-token:" + (bearer_token() or client_address())[:24]
)
def report() -> Response:
    """The box's health (JSON); the answer tells the agent its ``snapshot_every_min``."""
    return jsonify(services.report(bearer_token(), request.get_json(silent=True)))
