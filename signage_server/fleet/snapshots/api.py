"""``POST /api/v1/player/snapshots``: a box agent uploads what its screen shows (screen token)."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import jsonify
from flask import request

from signage_server.api import bearer_token
from signage_server.errors import TooLarge
from signage_server.extensions import client_address
from signage_server.extensions import csrf
from signage_server.extensions import limiter
from signage_server.fleet.snapshots import rules
from signage_server.fleet.snapshots import services
from signage_server.i18n import N_

bp = Blueprint("snapshots_player_api", __name__, url_prefix="/api/v1/player")
csrf.exempt(bp)


@bp.post("/snapshots")
@limiter.limit(
    "30 per minute", key_func=lambda: "agent-token:" + (bearer_token() or client_address())[:24]
)
def upload() -> tuple[Response, int]:
    """The image (``image/png`` or ``image/jpeg`` body); ``?item=&revision=`` what the player
    showed, ``?command=`` the wall's command it answers, ``?reason=scheduled|manual``,
    ``?capture=`` the agent's name of the capture (the same name again: a resend)."""
    if (request.content_length or 0) > rules.MAX_UPLOAD_BYTES:
        raise TooLarge(N_("The snapshot is too large."), code="too_large")
    data = request.get_data(cache=False)
    args = request.args
    upload = services.Upload(
        item=rules.parse_id(args.get("item")),
        revision=rules.parse_id(args.get("revision")),
        command=rules.parse_id(args.get("command")),
        reason=args.get("reason", "scheduled")[:16],
        capture=rules.parse_capture(args.get("capture")),
    )
    snapshot, new = services.receive(bearer_token(), data, upload)
    return (
        jsonify(
            {
                "id": snapshot.id,
                "sha256": snapshot.sha256,
                "taken_at": snapshot.taken_at.isoformat(),
                "item": snapshot.item_id,
                "revision": snapshot.revision,
                "audit_head": {"seq": snapshot.audit_seq, "hash": snapshot.audit_hash},
            }
        ),
        201 if new else 200,
    )
