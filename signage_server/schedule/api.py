"""``/api/v1/playlists``: playlists and their assignment to screens and groups.

Each handler parses its input, calls one use case of ``schedule.services`` and renders JSON.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from flask import Response
from flask import jsonify
from flask import request
from pydantic import BaseModel
from pydantic import Field

from signage_server.accounts.permissions import current_principal
from signage_server.accounts.rules import Permission
from signage_server.api import api_blueprint
from signage_server.api import parse
from signage_server.schedule import services
from signage_server.schedule.models import Playlist

bp = api_blueprint("schedule_api", __name__)


class DaypartIn(BaseModel):
    days: list[int] = Field(default_factory=lambda: list(range(7)), min_length=1, max_length=7)
    start: str = Field(default="00:00", pattern=r"^\d{2}:\d{2}$")
    end: str = Field(default="24:00", pattern=r"^\d{2}:\d{2}$")


class EntryIn(BaseModel):
    item: int | None = None
    category: str | None = None
    duration_s: int | None = None


class PlaylistFields(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    priority: int = 0
    date_from: dt.date | None = None
    date_until: dt.date | None = None
    dayparts: list[DaypartIn] = Field(default_factory=list, max_length=20)
    entries: list[EntryIn] = Field(default_factory=list)
    screens: list[int] = Field(default_factory=list)
    groups: list[int] = Field(default_factory=list)
    active: bool = True


class PlaylistIn(PlaylistFields):
    org: str


class PlaylistPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    priority: int | None = None
    date_from: dt.date | None = None
    date_until: dt.date | None = None
    dayparts: list[DaypartIn] | None = None
    entries: list[EntryIn] | None = None
    screens: list[int] | None = None
    groups: list[int] | None = None
    active: bool | None = None


def playlist_json(playlist: Playlist) -> dict[str, Any]:
    spec = services.spec_of(playlist)
    data = asdict(spec)
    data["entries"] = [
        {"item": e.item, "category": e.category, "duration_s": e.duration_s} for e in spec.entries
    ]
    data["date_from"] = playlist.date_from.isoformat() if playlist.date_from else None
    data["date_until"] = playlist.date_until.isoformat() if playlist.date_until else None
    return {"id": playlist.id, "org": playlist.org.code, **data}


def saved_json(saved: services.Saved) -> dict[str, Any]:
    """The playlist, and what stays in its screens' rotation although it leaves it out."""
    kept = [{"item": i, "title": t} for i, t in saved.kept]
    return {**playlist_json(saved.playlist), "kept": kept}


def _values(data: BaseModel, *, exclude_unset: bool) -> dict[str, Any]:
    """Return the fields of ``data`` as :class:`services.PlaylistSpec` takes them."""
    values = data.model_dump(exclude_unset=exclude_unset)
    values.pop("org", None)
    if "entries" in values:
        values["entries"] = [services.EntrySpec(**e) for e in values["entries"]]
    return values


@bp.post("/playlists")
def create() -> tuple[Response, int]:
    data = parse(PlaylistIn)
    spec = services.PlaylistSpec(**_values(data, exclude_unset=False))
    return jsonify(saved_json(services.create_playlist(current_principal(), data.org, spec))), 201


@bp.get("/playlists")
def index() -> Response:
    found = services.visible_playlists(current_principal(), request.args.get("org"))
    return jsonify({"playlists": [playlist_json(p) for p in found]})


@bp.get("/playlists/<int:playlist_id>")
def show(playlist_id: int) -> Response:
    playlist = services.playlist_for(current_principal(), playlist_id, Permission.VIEW)
    return jsonify(playlist_json(playlist))


@bp.patch("/playlists/<int:playlist_id>")
def update(playlist_id: int) -> Response:
    principal = current_principal()
    changed = _values(parse(PlaylistPatch), exclude_unset=True)
    return jsonify(saved_json(services.edit_playlist(principal, playlist_id, changed)))


@bp.delete("/playlists/<int:playlist_id>")
def delete(playlist_id: int) -> tuple[str, int]:
    services.remove_playlist(current_principal(), playlist_id)
    return "", 204
