"""The use cases of the catalog, as the edges (views, API) call them: one function per
action, each checking the caller's permission, applying the rules (:mod:`.services`, which
seals exemptions in the audit chain) and committing, or rolling back when it raises.

Catalogs: :func:`create_template`, :func:`add_entry`, :func:`update_entry`. Exemptions
(不便公开): :func:`request_exemption`, :func:`decide_exemption`.
"""

from __future__ import annotations

from typing import Any

from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.catalog import services
from signage_server.catalog.models import CatalogEntry
from signage_server.catalog.models import CatalogTemplate
from signage_server.catalog.models import Exemption
from signage_server.catalog.presenters import get_exemption
from signage_server.catalog.presenters import require_entry
from signage_server.catalog.presenters import require_template
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind
from signage_server.orgs.services import require_by_code
from signage_server.unit_of_work import committed


def create_template(
    principal: Principal, owner: Org | str, org_kind: OrgKind, name: str, description: str = ""
) -> CatalogTemplate:
    """Create the catalog ``owner`` (an org or its code) sets for the orgs of ``org_kind``
    below it.

    :raise NotFound: no such organisation.
    :raise PermissionDenied: the caller may not manage catalogs there.
    :raise Conflict: it has one for that kind already.
    """
    with committed() as session:
        found = owner if isinstance(owner, Org) else require_by_code(session, owner)
        principal.require(Permission.MANAGE_CATALOG, found)
        return services.create_template(session, found, org_kind, name, description)


def add_entry(principal: Principal, template_id: int, code: str, **fields: Any) -> CatalogEntry:
    """Add an entry to the catalog with ``template_id``.

    :raise NotFound: no such catalog.
    :raise PermissionDenied: the caller may not manage its owner's catalogs.
    :raise Conflict: the code is taken in this catalog.
    :raise RuleViolation: a periodic entry without cadence.
    """
    with committed() as session:
        template = require_template(template_id)
        principal.require(Permission.MANAGE_CATALOG, template.owner)
        return services.add_entry(session, template, code, **fields)


def update_entry(principal: Principal, entry_id: int, **changes: Any) -> CatalogEntry:
    """Change the catalog entry with ``entry_id``.

    :raise NotFound: no such entry.
    :raise PermissionDenied: the caller may not manage its owner's catalogs.
    :raise BadRequest, RuleViolation: an unknown field, a periodic entry without cadence.
    """
    with committed() as session:
        entry = require_entry(entry_id)
        principal.require(Permission.MANAGE_CATALOG, entry.template.owner)
        services.update_entry(session, entry, **changes)
        return entry


def request_exemption(
    principal: Principal, org: Org | str, entry: str | int, explanation: str
) -> Exemption:
    """Declare the entry ``entry`` (code or id) of ``org``'s catalog not suitable for
    disclosure there (the accountable person: approvers); the superior organisation decides.

    :raise NotFound: no such organisation.
    :raise PermissionDenied: the caller may not approve items there.
    :raise RuleViolation: not in the org's catalog, no written explanation.
    :raise Conflict: an exemption is already pending or granted.
    """
    with committed() as session:
        found = org if isinstance(org, Org) else require_by_code(session, org)
        principal.require(Permission.APPROVE_ITEMS, found)
        declared = services.require_entry_for(session, found, entry)
        return services.request_exemption(
            session, found, declared, explanation, principal.user, registry.now()
        )


def decide_exemption(
    principal: Principal, exemption_id: int, approve: bool, reason: str
) -> Exemption:
    """Record the superior organisation's decision on an exemption.

    :raise NotFound: no such exemption.
    :raise PermissionDenied: the caller is not the superior organisation's.
    :raise Conflict: it was decided already.
    :raise RuleViolation: a refusal without written reasons.
    """
    with committed() as session:
        exemption = get_exemption(exemption_id)
        principal.require(Permission.SUPERIOR_APPROVE_ITEMS, exemption.org)
        services.decide_exemption(
            session, exemption, approve, reason, principal.user, registry.now()
        )
        return exemption
