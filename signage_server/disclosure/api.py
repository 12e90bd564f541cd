"""``/api/v1/items``: disclosure items, their procedure and their audit trail."""

from __future__ import annotations

from typing import Any
from typing import Literal

from flask import Response
from flask import jsonify
from flask import request
from pydantic import AwareDatetime
from pydantic import BaseModel
from pydantic import Field

from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import require
from signage_server.accounts.rules import Permission
from signage_server.api import api_blueprint
from signage_server.api import parse
from signage_server.api import session_allowed
from signage_server.audit import services as audit
from signage_server.disclosure import services
from signage_server.disclosure import trail
from signage_server.disclosure.context import env
from signage_server.disclosure.context import fields_from
from signage_server.disclosure.context import visible_item
from signage_server.disclosure.presenters import diff_revisions
from signage_server.disclosure.presenters import item_json
from signage_server.disclosure.presenters import items_query
from signage_server.disclosure.presenters import revision_json
from signage_server.disclosure.presenters import tasks_for
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import NoticeKind
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import State
from signage_server.disclosure.rules import Timing
from signage_server.errors import BadRequest
from signage_server.errors import NotFound
from signage_server.extensions import db
from signage_server.i18n import N_
from signage_server.orgs.services import require_by_code
from signage_server.paper import downloads

bp = api_blueprint("disclosure_api", __name__)


class Notice(BaseModel):
    kind: NoticeKind
    min_working_days: int | None = Field(default=None, ge=1, le=60)


class ItemIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    category: Category
    timing: Timing
    scope: Scope
    body: dict[str, Any]
    valid_from: AwareDatetime | None = None
    valid_until: AwareDatetime | None = None
    major: bool = False
    urgent: bool = False
    notice: Notice | None = None
    catalog_entry: str | None = Field(default=None, max_length=32)
    attachments: list[str] = Field(default_factory=list, max_length=20)
    department: str = Field(default="", max_length=100)
    accountable_person: str = Field(default="", max_length=100)
    stage: str = Field(default="", max_length=100)


class ItemCreate(ItemIn):
    org: str


class ItemPatch(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    category: Category | None = None
    timing: Timing | None = None
    scope: Scope | None = None
    body: dict[str, Any] | None = None
    valid_from: AwareDatetime | None = None
    valid_until: AwareDatetime | None = None
    major: bool | None = None
    urgent: bool | None = None
    notice: Notice | None = None
    catalog_entry: str | None = Field(default=None, max_length=32)
    attachments: list[str] | None = Field(default=None, max_length=20)
    department: str | None = Field(default=None, max_length=100)
    accountable_person: str | None = Field(default=None, max_length=100)
    stage: str | None = Field(default=None, max_length=100)


class TransitionIn(BaseModel):
    action: Literal[
        "submit",
        "review",
        "approve",
        "superior_approve",
        "reject",
        "publish",
        "withdraw",
        "archive",
    ]
    reason: str = Field(default="", max_length=2000)


@bp.post("/items")
def create_item() -> tuple[Response, int]:
    """Draft a new item (editors of the org)."""
    data = parse(ItemCreate)
    org = require_by_code(db.session, data.org)
    principal = require(Permission.DRAFT_ITEMS, org)
    payload = data.model_dump(exclude={"org"}, exclude_unset=False)
    item = services.create_item(
        db.session, org, principal, fields_from(db.session, org, payload), env()
    )
    db.session.commit()
    return jsonify(item_json(item, principal)), 201


@bp.get("/items")
def list_items() -> Response:
    """List the items the caller may see; filter by ``org`` (subtree), ``state``, ``category``."""
    principal = current_principal()
    args = request.args
    org = require_by_code(db.session, args["org"]) if args.get("org") else None
    try:
        state = State(args["state"]) if args.get("state") else None
        category = Category(args["category"]) if args.get("category") else None
    except ValueError:
        raise BadRequest(N_("Unknown state or category."), code="invalid_filter") from None
    limit = min(args.get("limit", 100, type=int) or 100, 500)
    query = items_query(principal, org=org, state=state, category=category)
    items = list(db.session.scalars(query.limit(limit)))
    return jsonify({"items": [item_json(i, principal, brief=True) for i in items]})


@bp.get("/items/<int:item_id>")
def get_item(item_id: int) -> Response:
    item, principal = visible_item(item_id)
    return jsonify(item_json(item, principal))


@bp.patch("/items/<int:item_id>")
def edit_item(item_id: int) -> Response:
    """Edit the draft, or open a new draft revision when the current one is past draft."""
    item, principal = visible_item(item_id)
    principal.require(Permission.DRAFT_ITEMS, item.org)
    data = parse(ItemPatch)
    changes = fields_from(db.session, item.org, data.model_dump(exclude_unset=True), partial=True)
    services.edit_item(db.session, item, principal, changes, env())
    db.session.commit()
    return jsonify(item_json(item, principal))


@bp.post("/items/<int:item_id>/transitions")
def transition(item_id: int) -> Response:
    """Take a step of the procedure: 403 role or org, 409 state, 422 domain rule."""
    item, principal = visible_item(item_id)
    data = parse(TransitionIn)
    services.transition(db.session, item, principal, Action(data.action), data.reason, env())
    db.session.commit()
    return jsonify(item_json(item, principal))


@bp.get("/items/<int:item_id>/audit")
def item_audit(item_id: int) -> Response:
    """Return the item's audit records with their hashes."""
    item, _principal = visible_item(item_id)
    records = audit.records_of(db.session, item.id)
    names = trail.display_names(db.session, (r.actor for r in records))
    return jsonify(
        {
            "item": item.id,
            "records": [
                {
                    "seq": r.seq,
                    "item": r.item_id,
                    "revision": r.revision,
                    "content_sha256": r.content_sha256,
                    "actor": r.actor,
                    # Real name and post (empty for what the system did by itself).
                    "actor_name": names.get(r.actor, ""),
                    "role": r.role,
                    "action": r.action,
                    "reason": r.reason,
                    "at": r.at.isoformat(),
                    "state": r.state,
                    "published_at": r.published_at.isoformat() if r.published_at else None,
                    "ended_at": r.ended_at.isoformat() if r.ended_at else None,
                    "prev_hash": r.prev_hash,
                    "hash": r.hash,
                }
                for r in records
            ],
        }
    )


@bp.get("/items/<int:item_id>/poster.pdf")
@session_allowed
def poster(item_id: int) -> Response:
    """The item's poster (PDF): ``?size=A4|A3``, ``?orientation=portrait|landscape|auto``,
    ``?revision=N``. The disclosure carries its QR code; anything else is a watermarked proof;
    409 when the revision does not match its seal."""
    item, principal = visible_item(item_id)
    return downloads.poster_response(item, principal)


@bp.get("/items/<int:item_id>/revisions")
def revisions(item_id: int) -> Response:
    item, _principal = visible_item(item_id)
    return jsonify({"revisions": [revision_json(r) for r in item.revisions]})


@bp.get("/items/<int:item_id>/revisions/<int:number>")
def revision(item_id: int, number: int) -> Response:
    item, _principal = visible_item(item_id)
    found = item.revision(number)
    if found is None:
        raise NotFound(N_("No such revision."), code="revision_not_found")
    return jsonify(revision_json(found))


@bp.get("/items/<int:item_id>/diff")
def diff(item_id: int) -> Response:
    """Compare two revisions (``?from=1&to=2``; default: the last two)."""
    item, _principal = visible_item(item_id)
    newer = item.revision(int(request.args.get("to", item.current_number)))
    older = item.revision(int(request.args.get("from", (newer.number - 1) if newer else 0)))
    if older is None or newer is None:
        raise NotFound(N_("No such revision."), code="revision_not_found")
    return jsonify(
        {"from": older.number, "to": newer.number, "changes": diff_revisions(older, newer)}
    )


@bp.get("/tasks")
def tasks() -> Response:
    """The caller's inbox: what awaits their review, sign-off, higher review, publication."""
    principal = current_principal()
    return jsonify(
        {
            name: [item_json(item, principal, brief=True) for item in items]
            for name, items in tasks_for(db.session, principal).items()
        }
    )
