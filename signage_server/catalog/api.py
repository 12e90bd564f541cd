"""``/api/v1/catalog``, ``/api/v1/compliance`` and ``/api/v1/exemptions``."""

from __future__ import annotations

from flask import Response
from flask import jsonify
from flask import request
from pydantic import BaseModel
from pydantic import Field

from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import require
from signage_server.accounts.rules import Permission
from signage_server.api import api_blueprint
from signage_server.api import parse
from signage_server.catalog import presenters
from signage_server.catalog import use_cases
from signage_server.catalog.presenters import entry_json
from signage_server.catalog.presenters import exemption_json
from signage_server.catalog.presenters import template_json
from signage_server.catalog.rules import Cadence
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import Timing
from signage_server.orgs.rules import OrgKind

bp = api_blueprint("catalog_api", __name__)


@bp.get("/catalog")
def catalog() -> Response:
    """Return the catalog that applies to ``?org=CODE``."""
    return jsonify(presenters.catalog_json(current_principal(), request.args.get("org")))


@bp.get("/catalog/templates")
def templates() -> Response:
    """Return the catalogs ``?owner=CODE`` sets for the organisations below it."""
    owner = request.args.get("owner", "")
    return jsonify(presenters.templates_json(current_principal(), owner))


class TemplateIn(BaseModel):
    owner: str
    org_kind: OrgKind
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)


class EntryFields(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    category: Category
    scope: Scope
    timing: Timing
    cadence: Cadence | None = None
    grace_days: int = Field(default=19, ge=0, le=180)
    department: str = Field(default="", max_length=100)
    channels: list[str] = Field(default_factory=list, max_length=10)


class EntryIn(EntryFields):
    code: str = Field(min_length=1, max_length=32)


class EntryPatch(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    category: Category | None = None
    scope: Scope | None = None
    timing: Timing | None = None
    cadence: Cadence | None = None
    grace_days: int | None = Field(default=None, ge=0, le=180)
    department: str | None = Field(default=None, max_length=100)
    channels: list[str] | None = Field(default=None, max_length=10)
    active: bool | None = None


@bp.post("/catalog/templates")
def create_template() -> tuple[Response, int]:
    data = parse(TemplateIn)
    template = use_cases.create_template(
        current_principal(), data.owner, data.org_kind, data.name, data.description
    )
    return jsonify(template_json(template)), 201


@bp.post("/catalog/templates/<int:template_id>/entries")
def add_entry(template_id: int) -> tuple[Response, int]:
    template = presenters.require_template(template_id)
    principal = require(Permission.MANAGE_CATALOG, template.owner)
    data = parse(EntryIn)
    entry = use_cases.add_entry(
        principal, template.id, data.code, **data.model_dump(exclude={"code"})
    )
    return jsonify(entry_json(entry)), 201


@bp.patch("/catalog/entries/<int:entry_id>")
def update_entry(entry_id: int) -> Response:
    entry = presenters.require_entry(entry_id)
    principal = require(Permission.MANAGE_CATALOG, entry.template.owner)
    data = parse(EntryPatch)
    use_cases.update_entry(principal, entry.id, **data.model_dump(exclude_unset=True))
    return jsonify(entry_json(entry))


@bp.get("/compliance")
def compliance() -> Response:
    """Return ``[{entry, title, timing, status, since?, item?}]`` for ``?org=CODE``."""
    return jsonify(presenters.compliance_json(current_principal(), request.args.get("org")))


class ExemptionIn(BaseModel):
    org: str
    entry: str
    explanation: str = Field(max_length=5000)


class DecisionIn(BaseModel):
    approve: bool
    reason: str = Field(default="", max_length=5000)


@bp.get("/exemptions")
def exemptions() -> Response:
    """Exemptions the caller may see; ``?state=pending`` for the ones awaiting a decision."""
    return jsonify(presenters.exemptions_json(current_principal(), request.args.get("state")))


@bp.post("/exemptions")
def request_exemption() -> tuple[Response, int]:
    """Declare a catalog entry not suitable for disclosure (the accountable person)."""
    data = parse(ExemptionIn)
    exemption = use_cases.request_exemption(
        current_principal(), data.org, data.entry, data.explanation
    )
    return jsonify(exemption_json(exemption)), 201


@bp.post("/exemptions/<int:exemption_id>/decision")
def decide(exemption_id: int) -> Response:
    """The superior organisation decides; a refusal needs written reasons."""
    exemption = presenters.get_exemption(exemption_id)
    principal = require(Permission.SUPERIOR_APPROVE_ITEMS, exemption.org)
    data = parse(DecisionIn)
    use_cases.decide_exemption(principal, exemption.id, data.approve, data.reason)
    return jsonify(exemption_json(exemption))
