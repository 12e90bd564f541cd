"""Playlist pages: list, create, edit (entries, dayparts, dates, priority, screens).

The form's rows are read and laid out here (pure); each view calls one use case of
``schedule.services`` and renders.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from signage_server.accounts.forms import ActionForm
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.accounts.rules import Permission
from signage_server.disclosure.rules import Category
from signage_server.errorhandlers import domain_message
from signage_server.errors import DomainError
from signage_server.orgs.models import Org
from signage_server.schedule import services
from signage_server.schedule.models import Playlist
from signage_server.web.dates import DATE_PATTERN
from signage_server.web.dates import parse_date

bp = Blueprint("schedule", __name__)

#: Empty entry rows a form shows below the entries (more are added with "Add a row").
EMPTY_ENTRY_ROWS = 1
WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]

_ENTRY_FIELD = re.compile(r"^entry-(\d+)-(?:what|duration|position)$")
_DAYPART_FIELD = re.compile(r"^daypart-(\d+)-(?:days|start|end)$")
_ROW_ACTION = re.compile(r"^(up|down|remove-entry|remove-daypart)-(\d+)$")


def _date(value: str) -> dt.date | None:
    # 年-月-日 as typed (the inputs say so, whatever the browser's language; their pattern
    # keeps anything else from being sent).
    try:
        return parse_date(value)
    except ValueError:
        return None


@dataclass
class EntryRow:
    """An entry row of the form as typed: ``what`` is ``item:<id>``, ``category:<value>`` or
    empty (a row left blank, skipped on saving)."""

    what: str = ""
    duration: str = ""
    #: The row's number in the field names as sent (what its buttons name); -1: a new row.
    number: int = -1


@dataclass
class DaypartRow:
    days: list[int] = field(default_factory=list)
    start: str = ""
    end: str = ""
    number: int = -1

    @property
    def blank(self) -> bool:
        return not (self.days or self.start or self.end)


@dataclass
class Rows:
    """The repeating rows of the playlist form, in order."""

    entries: list[EntryRow]
    dayparts: list[DaypartRow]


def rows_from_form(form: MultiDict[str, str]) -> Rows:
    """Read the form's rows: entries in the order of their order numbers (ties: as sent),
    whatever their field numbers; time slots as sent."""
    numbers = {int(m[1]) for key in form if (m := _ENTRY_FIELD.match(key))}
    entries = []
    for n in sorted(numbers):
        position = form.get(f"entry-{n}-position", "").strip()
        order = int(position) if position.lstrip("-").isdigit() else n + 1
        row = EntryRow(
            form.get(f"entry-{n}-what", ""), form.get(f"entry-{n}-duration", "").strip(), n
        )
        entries.append((order, n, row))
    entries.sort(key=lambda e: (e[0], e[1]))
    parts = {int(m[1]) for key in form if (m := _DAYPART_FIELD.match(key))}
    dayparts = [
        DaypartRow(
            days=sorted({int(d) for d in form.getlist(f"daypart-{n}-days") if d.isdigit()}),
            start=form.get(f"daypart-{n}-start", ""),
            end=form.get(f"daypart-{n}-end", ""),
            number=n,
        )
        for n in sorted(parts)
    ]
    return Rows([e[2] for e in entries], dayparts)


def rows_of(spec: services.PlaylistSpec) -> Rows:
    """Return the form rows of a stored playlist."""
    entries = [
        EntryRow(
            f"item:{e.item}" if e.item is not None else f"category:{e.category}",
            str(e.duration_s) if e.duration_s else "",
        )
        for e in spec.entries
    ]
    dayparts = [
        DaypartRow(
            list(part.get("days", [])),
            str(part.get("start", "")),
            "00:00" if part.get("end") == "24:00" else str(part.get("end", "")),
        )
        for part in spec.dayparts
    ]
    return Rows(entries, dayparts)


def apply_row_action(rows: Rows, action: str) -> bool:
    """Carry out a row button of the form (add, remove, move up or down) on ``rows``: what the
    script does in place, done by the server when there is no script.

    :return: whether ``action`` was a row action.
    """
    if action == "add-entry":
        rows.entries.append(EntryRow())
        return True
    if action == "add-daypart":
        # Working days, office hours: a start the operator changes.
        rows.dayparts.append(DaypartRow([0, 1, 2, 3, 4], "08:00", "18:00"))
        return True
    found = _ROW_ACTION.match(action)
    if found is None:
        return False
    kind, number = found[1], int(found[2])
    rows_list: list[Any] = rows.dayparts if kind == "remove-daypart" else rows.entries
    # The button names the row by its field number: typed order numbers may have moved it.
    n = next((i for i, row in enumerate(rows_list) if row.number == number), None)
    if n is None:
        return True
    if kind.startswith("remove"):
        del rows_list[n]
    else:
        other = n - 1 if kind == "up" else n + 1
        if 0 <= other < len(rows_list):
            rows_list[n], rows_list[other] = rows_list[other], rows_list[n]
    return True


def spec_from_form(form: MultiDict[str, str], rows: Rows | None = None) -> services.PlaylistSpec:
    """Read the playlist editor's fields (plain inputs, so that rows can repeat)."""
    rows = rows if rows is not None else rows_from_form(form)
    dayparts = [
        {
            "days": part.days,
            "start": part.start,
            "end": "24:00" if part.end == "00:00" else part.end,
        }
        for part in rows.dayparts
        if not part.blank
    ]
    entries = []
    for row in rows.entries:
        spec = services.EntrySpec(duration_s=int(row.duration) if row.duration.isdigit() else None)
        if row.what.startswith("item:") and row.what[5:].isdigit():
            spec.item = int(row.what[5:])
        elif row.what.startswith("category:"):
            spec.category = row.what[9:]
        else:
            continue
        entries.append(spec)
    priority = form.get("priority", "0")
    return services.PlaylistSpec(
        name=form.get("name", ""),
        priority=int(priority) if priority.lstrip("-").isdigit() else 0,
        date_from=_date(form.get("date_from", "")),
        date_until=_date(form.get("date_until", "")),
        dayparts=dayparts,
        entries=entries,
        screens=[int(i) for i in form.getlist("screens") if i.isdigit()],
        groups=[int(i) for i in form.getlist("groups") if i.isdigit()],
        active=form.get("active") == "y",
    )


def span_moment(moment: dt.datetime) -> str:
    """Return a moment of a preview as the form shows dates: ``2026-11-30（一）08:00``."""
    return f"{moment:%Y-%m-%d}（{WEEKDAYS[moment.weekday()]}）{moment:%H:%M}"


def span_label(start: dt.datetime, end: dt.datetime) -> tuple[str, str]:
    """Return the two ends of a time span of a preview: ``2026-11-30（一）08:00`` and
    ``18:00``; ``24:00`` up to the next midnight; the end's date too when on a later day."""
    if end.date() == start.date():
        return span_moment(start), f"{end:%H:%M}"
    if end.time() == dt.time() and end.date() == start.date() + dt.timedelta(days=1):
        return span_moment(start), "24:00"
    return span_moment(start), span_moment(end)


def fingerprint(spec: services.PlaylistSpec) -> str:
    """Return what identifies a spec: the preview an operator confirms must be of the spec
    that is saved."""
    data = asdict(spec)
    data["screens"], data["groups"] = sorted(set(spec.screens)), sorted(set(spec.groups))
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _choices(org: Org) -> dict[str, Any]:
    """Items that can reach the org's screens, the categories, and its screens and groups."""
    found = services.choices(org)
    return {
        "items": found.items,
        "categories": list(Category),
        "screens": found.screens,
        "groups": found.groups,
        "weekdays": WEEKDAYS,
        "date_pattern": DATE_PATTERN,
    }


def _saved() -> str:
    return str(_("Saved. The screens get the new rotation within a second."))


def _flash_kept(kept: list[tuple[int, str]]) -> None:
    """Tell the operator what stays in rotation although the playlist leaves it out."""
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
    page = services.playlists_page(current_principal())
    return render_template(
        "schedule/playlists.html", playlists=page.playlists, orgs=page.orgs, form=ActionForm()
    )


def _edit(org: Org, playlist: Playlist | None, form: ActionForm) -> Any:
    """Handle a POST of the playlist form: a row button, the preview, or the confirmed save.

    Saving needs the fingerprint of the spec previewed: if the form changed since (or was
    never previewed), the new preview shows instead.
    """
    rows = rows_from_form(request.form)
    action = request.form.get("action", "preview")
    context: dict[str, Any] = {"org": org, "playlist": playlist, "form": form, "can_manage": True}
    if apply_row_action(rows, action):
        spec = spec_from_form(request.form, rows)
        return render_template(
            "schedule/edit.html", spec=spec, rows=rows, **context, **_choices(org)
        )
    spec = spec_from_form(request.form, rows)
    digest = fingerprint(spec)
    if action == "save" and request.form.get("previewed") == digest:
        try:
            saved = services.save_playlist(current_principal(), org, playlist, spec)
        except DomainError as error:  # the form comes back with the reason
            flash(domain_message(error), "danger")
        else:
            flash(_saved(), "success")
            _flash_kept(saved.kept)
            return redirect(url_for("schedule.playlist", playlist_id=saved.playlist.id))
    else:
        if action == "save":
            flash(
                _("The form changed after the preview: check this preview, then save."), "warning"
            )
        try:
            previews = services.preview_playlist(org, spec, playlist)
        except DomainError as error:  # the form comes back with the reason
            flash(domain_message(error), "danger")
        else:
            context.update(
                previews=previews, previewed=digest, span_label=span_label, span_moment=span_moment
            )
    return render_template("schedule/edit.html", spec=spec, rows=rows, **context, **_choices(org))


def _blank_rows(rows: Rows) -> Rows:
    rows.entries.extend(EntryRow() for _n in range(EMPTY_ENTRY_ROWS))
    return rows


@bp.route("/playlists/new", methods=["GET", "POST"])
@login_required
def new_playlist() -> Any:
    org = services.org_for(current_principal(), request.values.get("org", ""))
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        return _edit(org, None, form)
    spec = services.PlaylistSpec(name="", active=True)
    return render_template(
        "schedule/edit.html",
        org=org,
        playlist=None,
        spec=spec,
        rows=_blank_rows(rows_of(spec)),
        form=form,
        **_choices(org),
    )


@bp.route("/playlists/<int:playlist_id>", methods=["GET", "POST"])
@login_required
def playlist(playlist_id: int) -> Any:
    principal = current_principal()
    found = services.playlist_for(principal, playlist_id, Permission.VIEW)
    form = ActionForm()
    can_manage = principal.can(Permission.MANAGE_PLAYLISTS, found.org)
    if request.method == "POST":
        principal.require(Permission.MANAGE_PLAYLISTS, found.org)
        if form.validate_on_submit():
            return _edit(found.org, found, form)
    spec = services.spec_of(found)
    return render_template(
        "schedule/edit.html",
        org=found.org,
        playlist=found,
        spec=spec,
        rows=_blank_rows(rows_of(spec)) if can_manage else rows_of(spec),
        form=form,
        can_manage=can_manage,
        **_choices(found.org),
    )


@bp.post("/playlists/<int:playlist_id>/delete")
@login_required
def delete(playlist_id: int) -> Response:
    principal = current_principal()
    services.playlist_for(principal, playlist_id, Permission.MANAGE_PLAYLISTS)
    if ActionForm().validate_on_submit():
        services.remove_playlist(principal, playlist_id)
        flash(_("The playlist was deleted."), "success")
    return redirect(url_for("schedule.playlists"))
