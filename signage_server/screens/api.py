"""``/api/v1/screens`` (operators) and ``/api/v1/player`` (screens themselves)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
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
from signage_server.accounts.permissions import require
from signage_server.accounts.rules import Permission
from signage_server.api import api_blueprint
from signage_server.api import bearer_token
from signage_server.api import parse
from signage_server.errors import NotFound
from signage_server.errors import Unauthorized
from signage_server.extensions import client_address
from signage_server.extensions import csrf
from signage_server.extensions import db
from signage_server.extensions import limiter
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.services import require_by_code
from signage_server.realtime.dispatch import manifest_context
from signage_server.realtime.dispatch import screen_json
from signage_server.screens import manifests
from signage_server.screens import services
from signage_server.screens.layouts import design_sizes
from signage_server.screens.models import PlayRecord
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenGroup
from signage_server.screens.rules import Audience

bp = api_blueprint("screens_api", __name__)
player_api = Blueprint("player_api", __name__, url_prefix="/api/v1/player")
csrf.exempt(player_api)


def player_url(token: str) -> str:
    """Return the address a player box opens, its token in the fragment (``#token=…``).

    Browsers never send the fragment: the token stays out of access logs, proxies and
    ``Referer`` headers. The player still reads ``?token=…`` from older links.
    """
    from signage_server.config import Settings

    base = registry.get(Settings).public_url.rstrip("/")
    return f"{base}/player/#token={token}"


def screen_detail(screen: Screen) -> dict[str, Any]:
    data = screen_json(screen, registry.now())
    data.update(
        {
            "location": screen.location,
            "audience": screen.audience.value,
            "layout": screen.layout,
            "resolution": screen.resolution,
            "timezone": screen.timezone,
            "groups": [g.id for g in screen.groups],
            "token_prefix": screen.token_prefix,
        }
    )
    return data


class ScreenIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    org: str
    audience: Audience
    layout: str = "landscape"
    resolution: str = ""
    timezone: str = "Asia/Shanghai"
    location: str = Field(default="", max_length=200)


class ScreenPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    audience: Audience | None = None
    layout: str | None = None
    resolution: str | None = None
    timezone: str | None = None
    location: str | None = Field(default=None, max_length=200)


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
    org = require_by_code(db.session, data.org)
    require(Permission.MANAGE_SCREENS, org)
    fields = services.ScreenFields(**data.model_dump(exclude={"org"}))
    screen, token = services.register(db.session, org, fields, layouts=design_sizes())
    db.session.commit()
    assert token is not None
    body = {**screen_detail(screen), "token": token, "player_url": player_url(token)}
    return jsonify(body), 201


@bp.get("/screens")
def index() -> Response:
    principal = current_principal()
    query = sa.select(Screen).join(Org, Screen.org_id == Org.id).where(principal.org_condition())
    if request.args.get("org"):
        org = require_by_code(db.session, request.args["org"])
        query = query.where(Org.path.like(org.path + "%"))
    screens = db.session.scalars(query.order_by(Org.code, Screen.name))
    return jsonify({"screens": [screen_detail(s) for s in screens]})


def _screen(screen_id: int, permission: Permission) -> Screen:
    screen = services.get(db.session, screen_id)
    require(permission, screen.org)
    return screen


@bp.get("/screens/<int:screen_id>")
def show(screen_id: int) -> Response:
    return jsonify(screen_detail(_screen(screen_id, Permission.VIEW)))


@bp.patch("/screens/<int:screen_id>")
def update(screen_id: int) -> Response:
    screen = _screen(screen_id, Permission.MANAGE_SCREENS)
    data = parse(ScreenPatch)
    current = services.ScreenFields(
        name=screen.name,
        audience=screen.audience,
        layout=screen.layout,
        resolution=screen.resolution,
        timezone=screen.timezone,
        location=screen.location,
    )
    for key, value in data.model_dump(exclude_unset=True).items():
        setattr(current, key, value)
    services.update(db.session, screen, current, design_sizes(), now=registry.now())
    db.session.commit()
    return jsonify(screen_detail(screen))


@bp.get("/screens/<int:screen_id>/manifest")
def manifest(screen_id: int) -> Response:
    """What the screen would receive now (operator view)."""
    screen = _screen(screen_id, Permission.VIEW)
    body = manifests.current(db.session, screen, manifest_context(_app(), registry.now()))
    db.session.commit()
    return jsonify(body)


@bp.post("/screens/<int:screen_id>/revoke")
def revoke(screen_id: int) -> Response:
    """Revoke the token: it stops working everywhere and the open connection is closed."""
    screen = _screen(screen_id, Permission.MANAGE_SCREENS)
    services.revoke(db.session, screen)
    db.session.commit()
    return jsonify(screen_detail(screen))


@bp.post("/screens/<int:screen_id>/token")
def new_token(screen_id: int) -> tuple[Response, int]:
    """Issue a new token (the old one stops working); shown once."""
    screen = _screen(screen_id, Permission.MANAGE_SCREENS)
    token = services.issue_token(db.session, screen)
    db.session.commit()
    return jsonify({"id": screen.id, "token": token, "player_url": player_url(token)}), 201


@bp.post("/screens/<int:screen_id>/pair")
def pair(screen_id: int) -> Response:
    """Attach the player showing ``code`` to this screen."""
    screen = _screen(screen_id, Permission.MANAGE_SCREENS)
    data = parse(PairIn)
    services.attach(db.session, data.code, screen, registry.now())
    db.session.commit()
    return jsonify(screen_detail(screen))


@bp.get("/screens/<int:screen_id>/played")
def played(screen_id: int) -> Response:
    """Proof of play of a screen, newest first (``?limit=``, at most 1000)."""
    screen = _screen(screen_id, Permission.VIEW)
    limit = min(request.args.get("limit", 100, type=int) or 100, 1000)
    records = db.session.scalars(
        sa.select(PlayRecord)
        .where(PlayRecord.screen_id == screen.id)
        .order_by(PlayRecord.started_at.desc())
        .limit(limit)
    )
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
    org = require_by_code(db.session, data.org)
    require(Permission.MANAGE_SCREENS, org)
    members = list(db.session.scalars(sa.select(Screen).where(Screen.id.in_(data.screens))))
    group = services.create_group(db.session, org, data.name, members)
    db.session.commit()
    return jsonify(
        {"id": group.id, "name": group.name, "screens": [s.id for s in group.screens]}
    ), 201


@bp.patch("/screen-groups/<int:group_id>")
def update_group(group_id: int) -> Response:
    group = db.session.get(ScreenGroup, group_id)
    if group is None:
        raise NotFound(N_("No such group."), code="group_not_found")
    require(Permission.MANAGE_SCREENS, group.org)
    data = parse(GroupPatch)
    members = list(db.session.scalars(sa.select(Screen).where(Screen.id.in_(data.screens))))
    services.set_group_screens(db.session, group, members)
    db.session.commit()
    return jsonify({"id": group.id, "name": group.name, "screens": [s.id for s in group.screens]})


def _app() -> Any:
    from flask import current_app

    return current_app._get_current_object()  # type: ignore[attr-defined]


# --- the player's own API (screen tokens, or no credentials for pairing) ------------------


def _screen_from_bearer() -> Screen:
    screen = services.screen_for_token(db.session, bearer_token())
    if screen is None:
        raise Unauthorized(N_("The screen token is invalid or revoked."), code="unauthorized")
    return screen


@player_api.get("/manifest")
@limiter.limit(
    "120 per minute", key_func=lambda: "player-token:" + (bearer_token() or client_address())[:24]
)
def player_manifest() -> Response:
    """The backstop: the screen's manifest, 304 when the player has it already."""
    screen = _screen_from_bearer()
    now = registry.now()
    body = manifests.current(db.session, screen, manifest_context(_app(), now))
    services.seen(screen, now, client_address())
    db.session.commit()
    etag = body["version"]
    response = make_response("", 304) if request.if_none_match.contains(etag) else jsonify(body)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


@player_api.post("/pair")
@limiter.limit("10 per minute", key_func=client_address)
def start_pairing() -> tuple[Response, int]:
    """A player without a token asks for a code to show."""
    pairing, secret = services.start_pairing(db.session, registry.now(), client_address())
    db.session.commit()
    return (
        jsonify(
            {
                "code": pairing.code,
                "secret": secret,
                "expires_at": pairing.expires_at.isoformat(),
                "poll_url": url_for("player_api.poll_pairing", secret=secret),
            }
        ),
        201,
    )


@player_api.get("/pair/<secret>")
@limiter.limit("60 per minute", key_func=client_address)
def poll_pairing(secret: str) -> Response:
    """The player asks whether an operator attached its code; the token comes back once."""
    state = services.collect(db.session, secret, registry.now())
    db.session.commit()
    if state["state"] == "paired":
        state["player_url"] = player_url(state["token"])
    return jsonify(state)
