"""What the operators' item pages show, gathered from the database: the list of items, the
task inbox, an item's page, the editor's choices and the preview's organisation. Each function
returns what its template needs (no request parsing, no rendering: ``views`` does that); the
writes are the use cases' (:mod:`.use_cases`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from signage_server import listing
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import Role
from signage_server.audit import services as audit
from signage_server.catalog.models import CatalogEntry
from signage_server.catalog.services import entries_for
from signage_server.disclosure import elections
from signage_server.disclosure import path as procedure
from signage_server.disclosure import rules
from signage_server.disclosure import services
from signage_server.disclosure import trail
from signage_server.disclosure.context import env
from signage_server.disclosure.context import local_tz
from signage_server.disclosure.context import visible_item
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.presenters import SYSTEM_LABEL
from signage_server.disclosure.presenters import TASK_STEPS
from signage_server.disclosure.presenters import actions_for
from signage_server.disclosure.presenters import body_html
from signage_server.disclosure.presenters import items_query
from signage_server.disclosure.presenters import task_query
from signage_server.disclosure.presenters import translation_html
from signage_server.disclosure.procedures import SEAL_LINE
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import State
from signage_server.errors import NotFound
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.services import get_by_code
from signage_server.orgs.services import tree_choices
from signage_server.orgs.services import tree_order
from signage_server.paper.posters import poster_choice
from signage_server.screens import showing
from signage_server.unit_of_work import session

# --- lists ------------------------------------------------------------------------------


def _org_options(principal: Principal) -> list[tuple[str, str]]:
    """Return the orgs the caller may see as filter choices, indented as a tree."""
    visible = session().scalars(sa.select(Org).where(principal.org_condition()))
    return tree_choices(visible)


def _item_filters(
    principal: Principal,
    args: Mapping[str, str],
    *extra: listing.Field,
    dates: tuple[str, str],
) -> listing.Filters:
    fields = [
        listing.search(placeholder=N_("Words of the title")),
        listing.select("org", N_("Organisation"), _org_options(principal), translate=False),
        listing.select("category", N_("Category"), [(c.value, c.label) for c in Category]),
        *extra,
        listing.date("from", dates[0]),
        listing.date("to", dates[1]),
    ]
    return listing.Filters(fields, args)


def _filtered(query: sa.Select[Item], filters: listing.Filters, when: Any) -> sa.Select[Item]:
    """Narrow a query of items (joined with org and current revision) by the filters."""
    if filters.get("q"):
        query = query.where(listing.text_match(filters.get("q"), Revision.title))
    if filters.get("org"):
        org = get_by_code(session(), filters.get("org"))
        if org is not None:
            query = query.where(Org.path.like(org.path + "%"))
    if filters.get("category"):
        query = query.where(Revision.category == Category(filters.get("category")))
    if filters.get("state"):
        query = query.where(Revision.state == State(filters.get("state")))
    first, last = filters.check_range("from", "to")
    return query.where(listing.date_range(when, first, last, local_tz()))


def items_page(principal: Principal, args: Mapping[str, str]) -> dict[str, Any]:
    """Return the list of the items the caller may see, newest first, one page of it
    (``?page=``), searched by title and filtered by org, category, state and date of the last
    change (the query string ``args``)."""
    filters = _item_filters(
        principal,
        args,
        listing.select("state", N_("State"), [(s.value, s.label) for s in State]),
        dates=(N_("Updated from"), N_("Updated until")),
    )
    query = _filtered(items_query(principal), filters, Item.updated_at)
    page = listing.paginate(session(), query, listing.page_number(args.get("page")))
    board_org = get_by_code(session(), filters.get("org")) if filters.get("org") else None
    return {
        "page": page,
        "filters": filters,
        "board_org": board_org if board_org and principal.can(Permission.VIEW, board_org) else None,
        "can_draft": principal.has_role_for(Permission.DRAFT_ITEMS),
        "now": env().now,
        "display_state": services.display_state,
    }


def tasks_page(principal: Principal, args: Mapping[str, str]) -> dict[str, Any]:
    """Return the caller's inbox: 待我审核 / 待我审签 / 待上级审核 / 待发布 / 被退回 / 草稿, one
    step (``?step=``) at a time in pages, each step with its count; search and filters apply
    to every step."""
    step = args.get("step", "")
    filters = _item_filters(principal, args, dates=(N_("From"), N_("Until")))
    when = sa.func.coalesce(Revision.submitted_at, Revision.updated_at)
    counts = {
        name: listing.count(session(), _filtered(task_query(principal, name), filters, when))
        for name in TASK_STEPS
    }
    if step not in counts:
        step = next((name for name in TASK_STEPS if counts[name]), TASK_STEPS[0])
    filters.keep = {"step": step}
    query = _filtered(task_query(principal, step), filters, when)
    page = listing.paginate(session(), query, listing.page_number(args.get("page")))
    return {"step": step, "counts": counts, "page": page, "filters": filters}


# --- an item ----------------------------------------------------------------------------


def item_page(item_id: int) -> dict[str, Any]:
    """Return an item's page for the caller: its revisions, where it stands in the procedure,
    the screens showing it, the steps the caller may take, its audit trail.

    :raise NotFound: no such item.
    :raise PermissionDenied: outside the caller's reach.
    """
    item, principal = visible_item(item_id)
    current = item.current
    live = item.live
    now = env().now
    rejected = trail.rejected_before(item, current)
    screens_of = showing.screens_showing(session(), item, now, principal.org_condition())
    return {
        "item": item,
        "current": current,
        "live": live,
        "progress": trail.progress(session(), item),
        "returned": trail.progress(session(), item, rejected).path.returned if rejected else None,
        "screens_of": screens_of,
        "screens_online": sum(1 for s in screens_of if s.presence is showing.Presence.ONLINE),
        "next_labels": {k.value: v for k, v in procedure.NEXT_LABELS.items()},
        "freshness_labels": {k.value: v for k, v in showing.FRESHNESS_LABELS.items()},
        "body": body_html(current.body),
        "translation": translation_html(current),
        "live_body": body_html(live.body)
        if live is not None and live.number != current.number
        else None,
        "actions": actions_for(item, principal),
        "records": audit.records_of(session(), item.id),
        "can_edit": principal.can(Permission.DRAFT_ITEMS, item.org)
        and current.state in rules.EDITABLE,
        "now": now,
        "display": services.display_state(live, now) if live else "off",
        "actions_labels": {a.value: a.label for a in Action},
        "meeting": current.joint_meeting,
        "seal": current.committee_seal,
        "seal_line": SEAL_LINE,
        "role_labels": {**{r.value: r.label for r in Role}, services.SYSTEM: SYSTEM_LABEL},
        "poster": poster_choice(item, now),
        "outgoing_audit": elections.outgoing_audit_warning(session(), current, now, local_tz()),
    }


# --- the editor -------------------------------------------------------------------------


@dataclass(frozen=True)
class EditorChoices:
    """What the editor offers: the orgs the caller may draft at (in tree order, with their
    depth), the org chosen, and its catalog entries."""

    orgs: list[tuple[int, Org]]
    org: Org | None
    entries: list[CatalogEntry]


def editor_choices(principal: Principal, org_code: str | None) -> EditorChoices:
    """Return the editor's choices for the caller, for the org with ``org_code`` (or the
    first the caller may draft at)."""
    orgs = tree_order(
        session().scalars(sa.select(Org).where(principal.org_condition(Permission.DRAFT_ITEMS)))
    )
    org = get_by_code(session(), org_code) if org_code else None
    if org is None and orgs:
        org = orgs[0][1]
    entries = entries_for(session(), org) if org is not None else []
    return EditorChoices(orgs, org, entries)


def preview_target(
    principal: Principal, item_id: int | None, org_code: str
) -> tuple[Org, Item | None]:
    """Return the org (and item) the editor's preview is for: the caller must be allowed to
    draft at the org (or to edit the item, when one is named).

    :raise NotFound: no such item or org.
    :raise PermissionDenied: the caller may not draft there.
    """
    if item_id is not None:
        item, _principal = visible_item(item_id, Permission.DRAFT_ITEMS)
        return item.org, item
    org = get_by_code(session(), org_code)
    if org is None:
        raise NotFound(N_("This page does not exist. Please check the address."))
    principal.require(Permission.DRAFT_ITEMS, org)
    return org, None
