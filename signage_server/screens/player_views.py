"""The routes of the player page and its files: ``/player/``, ``/player/static/``,
``/player/layouts/``, ``/player/sw.js`` (see docs/player-protocol.md)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import send_from_directory

import layouts
import player
from signage_server.screens.player import page

bp = Blueprint(
    "player",
    __name__,
    url_prefix="/player",
    static_folder=str(player.STATIC),
    static_url_path="/static",
    template_folder=str(player.TEMPLATES),
)


@bp.get("/")
def index() -> Any:
    """The player: ``/player/#token=…`` for a screen (older links: ``?token=…``); without a
    token it pairs."""
    response = Response(page())
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/layouts/<name>.css")
def layout_css(name: str) -> Response:
    if name not in layouts.LAYOUTS:
        abort(404)
    response = send_from_directory(layouts.DIR, f"{name}.css", mimetype="text/css", max_age=300)
    return response


@bp.get("/sw.js")
def service_worker() -> Response:
    """The Service Worker, allowed to control ``/player/``; revalidated on every start."""
    response = send_from_directory(player.STATIC, "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/player/"
    response.headers["Cache-Control"] = "no-cache"
    return response
