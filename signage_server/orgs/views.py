"""Organisation administration pages (``/admin/orgs``): the tree, a new org, an org's edit
form. Each page parses its form and calls one use case of ``orgs.services``, which checks
permissions and rules, records the event and commits."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _

from signage_server import services as registry
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.accounts.permissions import role_required
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import Role
from signage_server.disclosure.services import merges_review
from signage_server.errorhandlers import domain_message
from signage_server.errors import DomainError
from signage_server.extensions import db
from signage_server.orgs import services
from signage_server.orgs.forms import OrgEditForm
from signage_server.orgs.forms import OrgForm
from signage_server.orgs.rules import OrgKind

bp = Blueprint("orgs", __name__)


@bp.get("/admin/orgs")
@login_required
@role_required(Role.ADMIN)
def orgs() -> str:
    """Show the organisations the admin manages as a tree, with their user counts."""
    tree = services.admin_tree(db.session, current_principal())
    return render_template(
        "orgs/orgs.html",
        rows=tree.rows,
        dissolved=tree.dissolved,
        users_per_org=tree.users_per_org,
    )


@bp.route("/admin/orgs/new", methods=["GET", "POST"])
@login_required
@role_required(Role.ADMIN)
def new_org() -> Any:
    principal = current_principal()
    form = OrgForm()
    form.parent.choices = services.managed_choices(db.session, principal, Permission.MANAGE_ORGS)
    if request.method == "GET":
        form.parent.data = request.args.get("parent", "")
        form.kind.data = OrgKind.VILLAGE.value
    if form.validate_on_submit():
        try:
            org = services.create_org(
                db.session,
                actor=principal,
                code=form.code.data,
                name=form.name.data,
                kind=OrgKind(form.kind.data),
                parent=form.parent.data,
                party_members=form.party_members.data,
                address=form.address.data or "",
            )
        except DomainError as error:
            target = form.code if error.code in ("invalid_code", "org_exists") else form.kind
            target.errors.append(domain_message(error))
        else:
            flash(_("%(name)s was created.", name=org.name), "success")
            return redirect(url_for("orgs.orgs"))
    status = 400 if request.method == "POST" else 200
    return render_template("orgs/org_new.html", form=form), status


@bp.route("/admin/orgs/<code>", methods=["GET", "POST"])
@login_required
@role_required(Role.ADMIN)
def edit_org(code: str) -> Any:
    """Edit an organisation; move, dissolve or restore it (administrators above it only: the
    form offers those fields to them alone, the use case refuses everyone else)."""
    principal = current_principal()
    org = services.require_org(db.session, principal, code, Permission.MANAGE_ORGS)
    above = principal.administers_above(org)
    form = OrgEditForm(obj=org)
    form.parent.choices = (
        services.managed_choices(db.session, principal, Permission.MANAGE_ORGS, exclude=org)
        if above
        else []
    )
    if request.method == "GET":
        form.kind.data = org.kind.value
        form.parent.data = org.parent.code if org.parent else ""
        form.higher_review.data = (org.settings or {}).get("higher_review_categories", [])
        form.second_language.data = org.second_language or ""
        form.merge_review.data = merges_review(org)
    if form.validate_on_submit():
        changes: dict[str, Any] = {
            "name": form.name.data,
            "kind": OrgKind(form.kind.data),
            "party_members": form.party_members.data,
            "address": form.address.data,
            "higher_review_categories": form.higher_review.data or [],
            "second_language": form.second_language.data or None,
        }
        if above:
            changes["parent"] = form.parent.data or None
            changes["active"] = bool(form.active.data)
            changes["merge_review_approval"] = bool(form.merge_review.data)
            changes["merge_review_reason"] = form.merge_review_reason.data or ""
        try:
            services.edit_org(db.session, principal, org, changes, now=registry.now())
        except DomainError as error:
            target = form.merge_review_reason if error.code == "reason_required" else form.name
            target.errors.append(domain_message(error))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("orgs.orgs"))
    status = 400 if request.method == "POST" else 200
    return render_template("orgs/org_edit.html", form=form, org=org, above=above), status
