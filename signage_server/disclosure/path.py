"""The procedure of one revision as a path (DESIGN.md §2). Pure: no Flask, no session.

An item goes 拟定 → 审核 → 审签 → 上级审核 → 公开; village affairs of a village go
拟定 → 监委会审核 → 两委联席会议决定 → 监委会签章 → 上级审核 → 公开 (:mod:`.procedures`).
For the revision shown on an item's page this module says which steps are done (by whom,
when), which one is waiting, which are to come and which are not required (no 上级审核
when no higher review is needed), where a revision was sent back, and who may take the
step that is waiting::

    path = build(facts, records)       # the steps with their status
    path.waiting                       # the step waiting now, or None
    who_may_take(path.waiting, facts, people)   # the people who may take it

Everything comes in as plain values (the audit records of the revision, the people holding
roles at the item's organisation); the callers look them up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from enum import StrEnum

from signage_server.accounts.rules import Grant
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import allows
from signage_server.disclosure.procedures import Procedure
from signage_server.disclosure.rules import WAS_PUBLISHED
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import State
from signage_server.disclosure.rules import separation_conflict
from signage_server.i18n import N_


class Step(StrEnum):
    """The steps of both procedures, in order (:data:`STEPS` says which each one has)."""

    DRAFT = "draft"
    REVIEW = "review"
    APPROVE = "approve"
    DECIDE = "decide"
    SEAL = "seal"
    SUPERIOR = "superior"
    PUBLISH = "publish"

    @property
    def label(self) -> str:
        return STEP_LABELS[self]


STEP_LABELS = {
    Step.DRAFT: N_("Drafting"),
    Step.REVIEW: N_("Review"),
    Step.APPROVE: N_("Sign-off"),
    Step.DECIDE: N_("Joint meeting"),
    Step.SEAL: N_("Supervision committee's seal"),
    Step.SUPERIOR: N_("Higher review"),
    Step.PUBLISH: N_("Publication"),
}

#: The steps of each procedure, in order.
STEPS: dict[Procedure, tuple[Step, ...]] = {
    Procedure.PARTY: (Step.DRAFT, Step.REVIEW, Step.APPROVE, Step.SUPERIOR, Step.PUBLISH),
    Procedure.VILLAGE: (
        Step.DRAFT,
        Step.REVIEW,
        Step.DECIDE,
        Step.SEAL,
        Step.SUPERIOR,
        Step.PUBLISH,
    ),
}

#: What the waiting step asks for ("Next: …").
NEXT_LABELS = {
    Step.DRAFT: N_("finish the draft and submit it for review"),
    Step.REVIEW: N_("review it (accuracy, necessity, confidentiality)"),
    Step.APPROVE: N_("sign-off by the accountable person"),
    Step.DECIDE: N_("the joint meeting of the two committees decides it"),
    Step.SEAL: N_("a member of the village affairs supervision committee signs and seals it"),
    Step.SUPERIOR: N_("higher review by the superior organisation"),
    Step.PUBLISH: N_("publish it to the screens"),
}

#: The action that completes each step (recorded in the audit chain).
COMPLETED_BY = {
    Step.DRAFT: Action.SUBMIT,
    Step.REVIEW: Action.REVIEW,
    Step.APPROVE: Action.APPROVE,
    Step.DECIDE: Action.DECIDE,
    Step.SEAL: Action.SEAL,
    Step.SUPERIOR: Action.SUPERIOR_APPROVE,
    Step.PUBLISH: Action.PUBLISH,
}

#: The permission that a step needs (who may take it).
NEEDS = {
    Step.DRAFT: Permission.DRAFT_ITEMS,
    Step.REVIEW: Permission.REVIEW_ITEMS,
    Step.APPROVE: Permission.APPROVE_ITEMS,
    Step.DECIDE: Permission.APPROVE_ITEMS,
    Step.SEAL: Permission.REVIEW_ITEMS,
    Step.SUPERIOR: Permission.SUPERIOR_APPROVE_ITEMS,
    Step.PUBLISH: Permission.PUBLISH_ITEMS,
}

#: The step waiting while a revision is in each state of each procedure.
WAITING: dict[Procedure, dict[State, Step]] = {
    Procedure.PARTY: {
        State.DRAFT: Step.DRAFT,
        State.SUBMITTED: Step.REVIEW,
        State.REVIEWED: Step.APPROVE,
        State.APPROVED: Step.SUPERIOR,
        State.READY: Step.PUBLISH,
    },
    Procedure.VILLAGE: {
        State.DRAFT: Step.DRAFT,
        State.SUBMITTED: Step.REVIEW,
        State.REVIEWED: Step.DECIDE,
        State.DECIDED: Step.SEAL,
        State.APPROVED: Step.SUPERIOR,
        State.READY: Step.PUBLISH,
    },
}


class Status(StrEnum):
    DONE = "done"
    #: Waiting for someone to take it now.
    CURRENT = "current"
    TO_COME = "to_come"
    NOT_REQUIRED = "not_required"
    #: The revision was sent back at this step.
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.DONE: N_("Done"),
    Status.CURRENT: N_("Waiting"),
    Status.TO_COME: N_("To come"),
    Status.NOT_REQUIRED: N_("Not required"),
    Status.RETURNED: N_("Sent back"),
}


@dataclass(frozen=True)
class Record:
    """One audit record of the revision: what was done, by whom (the name to show), when."""

    action: str
    actor: str
    at: dt.datetime
    reason: str = ""


@dataclass(frozen=True)
class Facts:
    """What the path needs to know of the revision."""

    state: State
    #: Whether the superior organisation must review it (before submission: whether it will,
    #: from its category, flags and catalog entry).
    needs_superior: bool
    #: Why (codes of ``rules.HIGHER_REVIEW_LABELS``).
    higher_review: tuple[str, ...] = ()
    #: Separation of duties: the users who drafted it, reviewed it, signed it off.
    contributors: frozenset[int] = frozenset()
    reviewed_by: int | None = None
    approved_by: int | None = None
    merged_review: bool = False
    #: The path of the item's organisation (who may take a step is decided there).
    org_path: str = ""
    #: The name of its author, for a draft nobody has saved yet (one reopened by a rejection).
    author: str = ""
    procedure: Procedure = Procedure.PARTY


@dataclass(frozen=True)
class StepView:
    step: Step
    status: Status
    #: Who took it (done), who drafts it (a draft), who sent it back (returned).
    actor: str = ""
    at: dt.datetime | None = None
    reason: str = ""
    #: For the higher review: why it is (or would be) required.
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Path:
    steps: tuple[StepView, ...]
    #: The step waiting now (``None`` once published, or when sent back).
    waiting: Step | None = None
    #: The step at which the revision was sent back, if it was.
    returned: StepView | None = None

    def status_of(self, step: Step) -> Status:
        return next(s.status for s in self.steps if s.step is step)


def _last(records: Sequence[Record], *actions: Action) -> Record | None:
    names = {a.value for a in actions}
    return next((r for r in reversed(records) if r.action in names), None)


def returned_at(
    records: Sequence[Record], needs_superior: bool, procedure: Procedure = Procedure.PARTY
) -> Step:
    """Return the step at which a revision was sent back: the one after the last step taken
    before the rejection."""
    before: Step = Step.DRAFT
    for record in records:
        if record.action == Action.REJECT.value:
            break
        for step, action in COMPLETED_BY.items():
            if record.action == action.value:
                before = step
    order = [s for s in STEPS[procedure] if needs_superior or s is not Step.SUPERIOR]
    index = order.index(before) if before in order else 0
    return order[min(index + 1, len(order) - 1)]


def build(facts: Facts, records: Sequence[Record]) -> Path:
    """Return the path of a revision in ``facts.state`` with its audit ``records`` (oldest
    first)."""
    steps = STEPS[facts.procedure]
    waiting = WAITING[facts.procedure].get(facts.state)
    returned_step: Step | None = None
    if facts.state is State.REJECTED:
        returned_step = returned_at(records, facts.needs_superior, facts.procedure)
    if facts.state in WAS_PUBLISHED:
        reached = len(steps)
    elif waiting is not None:
        reached = steps.index(waiting)
    elif returned_step is not None:
        reached = steps.index(returned_step)
    else:
        reached = 0
    views = []
    returned = None
    for index, step in enumerate(steps):
        reasons = facts.higher_review if step is Step.SUPERIOR else ()
        if step is Step.SUPERIOR and not facts.needs_superior:
            views.append(StepView(step, Status.NOT_REQUIRED))
            continue
        if index < reached:
            done = _last(records, COMPLETED_BY[step])
            views.append(
                StepView(
                    step,
                    Status.DONE,
                    actor=done.actor if done else "",
                    at=done.at if done else None,
                    reasons=reasons,
                )
            )
        elif step is returned_step:
            rejection = _last(records, Action.REJECT)
            returned = StepView(
                step,
                Status.RETURNED,
                actor=rejection.actor if rejection else "",
                at=rejection.at if rejection else None,
                reason=rejection.reason if rejection else "",
                reasons=reasons,
            )
            views.append(returned)
        elif step is waiting:
            # A draft: who has been drafting it, and when it was last saved.
            drafted = _last(records, Action.CREATE, Action.EDIT) if step is Step.DRAFT else None
            drafter = facts.author if step is Step.DRAFT else ""
            views.append(
                StepView(
                    step,
                    Status.CURRENT,
                    actor=drafted.actor if drafted else drafter,
                    at=drafted.at if drafted else None,
                    reasons=reasons,
                )
            )
        else:
            views.append(StepView(step, Status.TO_COME, reasons=reasons))
    return Path(tuple(views), waiting=waiting, returned=returned)


# --- who may take the waiting step --------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A user who holds roles somewhere above or at the item's organisation."""

    id: int
    name: str
    grants: tuple[Grant, ...] = field(default=())
    #: How close their nearest grant is to the item's organisation (0: at it).
    distance: int = 0


def who_may_take(step: Step | None, facts: Facts, people: Iterable[Person]) -> list[Person]:
    """Return the people who may take ``step`` of the revision, nearest first: they hold the
    step's permission at the item's organisation and the separation of duties lets them."""
    if step is None:
        return []
    permission = NEEDS[step]
    action = COMPLETED_BY[step]
    out = []
    for person in people:
        if not allows(person.grants, permission, facts.org_path):
            continue
        if step in (Step.DRAFT, Step.PUBLISH):
            # Neither is a four-eyes step.
            out.append(person)
            continue
        conflict = separation_conflict(
            action,
            is_drafter=person.id in facts.contributors,
            actor_id=person.id,
            reviewed_by=facts.reviewed_by,
            approved_by=facts.approved_by,
            merged_review=facts.merged_review,
        )
        if conflict is None:
            out.append(person)
    return sorted(out, key=lambda p: (p.distance, p.name))
