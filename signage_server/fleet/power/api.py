"""``/api/v1/screens/<id>/power`` and ``/api/v1/screen-groups/<id>/power`` (定时开关屏).

``PUT`` takes ``{"week": {"mon": "07:00-22:00", ..., "sun": "off"}, "holiday": "off",
"watts": 120}`` (docs/player-protocol.md, "Power schedule"); ``GET`` answers the schedule set
there and, for a screen, the one it follows, its state now and the hours saved per month.
"""

from __future__ import annotations

from flask import Response
from flask import jsonify

from signage_server.accounts.permissions import current_principal
from signage_server.api import api_blueprint
from signage_server.api import json_body
from signage_server.fleet.power import services

bp = api_blueprint("power_api", __name__)


@bp.get("/screens/<int:screen_id>/power")
def screen_power(screen_id: int) -> Response:
    return jsonify(services.screen_power(current_principal(), screen_id))


@bp.put("/screens/<int:screen_id>/power")
def set_screen_power(screen_id: int) -> Response:
    principal = current_principal()
    services.set_screen_schedule(principal, screen_id, json_body())
    return jsonify(services.screen_power(principal, screen_id))


@bp.delete("/screens/<int:screen_id>/power")
def clear_screen_power(screen_id: int) -> Response:
    principal = current_principal()
    services.clear_screen_schedule(principal, screen_id)
    return jsonify(services.screen_power(principal, screen_id))


@bp.get("/screen-groups/<int:group_id>/power")
def group_power(group_id: int) -> Response:
    return jsonify(services.group_power(current_principal(), group_id))


@bp.put("/screen-groups/<int:group_id>/power")
def set_group_power(group_id: int) -> Response:
    principal = current_principal()
    services.set_group_schedule(principal, group_id, json_body())
    return jsonify(services.group_power(principal, group_id))


@bp.delete("/screen-groups/<int:group_id>/power")
def clear_group_power(group_id: int) -> Response:
    principal = current_principal()
    services.clear_group_schedule(principal, group_id)
    return jsonify(services.group_power(principal, group_id))
