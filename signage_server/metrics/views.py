"""``GET /metrics``: Prometheus' text format, for the bearer of ``SIGNAGE_METRICS_TOKEN`` only.

Anyone else (and everyone when no token is set) gets the same 404 as for any unknown address:
the endpoint does not tell that it exists. Not rate limited (a scraper asks every few seconds).
"""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import abort
from flask import request

from signage_server.extensions import limiter
from signage_server.metrics import services

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
@limiter.exempt
def metrics() -> Response:
    """The metrics, or 404."""
    if not services.allowed(request.headers.get("Authorization")):
        abort(404)
    body, content_type = services.exposition()
    response = Response(body, content_type=content_type)
    response.headers["Cache-Control"] = "no-store"
    return response
