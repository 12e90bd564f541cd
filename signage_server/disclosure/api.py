"""``/api/v1/items``: disclosure items, their procedure and their audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any
from typing import Literal

from flask import Response
from flask import jsonify
from flask import request
from pydantic import AwareDatetime
from pydantic import BaseModel
from pydantic import Field

from signage_server.accounts.permissions import current_principal
from signage_server.accounts.rules import Permission
from signage_server.api import api_blueprint
from signage_server.api import parse
from signage_server.api import session_allowed
from signage_server.disclosure import use_cases
from signage_server.disclosure.context import visible_item
from signage_server.disclosure.presenters import audit_json
from signage_server.disclosure.presenters import diff_revisions
from signage_server.disclosure.presenters import item_json
from signage_server.disclosure.presenters import list_items_json
from signage_server.disclosure.presenters import revision_json
from signage_server.disclosure.presenters import tasks_json
from signage_server.disclosure.procedures import Meeting
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import NoticeKind
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import Timing
from signage_server.errors import NotFound
from signage_server.i18n import N_
from signage_server.paper import downloads

bp = api_blueprint("disclosure_api", __name__)


class Notice(BaseModel):
    kind: NoticeKind
    min_working_days: int | None = Field(default=None, ge=1, le=60)
    #: The election day of a voter list (``kind: voter_list``).
    election_on: dt.date | None = None


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
    #: The second language's text, ``{"lang", "title", "body"}`` (``content.languages``).
    translation: dict[str, Any] | None = None


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
    translation: dict[str, Any] | None = None


class MeetingIn(BaseModel):
    """The 两委 joint meeting's record (``decide``, village affairs)."""

    held_on: dt.date
    present: int = Field(ge=0, le=1000)
    members: int = Field(ge=0, le=1000)
    resolution: str = Field(max_length=2000)

    def record(self) -> Meeting:
        return Meeting(self.held_on, self.present, self.members, self.resolution)


class TransitionIn(BaseModel):
    action: Literal[
        "submit",
        "review",
        "approve",
        "decide",
        "seal",
        "superior_approve",
        "reject",
        "publish",
        "withdraw",
        "archive",
    ]
    reason: str = Field(default="", max_length=2000)
    meeting: MeetingIn | None = None


@bp.post("/items")
def create_item() -> tuple[Response, int]:
    """Draft a new item (editors of the org)."""
    data = parse(ItemCreate)
    principal = current_principal()
    payload = data.model_dump(exclude={"org"}, exclude_unset=False)
    item = use_cases.create_item(principal, data.org, payload)
    return jsonify(item_json(item, principal)), 201


@bp.get("/items")
def list_items() -> Response:
    """List the items the caller may see; filter by ``org`` (subtree), ``state``, ``category``."""
    args = request.args
    limit = min(args.get("limit", 100, type=int) or 100, 500)
    return jsonify(
        list_items_json(
            current_principal(),
            org_code=args.get("org") or None,
            state=args.get("state") or None,
            category=args.get("category") or None,
            limit=limit,
        )
    )


@bp.get("/items/<int:item_id>")
def get_item(item_id: int) -> Response:
    item, principal = visible_item(item_id)
    return jsonify(item_json(item, principal))


@bp.patch("/items/<int:item_id>")
def edit_item(item_id: int) -> Response:
    """Edit the draft, or open a new draft revision when the current one is past draft."""
    item, principal = visible_item(item_id, Permission.DRAFT_ITEMS)
    data = parse(ItemPatch)
    use_cases.edit_item(principal, item.id, data.model_dump(exclude_unset=True))
    return jsonify(item_json(item, principal))


@bp.post("/items/<int:item_id>/transitions")
def transition(item_id: int) -> Response:
    """Take a step of the procedure: 403 role or org, 409 state, 422 domain rule."""
    item, principal = visible_item(item_id)
    data = parse(TransitionIn)
    meeting = data.meeting.record() if data.meeting else None
    use_cases.take_step(principal, item.id, Action(data.action), data.reason, meeting)
    return jsonify(item_json(item, principal))


@bp.get("/items/<int:item_id>/audit")
def item_audit(item_id: int) -> Response:
    """Return the item's audit records with their hashes."""
    return jsonify(audit_json(item_id))


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
    return jsonify(tasks_json(principal))
