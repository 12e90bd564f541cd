"""Take a benchmark's items through the procedure as the demo's people: the sign-off as each
item's procedure has it (village affairs of a village: the joint meeting's decision and the
supervision committee's seal)."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable

from sqlalchemy.orm import Session

from signage_server.accounts.permissions import Principal
from signage_server.disclosure import services as items
from signage_server.disclosure.models import Item
from signage_server.disclosure.procedures import Meeting
from signage_server.disclosure.rules import SIGN_OFF
from signage_server.disclosure.rules import Action

#: Who takes each step (the role of the demo user).
ROLES = {
    Action.SUBMIT: "editor",
    Action.REVIEW: "reviewer",
    Action.APPROVE: "approver",
    Action.DECIDE: "approver",
    Action.SEAL: "reviewer",
    Action.SUPERIOR_APPROVE: "superior",
    Action.PUBLISH: "operator",
}


def steps(item: Item, actions: Iterable[Action]) -> list[Action]:
    """Return ``actions`` with ``approve`` standing for the sign-off of the item's procedure."""
    out: list[Action] = []
    for action in actions:
        if action is Action.APPROVE:
            out += SIGN_OFF[items.procedure_of(item, item.current)]
        else:
            out.append(action)
    return out


def take(
    session: Session,
    item: Item,
    person: Callable[[str], Principal],
    env: items.Env,
    actions: Iterable[Action],
) -> None:
    """Take ``actions`` (see :func:`steps`) on ``item`` as the people ``person`` names."""
    for action in steps(item, actions):
        meeting = None
        if action is Action.DECIDE:
            day = env.now.astimezone(env.tz).date()
            meeting = Meeting(day, present=7, members=9, resolution="同意公开")
        items.transition(session, item, person(ROLES[action]), action, "", env, meeting=meeting)
