"""What the catalog and compliance pages and the ``/api/v1`` catalog endpoints show, gathered
from the database in the app context's session: catalogs, entries and exemptions as JSON, the
compliance of an organisation (and of the organisations below it), the organisation a page is
for. Writes are the use cases' (:mod:`.use_cases`)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.catalog import services
from signage_server.catalog import tally
from signage_server.catalog.models import CatalogEntry
from signage_server.catalog.models import CatalogTemplate
from signage_server.catalog.models import Exemption
from signage_server.catalog.rules import Status
from signage_server.disclosure.context import local_tz
from signage_server.errors import BadRequest
from signage_server.errors import NotFound
from signage_server.errors import PermissionDenied
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.rules import is_within
from signage_server.orgs.services import get_by_code
from signage_server.orgs.services import require_by_code
from signage_server.orgs.services import tree_order
from signage_server.unit_of_work import session

#: Compliance rows, most urgent first.
SEVERITY = [
    Status.OVERDUE,
    Status.MISSING,
    Status.DUE_SOON,
    Status.PENDING_EXEMPTION,
    Status.EXEMPTED,
    Status.CURRENT,
]


# --- JSON --------------------------------------------------------------------------------


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


def visible_org(principal: Principal, code: str | None) -> Org:
    """Return the organisation ``?org=CODE`` names, which the caller may see.

    :raise BadRequest: no code.
    :raise NotFound: no such organisation.
    :raise PermissionDenied: outside the caller's reach.
    """
    if not code:
        raise BadRequest(N_("Name the organisation: ?org=CODE"), code="org_required")
    org = require_by_code(session(), code)
    principal.require(Permission.VIEW, org)
    return org


def catalog_json(principal: Principal, code: str | None) -> dict[str, Any]:
    """Return the catalog that applies to the organisation ``code``."""
    org = visible_org(principal, code)
    template = services.template_for(session(), org)
    return {"org": org.code, "template": template_json(template) if template else None}


def templates_json(principal: Principal, owner_code: str) -> dict[str, Any]:
    """Return the catalogs the organisation ``owner_code`` sets for those below it."""
    owner = require_by_code(session(), owner_code)
    principal.require(Permission.VIEW, owner)
    found = session().scalars(
        sa.select(CatalogTemplate).where(CatalogTemplate.owner_org_id == owner.id)
    )
    return {"templates": [template_json(t) for t in found]}


def compliance_json(principal: Principal, code: str | None) -> list[dict[str, Any]]:
    """Return ``[{entry, title, timing, status, since?, item?}]`` for the organisation."""
    org = visible_org(principal, code)
    out = []
    for line in services.compliance(session(), org, registry.now(), local_tz()):
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
    return out


def exemptions_json(principal: Principal, state: str | None) -> dict[str, Any]:
    """Return the exemptions the caller may see, newest first (``state``: only those)."""
    query = (
        sa.select(Exemption)
        .join(Org, Exemption.org_id == Org.id)
        .where(principal.org_condition())
        .order_by(Exemption.id.desc())
    )
    if state:
        query = query.where(Exemption.state == state)
    return {"exemptions": [exemption_json(e) for e in session().scalars(query)]}


# --- lookups -----------------------------------------------------------------------------


def find_template(template_id: int) -> CatalogTemplate | None:
    return session().get(CatalogTemplate, template_id)


def require_template(template_id: int) -> CatalogTemplate:
    """Return the catalog with ``template_id``.

    :raise NotFound: no such catalog.
    """
    template = find_template(template_id)
    if template is None:
        raise NotFound(N_("No such catalog."), code="template_not_found")
    return template


def find_entry(entry_id: int) -> CatalogEntry | None:
    return session().get(CatalogEntry, entry_id)


def require_entry(entry_id: int) -> CatalogEntry:
    """Return the catalog entry with ``entry_id``.

    :raise NotFound: no such entry.
    """
    entry = find_entry(entry_id)
    if entry is None:
        raise NotFound(N_("No such catalog entry."), code="entry_not_found")
    return entry


def get_exemption(exemption_id: int) -> Exemption:
    """Return the exemption with ``exemption_id``.

    :raise NotFound: no such exemption.
    """
    return services.get_exemption(session(), exemption_id)


# --- pages -------------------------------------------------------------------------------


def chosen_org(principal: Principal, code: str | None) -> tuple[Org, list[tuple[int, Org]]]:
    """Return the organisation a page is for (``?org=CODE``; else the caller's own, else the
    first they may see) and every organisation the caller may see, in tree order.

    :raise PermissionDenied: the caller may see no organisation, or not that one.
    """
    visible = tree_order(session().scalars(sa.select(Org).where(principal.org_condition())))
    if not visible:
        raise PermissionDenied(N_("You are not allowed to open this page."))
    org = get_by_code(session(), code) if code else None
    if org is None:
        home = principal.user.home_org
        org = home if principal.can(Permission.VIEW, home) else visible[0][1]
    principal.require(Permission.VIEW, org)
    return org, visible


def compliance_page(
    principal: Principal, code: str | None, sort: str | None, direction: str | None
) -> dict[str, Any]:
    """Return where an organisation stands with its catalog, overdue entries first; for a
    county or township also one row per organisation of its subtree, sorted by ``sort``."""
    org, visible = chosen_org(principal, code)
    tz = local_tz()
    now = registry.now()
    subtree = [o for _depth, o in visible if is_within(o.path, org.path)]
    above = [o for _depth, o in visible if o.id != org.id and is_within(org.path, o.path)]
    rows, by_org = services.subtree_rows(session(), subtree, now, tz)
    order = tally.parse_sort(sort, direction)
    lines = sorted(by_org[org.id], key=lambda line: SEVERITY.index(line.result.status))
    below = [row for row in rows if row.org.id != org.id]
    parents = {o.parent_id for o in subtree if o.id != org.id}
    pending = list(
        session().scalars(
            sa.select(Exemption)
            .join(Org, Exemption.org_id == Org.id)
            .where(Exemption.state == "pending")
            .where(principal.org_condition(Permission.SUPERIOR_APPROVE_ITEMS))
            .order_by(Exemption.requested_at)
        )
    )
    return {
        "org": org,
        "orgs": visible,
        "lines": lines,
        "titles": services.item_titles(session(), (line.result.item_id or 0 for line in lines)),
        "rows": tally.sort_rows(rows, order) if below else [],
        "subtree_total": tally.total(row.tally for row in rows),
        "order": order,
        "above": sorted(above, key=lambda o: len(o.path)),
        "show_parent": len(parents) > 1,
        "can_exempt": principal.can(Permission.APPROVE_ITEMS, org),
        "can_draft": principal.can(Permission.DRAFT_ITEMS, org),
        "pending": pending,
        "counts": tally.tally(line.result.status for line in lines),
    }


def catalog_page(principal: Principal, code: str | None) -> dict[str, Any]:
    """Return the catalog that applies to an organisation, and the catalogs it sets below."""
    org, visible = chosen_org(principal, code)
    owned = list(
        session().scalars(
            sa.select(CatalogTemplate)
            .where(CatalogTemplate.owner_org_id == org.id)
            .order_by(CatalogTemplate.org_kind)
        )
    )
    return {
        "org": org,
        "orgs": visible,
        "template": services.template_for(session(), org),
        "owned": owned,
        "can_manage": principal.can(Permission.MANAGE_CATALOG, org),
    }
