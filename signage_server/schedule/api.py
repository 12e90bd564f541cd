"""``/api/v1/playlists``: playlists and their assignment to screens and groups."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from flask import Response
from flask import jsonify
from flask import request
from pydantic import BaseModel
from pydantic import Field

from signage_server import services as registry
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import require
from signage_server.accounts.rules import Permission
from signage_server.api import api_blueprint
from signage_server.api import parse
from signage_server.extensions import db
from signage_server.orgs.models import Org
from signage_server.orgs.services import require_by_code
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


def _with_kept(playlist: Playlist) -> dict[str, Any]:
    """The playlist, and what stays in its screens' rotation although it leaves it out."""
    kept = services.kept(db.session, playlist, registry.now())
    return {**playlist_json(playlist), "kept": [{"item": i, "title": t} for i, t in kept]}


def _spec(data: BaseModel, base: services.PlaylistSpec | None = None) -> services.PlaylistSpec:
    values = data.model_dump(exclude_unset=base is not None)
    values.pop("org", None)
    if "entries" in values:
        values["entries"] = [services.EntrySpec(**e) for e in values["entries"]]
    if base is None:
        return services.PlaylistSpec(**values)
    return replace(base, **values)


@bp.post("/playlists")
def create() -> tuple[Response, int]:
    data = parse(PlaylistIn)
    org = require_by_code(db.session, data.org)
    require(Permission.MANAGE_PLAYLISTS, org)
    playlist = services.create(db.session, org, _spec(data))
    db.session.commit()
    return jsonify(_with_kept(playlist)), 201


@bp.get("/playlists")
def index() -> Response:
    principal = current_principal()
    query = (
        sa.select(Playlist).join(Org, Playlist.org_id == Org.id).where(principal.org_condition())
    )
    if request.args.get("org"):
        org = require_by_code(db.session, request.args["org"])
        query = query.where(Org.path.like(org.path + "%"))
    return jsonify(
        {"playlists": [playlist_json(p) for p in db.session.scalars(query.order_by(Playlist.id))]}
    )


@bp.get("/playlists/<int:playlist_id>")
def show(playlist_id: int) -> Response:
    playlist = services.get(db.session, playlist_id)
    require(Permission.VIEW, playlist.org)
    return jsonify(playlist_json(playlist))


@bp.patch("/playlists/<int:playlist_id>")
def update(playlist_id: int) -> Response:
    playlist = services.get(db.session, playlist_id)
    require(Permission.MANAGE_PLAYLISTS, playlist.org)
    data = parse(PlaylistPatch)
    services.update(db.session, playlist, _spec(data, services.spec_of(playlist)))
    db.session.commit()
    return jsonify(_with_kept(playlist))


@bp.delete("/playlists/<int:playlist_id>")
def delete(playlist_id: int) -> tuple[str, int]:
    playlist = services.get(db.session, playlist_id)
    require(Permission.MANAGE_PLAYLISTS, playlist.org)
    services.delete(db.session, playlist)
    db.session.commit()
    return "", 204
