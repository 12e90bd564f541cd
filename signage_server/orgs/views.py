"""Organisation administration pages (``/admin/orgs``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _

from signage_server import services as registry
from signage_server.accounts.models import User
from signage_server.accounts.permissions import Principal
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.accounts.permissions import require
from signage_server.accounts.permissions import role_required
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import Role
from signage_server.accounts.services import log_event
from signage_server.disclosure.services import merges_review
from signage_server.disclosure.services import set_merged_review
from signage_server.errorhandlers import domain_message
from signage_server.errors import DomainError
from signage_server.extensions import db
from signage_server.orgs import services
from signage_server.orgs.forms import OrgEditForm
from signage_server.orgs.forms import OrgForm
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind

bp = Blueprint("orgs", __name__)


def _managed(principal: Principal) -> list[tuple[int, Org]]:
    orgs = db.session.scalars(sa.select(Org).where(principal.org_condition(Permission.MANAGE_ORGS)))
    return services.tree_order(orgs)


def _parent_choices(principal: Principal, exclude: Org | None = None) -> list[tuple[str, str]]:
    return [
        (o.code, "\u3000" * depth + f"{o.name} ({o.code})")
        for depth, o in _managed(principal)
        if exclude is None or not o.path.startswith(exclude.path)
    ]


@bp.get("/admin/orgs")
@login_required
@role_required(Role.ADMIN)
def orgs() -> str:
    """Show the organisations the admin manages as a tree, with their user counts."""
    principal = current_principal()
    managed = _managed(principal)
    inactive = db.session.scalars(sa.select(Org).where(Org.active.is_(False)).order_by(Org.code))
    counts = sa.select(User.home_org_id, sa.func.count()).group_by(User.home_org_id)
    users_per_org = {org_id: n for org_id, n in db.session.execute(counts)}
    return render_template(
        "orgs/orgs.html",
        rows=managed,
        dissolved=[o for o in inactive if principal.can(Permission.MANAGE_ORGS, o)],
        users_per_org=users_per_org,
    )


@bp.route("/admin/orgs/new", methods=["GET", "POST"])
@login_required
@role_required(Role.ADMIN)
def new_org() -> Any:
    principal = current_principal()
    form = OrgForm()
    form.parent.choices = _parent_choices(principal)
    if request.method == "GET":
        form.parent.data = request.args.get("parent", "")
        form.kind.data = OrgKind.VILLAGE.value
    if form.validate_on_submit():
        parent = services.require_by_code(db.session, form.parent.data)
        require(Permission.MANAGE_ORGS, parent)
        try:
            org = services.create_org(
                db.session,
                code=form.code.data,
                name=form.name.data,
                kind=OrgKind(form.kind.data),
                parent=parent,
                party_members=form.party_members.data,
                address=form.address.data or "",
            )
        except DomainError as error:
            db.session.rollback()
            target = form.code if error.code in ("invalid_code", "org_exists") else form.kind
            target.errors.append(domain_message(error))
        else:
            log_event(db.session, "org.created", actor=principal.user, org=org, code=org.code)
            db.session.commit()
            flash(_("%(name)s was created.", name=org.name), "success")
            return redirect(url_for("orgs.orgs"))
    status = 400 if request.method == "POST" else 200
    return render_template("orgs/org_new.html", form=form), status


@bp.route("/admin/orgs/<code>", methods=["GET", "POST"])
@login_required
@role_required(Role.ADMIN)
def edit_org(code: str) -> Any:
    """Edit, move or dissolve an organisation."""
    org = services.require_by_code(db.session, code)
    principal = require(Permission.MANAGE_ORGS, org)
    above = org.parent is not None and principal.can(Permission.MANAGE_ORGS, org.parent)
    form = OrgEditForm(obj=org)
    form.parent.choices = _parent_choices(principal, exclude=org) if above else []
    if request.method == "GET":
        form.kind.data = org.kind.value
        form.parent.data = org.parent.code if org.parent else ""
        form.higher_review.data = (org.settings or {}).get("higher_review_categories", [])
        form.merge_review.data = merges_review(org)
    if form.validate_on_submit():
        try:
            if above and form.parent.data and org.parent and form.parent.data != org.parent.code:
                new_parent = services.require_by_code(db.session, form.parent.data)
                principal.require(Permission.MANAGE_ORGS, new_parent)
                services.move_org(db.session, org, new_parent)
            changes: dict[str, Any] = {
                "name": form.name.data,
                "kind": OrgKind(form.kind.data),
                "party_members": form.party_members.data,
                "address": form.address.data,
                "higher_review_categories": form.higher_review.data or [],
            }
            if above:
                changes["active"] = bool(form.active.data)
                if bool(form.merge_review.data) != merges_review(org):
                    set_merged_review(
                        db.session,
                        org,
                        principal,
                        bool(form.merge_review.data),
                        form.merge_review_reason.data or "",
                        registry.now(),
                    )
            services.update_org(db.session, org, **changes)
        except DomainError as error:
            db.session.rollback()
            target = form.merge_review_reason if error.code == "reason_required" else form.name
            target.errors.append(domain_message(error))
        else:
            log_event(db.session, "org.updated", actor=principal.user, org=org, code=org.code)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("orgs.orgs"))
    status = 400 if request.method == "POST" else 200
    return render_template("orgs/org_edit.html", form=form, org=org, above=above), status
