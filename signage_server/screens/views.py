"""Operator pages: the screen wall, registering and pairing screens, previews, groups.

Each view parses its form or query, calls one use case of ``screens.services`` and renders.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint
from flask import abort
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.accounts.rules import Permission
from signage_server.config import Settings
from signage_server.errorhandlers import domain_message
from signage_server.errors import BadRequest
from signage_server.errors import RuleViolation
from signage_server.feedback.links import screen_code
from signage_server.screens import player
from signage_server.screens import showing
from signage_server.screens.forms import GroupForm
from signage_server.screens.forms import PairForm
from signage_server.screens.forms import ScreenForm
from signage_server.screens.framing import framable_by_this_site
from signage_server.screens.layouts import labels
from signage_server.screens.links import player_url
from signage_server.screens.rules import Audience
from signage_server.screens.services import groups as group_services
from signage_server.screens.services import pairing
from signage_server.screens.services import registration
from signage_server.screens.services import tokens
from signage_server.screens.services import wall as walls
from signage_server.screens.services.lookup import screen_for
from signage_server.web.outcome import flash_outcome

bp = Blueprint("screens", __name__)

#: Refusals a screen form shows under its fields (anything else is an error page).
FORM_ERRORS = (BadRequest, RuleViolation)


def _prepare(form: ScreenForm, principal: Principal) -> None:
    form.org.choices = walls.org_choices(principal, Permission.MANAGE_SCREENS)
    form.layout.choices = [(name, label) for name, label in labels().items()]


@bp.get("/screens")
@login_required
def wall() -> str:
    """Every screen the user may see: online state, what it shows, last seen, up to date."""
    principal = current_principal()
    found = walls.wall(principal, request.args)
    return render_template(
        "screens/wall.html",
        screens=found.screens,
        page=found.page,
        filters=found.filters,
        can_manage=principal.has_role_for(Permission.MANAGE_SCREENS),
        pair_form=PairForm(),
        layout_labels=labels(),
        freshness_labels={k.value: _(v) for k, v in showing.FRESHNESS_LABELS.items()},
        timezone=registry.get(Settings).timezone,
    )


@bp.route("/screens/new", methods=["GET", "POST"])
@login_required
def new_screen() -> Any:
    principal = current_principal()
    form = ScreenForm()
    _prepare(form, principal)
    if request.method == "GET":
        form.audience.data = Audience.PUBLIC.value
        form.org.data = request.args.get("org", "")
    if form.validate_on_submit():
        try:
            screen, token = registration.register_screen(principal, form.org.data, _fields(form))
        except FORM_ERRORS as error:
            _field_of(form, error).errors.append(domain_message(error))
        else:
            return render_template(
                "screens/created.html", screen=screen, url=player_url(token)
            ), 201
    status = 400 if request.method == "POST" else 200
    return render_template("screens/edit.html", form=form, screen=None), status


def _field_of(form: ScreenForm, error: BadRequest | RuleViolation) -> Any:
    """Return the field a refusal is about (its message goes under it)."""
    return {
        "notice_running": form.audience,
        "invalid_resolution": form.resolution_custom
        if form.resolution.data == "custom"
        else form.resolution,
        "invalid_timezone": form.timezone,
        "invalid_layout": form.layout,
        "invalid_read_aloud_times": form.read_aloud_times,
        "invalid_bilingual": form.bilingual,
        "invalid_snapshot_every": form.snapshot_every_min,
    }.get(error.code, form.name)


def _fields(form: ScreenForm) -> registration.ScreenFields:
    return registration.ScreenFields(
        name=form.name.data,
        audience=Audience(form.audience.data),
        layout=form.layout.data,
        resolution=form.chosen_resolution(),
        timezone=form.timezone.data,
        location=form.location.data or "",
        read_aloud_times=[form.read_aloud_times.data or ""],
        read_aloud_key=bool(form.read_aloud_key.data),
        bilingual=form.bilingual.data,
        snapshot_every_min=30
        if form.snapshot_every_min.data is None
        else int(form.snapshot_every_min.data),
    )


@bp.route("/screens/<int:screen_id>", methods=["GET", "POST"])
@login_required
def screen(screen_id: int) -> Any:
    principal = current_principal()
    item = screen_for(principal, screen_id, Permission.VIEW)
    can_manage = principal.can(Permission.MANAGE_SCREENS, item.org)
    form = ScreenForm(obj=item)
    _prepare(form, principal)
    form.org.choices = [(item.org.code, item.org.name)]
    form.offer_timezone(item.timezone)
    if request.method == "GET":
        form.org.data = item.org.code
        form.audience.data = item.audience.value
        form.show(item.resolution, item.timezone, item.read_aloud_times)
    elif can_manage and form.validate_on_submit():
        try:
            registration.edit_screen(principal, item.id, asdict(_fields(form)))
        except FORM_ERRORS as error:
            _field_of(form, error).errors.append(domain_message(error))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("screens.screen", screen_id=item.id))
    elif not can_manage:
        abort(403)
    page = walls.screen_page(principal, item)
    return render_template(
        "screens/edit.html",
        form=form,
        screen=item,
        state=page.state,
        can_manage=page.can_manage,
        pair_form=PairForm(),
        played=page.played,
        played_titles=page.played_titles,
        feedback_code=screen_code(item.id),
    )


@bp.post("/screens/<int:screen_id>/revoke")
@login_required
def revoke(screen_id: int) -> Response:
    item = tokens.revoke_screen(current_principal(), screen_id)
    flash(_("The screen's token was revoked: it is disconnected and cannot reconnect."), "success")
    return redirect(url_for("screens.screen", screen_id=item.id))


@bp.post("/screens/<int:screen_id>/token")
@login_required
def new_token(screen_id: int) -> Any:
    item, token = tokens.renew_token(current_principal(), screen_id)
    return render_template("screens/created.html", screen=item, url=player_url(token)), 201


@bp.post("/screens/<int:screen_id>/pair")
@login_required
def pair(screen_id: int) -> Response:
    principal = current_principal()
    screen_for(principal, screen_id, Permission.MANAGE_SCREENS)
    form = PairForm()
    if form.validate_on_submit():
        flash_outcome(
            lambda: pairing.pair_screen(principal, screen_id, form.code.data),
            _("The screen is paired: it starts playing within a few seconds."),
        )
    return redirect(url_for("screens.screen", screen_id=screen_id))


@bp.get("/screens/<int:screen_id>/preview")
@login_required
@framable_by_this_site
def preview(screen_id: int) -> str:
    """The screen's manifest shown in its own layout and size, by the real player."""
    item = screen_for(current_principal(), screen_id, Permission.VIEW)
    return player.page(preview_manifest=url_for("screens.preview_manifest", screen_id=item.id))


@bp.get("/screens/<int:screen_id>/preview/manifest")
@login_required
def preview_manifest(screen_id: int) -> Any:
    return jsonify(walls.screen_manifest(current_principal(), screen_id))


@bp.route("/screens/groups", methods=["GET", "POST"])
@login_required
def groups() -> Any:
    principal = current_principal()
    form = GroupForm()
    form.org.choices = walls.org_choices(principal, Permission.MANAGE_SCREENS)
    if form.validate_on_submit():
        chosen = [int(i) for i in request.form.getlist("screens") if i.isdigit()]
        if flash_outcome(
            lambda: group_services.add_group(principal, form.org.data, form.name.data, chosen),
            _("Saved."),
        ):
            return redirect(url_for("screens.groups"))
    page = group_services.groups_page(principal)
    return render_template(
        "screens/groups.html",
        form=form,
        groups=page.groups,
        screens=page.screens,
        can_manage=principal.has_role_for(Permission.MANAGE_SCREENS),
        may_edit=lambda group: principal.can(Permission.MANAGE_SCREENS, group.org),
    )


@bp.post("/screens/groups/<int:group_id>")
@login_required
def group(group_id: int) -> Any:
    """Change which screens a group holds (a group left empty plays nothing of its own)."""
    principal = current_principal()
    chosen = [int(i) for i in request.form.getlist("screens") if i.isdigit()]
    flash_outcome(
        lambda: group_services.change_group(principal, group_id, chosen),
        _("Saved. The screens get the new rotation within a second."),
    )
    return redirect(url_for("screens.groups"))
