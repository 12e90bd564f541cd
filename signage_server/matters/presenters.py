"""What the 四议两公开 pages show, read in the app context's session: the matters of an
organisation, one matter's path, the items that may be linked; and the compact path the QR
page and the screens show of an item that discloses a matter (only when the audience rule
lets the viewer see that item in full, as the caller decides). Writes are the use cases'.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.catalog.presenters import chosen_org as chosen_org
from signage_server.disclosure import viewing
from signage_server.disclosure.audience import ANONYMOUS
from signage_server.disclosure.models import Item
from signage_server.disclosure.services import seal_intact
from signage_server.matters import rules
from signage_server.matters import services
from signage_server.matters.models import Matter
from signage_server.matters.models import MatterStage
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind
from signage_server.unit_of_work import session

#: How many of the village's newest items the link forms offer.
LINKABLE_LIMIT = 100


def visible_matter(principal: Principal, matter_id: int) -> Matter:
    """Return the matter, which the caller may see.

    :raise NotFound, PermissionDenied.
    """
    matter = services.get_matter(session(), matter_id)
    principal.require(Permission.VIEW, matter.org)
    return matter


def list_page(principal: Principal, code: str | None) -> dict[str, Any]:
    """The matters of an organisation and of the villages below it, newest first."""
    org, visible = chosen_org(principal, code)
    matters = list(
        session().scalars(
            sa.select(Matter)
            .join(Org, Matter.org_id == Org.id)
            .where(Org.path.like(org.path + "%"), principal.org_condition())
            .order_by(Matter.created_at.desc(), Matter.id.desc())
        )
    )
    villages = [o for _d, o in visible if o.kind is OrgKind.VILLAGE]
    return {
        "org": org,
        "orgs": visible,
        "matters": matters,
        "may_open": [o for o in villages if principal.can(Permission.DRAFT_ITEMS, o)],
    }


def linkable_items(matter: Matter) -> list[Item]:
    """The items of the matter's village that may disclose it (not ended, not linked)."""
    linked = sa.select(Matter.decision_item_id).where(Matter.decision_item_id.is_not(None))
    results = sa.select(Matter.result_item_id).where(Matter.result_item_id.is_not(None))
    items = session().scalars(
        sa.select(Item)
        .where(
            Item.org_id == matter.org_id,
            Item.id.not_in(linked),
            Item.id.not_in(results),
        )
        .options(selectinload(Item.revisions))
        .order_by(Item.id.desc())
        .limit(LINKABLE_LIMIT)
    )
    return [i for i in items if i.current.state not in services.ENDED]


def detail_page(principal: Principal, matter: Matter, today: dt.date) -> dict[str, Any]:
    """One matter: its path as a timeline, what comes next, the forms the caller may use."""
    path = services.held(matter)
    may_record = principal.can(Permission.DRAFT_ITEMS, matter.org)
    next_kind = rules.next_stage(path)
    return {
        "matter": matter,
        "stages": matter.stages,
        "missing": [k for k in rules.ORDER if k not in {s.kind for s in matter.stages}],
        "next_kind": next_kind,
        "bodies": rules.BODIES[next_kind] if next_kind else (),
        "may_record": may_record,
        "may_withdraw": may_record
        and rules.withdrawable(path, matter.decision_item_id is not None),
        "may_link_decision": may_record
        and matter.decision_item_id is None
        and rules.complete(path),
        "may_link_result": may_record
        and matter.decision_item_id is not None
        and matter.result_item_id is None
        and services.published(matter.decision_item),
        "decision_published": services.published(matter.decision_item),
        "linkable": linkable_items(matter) if may_record else [],
        "intact": intact(session(), matter),
        "today": today,
        "quorums": rules.QUORUMS,
    }


def intact(db: Session, matter: Matter) -> bool:
    """Whether the matter's stages are what its last audit record sealed."""
    return services.sealed_paths(db, [matter.id]).get(matter.id) == services.path_sha256(matter)


# --- the path as the public sees it ---------------------------------------------------------


@dataclass(frozen=True)
class Linked:
    """An item that discloses the matter, as far as the public may know it."""

    item_id: int
    revision: int
    title: str


def stage_json(stage: MatterStage) -> dict[str, Any]:
    """A stage as the QR page and the screens show it: which, when, by whom, how it voted."""
    return {
        "stage": stage.kind.value,
        "label": rules.SHORT_LABELS[stage.kind],
        "date": stage.held_on.isoformat(),
        "body": stage.body.value,
        "body_label": stage.body.label,
        "present": stage.present,
        "expected": stage.expected,
        "vote": {
            "for": stage.votes_for,
            "against": stage.votes_against,
            "abstained": stage.abstained,
        },
        "passed": stage.passed,
    }


def _public(item: Item | None, now: dt.datetime) -> Linked | None:
    live = item.live if item is not None else None
    if item is None or live is None:
        return None
    if not viewing.decision(live, ANONYMOUS, now).full or not seal_intact(live):
        return None
    return Linked(item.id, live.number, live.title)


def public_path(db: Session, item_id: int, now: dt.datetime) -> dict[str, Any] | None:
    """The 四议两公开 block of the QR page of an item that discloses a matter: its four
    stages (date, meeting, attendance, vote) and the titles of its two disclosures, each only
    when that item may be shown to anybody; ``None`` when the item discloses no matter or the
    matter's record does not match its seal.

    The caller shows it only when the item itself may be shown in full to the viewer.
    """
    matter = services.matter_of_item(db, item_id)
    if matter is None or not intact(db, matter):
        return None
    return {
        "title": matter.title,
        "state": matter.state.value,
        "stages": [stage_json(s) for s in matter.stages],
        "decision": _public(matter.decision_item, now),
        "result": _public(matter.result_item, now),
        "role": "decision" if matter.decision_item_id == item_id else "result",
    }


def item_panel(item: Item) -> dict[str, Any] | None:
    """The item page's 四议两公开 panel (a template global: the item page's view stays as
    is): which matter the item discloses, as what, and its path; ``None`` when it discloses
    none. The item page is shown only to those who may see the item, hence its village."""
    matter = services.matter_of_item(session(), item.id)
    if matter is None:
        return None
    return {
        "matter": matter,
        "role": "decision" if matter.decision_item_id == item.id else "result",
        "complete": rules.complete(services.held(matter)),
    }
