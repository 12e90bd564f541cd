"""``/api/v1/catalog``, ``/api/v1/compliance`` and ``/api/v1/exemptions``."""

from __future__ import annotations

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
from signage_server.catalog import services
from signage_server.catalog.models import CatalogEntry
from signage_server.catalog.models import CatalogTemplate
from signage_server.catalog.models import Exemption
from signage_server.catalog.rules import Cadence
from signage_server.disclosure.context import local_tz
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import Timing
from signage_server.errors import BadRequest
from signage_server.errors import NotFound
from signage_server.extensions import db
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind
from signage_server.orgs.services import require_by_code

bp = api_blueprint("catalog_api", __name__)


def entry_json(entry: CatalogEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "code": entry.code,
        "title": entry.title,
        "description": entry.description,
        "category": entry.category.value,
        "scope": entry.scope.value,
        "timing": entry.timing.value,
        "cadence": entry.cadence.value if entry.cadence else None,
        "grace_days": entry.grace_days,
        "department": entry.department,
        "channels": entry.channels,
        "active": entry.active,
    }


def template_json(template: CatalogTemplate) -> dict[str, Any]:
    return {
        "id": template.id,
        "owner": template.owner.code,
        "org_kind": template.org_kind.value,
        "name": template.name,
        "description": template.description,
        "entries": [entry_json(e) for e in template.entries],
    }


def _org_arg() -> Org:
    code = request.args.get("org")
    if not code:
        raise BadRequest(N_("Name the organisation: ?org=CODE"), code="org_required")
    return require_by_code(db.session, code)


@bp.get("/catalog")
def catalog() -> Response:
    """Return the catalog that applies to ``?org=CODE``."""
    org = _org_arg()
    require(Permission.VIEW, org)
    template = services.template_for(db.session, org)
    return jsonify(
        {
            "org": org.code,
            "template": template_json(template) if template else None,
        }
    )


@bp.get("/catalog/templates")
def templates() -> Response:
    """Return the catalogs ``?owner=CODE`` sets for the organisations below it."""
    owner = require_by_code(db.session, request.args.get("owner", ""))
    require(Permission.VIEW, owner)
    found = db.session.scalars(
        sa.select(CatalogTemplate).where(CatalogTemplate.owner_org_id == owner.id)
    )
    return jsonify({"templates": [template_json(t) for t in found]})


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
    owner = require_by_code(db.session, data.owner)
    require(Permission.MANAGE_CATALOG, owner)
    template = services.create_template(
        db.session, owner, data.org_kind, data.name, data.description
    )
    db.session.commit()
    return jsonify(template_json(template)), 201


def _template(template_id: int) -> CatalogTemplate:
    template = db.session.get(CatalogTemplate, template_id)
    if template is None:
        raise NotFound(N_("No such catalog."), code="template_not_found")
    return template


@bp.post("/catalog/templates/<int:template_id>/entries")
def add_entry(template_id: int) -> tuple[Response, int]:
    template = _template(template_id)
    require(Permission.MANAGE_CATALOG, template.owner)
    data = parse(EntryIn)
    entry = services.add_entry(db.session, template, data.code, **data.model_dump(exclude={"code"}))
    db.session.commit()
    return jsonify(entry_json(entry)), 201


@bp.patch("/catalog/entries/<int:entry_id>")
def update_entry(entry_id: int) -> Response:
    entry = db.session.get(CatalogEntry, entry_id)
    if entry is None:
        raise NotFound(N_("No such catalog entry."), code="entry_not_found")
    require(Permission.MANAGE_CATALOG, entry.template.owner)
    data = parse(EntryPatch)
    services.update_entry(db.session, entry, **data.model_dump(exclude_unset=True))
    db.session.commit()
    return jsonify(entry_json(entry))


@bp.get("/compliance")
def compliance() -> Response:
    """Return ``[{entry, title, timing, status, since?, item?}]`` for ``?org=CODE``."""
    org = _org_arg()
    require(Permission.VIEW, org)
    lines = services.compliance(db.session, org, registry.now(), local_tz())
    out = []
    for line in lines:
        result = line.result
        row: dict[str, Any] = {
            "entry": line.entry.code,
            "title": line.entry.title,
            "category": line.entry.category.value,
            "timing": line.entry.timing.value,
            "cadence": line.entry.cadence.value if line.entry.cadence else None,
            "status": result.status.value,
        }
        if result.since is not None:
            row["since"] = result.since.isoformat()
        if result.item_id is not None:
            row["item"] = result.item_id
        if result.period is not None:
            row["period"] = result.period
        if result.deadline is not None:
            row["deadline"] = result.deadline.isoformat()
        if line.exemption is not None:
            row["exemption"] = line.exemption.id
        out.append(row)
    return jsonify(out)


def exemption_json(exemption: Exemption) -> dict[str, Any]:
    return {
        "id": exemption.id,
        "org": exemption.org.code,
        "entry": exemption.entry.code,
        "entry_title": exemption.entry.title,
        "explanation": exemption.explanation,
        "state": exemption.state,
        "requested_at": exemption.requested_at.isoformat(),
        "decided_at": exemption.decided_at.isoformat() if exemption.decided_at else None,
        "decision_reason": exemption.decision_reason,
    }


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
    principal = current_principal()
    query = (
        sa.select(Exemption)
        .join(Org, Exemption.org_id == Org.id)
        .where(principal.org_condition())
        .order_by(Exemption.id.desc())
    )
    if request.args.get("state"):
        query = query.where(Exemption.state == request.args["state"])
    return jsonify({"exemptions": [exemption_json(e) for e in db.session.scalars(query)]})


@bp.post("/exemptions")
def request_exemption() -> tuple[Response, int]:
    """Declare a catalog entry not suitable for disclosure (the accountable person)."""
    data = parse(ExemptionIn)
    org = require_by_code(db.session, data.org)
    principal = require(Permission.APPROVE_ITEMS, org)
    entry = services.require_entry_for(db.session, org, data.entry)
    exemption = services.request_exemption(
        db.session, org, entry, data.explanation, principal.user, registry.now()
    )
    db.session.commit()
    return jsonify(exemption_json(exemption)), 201


@bp.post("/exemptions/<int:exemption_id>/decision")
def decide(exemption_id: int) -> Response:
    """The superior organisation decides; a refusal needs written reasons."""
    exemption = services.get_exemption(db.session, exemption_id)
    principal = require(Permission.SUPERIOR_APPROVE_ITEMS, exemption.org)
    data = parse(DecisionIn)
    services.decide_exemption(
        db.session, exemption, data.approve, data.reason, principal.user, registry.now()
    )
    db.session.commit()
    return jsonify(exemption_json(exemption))
