"""The player page and its files: ``/player/``, ``/player/static/``, ``/player/layouts/``,
``/player/sw.js`` (see docs/player-protocol.md)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import render_template
from flask import send_from_directory
from flask import url_for

import layouts
import player
from signage_server import __version__

bp = Blueprint(
    "player",
    __name__,
    url_prefix="/player",
    static_folder=str(player.STATIC),
    static_url_path="/static",
    template_folder=str(player.TEMPLATES),
)


def page(preview_manifest: str = "", preview_source: str = "") -> str:
    """Render the player page, for a screen or as an operator preview: with a manifest URL, or
    with ``preview_source="parent"`` (the page framing it hands the manifest over)."""
    return render_template(
        "player.html",
        api="/api/v1",
        static=url_for("player.static", filename=""),
        layouts=url_for("player.layout_css", name="x")[: -len("x.css")],
        sw=url_for("player.service_worker"),
        socket_path="/socket.io",
        namespace="/player",
        player_version=__version__,
        preview_manifest=preview_manifest,
        preview_source=preview_source,
        lang="zh-CN",
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
