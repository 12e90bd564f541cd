"""Operator pages: the screen wall, registering and pairing screens, previews, groups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from typing import ParamSpec
from typing import TypeVar
from typing import cast

import sqlalchemy as sa
from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from signage_server import CONTENT_SECURITY_POLICY
from signage_server import listing
from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.accounts.permissions import require
from signage_server.accounts.rules import Permission
from signage_server.config import Settings
from signage_server.errorhandlers import domain_message
from signage_server.errors import DomainError
from signage_server.extensions import db
from signage_server.extensions import talisman
from signage_server.feedback.codes import screen_code
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.services import get_by_code
from signage_server.orgs.services import tree_choices
from signage_server.realtime.dispatch import manifest_context
from signage_server.realtime.dispatch import screen_json
from signage_server.screens import manifests
from signage_server.screens import player
from signage_server.screens import services
from signage_server.screens import showing
from signage_server.screens.api import player_url
from signage_server.screens.forms import GroupForm
from signage_server.screens.forms import PairForm
from signage_server.screens.forms import ScreenForm
from signage_server.screens.layouts import design_sizes
from signage_server.screens.layouts import labels
from signage_server.screens.models import PlayRecord
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenGroup
from signage_server.screens.rules import Audience
from signage_server.web.outcome import commit_or_flash

bp = Blueprint("screens", __name__)

P = ParamSpec("P")
R = TypeVar("R")

#: The preview page runs the player inside the operators' pages: framing by this site only.
PREVIEW_POLICY = {**CONTENT_SECURITY_POLICY, "frame-ancestors": "'self'"}


def framable_by_this_site(view: Callable[P, R]) -> Callable[P, R]:
    """Let pages of this site show ``view`` in a frame (Talisman, typed)."""
    wrapped = talisman(frame_options="SAMEORIGIN", content_security_policy=PREVIEW_POLICY)(view)
    return cast(Callable[P, R], wrapped)


def _org_choices(principal: Principal) -> list[tuple[str, str]]:
    orgs = db.session.scalars(
        sa.select(Org).where(principal.org_condition(Permission.MANAGE_SCREENS))
    )
    return tree_choices(orgs)


def _prepare(form: ScreenForm, principal: Principal) -> None:
    form.org.choices = _org_choices(principal)
    form.layout.choices = [(name, label) for name, label in labels().items()]


def _app() -> Any:
    from flask import current_app

    return current_app._get_current_object()  # type: ignore[attr-defined]


def _wall_filters(principal: Principal) -> listing.Filters:
    orgs = db.session.scalars(sa.select(Org).where(principal.org_condition()))
    fields = [
        listing.search(placeholder=N_("Name or place of the screen")),
        listing.select(
            "org",
            N_("Organisation"),
            tree_choices(orgs),
            translate=False,
        ),
        listing.select("online", N_("Connection"), [("yes", N_("online")), ("no", N_("offline"))]),
        listing.select(
            "content",
            N_("Content update"),
            [("current", N_("up to date")), ("behind", N_("not up to date"))],
        ),
        listing.select("audience", N_("Audience"), [(a.value, a.label) for a in Audience]),
        listing.select("layout", N_("Layout"), labels().items(), translate=False),
    ]
    return listing.Filters(fields, request.args)


def wall_query(principal: Principal, filters: listing.Filters, now: Any) -> sa.Select[Any]:
    """The screens the user may see (active ones), narrowed by the wall's filters."""
    query = (
        sa.select(Screen)
        .join(Org, Screen.org_id == Org.id)
        .where(principal.org_condition(), Screen.active.is_(True))
        .order_by(Org.code, Screen.name, Screen.id)
    )
    if filters.get("q"):
        query = query.where(listing.text_match(filters.get("q"), Screen.name, Screen.location))
    org = get_by_code(db.session, filters.get("org")) if filters.get("org") else None
    if org is not None:
        query = query.where(Org.path.like(org.path + "%"))
    if filters.get("online"):
        online = services.online_condition(now)
        query = query.where(online if filters.get("online") == "yes" else ~online)
    if filters.get("content"):
        current = services.up_to_date_condition()
        query = query.where(current if filters.get("content") == "current" else ~current)
    if filters.get("audience"):
        query = query.where(Screen.audience == Audience(filters.get("audience")))
    if filters.get("layout"):
        query = query.where(Screen.layout == filters.get("layout"))
    return query


@bp.get("/screens")
@login_required
def wall() -> str:
    """Every screen the user may see: online state, what it shows, last seen, up to date."""
    principal = current_principal()
    now = registry.now()
    filters = _wall_filters(principal)
    page = listing.paginate(
        db.session,
        wall_query(principal, filters, now),
        listing.page_number(request.args.get("page")),
    )
    screens: list[Screen] = page.rows
    titles = showing.live_titles(
        db.session, (s.current_item_id for s in screens if s.current_item_id)
    )
    return render_template(
        "screens/wall.html",
        screens=[(s, screen_json(s, now, titles)) for s in screens],
        page=page,
        filters=filters,
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
        org = get_by_code(db.session, form.org.data) or abort(400)
        principal.require(Permission.MANAGE_SCREENS, org)
        fields = _fields(form)
        try:
            screen, token = services.register(db.session, org, fields, layouts=design_sizes())
        except DomainError as error:
            db.session.rollback()
            _field_of(form, error).errors.append(domain_message(error))
        else:
            db.session.commit()
            assert token is not None
            return render_template(
                "screens/created.html", screen=screen, url=player_url(token)
            ), 201
    status = 400 if request.method == "POST" else 200
    return render_template("screens/edit.html", form=form, screen=None), status


def _field_of(form: ScreenForm, error: DomainError) -> Any:
    """Return the field a refusal is about (its message goes under it)."""
    return {
        "notice_running": form.audience,
        "invalid_resolution": form.resolution_custom
        if form.resolution.data == "custom"
        else form.resolution,
        "invalid_timezone": form.timezone,
        "invalid_layout": form.layout,
    }.get(error.code, form.name)


def _fields(form: ScreenForm) -> services.ScreenFields:
    return services.ScreenFields(
        name=form.name.data,
        audience=Audience(form.audience.data),
        layout=form.layout.data,
        resolution=form.chosen_resolution(),
        timezone=form.timezone.data,
        location=form.location.data or "",
    )


def _screen(screen_id: int, permission: Permission) -> tuple[Screen, Principal]:
    screen = services.get(db.session, screen_id)
    return screen, require(permission, screen.org)


@bp.route("/screens/<int:screen_id>", methods=["GET", "POST"])
@login_required
def screen(screen_id: int) -> Any:
    item, principal = _screen(screen_id, Permission.VIEW)
    can_manage = principal.can(Permission.MANAGE_SCREENS, item.org)
    form = ScreenForm(obj=item)
    _prepare(form, principal)
    form.org.choices = [(item.org.code, item.org.name)]
    form.offer_timezone(item.timezone)
    if request.method == "GET":
        form.org.data = item.org.code
        form.audience.data = item.audience.value
        form.show(item.resolution, item.timezone)
    elif can_manage and form.validate_on_submit():
        fields = _fields(form)
        try:
            services.update(db.session, item, fields, design_sizes(), now=registry.now())
        except DomainError as error:
            db.session.rollback()
            _field_of(form, error).errors.append(domain_message(error))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("screens.screen", screen_id=item.id))
    elif not can_manage:
        abort(403)
    played = list(
        db.session.scalars(
            sa.select(PlayRecord)
            .where(PlayRecord.screen_id == item.id)
            .order_by(PlayRecord.started_at.desc())
            .limit(20)
        )
    )
    return render_template(
        "screens/edit.html",
        form=form,
        screen=item,
        state=screen_json(item, registry.now()),
        can_manage=can_manage,
        pair_form=PairForm(),
        played=played,
        played_titles=showing.revision_titles(
            db.session, ((r.item_id, r.revision) for r in played)
        ),
        feedback_code=screen_code(current_app.config["SECRET_KEY"], item.id),
    )


@bp.post("/screens/<int:screen_id>/revoke")
@login_required
def revoke(screen_id: int) -> Response:
    item, _principal = _screen(screen_id, Permission.MANAGE_SCREENS)
    services.revoke(db.session, item)
    db.session.commit()
    flash(_("The screen's token was revoked: it is disconnected and cannot reconnect."), "success")
    return redirect(url_for("screens.screen", screen_id=item.id))


@bp.post("/screens/<int:screen_id>/token")
@login_required
def new_token(screen_id: int) -> Any:
    item, _principal = _screen(screen_id, Permission.MANAGE_SCREENS)
    token = services.issue_token(db.session, item)
    db.session.commit()
    return render_template("screens/created.html", screen=item, url=player_url(token)), 201


@bp.post("/screens/<int:screen_id>/pair")
@login_required
def pair(screen_id: int) -> Response:
    item, _principal = _screen(screen_id, Permission.MANAGE_SCREENS)
    form = PairForm()
    if form.validate_on_submit():
        commit_or_flash(
            lambda: services.attach(db.session, form.code.data, item, registry.now()),
            _("The screen is paired: it starts playing within a few seconds."),
        )
    return redirect(url_for("screens.screen", screen_id=item.id))


@bp.get("/screens/<int:screen_id>/preview")
@login_required
@framable_by_this_site
def preview(screen_id: int) -> str:
    """The screen's manifest shown in its own layout and size, by the real player."""
    item, _principal = _screen(screen_id, Permission.VIEW)
    return player.page(preview_manifest=url_for("screens.preview_manifest", screen_id=item.id))


@bp.get("/screens/<int:screen_id>/preview/manifest")
@login_required
def preview_manifest(screen_id: int) -> Any:
    item, _principal = _screen(screen_id, Permission.VIEW)
    body = manifests.current(db.session, item, manifest_context(_app(), registry.now()))
    db.session.commit()
    return jsonify(body)


@bp.route("/screens/groups", methods=["GET", "POST"])
@login_required
def groups() -> Any:
    principal = current_principal()
    form = GroupForm()
    form.org.choices = _org_choices(principal)
    if form.validate_on_submit():
        org = get_by_code(db.session, form.org.data) or abort(400)
        principal.require(Permission.MANAGE_SCREENS, org)
        chosen = [int(i) for i in request.form.getlist("screens") if i.isdigit()]
        members = list(db.session.scalars(sa.select(Screen).where(Screen.id.in_(chosen))))
        if commit_or_flash(
            lambda: services.create_group(db.session, org, form.name.data, members), _("Saved.")
        ):
            return redirect(url_for("screens.groups"))
    visible = sa.select(Org.id).where(principal.org_condition())
    return render_template(
        "screens/groups.html",
        form=form,
        groups=list(
            db.session.scalars(
                sa.select(ScreenGroup)
                .where(ScreenGroup.org_id.in_(visible))
                .order_by(ScreenGroup.name)
            )
        ),
        screens=list(
            db.session.scalars(
                sa.select(Screen)
                .where(Screen.org_id.in_(visible), Screen.active.is_(True))
                .order_by(Screen.name)
            )
        ),
        can_manage=principal.has_role_for(Permission.MANAGE_SCREENS),
        may_edit=lambda group: principal.can(Permission.MANAGE_SCREENS, group.org),
    )


@bp.post("/screens/groups/<int:group_id>")
@login_required
def group(group_id: int) -> Any:
    """Change which screens a group holds (a group left empty plays nothing of its own)."""
    principal = current_principal()
    item = db.session.get(ScreenGroup, group_id) or abort(404)
    principal.require(Permission.MANAGE_SCREENS, item.org)
    chosen = [int(i) for i in request.form.getlist("screens") if i.isdigit()]
    members = list(db.session.scalars(sa.select(Screen).where(Screen.id.in_(chosen))))
    commit_or_flash(
        lambda: services.set_group_screens(db.session, item, members),
        _("Saved. The screens get the new rotation within a second."),
    )
    return redirect(url_for("screens.groups"))
