"""``/api/v1/orgs``: the organisation tree visible to the caller, and its administration."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Response
from flask import jsonify
from flask import request
from flask_babel import gettext
from pydantic import BaseModel
from pydantic import Field

from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import require
from signage_server.accounts.rules import Permission
from signage_server.accounts.services import log_event
from signage_server.api import api_blueprint
from signage_server.api import parse
from signage_server.api import session_allowed
from signage_server.disclosure.rules import Category
from signage_server.disclosure.services import merges_review
from signage_server.disclosure.services import set_merged_review
from signage_server.extensions import db
from signage_server.orgs import services
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind
from signage_server.orgs.rules import TreeNode
from signage_server.paper import downloads

bp = api_blueprint("orgs_api", __name__)


def org_json(org: Org, principal: Principal, *, detail: bool = False) -> dict[str, Any]:
    """Return the API representation of ``org`` as ``principal`` sees it."""
    data: dict[str, Any] = {
        "id": org.id,
        "code": org.code,
        "name": org.name,
        "kind": org.kind.value,
        "kind_label": gettext(org.kind.label),
        "parent": org.parent.code if org.parent else None,
        "active": org.active,
        "party_members": org.party_members,
        "roles": sorted(g.role.value for g in principal.user.grants if g.org_id == org.id),
    }
    if detail:
        data["address"] = org.address
        data["permissions"] = [p.value for p in principal.permissions_at(org)]
        data["children"] = [c.code for c in org.children if c.active]
        data["higher_review_categories"] = (org.settings or {}).get("higher_review_categories", [])
        data["merge_review_approval"] = bool((org.settings or {}).get("merge_review_approval"))
    return data


def _tree_json(nodes: list[TreeNode[Org]], principal: Principal) -> list[dict[str, Any]]:
    return [
        {**org_json(node.value, principal), "children": _tree_json(node.children, principal)}
        for node in nodes
    ]


@bp.get("/orgs")
def list_orgs() -> Response:
    """Return the org tree visible to the caller; ``?flat=1`` gives a flat list."""
    principal = current_principal()
    orgs = list(db.session.scalars(sa.select(Org).where(principal.org_condition())))
    if request.args.get("flat") in ("1", "true"):
        flat = [org_json(o, principal) for _depth, o in services.tree_order(orgs)]
        return jsonify({"orgs": flat, "count": len(orgs)})
    tree = _tree_json(services.as_tree(orgs), principal)
    return jsonify({"orgs": tree, "count": len(orgs)})


@bp.get("/orgs/<code>")
def get_org(code: str) -> Response:
    """Return one org with the caller's permissions there."""
    org = services.require_by_code(db.session, code)
    principal = require(Permission.VIEW, org)
    return jsonify(org_json(org, principal, detail=True))


@bp.get("/orgs/<code>/board.pdf")
@session_allowed
def board(code: str) -> Response:
    """The organisation's board (公开栏, PDF) for ``?audience=public|party|unit``: every item
    a screen of that audience there shows now, in the catalog's order."""
    org = services.require_by_code(db.session, code)
    require(Permission.VIEW, org)
    return downloads.board_response(org)


class OrgCreate(BaseModel):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=100)
    kind: OrgKind
    parent: str
    party_members: int | None = Field(default=None, ge=0, le=1_000_000)
    address: str = Field(default="", max_length=200)


class OrgUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    kind: OrgKind | None = None
    parent: str | None = None
    party_members: int | None = Field(default=None, ge=0, le=1_000_000)
    address: str | None = Field(default=None, max_length=200)
    active: bool | None = None
    higher_review_categories: list[Category] | None = None
    #: Let the org merge review and sign-off (admins above it only; needs a reason).
    merge_review_approval: bool | None = None
    merge_review_reason: str = Field(default="", max_length=500)


@bp.post("/orgs")
def create_org() -> tuple[Response, int]:
    """Create an organisation under ``parent`` (admins of the parent)."""
    data = parse(OrgCreate)
    parent = services.require_by_code(db.session, data.parent)
    principal = require(Permission.MANAGE_ORGS, parent)
    org = services.create_org(
        db.session,
        code=data.code,
        name=data.name,
        kind=data.kind,
        parent=parent,
        party_members=data.party_members,
        address=data.address,
    )
    log_event(db.session, "org.created", actor=principal.user, org=org, code=org.code)
    db.session.commit()
    return jsonify(org_json(org, principal, detail=True)), 201


@bp.patch("/orgs/<code>")
def update_org(code: str) -> Response:
    """Edit an organisation; moving it needs admin rights above it and at the new parent."""
    org = services.require_by_code(db.session, code)
    principal = require(Permission.MANAGE_ORGS, org)
    data = parse(OrgUpdate)
    changes = data.model_dump(exclude_unset=True)
    merge = changes.pop("merge_review_approval", None)
    merge_reason = changes.pop("merge_review_reason", "")
    if merge is not None and merge != merges_review(org):
        set_merged_review(db.session, org, principal, merge, merge_reason, registry.now())
    new_parent_code = changes.pop("parent", None)
    if new_parent_code is not None and (org.parent is None or new_parent_code != org.parent.code):
        new_parent = services.require_by_code(db.session, new_parent_code)
        _require_above(principal, org)
        principal.require(Permission.MANAGE_ORGS, new_parent)
        services.move_org(db.session, org, new_parent)
    if "active" in changes and changes["active"] is False:
        _require_above(principal, org)
    services.update_org(db.session, org, **changes)
    log_event(db.session, "org.updated", actor=principal.user, org=org, **_jsonable(data))
    db.session.commit()
    return jsonify(org_json(org, principal, detail=True))


def _require_above(principal: Principal, org: Org) -> None:
    """Moving or dissolving an org is for admins *above* it, not of the org itself."""
    if org.parent is None:
        principal.require(Permission.MANAGE_ORGS, org)
        return
    principal.require(Permission.MANAGE_ORGS, org.parent)


def _jsonable(data: BaseModel) -> dict[str, Any]:
    return data.model_dump(mode="json", exclude_unset=True)
