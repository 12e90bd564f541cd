"""The player page as HTML, for a screen (``/player/``) or as an operator's preview (the
editor's and the screen page's frames): one renderer for both, so a preview is the real player.
The routes that serve it and its files are in :mod:`signage_server.screens.player_views`."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from flask import render_template
from flask import url_for

import layouts
import player
from signage_server import __version__
from signage_server.screens.layouts import player_definitions_json

#: Hex digits of the player files' hash in :func:`player_version`.
FILES_HASH_LENGTH = 10


def files_hash(*roots: Path) -> str:
    """Return a short SHA-256 over every file under ``roots`` (their paths and contents)."""
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            if "__pycache__" in path.parts or path.suffix == ".py":
                continue
            digest.update(f"{root.name}/{path.relative_to(root).as_posix()}".encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()[:FILES_HASH_LENGTH]


@functools.cache
def player_version() -> str:
    """The version of the player this server serves: the page, its Service Worker and its files
    carry it (``?v=``), players report it, and a player behind it updates itself.

    The package version and a hash of the player's files (``player/static``, its template and
    the layouts' stylesheets), computed once per process: a deploy that changes any player file
    updates the screens even without a new package version."""
    return f"{__version__}-{files_hash(player.STATIC, player.TEMPLATES, layouts.DIR)}"


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
