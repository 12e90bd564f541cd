"""The player page as HTML, for a screen (``/player/``) or as an operator's preview (the
editor's and the screen page's frames): one renderer for both, so a preview is the real player.
The routes that serve it and its files are in :mod:`signage_server.screens.player_views`."""

from __future__ import annotations

from flask import render_template
from flask import url_for

from signage_server import __version__
from signage_server.screens.layouts import player_definitions_json


def player_version() -> str:
    """The version of the player this server serves: the page, its Service Worker and its files
    carry it (``?v=``), players report it, and a player behind it updates itself."""
    return __version__


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
        player_version=player_version(),
        preview_manifest=preview_manifest,
        preview_source=preview_source,
        definitions=player_definitions_json(),
        lang="zh-CN",
    )
