"""四议两公开 on a session: matters, their stages, their two disclosures, and the guard the
disclosure procedure calls before an item linked to a matter is submitted.

Every change is sealed in the audit chain (subject ``matter``): its resulting state and a
hash of the whole path recorded so far, never a name or a text (ids, states and hashes only).
Services flush; the caller commits. No Flask here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import acting_role
from signage_server.audit import rules as audit_rules
from signage_server.audit import services as audit
from signage_server.audit.models import AuditRecord
from signage_server.audit.rules import Current
from signage_server.audit.rules import canonical_json
from signage_server.audit.rules import sha256_hex
from signage_server.disclosure.audience import Audience
from signage_server.disclosure.audience import scope_fits
from signage_server.disclosure.models import Item
from signage_server.disclosure.rules import State
from signage_server.errors import Conflict
from signage_server.errors import NotFound
from signage_server.errors import RuleViolation
from signage_server.i18n import N_
from signage_server.matters import rules
from signage_server.matters.models import Matter
from signage_server.matters.models import MatterStage
from signage_server.matters.rules import Held
from signage_server.matters.rules import Meeting
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind
from signage_server.screens import changes

TITLE_MAX = 200
#: Items in these states cannot become a matter's disclosure.
ENDED = frozenset({State.WITHDRAWN, State.ARCHIVED, State.EXPIRED})


# --- reading -------------------------------------------------------------------------------


def get_matter(session: Session, matter_id: int) -> Matter:
    """:raise NotFound: no such matter."""
    matter = session.get(Matter, matter_id)
    if matter is None:
        raise NotFound(N_("No such matter."), code="not_found")
    return matter


def matters_of(session: Session, org: Org) -> list[Matter]:
    """Return the matters of ``org``, newest first."""
    return list(
        session.scalars(
            sa.select(Matter)
            .where(Matter.org_id == org.id)
            .options(selectinload(Matter.stages))
            .order_by(Matter.created_at.desc(), Matter.id.desc())
        )
    )


def matter_of_item(session: Session, item_id: int) -> Matter | None:
    """Return the matter ``item_id`` discloses (its resolution or its result), if any."""
    return session.scalar(
        sa.select(Matter).where(
            sa.or_(Matter.decision_item_id == item_id, Matter.result_item_id == item_id)
        )
    )


def matters_of_items(session: Session, item_ids: list[int]) -> dict[int, Matter]:
    """Return the matter each of ``item_ids`` discloses (those that disclose one)."""
    if not item_ids:
        return {}
    found: dict[int, Matter] = {}
    for matter in session.scalars(
        sa.select(Matter)
        .where(sa.or_(Matter.decision_item_id.in_(item_ids), Matter.result_item_id.in_(item_ids)))
        .options(selectinload(Matter.stages))
    ):
        for item_id in (matter.decision_item_id, matter.result_item_id):
            if item_id is not None:
                found[item_id] = matter
    return found


def held(matter: Matter) -> list[Held]:
    """The stages of ``matter`` as the rules take them, in order."""
    return [Held(s.kind, s.held_on, s.passed) for s in matter.stages]


def published(item: Item | None) -> bool:
    """Whether ``item`` was ever published (its live revision has a publication time)."""
    live = item.live if item is not None else None
    return live is not None and live.published_at is not None


# --- sealing -------------------------------------------------------------------------------


def stage_facts(stage: MatterStage) -> dict[str, object]:
    """What a stage says, as its seal covers it (the resolution by its hash)."""
    return {
        "kind": stage.kind.value,
        "held_on": stage.held_on.isoformat(),
        "body": stage.body.value,
        "counting": stage.counting.value,
        "present": stage.present,
        "expected": stage.expected,
        "for": stage.votes_for,
        "against": stage.votes_against,
        "abstained": stage.abstained,
        "passed": stage.passed,
        "resolution_sha256": audit.text_hash(stage.resolution),
    }


def path_sha256(matter: Matter) -> str:
    """The hash of the matter's title, summary and every stage recorded: what its seal covers,
    so that a stage changed in the database afterwards is detected (``audit verify``)."""
    facts = {
        "title_sha256": audit.text_hash(matter.title),
        "summary_sha256": audit.text_hash(matter.summary),
        "stages": [stage_facts(s) for s in matter.stages],
    }
    return sha256_hex(canonical_json(facts))


def _details(matter: Matter) -> dict[str, object]:
    return {
        "org": matter.org_id,
        "stages": len(matter.stages),
        "path_sha256": path_sha256(matter),
        "decision_item": matter.decision_item_id,
        "result_item": matter.result_item_id,
    }


def _seal(
    session: Session,
    matter: Matter,
    actor: Principal,
    action: str,
    at: dt.datetime,
    *,
    reason: str = "",
    details: dict[str, object] | None = None,
) -> None:
    """Seal the change ``action`` of ``matter`` (its resulting state and path)."""
    session.flush()
    role = acting_role(actor.grants, (Permission.DRAFT_ITEMS,), matter.org.path)
    audit.record_event(
        session,
        subject=audit_rules.MATTER,
        subject_id=matter.id,
        actor=actor.user.username,
        role=role.value if role else "editor",
        action=action,
        reason=reason,
        at=at,
        state=matter.state.value,
        details={**_details(matter), **(details or {})},
    )


def matter_states(session: Session) -> Iterator[Current]:
    """Yield every matter's state and path as stored now, for ``audit verify``."""
    for matter in session.scalars(
        sa.select(Matter).options(selectinload(Matter.stages)).order_by(Matter.id)
    ):
        yield Current(
            subject=audit_rules.MATTER,
            subject_id=matter.id,
            revision=None,
            state=matter.state.value,
            label=f"matter {matter.id}",
            details={
                "stages": len(matter.stages),
                "path_sha256": path_sha256(matter),
                "decision_item": matter.decision_item_id,
                "result_item": matter.result_item_id,
            },
        )


def sealed_paths(session: Session, matter_ids: list[int]) -> dict[int, str]:
    """Return the path hash the newest audit record of each matter sealed (one query)."""
    found: dict[int, str] = {}
    if not matter_ids:
        return found
    for subject_id, details in session.execute(
        sa.select(AuditRecord.subject_id, AuditRecord.details)
        .where(AuditRecord.subject == audit_rules.MATTER, AuditRecord.subject_id.in_(matter_ids))
        .order_by(AuditRecord.seq)
    ):
        found[subject_id] = str((details or {}).get("path_sha256", ""))
    return found


def screen_paths(session: Session, item_ids: list[int]) -> dict[int, list[dict[str, str]]]:
    """Return, for each of ``item_ids`` that discloses a major matter, the compact path a
    screen shows under its title: ``[{stage, date, vote}]`` (``vote``: for/against/abstained),
    in order. A matter whose stages do not match their seal in the audit chain shows none.
    Two queries whatever the number of items (the manifests of many screens)."""
    found: dict[int, list[dict[str, str]]] = {}
    by_item: dict[int, Matter] = {}
    for start in range(0, len(item_ids), 500):
        by_item.update(matters_of_items(session, item_ids[start : start + 500]))
    if not by_item:
        return found
    sealed = sealed_paths(session, sorted({m.id for m in by_item.values()}))
    for item_id, matter in by_item.items():
        if sealed.get(matter.id) != path_sha256(matter):
            continue
        found[item_id] = [
            {
                "stage": s.kind.value,
                "date": s.held_on.isoformat(),
                "vote": f"{s.votes_for}/{s.votes_against}/{s.abstained}",
            }
            for s in matter.stages
        ]
    return found


# --- changing ------------------------------------------------------------------------------


def create_matter(
    session: Session, org: Org, title: str, summary: str, actor: Principal, now: dt.datetime
) -> Matter:
    """Open a major matter of the village ``org``.

    :raise RuleViolation: ``not_a_village``; ``title_required``.
    """
    if org.kind is not OrgKind.VILLAGE:
        raise RuleViolation(
            N_("四议两公开 is the procedure of a village's major matters."), code="not_a_village"
        )
    title = " ".join(title.split())
    if not title or len(title) > TITLE_MAX:
        raise RuleViolation(N_("Give the matter a title."), code="title_required")
    matter = Matter(
        org=org,
        title=title,
        summary=summary.strip(),
        created_by_id=actor.user.id,
        created_at=now,
        state=rules.MatterState.DELIBERATING,
    )
    session.add(matter)
    _seal(session, matter, actor, "open_matter", now)
    return matter


def record_stage(
    session: Session,
    matter: Matter,
    meeting: Meeting,
    resolution: str,
    actor: Principal,
    now: dt.datetime,
    today: dt.date,
) -> MatterStage:
    """Record the next stage of ``matter``; a vote that fails ends it (不通过).

    :raise Conflict, RuleViolation: see :func:`rules.check_meeting`; ``resolution_required``
        (what the meeting proposed, agreed or resolved, in writing).
    """
    passed = rules.check_meeting(meeting, held(matter), today)
    if not resolution.strip():
        raise RuleViolation(
            N_("Write down what the meeting proposed, agreed or resolved."),
            code="resolution_required",
        )
    stage = MatterStage(
        kind=meeting.kind,
        position=meeting.kind.position,
        held_on=meeting.held_on,
        body=meeting.body,
        counting=meeting.counting,
        present=meeting.present,
        expected=meeting.expected,
        votes_for=meeting.votes_for,
        votes_against=meeting.votes_against,
        abstained=meeting.abstained,
        passed=passed,
        resolution=resolution.strip(),
        recorded_by_id=actor.user.id,
        recorded_at=now,
    )
    matter.stages.append(stage)
    matter.state = rules.state_of(held(matter))
    _seal(session, matter, actor, f"stage_{meeting.kind.value}", now)
    return stage


def withdraw_last_stage(
    session: Session, matter: Matter, reason: str, actor: Principal, now: dt.datetime
) -> None:
    """Withdraw the last recorded stage of ``matter`` so that it is recorded again; the
    audit record keeps the reason and what the stage said (its resolution by its hash).

    :raise Conflict, RuleViolation: see :func:`rules.check_withdraw`.
    """
    rules.check_withdraw(held(matter), matter.decision_item_id is not None, reason)
    stage = matter.stages[-1]
    withdrawn = stage_facts(stage)
    matter.stages.remove(stage)
    matter.state = rules.state_of(held(matter))
    _seal(
        session,
        matter,
        actor,
        "withdraw_stage",
        now,
        reason=reason.strip(),
        details={"withdrawn": withdrawn},
    )


def _linkable(session: Session, matter: Matter, item: Item) -> None:
    """:raise RuleViolation: the item is another org's, not for everyone's eyes, ended, or
    linked to a matter already."""
    if item.org_id != matter.org_id:
        raise RuleViolation(
            N_("Only an item of the matter's own village can disclose it."), code="other_org"
        )
    if not scope_fits(item.current.scope, Audience.PUBLIC):
        # 两公开 is to the villagers: an item they may not read discloses nothing to them.
        raise RuleViolation(
            N_("Only an item disclosed to the public can disclose a matter."), code="not_public"
        )
    if item.current.state in ENDED:
        raise RuleViolation(N_("This item was withdrawn or has ended."), code="item_ended")
    if matter_of_item(session, item.id) is not None:
        raise Conflict(N_("This item already discloses a matter."), code="item_linked")


def link_decision(
    session: Session, matter: Matter, item: Item, actor: Principal, now: dt.datetime
) -> None:
    """Link ``item`` as the disclosure of the matter's resolution (决议公开).

    :raise RuleViolation: ``stages_missing``, ``matter_rejected`` (see
        :func:`rules.check_decision_link`); the item is not linkable.
    :raise Conflict: ``already_linked``, ``item_linked``.
    """
    rules.check_decision_link(held(matter), matter.decision_item_id is not None)
    _linkable(session, matter, item)
    matter.decision_item = item
    matter.decision_linked_at = now
    matter.state = rules.state_of(held(matter), decision_linked=True)
    _seal(session, matter, actor, "link_decision", now)
    # The item's entry on the screens now carries the path.
    changes.touch_orgs(session, [matter.org_id])


def link_result(
    session: Session, matter: Matter, item: Item, actor: Principal, now: dt.datetime
) -> None:
    """Link ``item`` as the disclosure of the result (实施结果公开), after the resolution's
    disclosure was published.

    :raise RuleViolation: ``decision_unpublished``; the item is not linkable.
    :raise Conflict: ``already_linked``, ``item_linked``.
    """
    rules.check_result_link(
        matter.decision_item_id is not None,
        published(matter.decision_item),
        matter.result_item_id is not None,
    )
    _linkable(session, matter, item)
    matter.result_item = item
    matter.result_linked_at = now
    matter.state = rules.state_of(held(matter), decision_linked=True, result_linked=True)
    _seal(session, matter, actor, "link_result", now)
    changes.touch_orgs(session, [matter.org_id])


def check_can_submit(session: Session, item_id: int) -> None:
    """The disclosure procedure's guard: an item that discloses a matter's resolution cannot
    be submitted unless all four stages are recorded and passed; one that discloses its result
    not before the resolution's disclosure was published. Other items pass.

    :raise RuleViolation: ``stages_missing``, ``matter_rejected``, ``decision_unpublished``.
    """
    matter = matter_of_item(session, item_id)
    if matter is None:
        return
    path = held(matter)
    if any(not h.passed for h in path):
        raise RuleViolation(
            N_("The matter was not passed: its resolution cannot be disclosed."),
            code="matter_rejected",
        )
    if not rules.complete(path):
        raise RuleViolation(
            N_(
                "This item discloses a major matter whose four deliberations are not all"
                " recorded: it cannot be submitted."
            ),
            code="stages_missing",
        )
    if matter.result_item_id == item_id and not published(matter.decision_item):
        raise RuleViolation(
            N_("The result can be linked only after the resolution's disclosure was published."),
            code="decision_unpublished",
        )
