"""The catalog and compliance pages; declaring and deciding 不便公开 exemptions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.accounts.permissions import require
from signage_server.accounts.rules import Permission
from signage_server.catalog import presenters
from signage_server.catalog import use_cases
from signage_server.catalog.forms import DecisionForm
from signage_server.catalog.forms import EntryForm
from signage_server.catalog.forms import ExemptionForm
from signage_server.catalog.forms import TemplateForm
from signage_server.catalog.models import CatalogTemplate
from signage_server.catalog.rules import Cadence
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import Timing
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind
from signage_server.orgs.rules import kinds_below
from signage_server.web.outcome import commit_or_flash

bp = Blueprint("catalog", __name__)


@bp.get("/compliance")
@login_required
def compliance() -> str:
    """Where an organisation stands with its catalog, overdue entries first in red; for a
    county or township also one row per organisation of its subtree, sortable."""
    context = presenters.compliance_page(
        current_principal(),
        request.args.get("org"),
        request.args.get("sort"),
        request.args.get("dir"),
    )
    return render_template(
        "catalog/compliance.html",
        exemption_form=ExemptionForm(),
        decision_form=DecisionForm(),
        **context,
    )


@bp.post("/compliance/exemptions")
@login_required
def request_exemption() -> Response:
    principal = current_principal()
    org, _visible = presenters.chosen_org(principal, request.args.get("org"))
    principal.require(Permission.APPROVE_ITEMS, org)
    form = ExemptionForm()
    if form.validate():
        commit_or_flash(
            lambda: use_cases.request_exemption(
                principal, org, form.entry.data, form.explanation.data
            ),
            _("The exemption was sent to the superior organisation."),
        )
    return redirect(url_for("catalog.compliance", org=org.code))


@bp.post("/exemptions/<int:exemption_id>/decision")
@login_required
def decide(exemption_id: int) -> Response:
    exemption = presenters.get_exemption(exemption_id)
    principal = require(Permission.SUPERIOR_APPROVE_ITEMS, exemption.org)
    form = DecisionForm()
    if form.validate() and form.decision.data in ("approve", "refuse"):
        commit_or_flash(
            lambda: use_cases.decide_exemption(
                principal, exemption.id, form.decision.data == "approve", form.reason.data or ""
            ),
            _("The decision was recorded."),
        )
    return redirect(url_for("catalog.compliance", org=exemption.org.code))


@bp.get("/catalog")
@login_required
def catalog() -> str:
    """The catalog that applies to an organisation, and the catalogs it sets below it."""
    context = presenters.catalog_page(current_principal(), request.args.get("org"))
    template_form = TemplateForm()
    _template_kinds(template_form, context["org"], context["owned"])
    return render_template(
        "catalog/catalog.html", template_form=template_form, entry_form=EntryForm(), **context
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
    org, _visible = presenters.chosen_org(principal, request.args.get("org"))
    principal.require(Permission.MANAGE_CATALOG, org)
    form = TemplateForm()
    form.org_kind.choices = [(k.value, _(k.label)) for k in kinds_below(org.kind)]
    if form.validate():
        commit_or_flash(
            lambda: use_cases.create_template(
                principal, org, OrgKind(form.org_kind.data), form.name.data
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
    template = presenters.find_template(template_id) or abort(404)
    principal = require(Permission.MANAGE_CATALOG, template.owner)
    form = EntryForm()
    if form.validate():
        commit_or_flash(
            lambda: use_cases.add_entry(
                principal, template.id, form.code.data, **_entry_fields(form)
            ),
            _("Saved."),
        )
    return redirect(url_for("catalog.catalog", org=template.owner.code) + f"#t{template.id}")


@bp.post("/catalog/entries/<int:entry_id>")
@login_required
def update_entry(entry_id: int) -> Response:
    entry = presenters.find_entry(entry_id) or abort(404)
    principal = require(Permission.MANAGE_CATALOG, entry.template.owner)
    form = EntryForm()
    if form.validate():
        commit_or_flash(
            lambda: use_cases.update_entry(
                principal, entry.id, **_entry_fields(form), active=bool(form.active.data)
            ),
            _("Saved."),
        )
    return redirect(
        url_for("catalog.catalog", org=entry.template.owner.code) + f"#t{entry.template_id}"
    )
