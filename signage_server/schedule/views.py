"""Playlist pages: list, create, edit (entries, dayparts, dates, priority, screens)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from signage_server import services as registry
from signage_server.accounts.forms import ActionForm
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.accounts.permissions import require
from signage_server.accounts.rules import Permission
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import State
from signage_server.extensions import db
from signage_server.orgs.models import Org
from signage_server.orgs.rules import path_ids
from signage_server.orgs.services import get_by_code
from signage_server.orgs.services import tree_order
from signage_server.schedule import services
from signage_server.schedule.models import Playlist
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenGroup
from signage_server.web.dates import DATE_PATTERN
from signage_server.web.dates import parse_date
from signage_server.web.outcome import commit_or_flash

bp = Blueprint("schedule", __name__)

DAYPART_ROWS = 3
EMPTY_ENTRY_ROWS = 4
WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]


def _date(value: str) -> dt.date | None:
    # 年-月-日 as typed (the inputs say so, whatever the browser's language; their pattern
    # keeps anything else from being sent).
    try:
        return parse_date(value)
    except ValueError:
        return None


def spec_from_form(form: MultiDict[str, str]) -> services.PlaylistSpec:
    """Read the playlist editor's fields (plain inputs, so that rows can repeat)."""
    dayparts = []
    for n in range(DAYPART_ROWS):
        days = [int(d) for d in form.getlist(f"daypart-{n}-days") if d.isdigit()]
        start, end = form.get(f"daypart-{n}-start", ""), form.get(f"daypart-{n}-end", "")
        if days and start and end:
            dayparts.append(
                {"days": days, "start": start, "end": "24:00" if end == "00:00" else end}
            )
    entries = []
    for n in range(int(form.get("entry-count", "0") or 0)):
        choice = form.get(f"entry-{n}-what", "")
        duration = form.get(f"entry-{n}-duration", "")
        position = form.get(f"entry-{n}-position", str(n))
        if not choice:
            continue
        spec = services.EntrySpec(duration_s=int(duration) if duration.isdigit() else None)
        if choice.startswith("item:") and choice[5:].isdigit():
            spec.item = int(choice[5:])
        elif choice.startswith("category:"):
            spec.category = choice[9:]
        entries.append((int(position) if position.lstrip("-").isdigit() else n, n, spec))
    entries.sort(key=lambda e: (e[0], e[1]))
    priority = form.get("priority", "0")
    return services.PlaylistSpec(
        name=form.get("name", ""),
        priority=int(priority) if priority.lstrip("-").isdigit() else 0,
        date_from=_date(form.get("date_from", "")),
        date_until=_date(form.get("date_until", "")),
        dayparts=dayparts,
        entries=[e[2] for e in entries],
        screens=[int(i) for i in form.getlist("screens") if i.isdigit()],
        groups=[int(i) for i in form.getlist("groups") if i.isdigit()],
        active=form.get("active") == "y",
    )


def _choices(org: Org) -> dict[str, Any]:
    """Items that can reach the org's screens, the categories, and its screens and groups."""
    ancestors = path_ids(org.path)
    reachable = (
        sa.select(Item)
        .join(Org, Item.org_id == Org.id)
        .join(Revision, sa.and_(Revision.item_id == Item.id, Revision.number == Item.live_number))
        .where(Revision.state == State.PUBLISHED)
        .where(sa.or_(Item.org_id.in_(ancestors), Org.path.like(org.path + "%")))
        .order_by(Item.id.desc())
        .limit(300)
    )
    subtree = sa.select(Org.id).where(Org.path.like(org.path + "%"))
    return {
        "items": [
            (i.id, i.live.title if i.live else i.current.title, i.org.name)
            for i in db.session.scalars(reachable)
        ],
        "categories": list(Category),
        "screens": list(
            db.session.scalars(
                sa.select(Screen)
                .where(Screen.org_id.in_(subtree), Screen.active.is_(True))
                .order_by(Screen.name)
            )
        ),
        "groups": list(
            db.session.scalars(
                sa.select(ScreenGroup)
                .where(ScreenGroup.org_id.in_(subtree))
                .order_by(ScreenGroup.name)
            )
        ),
        "weekdays": WEEKDAYS,
        "daypart_rows": DAYPART_ROWS,
        "empty_rows": EMPTY_ENTRY_ROWS,
        "date_pattern": DATE_PATTERN,
    }


def _saved() -> str:
    return str(_("Saved. The screens get the new rotation within a second."))


def _flash_kept(playlist: Playlist) -> None:
    """Tell the operator what stays in rotation although the playlist leaves it out."""
    kept = services.kept(db.session, playlist, registry.now())
    if kept:
        flash(
            _(
                "Kept in rotation: %(titles)s. Major matters (三重一大) and public notices in"
                " their minimum period stay on the screens whatever a playlist selects.",
                titles="、".join(title for _id, title in kept),
            ),
            "warning",
        )


@bp.get("/playlists")
@login_required
def playlists() -> str:
    principal = current_principal()
    found = db.session.scalars(
        sa.select(Playlist)
        .join(Org, Playlist.org_id == Org.id)
        .where(principal.org_condition())
        .order_by(Org.code, Playlist.priority.desc(), Playlist.name)
    )
    orgs = db.session.scalars(
        sa.select(Org).where(principal.org_condition(Permission.MANAGE_PLAYLISTS))
    )
    return render_template(
        "schedule/playlists.html", playlists=list(found), orgs=tree_order(orgs), form=ActionForm()
    )


@bp.route("/playlists/new", methods=["GET", "POST"])
@login_required
def new_playlist() -> Any:
    org = get_by_code(db.session, request.values.get("org", "")) or abort(404)
    require(Permission.MANAGE_PLAYLISTS, org)
    form = ActionForm()
    spec = services.PlaylistSpec(name="", active=True)
    if request.method == "POST" and form.validate_on_submit():
        spec = spec_from_form(request.form)
        created: list[Playlist] = []

        def create() -> None:
            created.append(services.create(db.session, org, spec))

        if commit_or_flash(create, _saved()):
            _flash_kept(created[0])
            return redirect(url_for("schedule.playlist", playlist_id=created[0].id))
    return render_template(
        "schedule/edit.html", org=org, playlist=None, spec=spec, form=form, **_choices(org)
    )


@bp.route("/playlists/<int:playlist_id>", methods=["GET", "POST"])
@login_required
def playlist(playlist_id: int) -> Any:
    found = services.get(db.session, playlist_id)
    principal = require(Permission.VIEW, found.org)
    form = ActionForm()
    spec = services.spec_of(found)
    if request.method == "POST":
        principal.require(Permission.MANAGE_PLAYLISTS, found.org)
        if form.validate_on_submit():
            spec = spec_from_form(request.form)
            if commit_or_flash(lambda: services.update(db.session, found, spec), _saved()):
                _flash_kept(found)
                return redirect(url_for("schedule.playlist", playlist_id=found.id))
    return render_template(
        "schedule/edit.html",
        org=found.org,
        playlist=found,
        spec=spec,
        form=form,
        can_manage=principal.can(Permission.MANAGE_PLAYLISTS, found.org),
        **_choices(found.org),
    )


@bp.post("/playlists/<int:playlist_id>/delete")
@login_required
def delete(playlist_id: int) -> Response:
    found = services.get(db.session, playlist_id)
    require(Permission.MANAGE_PLAYLISTS, found.org)
    if ActionForm().validate_on_submit():
        services.delete(db.session, found)
        db.session.commit()
        flash(_("The playlist was deleted."), "success")
    return redirect(url_for("schedule.playlists"))
