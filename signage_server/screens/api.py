"""``/api/v1/screens`` (operators) and ``/api/v1/player`` (screens themselves).

Each handler parses its input, calls one use case of ``screens.services`` and renders JSON.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import jsonify
from flask import make_response
from flask import request
from flask import url_for
from pydantic import BaseModel
from pydantic import Field

from signage_server import services as registry
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.rules import Permission
from signage_server.api import api_blueprint
from signage_server.api import bearer_token
from signage_server.api import parse
from signage_server.extensions import client_address
from signage_server.extensions import csrf
from signage_server.extensions import limiter
from signage_server.fleet import overview as fleet
from signage_server.screens import aloud
from signage_server.screens.links import player_url
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenGroup
from signage_server.screens.rules import Audience
from signage_server.screens.rules import Bilingual
from signage_server.screens.services import groups
from signage_server.screens.services import pairing
from signage_server.screens.services import players
from signage_server.screens.services import registration
from signage_server.screens.services import tokens
from signage_server.screens.services import wall
from signage_server.screens.services.lookup import screen_for
from signage_server.screens.showing import screen_json

bp = api_blueprint("screens_api", __name__)
player_api = Blueprint("player_api", __name__, url_prefix="/api/v1/player")
csrf.exempt(player_api)


def screen_detail(screen: Screen) -> dict[str, Any]:
    data = screen_json(screen, registry.now())
    data.update(
        {
            "location": screen.location,
            "audience": screen.audience.value,
            "layout": screen.layout,
            "resolution": screen.resolution,
            "timezone": screen.timezone,
            "read_aloud_times": aloud.times_of(screen.read_aloud_times),
            "read_aloud_key": screen.read_aloud_key,
            "bilingual": screen.bilingual,
            "groups": [g.id for g in screen.groups],
            "token_prefix": screen.token_prefix,
            "fleet": fleet.screen_json(screen),
        }
    )
    return data


def group_json(group: ScreenGroup) -> dict[str, Any]:
    return {"id": group.id, "name": group.name, "screens": [s.id for s in group.screens]}


class ScreenIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    org: str
    audience: Audience
    layout: str = "landscape"
    resolution: str = ""
    timezone: str = "Asia/Shanghai"
    location: str = Field(default="", max_length=200)
    read_aloud_times: list[str] = Field(default_factory=list, max_length=aloud.MAX_TIMES)
    read_aloud_key: bool = False
    bilingual: Bilingual = Bilingual.SIDE
    snapshot_every_min: int = Field(default=30, ge=0, le=24 * 60)


class ScreenPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    audience: Audience | None = None
    layout: str | None = None
    resolution: str | None = None
    timezone: str | None = None
    location: str | None = Field(default=None, max_length=200)
    read_aloud_times: list[str] | None = Field(default=None, max_length=aloud.MAX_TIMES)
    read_aloud_key: bool | None = None
    bilingual: Bilingual | None = None
    snapshot_every_min: int | None = Field(default=None, ge=0, le=24 * 60)


class PairIn(BaseModel):
    code: str = Field(min_length=6, max_length=16)


class GroupIn(BaseModel):
    org: str
    name: str = Field(min_length=1, max_length=100)
    screens: list[int] = Field(default_factory=list)


class GroupPatch(BaseModel):
    screens: list[int]


@bp.post("/screens")
def create() -> tuple[Response, int]:
    """Register a screen; the answer carries its token and player URL (shown once)."""
    data = parse(ScreenIn)
    fields = registration.ScreenFields(**data.model_dump(exclude={"org"}))
    screen, token = registration.register_screen(current_principal(), data.org, fields)
    body = {**screen_detail(screen), "token": token, "player_url": player_url(token)}
    return jsonify(body), 201


@bp.get("/screens")
def index() -> Response:
    screens = wall.screens_of(current_principal(), request.args.get("org"))
    return jsonify({"screens": [screen_detail(s) for s in screens]})


@bp.get("/screens/<int:screen_id>")
def show(screen_id: int) -> Response:
    return jsonify(screen_detail(screen_for(current_principal(), screen_id, Permission.VIEW)))


@bp.patch("/screens/<int:screen_id>")
def update(screen_id: int) -> Response:
    principal = current_principal()
    changed = parse(ScreenPatch).model_dump(exclude_unset=True)
    return jsonify(screen_detail(registration.edit_screen(principal, screen_id, changed)))


@bp.get("/screens/<int:screen_id>/manifest")
def manifest(screen_id: int) -> Response:
    """What the screen would receive now (operator view)."""
    return jsonify(wall.screen_manifest(current_principal(), screen_id))


@bp.post("/screens/<int:screen_id>/revoke")
def revoke(screen_id: int) -> Response:
    """Revoke the token: it stops working everywhere and the open connection is closed."""
    return jsonify(screen_detail(tokens.revoke_screen(current_principal(), screen_id)))


@bp.post("/screens/<int:screen_id>/token")
def new_token(screen_id: int) -> tuple[Response, int]:
    """Issue a new token (the old one stops working); shown once."""
    screen, token = tokens.renew_token(current_principal(), screen_id)
    return jsonify({"id": screen.id, "token": token, "player_url": player_url(token)}), 201


@bp.post("/screens/<int:screen_id>/pair")
def pair(screen_id: int) -> Response:
    """Attach the player showing ``code`` to this screen."""
    principal = current_principal()
    data = parse(PairIn)
    return jsonify(screen_detail(pairing.pair_screen(principal, screen_id, data.code)))


@bp.get("/screens/<int:screen_id>/played")
def played(screen_id: int) -> Response:
    """Proof of play of a screen, newest first (``?limit=``, at most 1000)."""
    limit = request.args.get("limit", 100, type=int) or 100
    records = wall.proof_of_play(current_principal(), screen_id, limit)
    return jsonify(
        {
            "played": [
                {
                    "item": r.item_id,
                    "revision": r.revision,
                    "started_at": r.started_at.isoformat(),
                    "duration_s": r.duration_s,
                }
                for r in records
            ]
        }
    )


@bp.post("/screen-groups")
def create_group() -> tuple[Response, int]:
    data = parse(GroupIn)
    group = groups.add_group(current_principal(), data.org, data.name, data.screens)
    return jsonify(group_json(group)), 201


@bp.patch("/screen-groups/<int:group_id>")
def update_group(group_id: int) -> Response:
    principal = current_principal()
    data = parse(GroupPatch)
    return jsonify(group_json(groups.change_group(principal, group_id, data.screens)))


# --- the player's own API (screen tokens, or no credentials for pairing) ------------------


@player_api.get("/manifest")
@limiter.limit(
    "120 per minute", key_func=lambda: "player-token:" + (bearer_token() or client_address())[:24]
)
def player_manifest() -> Response:
    """The backstop: the screen's manifest, 304 when the player has it already."""
    body = players.player_manifest(bearer_token(), client_address())
    etag = body["version"]
    response = make_response("", 304) if request.if_none_match.contains(etag) else jsonify(body)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


@player_api.post("/pair")
@limiter.limit("10 per minute", key_func=client_address)
def start_pairing() -> tuple[Response, int]:
    """A player without a token asks for a code to show."""
    request_, secret = pairing.open_pairing(client_address())
    return (
        jsonify(
            {
                "code": request_.code,
                "secret": secret,
                "expires_at": request_.expires_at.isoformat(),
                "poll_url": url_for("player_api.poll_pairing", secret=secret),
            }
        ),
        201,
    )


@player_api.get("/pair/<secret>")
@limiter.limit("60 per minute", key_func=client_address)
def poll_pairing(secret: str) -> Response:
    """The player asks whether an operator attached its code; the token comes back once."""
    state = pairing.poll_pairing(secret)
    if state["state"] == "paired":
        state["player_url"] = player_url(state["token"])
    return jsonify(state)
