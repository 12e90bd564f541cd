"""What the edges (operator views, API) share: the deadline clock of this request and a
case as JSON, with the submitter's identity only for those allowed to see it."""

from __future__ import annotations

from typing import Any

from flask import g

from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.config import Settings
from signage_server.disclosure.context import local_tz
from signage_server.extensions import db
from signage_server.feedback import rules
from signage_server.feedback import services
from signage_server.feedback.models import Case
from signage_server.workdays.services import load_calendar


def clock() -> services.Clock:
    """Return the deadline clock of this request (calendar loaded once)."""
    if "feedback_clock" not in g:
        g.feedback_clock = services.Clock(
            now=registry.now(),
            calendar=load_calendar(db.session),
            tz=local_tz(),
            days=rules.parse_days(registry.get(Settings).feedback_days),
        )
    result: services.Clock = g.feedback_clock
    return result


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def case_json(case: Case, principal: Principal, clock: services.Clock) -> dict[str, Any]:
    identity = services.can_see_identity(principal, case)
    return {
        "id": case.id,
        "receipt": case.receipt,
        "kind": case.kind.value,
        "state": case.state.value,
        "source": case.source.value,
        "org": case.org.code,
        "handling_org": case.handling_org.code,
        "item": case.item_id,
        "revision": case.revision,
        "screen": case.screen_id,
        "shown_revision": case.shown_revision,
        "shown_at": _iso(case.shown_at),
        "text": case.text,
        "real_name": case.real_name,
        "name": case.name if identity else None,
        "phone": case.phone if identity else None,
        "received_at": _iso(case.received_at),
        "assignee": case.assignee.username if case.assignee else None,
        "acknowledged_at": _iso(case.acknowledged_at),
        "concluded_at": _iso(case.concluded_at),
        "answered_at": _iso(case.answered_at),
        "closed_at": _iso(case.closed_at),
        "decision": case.decision.value if case.decision else None,
        "decision_reason": case.decision_reason,
        "decided_at": _iso(case.decided_at),
        "hidden": case.hidden,
        "hidden_reason": case.hidden_reason,
        "deadlines": [
            {
                "duty": d.duty.value,
                "due": d.due.isoformat(),
                "met_at": _iso(d.met_at),
                "overdue": d.overdue(clock.today),
                "estimated": d.estimated,
            }
            for d in services.deadlines(case, clock)
        ],
        "replies": [
            {
                "id": r.id,
                "text": r.text,
                "created_at": _iso(r.created_at),
                "published_at": _iso(r.published_at),
                "author": r.author.username if r.author else None,
                "item": r.item_id,
            }
            for r in case.replies
        ],
    }
