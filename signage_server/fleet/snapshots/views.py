"""A snapshot's image, for operators who may see the screen's content."""

from __future__ import annotations

from flask import Blueprint
from flask import Response

from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.fleet.snapshots import services

bp = Blueprint("snapshots", __name__)


@bp.get("/screens/<int:screen_id>/snapshots/<int:snapshot_id>.jpg")
@login_required
def image(screen_id: int, snapshot_id: int) -> Response:
    data = services.image(current_principal(), screen_id, snapshot_id)
    response = Response(data, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
