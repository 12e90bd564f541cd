"""How items look from outside: JSON for the API, diffs, the caller's task lists, bodies as
HTML, people by name (the template filters ``person`` and ``higher_review_label``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g
from flask import url_for
from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from content.bodies import body_text
from content.bodies import parse_body
from content.languages import presented
from content.render import kinds_like
from content.render import render_body_html
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.audit import services as audit
from signage_server.audit.models import AuditRecord
from signage_server.db import json_list_has
from signage_server.disclosure import notices
from signage_server.disclosure import rules
from signage_server.disclosure import trail
from signage_server.disclosure.context import env
from signage_server.disclosure.context import visible_item
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.rules import DIFF_FIELDS
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import State
from signage_server.disclosure.rules import text_ops
from signage_server.disclosure.services import MERGE_REVIEW_SETTING
from signage_server.disclosure.services import SYSTEM
from signage_server.disclosure.services import display_state
from signage_server.disclosure.services import merges_review
from signage_server.disclosure.services import procedure_of
from signage_server.errors import BadRequest
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.services import require_by_code
from signage_server.unit_of_work import session
from signage_server.workdays.rules import CalendarUnknown


def asset_url(sha256: str) -> str:
    return url_for("assets.fetch", sha256=sha256)


def body_html(body: dict[str, Any], title: str = "", like: dict[str, Any] | None = None) -> Markup:
    """Return *body* as HTML; a table's caption repeating *title* is left out; ``like``: the
    Chinese body of a translated one (``content.render.render_body_html``)."""
    kinds = kinds_like(like) if like is not None else None
    return render_body_html(parse_body(body), asset_url, title, kinds=kinds)


def translation_html(revision: Revision) -> dict[str, Any] | None:
    """Return the second language's title and body (as HTML) of a bilingual revision, with how
    to set them (``lang``, ``dir``, ``vertical``, the font: ``content.languages``); ``None``
    for a Chinese-only revision. Every page that shows a revision's body shows this with it."""
    second = presented(revision.translation)
    if second is None:
        return None
    return {**second, "body": body_html(second["body"], second["title"], like=revision.body)}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


#: How the audit trail names what the system did by itself.
SYSTEM_LABEL = N_("System (on schedule)")


def higher_review_label(reason: str) -> str:
    """Translate a reason for higher review (template filter)."""
    return str(gettext(rules.HIGHER_REVIEW_LABELS.get(reason, reason)))


def person(username: str) -> str:
    """Show a user by real name and post instead of login name (template filter; the audit
    trail stores login names). Looked up once per request."""
    if username == SYSTEM:
        return str(gettext(SYSTEM_LABEL))
    known: dict[str, str] = g.setdefault("display_names", {})
    if username not in known:
        known.update(trail.display_names(session(), [username]))
    return known.get(username) or username


def revision_json(revision: Revision) -> dict[str, Any]:
    """Return one revision's content and procedure facts."""
    entry = revision.catalog_entry
    notice: dict[str, Any] | None = None
    if revision.notice_kind is not None:
        notice = {
            "kind": revision.notice_kind.value,
            "min_working_days": notices.minimum_days(
                revision.notice_kind, revision.notice_min_days
            ),
        }
        if revision.election_on is not None:
            notice["election_on"] = revision.election_on.isoformat()
        if revision.valid_from and revision.valid_until:
            procedure = env()
            try:
                notice["working_days"] = notices.working_days(
                    procedure.calendar, procedure.tz, revision.valid_from, revision.valid_until
                )
            except CalendarUnknown:
                notice["working_days"] = None
    return {
        "revision": revision.number,
        "state": revision.state.value,
        "title": revision.title,
        "category": revision.category.value,
        "timing": revision.timing.value,
        "scope": revision.scope.value,
        "major": revision.major,
        "urgent": revision.urgent,
        "notice": notice,
        "body": revision.body,
        "translation": revision.translation,
        "attachments": revision.attachments,
        "department": revision.department,
        "accountable_person": revision.accountable,
        "stage": revision.stage,
        "valid_from": _iso(revision.valid_from),
        "valid_until": _iso(revision.valid_until),
        "catalog_entry": entry.code if entry else None,
        "content_sha256": revision.content_sha256,
        "needs_superior": revision.needs_superior,
        "higher_review": revision.higher_review,
        "procedure": revision.procedure.value,
        "meeting": revision.meeting,
        "seal": (
            {k: revision.seal[k] for k in ("name", "at")} if revision.seal is not None else None
        ),
        "author": revision.author.username if revision.author else None,
        "created_at": _iso(revision.created_at),
        "submitted_at": _iso(revision.submitted_at),
        "published_at": _iso(revision.published_at),
        "ended_at": _iso(revision.ended_at),
        "returned": (
            {"reason": revision.returned_reason, "by": revision.returned_by}
            if revision.returned_reason
            else None
        ),
    }


def actions_for(item: Item, principal: Principal) -> list[str]:
    """Return the procedure steps the caller could take on ``item`` now."""
    held = principal.permissions_at(item.org)
    user_id = principal.user.id
    current = item.current
    actions = [
        action
        for action in rules.available_actions(
            current.state,
            held,
            user_id in current.contributors,
            procedure=procedure_of(item, current),
        )
        if rules.separation_conflict(
            action,
            is_drafter=False,
            actor_id=user_id,
            reviewed_by=current.reviewed_by_id,
            approved_by=current.approved_by_id,
            merged_review=merges_review(item.org),
        )
        is None
    ]
    live = item.live
    if live is not None:
        actions += rules.available_actions(
            live.state, held, user_id in live.contributors, live=True
        )
    return [a.value for a in actions]


def item_json(item: Item, principal: Principal, *, brief: bool = False) -> dict[str, Any]:
    """Return the item as the caller sees it: current revision, state, validity, audit."""
    current = item.current
    now = env().now
    data: dict[str, Any] = {
        "id": item.id,
        "org": item.org.code,
        "org_name": item.org.name,
        "revision": current.number,
        "state": current.state.value,
        "procedure": procedure_of(item, current).value,
        "title": current.title,
        "category": current.category.value,
        "scope": current.scope.value,
        "timing": current.timing.value,
        "valid_from": _iso(current.valid_from),
        "valid_until": _iso(current.valid_until),
        "updated_at": _iso(item.updated_at),
    }
    live = item.live
    data["live"] = (
        {
            "revision": live.number,
            "state": live.state.value,
            "display": display_state(live, now),
            "title": live.title,
            "published_at": _iso(live.published_at),
            "valid_from": _iso(live.valid_from),
            "valid_until": _iso(live.valid_until),
            "content_sha256": live.content_sha256,
        }
        if live is not None
        else None
    )
    if brief:
        return data
    data["current"] = revision_json(current)
    data["actions"] = actions_for(item, principal)
    data["audit"] = audit_summary(item)
    return data


def audit_summary(item: Item) -> dict[str, Any]:
    records = list(
        session().scalars(
            sa.select(AuditRecord).where(AuditRecord.item_id == item.id).order_by(AuditRecord.seq)
        )
    )
    last = records[-1] if records else None
    return {
        "count": len(records),
        "last": (
            {
                "seq": last.seq,
                "action": last.action,
                "actor": last.actor,
                "at": last.at.isoformat(),
                "hash": last.hash,
            }
            if last
            else None
        ),
    }


# --- diffs --------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def diff_revisions(older: Revision, newer: Revision) -> list[dict[str, Any]]:
    """Return what changed from ``older`` to ``newer``: fields, then the body."""
    changes: list[dict[str, Any]] = []
    for name, label in DIFF_FIELDS:
        old, new = _plain(getattr(older, name)), _plain(getattr(newer, name))
        if old != new:
            change = {"field": name, "label": label, "old": old, "new": new}
            if isinstance(old, str) and isinstance(new, str):
                change["ops"] = text_ops(old, new)
            changes.append(change)
    if older.body != newer.body:
        old_text = body_text(parse_body(older.body))
        new_text = body_text(parse_body(newer.body))
        changes.append(
            {
                "field": "body",
                "label": N_("Content"),
                "old_type": older.body.get("type"),
                "new_type": newer.body.get("type"),
                "ops": text_ops(old_text, new_text),
            }
        )
    if (older.translation or None) != (newer.translation or None):
        second = presented(newer.translation) or presented(older.translation) or {}
        changes.append(
            {
                "field": "translation",
                "label": N_("Title and content in the second language"),
                "lang": second.get("tag", ""),
                "dir": second.get("dir", "auto"),
                "ops": text_ops(_translation_text(older), _translation_text(newer), words=True),
            }
        )
    return changes


def _translation_text(revision: Revision) -> str:
    """A revision's second text as one plain text (title, then body), for its diff."""
    if not revision.translation:
        return ""
    body = body_text(parse_body(revision.translation["body"]))
    return f"{revision.translation['title']}\n{body}"


# --- lists --------------------------------------------------------------------------


def current_items() -> sa.Select[Item]:
    """Return every item joined with its org and its current revision (for conditions on
    both), with what the lists show loaded alongside."""
    return (
        sa.select(Item)
        .join(Org, Item.org_id == Org.id)
        .join(
            Revision, sa.and_(Revision.item_id == Item.id, Revision.number == Item.current_number)
        )
        .options(selectinload(Item.revisions), selectinload(Item.org))
    )


def items_query(
    principal: Principal,
    *,
    org: Org | None = None,
    state: State | None = None,
    category: Category | None = None,
) -> sa.Select[Item]:
    """Return the items the caller may see, newest first, filtered by the state and category
    of their current revision and by an org's subtree."""
    query = (
        current_items()
        .where(principal.org_condition())
        .order_by(Item.updated_at.desc(), Item.id.desc())
    )
    if org is not None:
        query = query.where(Org.path.like(org.path + "%"))
    if state is not None:
        query = query.where(Revision.state == state)
    if category is not None:
        query = query.where(Revision.category == category)
    return query


# --- task lists ---------------------------------------------------------------------

TASKS: tuple[tuple[str, State, Permission, Action], ...] = (
    ("review", State.SUBMITTED, Permission.REVIEW_ITEMS, Action.REVIEW),
    # Village affairs wait here for the joint meeting's decision (the same people decide).
    ("approve", State.REVIEWED, Permission.APPROVE_ITEMS, Action.APPROVE),
    ("seal", State.DECIDED, Permission.REVIEW_ITEMS, Action.SEAL),
    (
        "superior_approve",
        State.APPROVED,
        Permission.SUPERIOR_APPROVE_ITEMS,
        Action.SUPERIOR_APPROVE,
    ),
    ("publish", State.READY, Permission.PUBLISH_ITEMS, Action.PUBLISH),
)
#: The steps of 我的任务, in the order the page shows them.
TASK_STEPS = (*(name for name, *_rest in TASKS), "returned", "drafts")


def _not(user_id: int, column: Any) -> sa.ColumnElement[bool]:
    return sa.or_(column.is_(None), column != user_id)


def no_separation_conflict(action: Action, user_id: int) -> sa.ColumnElement[bool]:
    """Return :func:`rules.separation_conflict` as an SQL condition on the current revision
    (and its org): true where ``user_id`` may take ``action`` (so that lists of tasks are
    counted and paged by the database). ``test_lists`` checks both agree."""
    drafter = json_list_has(Revision.contributors, user_id)
    if action is Action.REVIEW:
        return ~drafter
    if action is Action.SEAL:
        return sa.and_(~drafter, _not(user_id, Revision.approved_by_id))
    if action in (Action.APPROVE, Action.DECIDE):
        merged = sa.func.coalesce(Org.settings[MERGE_REVIEW_SETTING].as_boolean(), sa.false())
        return sa.and_(~drafter, sa.or_(_not(user_id, Revision.reviewed_by_id), merged))
    if action is Action.SUPERIOR_APPROVE:
        return sa.and_(
            ~drafter,
            _not(user_id, Revision.reviewed_by_id),
            _not(user_id, Revision.approved_by_id),
        )
    return sa.true()


def task_query(principal: Principal, step: str) -> sa.Select[Item]:
    """Return the items waiting for the caller at ``step`` (one of :data:`TASK_STEPS`):
    oldest submission first; the caller's own drafts (sent back or not) newest first."""
    user_id = principal.user.id
    for name, state, permission, action in TASKS:
        if name != step:
            continue
        query = current_items().where(Revision.state == state, principal.org_condition(permission))
        if rules.RULES[action].four_eyes:
            query = query.where(no_separation_conflict(action, user_id))
        return query.order_by(Revision.submitted_at, Item.id)
    if step not in ("returned", "drafts"):
        raise ValueError(f"unknown task step {step!r}")
    returned = Revision.returned_reason != ""
    return (
        current_items()
        .where(Revision.state == State.DRAFT, Revision.author_id == user_id)
        .where(returned if step == "returned" else ~returned)
        .order_by(Item.updated_at.desc(), Item.id.desc())
    )


def tasks_for(session: Session, principal: Principal) -> dict[str, list[Item]]:
    """Return the items waiting for the caller, by step; plus their own returned drafts."""
    return {step: list(session.scalars(task_query(principal, step))) for step in TASK_STEPS}


def tasks_json(principal: Principal) -> dict[str, list[dict[str, Any]]]:
    """Return the caller's inbox as the API gives it: the items by step, in brief."""
    return {
        name: [item_json(item, principal, brief=True) for item in items]
        for name, items in tasks_for(session(), principal).items()
    }


def list_items_json(
    principal: Principal,
    *,
    org_code: str | None,
    state: str | None,
    category: str | None,
    limit: int,
) -> dict[str, Any]:
    """Return the items the caller may see (newest first, at most ``limit``), filtered by an
    org's subtree, the state and the category of their current revision.

    :raise NotFound: no such organisation.
    :raise BadRequest: an unknown state or category.
    """
    org = require_by_code(session(), org_code) if org_code else None
    try:
        wanted_state = State(state) if state else None
        wanted_category = Category(category) if category else None
    except ValueError:
        raise BadRequest(N_("Unknown state or category."), code="invalid_filter") from None
    query = items_query(principal, org=org, state=wanted_state, category=wanted_category)
    items = list(session().scalars(query.limit(limit)))
    return {"items": [item_json(i, principal, brief=True) for i in items]}


def audit_json(item_id: int) -> dict[str, Any]:
    """Return the audit records of an item the caller may see, with their hashes.

    :raise NotFound: no such item.
    :raise PermissionDenied: outside the caller's reach.
    """
    item, _principal = visible_item(item_id)
    records = audit.records_of(session(), item.id)
    names = trail.display_names(session(), (r.actor for r in records))
    return {
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


# --- body problems, in the user's language --------------------------------------------

PROBLEM_TEXTS = {
    "empty": N_("%(where)s is empty."),
    "empty_html": N_("%(where)s has no visible text once unsafe markup is removed."),
    "too_long_text": N_("%(where)s is longer than %(limit)s characters."),
    "cell_type": N_("%(where)s must be text or a number."),
    "cell_number": N_("%(where)s holds a number too large to show exactly; write it as text."),
    "row_length": N_("%(where)s has %(cells)s cells but the table has %(columns)s columns."),
    "missing": N_("%(where)s is missing."),
    "too_short": N_("%(where)s needs at least %(min_length)s entries."),
    "too_long": N_("%(where)s has more than %(max_length)s entries."),
    "string_pattern_mismatch": N_("%(where)s is not a stored file."),
    "no_second_language": N_("The organisation discloses in Chinese only: no translation."),
    "wrong_language": N_("%(where)s is not in the organisation's second language."),
    "translation_type": N_(
        "%(where)s must be a table for a Chinese table, and a text for anything else."
    ),
    "translation_shape": N_(
        "%(where)s must have the Chinese table's %(columns)s columns and %(rows)s rows."
    ),
    "translation_number": N_("%(where)s must show the same number as the Chinese table."),
}
PLACES = {
    "": N_("The content"),
    "text": N_("The text"),
    "columns": N_("The table heading"),
    "rows": N_("The table"),
    "caption": N_("The caption"),
    "note": N_("The note"),
    "asset": N_("The file"),
    "type": N_("The kind of content"),
}


def _place(field: str) -> str:
    if field == "translation.title":
        return str(gettext("The translated title"))
    if field.startswith("translation"):
        inner = field.removeprefix("translation").removeprefix(".").removeprefix("lang")
        inner = inner.removeprefix("body").removeprefix(".")
        return str(gettext("The translation: %(place)s", place=_place(inner)))
    parts = field.split(".")
    numbers = [int(p) + 1 for p in parts[1:] if p.isdigit()]
    if parts[0] == "rows" and len(numbers) == 2:
        return str(
            gettext(
                "Row %(row)s, column %(column)s of the table", row=numbers[0], column=numbers[1]
            )
        )
    if parts[0] == "rows" and len(numbers) == 1:
        return str(gettext("Row %(row)s of the table", row=numbers[0]))
    if parts[0] == "columns" and len(numbers) == 1:
        return str(gettext("Column %(column)s of the table heading", column=numbers[0]))
    return str(gettext(PLACES.get(parts[0], PLACES[""])))


def describe_problems(problems: list[dict[str, Any]]) -> str:
    """Return body problems as sentences in the user's language."""
    sentences = []
    for problem in problems:
        template = PROBLEM_TEXTS.get(str(problem.get("code")), N_("%(where)s is not valid."))
        params = {k: v for k, v in (problem.get("params") or {}).items() if k != "where"}
        sentences.append(gettext(template, where=_place(str(problem.get("field", ""))), **params))
    return " ".join(sentences)
