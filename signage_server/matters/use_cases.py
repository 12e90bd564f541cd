"""The use cases of 四议两公开, as the edges call them: one function per action, each checking
the caller's permission (the village's drafters: ``Permission.DRAFT_ITEMS``), applying the
rules (:mod:`.services`, which seals every change in the audit chain) and committing, or
rolling back when it raises."""

from __future__ import annotations

import datetime as dt

from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.disclosure.services import get_item
from signage_server.matters import services
from signage_server.matters.models import Matter
from signage_server.matters.models import MatterStage
from signage_server.matters.rules import Meeting
from signage_server.orgs.services import require_by_code
from signage_server.unit_of_work import committed


def open_matter(principal: Principal, org_code: str, title: str, summary: str) -> Matter:
    """Open a major matter of the village ``org_code``.

    :raise NotFound: no such organisation.
    :raise PermissionDenied: the caller may not draft there.
    :raise RuleViolation: not a village, no title.
    """
    with committed() as session:
        org = require_by_code(session, org_code)
        principal.require(Permission.DRAFT_ITEMS, org)
        return services.create_matter(session, org, title, summary, principal, registry.now())


def record_stage(
    principal: Principal, matter_id: int, meeting: Meeting, resolution: str, today: dt.date
) -> MatterStage:
    """Record the next stage of the matter (``today``: the local date, to refuse meetings
    not yet held).

    :raise NotFound, PermissionDenied, Conflict, RuleViolation: see
        :func:`services.record_stage`.
    """
    with committed() as session:
        matter = services.get_matter(session, matter_id)
        principal.require(Permission.DRAFT_ITEMS, matter.org)
        return services.record_stage(
            session, matter, meeting, resolution, principal, registry.now(), today
        )


def withdraw_last_stage(principal: Principal, matter_id: int, reason: str) -> None:
    """Withdraw the matter's last recorded stage, to be recorded again.

    :raise NotFound, PermissionDenied, Conflict, RuleViolation: see
        :func:`services.withdraw_last_stage`.
    """
    with committed() as session:
        matter = services.get_matter(session, matter_id)
        principal.require(Permission.DRAFT_ITEMS, matter.org)
        services.withdraw_last_stage(session, matter, reason, principal, registry.now())


def link(principal: Principal, matter_id: int, which: str, item_id: int) -> Matter:
    """Link the item ``item_id`` as the matter's ``decision`` (决议公开) or ``result``
    (实施结果公开) disclosure.

    :raise NotFound, PermissionDenied, Conflict, RuleViolation: see
        :func:`services.link_decision`, :func:`services.link_result`.
    """
    with committed() as session:
        matter = services.get_matter(session, matter_id)
        principal.require(Permission.DRAFT_ITEMS, matter.org)
        item = get_item(session, item_id)
        step = services.link_decision if which == "decision" else services.link_result
        step(session, matter, item, principal, registry.now())
        return matter
