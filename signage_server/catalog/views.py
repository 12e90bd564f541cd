"""The catalog and compliance pages; declaring and deciding 不便公开 exemptions."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint
from flask import abort
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
from signage_server.accounts.permissions import require
from signage_server.accounts.rules import Permission
from signage_server.catalog import services
from signage_server.catalog import tally
from signage_server.catalog.forms import DecisionForm
from signage_server.catalog.forms import EntryForm
from signage_server.catalog.forms import ExemptionForm
from signage_server.catalog.forms import TemplateForm
from signage_server.catalog.models import CatalogEntry
from signage_server.catalog.models import CatalogTemplate
from signage_server.catalog.models import Exemption
from signage_server.catalog.rules import Cadence
from signage_server.catalog.rules import Status
from signage_server.disclosure.context import local_tz
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import Timing
from signage_server.extensions import db
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind
from signage_server.orgs.rules import is_within
from signage_server.orgs.rules import kinds_below
from signage_server.orgs.services import get_by_code
from signage_server.orgs.services import tree_order
from signage_server.web.outcome import commit_or_flash

bp = Blueprint("catalog", __name__)

#: Compliance rows, most urgent first.
SEVERITY = [
    Status.OVERDUE,
    Status.MISSING,
    Status.DUE_SOON,
    Status.PENDING_EXEMPTION,
    Status.EXEMPTED,
    Status.CURRENT,
]


def _chosen_org(principal: Principal) -> tuple[Org, list[tuple[int, Org]]]:
    visible = tree_order(db.session.scalars(sa.select(Org).where(principal.org_condition())))
    if not visible:
        abort(403)
    code = request.args.get("org")
    org = get_by_code(db.session, code) if code else None
    if org is None:
        home = principal.user.home_org
        org = home if principal.can(Permission.VIEW, home) else visible[0][1]
    require(Permission.VIEW, org)
    return org, visible


@bp.get("/compliance")
@login_required
def compliance() -> str:
    """Where an organisation stands with its catalog, overdue entries first in red; for a
    county or township also one row per organisation of its subtree, sortable."""
    principal = current_principal()
    org, visible = _chosen_org(principal)
    tz = local_tz()
    now = registry.now()
    subtree = [o for _depth, o in visible if is_within(o.path, org.path)]
    above = [o for _depth, o in visible if o.id != org.id and is_within(org.path, o.path)]
    rows, by_org = services.subtree_rows(db.session, subtree, now, tz)
    order = tally.parse_sort(request.args.get("sort"), request.args.get("dir"))
    lines = sorted(by_org[org.id], key=lambda line: SEVERITY.index(line.result.status))
    below = [row for row in rows if row.org.id != org.id]
    parents = {o.parent_id for o in subtree if o.id != org.id}
    pending = list(
        db.session.scalars(
            sa.select(Exemption)
            .join(Org, Exemption.org_id == Org.id)
            .where(Exemption.state == "pending")
            .where(principal.org_condition(Permission.SUPERIOR_APPROVE_ITEMS))
            .order_by(Exemption.requested_at)
        )
    )
    return render_template(
        "catalog/compliance.html",
        org=org,
        orgs=visible,
        lines=lines,
        titles=services.item_titles(db.session, (line.result.item_id or 0 for line in lines)),
        rows=tally.sort_rows(rows, order) if below else [],
        subtree_total=tally.total(row.tally for row in rows),
        order=order,
        above=sorted(above, key=lambda o: len(o.path)),
        show_parent=len(parents) > 1,
        can_exempt=principal.can(Permission.APPROVE_ITEMS, org),
        can_draft=principal.can(Permission.DRAFT_ITEMS, org),
        exemption_form=ExemptionForm(),
        decision_form=DecisionForm(),
        pending=pending,
        counts=tally.tally(line.result.status for line in lines),
    )


@bp.post("/compliance/exemptions")
@login_required
def request_exemption() -> Response:
    principal = current_principal()
    org, _visible = _chosen_org(principal)
    principal.require(Permission.APPROVE_ITEMS, org)
    form = ExemptionForm()
    if form.validate():

        def declare() -> None:
            entry = services.require_entry_for(db.session, org, form.entry.data)
            services.request_exemption(
                db.session, org, entry, form.explanation.data, principal.user, registry.now()
            )

        commit_or_flash(declare, _("The exemption was sent to the superior organisation."))
    return redirect(url_for("catalog.compliance", org=org.code))


@bp.post("/exemptions/<int:exemption_id>/decision")
@login_required
def decide(exemption_id: int) -> Response:
    exemption = services.get_exemption(db.session, exemption_id)
    principal = require(Permission.SUPERIOR_APPROVE_ITEMS, exemption.org)
    form = DecisionForm()
    if form.validate() and form.decision.data in ("approve", "refuse"):
        commit_or_flash(
            lambda: services.decide_exemption(
                db.session,
                exemption,
                form.decision.data == "approve",
                form.reason.data or "",
                principal.user,
                registry.now(),
            ),
            _("The decision was recorded."),
        )
    return redirect(url_for("catalog.compliance", org=exemption.org.code))


@bp.get("/catalog")
@login_required
def catalog() -> str:
    """The catalog that applies to an organisation, and the catalogs it sets below it."""
    principal = current_principal()
    org, visible = _chosen_org(principal)
    owned = list(
        db.session.scalars(
            sa.select(CatalogTemplate)
            .where(CatalogTemplate.owner_org_id == org.id)
            .order_by(CatalogTemplate.org_kind)
        )
    )
    template_form = TemplateForm()
    _template_kinds(template_form, org, owned)
    return render_template(
        "catalog/catalog.html",
        org=org,
        orgs=visible,
        template=services.template_for(db.session, org),
        owned=owned,
        can_manage=principal.can(Permission.MANAGE_CATALOG, org),
        template_form=template_form,
        entry_form=EntryForm(),
    )


def _template_kinds(form: TemplateForm, org: Org, owned: list[CatalogTemplate]) -> None:
    """Offer the kinds of organisation below ``org`` (a township: villages, agency and school
    branches), the first one it has no catalog for chosen (a township's: its villages')."""
    kinds = kinds_below(org.kind)
    form.org_kind.choices = [(k.value, _(k.label)) for k in kinds]
    have = {t.org_kind for t in owned}
    missing = [k for k in kinds if k not in have]
    if form.org_kind.data not in {k.value for k in kinds}:
        form.org_kind.data = (missing or kinds or [OrgKind.VILLAGE])[0].value


@bp.post("/catalog/templates")
@login_required
def create_template() -> Response:
    principal = current_principal()
    org, _visible = _chosen_org(principal)
    principal.require(Permission.MANAGE_CATALOG, org)
    form = TemplateForm()
    form.org_kind.choices = [(k.value, _(k.label)) for k in kinds_below(org.kind)]
    if form.validate():
        commit_or_flash(
            lambda: services.create_template(
                db.session, org, OrgKind(form.org_kind.data), form.name.data
            ),
            _("Saved."),
        )
    return redirect(url_for("catalog.catalog", org=org.code))


def _entry_fields(form: EntryForm) -> dict[str, Any]:
    return {
        "title": form.title.data,
        "category": Category(form.category.data),
        "scope": Scope(form.scope.data),
        "timing": Timing(form.timing.data),
        "cadence": Cadence(form.cadence.data) if form.cadence.data else None,
        "grace_days": form.grace_days.data if form.grace_days.data is not None else 19,
        "department": form.department.data or "",
    }


@bp.post("/catalog/templates/<int:template_id>/entries")
@login_required
def add_entry(template_id: int) -> Response:
    template = db.session.get(CatalogTemplate, template_id) or abort(404)
    require(Permission.MANAGE_CATALOG, template.owner)
    form = EntryForm()
    if form.validate():
        commit_or_flash(
            lambda: services.add_entry(db.session, template, form.code.data, **_entry_fields(form)),
            _("Saved."),
        )
    return redirect(url_for("catalog.catalog", org=template.owner.code) + f"#t{template.id}")


@bp.post("/catalog/entries/<int:entry_id>")
@login_required
def update_entry(entry_id: int) -> Response:
    entry = db.session.get(CatalogEntry, entry_id) or abort(404)
    require(Permission.MANAGE_CATALOG, entry.template.owner)
    form = EntryForm()
    if form.validate():
        commit_or_flash(
            lambda: services.update_entry(
                db.session, entry, **_entry_fields(form), active=bool(form.active.data)
            ),
            _("Saved."),
        )
    return redirect(
        url_for("catalog.catalog", org=entry.template.owner.code) + f"#t{entry.template_id}"
    )
