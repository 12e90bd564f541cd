"""``/api/v1/orgs``: the organisation tree visible to the caller, and its administration
(the use cases of ``orgs.services``, shared with the pages of ``orgs.views``)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask import jsonify
from flask import request
from flask_babel import gettext
from pydantic import BaseModel
from pydantic import Field

from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.rules import Permission
from signage_server.api import api_blueprint
from signage_server.api import parse
from signage_server.api import session_allowed
from signage_server.disclosure.rules import Category
from signage_server.disclosure.services import merges_review
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
        data["second_language"] = org.second_language
        data["permissions"] = [p.value for p in principal.permissions_at(org)]
        data["children"] = [c.code for c in org.children if c.active]
        data["higher_review_categories"] = (org.settings or {}).get("higher_review_categories", [])
        data["merge_review_approval"] = merges_review(org)
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
    orgs = services.visible_orgs(db.session, principal)
    if request.args.get("flat") in ("1", "true"):
        flat = [org_json(o, principal) for _depth, o in services.tree_order(orgs)]
        return jsonify({"orgs": flat, "count": len(orgs)})
    tree = _tree_json(services.as_tree(orgs), principal)
    return jsonify({"orgs": tree, "count": len(orgs)})


@bp.get("/orgs/<code>")
def get_org(code: str) -> Response:
    """Return one org with the caller's permissions there."""
    principal = current_principal()
    org = services.require_org(db.session, principal, code)
    return jsonify(org_json(org, principal, detail=True))


@bp.get("/orgs/<code>/board.pdf")
@session_allowed
def board(code: str) -> Response:
    """The organisation's board (公开栏, PDF) for ``?audience=public|party|unit``: every item
    a screen of that audience there shows now, in the catalog's order."""
    org = services.require_org(db.session, current_principal(), code)
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
    #: The language it discloses in besides Chinese (``ug``, ``bo``, ``mn``, ``ko``, ``za``,
    #: ``ii``; empty: Chinese only).
    second_language: str | None = Field(default=None, max_length=8)
    active: bool | None = None
    higher_review_categories: list[Category] | None = None
    #: Let the org merge review and sign-off (admins above it only; needs a reason).
    merge_review_approval: bool | None = None
    merge_review_reason: str = Field(default="", max_length=500)


@bp.post("/orgs")
def create_org() -> tuple[Response, int]:
    """Create an organisation under ``parent`` (admins of the parent)."""
    data = parse(OrgCreate)
    principal = current_principal()
    org = services.create_org(
        db.session,
        actor=principal,
        code=data.code,
        name=data.name,
        kind=data.kind,
        parent=data.parent,
        party_members=data.party_members,
        address=data.address,
    )
    return jsonify(org_json(org, principal, detail=True)), 201


@bp.patch("/orgs/<code>")
def update_org(code: str) -> Response:
    """Edit an organisation; moving, dissolving or restoring it needs admin rights above it
    (and, to move it, at the new parent)."""
    principal = current_principal()
    org = services.require_org(db.session, principal, code, Permission.MANAGE_ORGS)
    changes = parse(OrgUpdate).model_dump(exclude_unset=True)
    services.edit_org(db.session, principal, org, changes, now=registry.now())
    return jsonify(org_json(org, principal, detail=True))
