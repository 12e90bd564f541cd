"""The procedure path of a revision (``disclosure.path``): pure rules."""

from __future__ import annotations

import datetime as dt

import pytest

from signage_server.accounts.rules import Grant
from signage_server.accounts.rules import Role
from signage_server.disclosure.path import Facts
from signage_server.disclosure.path import Person
from signage_server.disclosure.path import Record
from signage_server.disclosure.path import Status
from signage_server.disclosure.path import Step
from signage_server.disclosure.path import build
from signage_server.disclosure.path import who_may_take
from signage_server.disclosure.rules import State
from tests.conftest import ROOT
from tests.unit.test_architecture import FRAMEWORKS
from tests.unit.test_architecture import transitive_imports

T0 = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
VILLAGE = "/1/2/3/"


def at(hours: int) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


RECORDS = [
    Record("create", "王小红", at(0)),
    Record("submit", "王小红", at(1)),
    Record("review", "刘长顺", at(2)),
    Record("approve", "王建国", at(3)),
    Record("superior_approve", "王志刚", at(4)),
    Record("publish", "赵磊", at(5)),
]


def statuses(state: State, records: list[Record], needs_superior: bool = False) -> list[str]:
    path = build(Facts(state=state, needs_superior=needs_superior), records)
    return [s.status.value for s in path.steps]


@pytest.mark.parametrize(
    ("state", "taken", "expected"),
    [
        (State.DRAFT, 1, ["current", "to_come", "to_come", "to_come", "to_come"]),
        (State.SUBMITTED, 2, ["done", "current", "to_come", "to_come", "to_come"]),
        (State.REVIEWED, 3, ["done", "done", "current", "to_come", "to_come"]),
        (State.APPROVED, 4, ["done", "done", "done", "current", "to_come"]),
        (State.READY, 5, ["done", "done", "done", "done", "current"]),
        (State.PUBLISHED, 6, ["done"] * 5),
        (State.WITHDRAWN, 6, ["done"] * 5),
    ],
)
def test_each_state_with_higher_review(state: State, taken: int, expected: list[str]) -> None:
    assert statuses(state, RECORDS[:taken], needs_superior=True) == expected


def test_no_higher_review_is_not_required_and_never_waits() -> None:
    no_superior = [r for r in RECORDS if r.action != "superior_approve"]
    assert statuses(State.READY, no_superior[:4]) == [
        "done",
        "done",
        "done",
        "not_required",
        "current",
    ]
    assert statuses(State.PUBLISHED, no_superior)[3] == "not_required"


def test_done_steps_say_who_and_when() -> None:
    path = build(Facts(state=State.PUBLISHED, needs_superior=True), RECORDS)
    assert [(s.actor, s.at) for s in path.steps] == [
        ("王小红", at(1)),
        ("刘长顺", at(2)),
        ("王建国", at(3)),
        ("王志刚", at(4)),
        ("赵磊", at(5)),
    ]
    assert path.waiting is None


def test_a_draft_names_its_last_editor_or_its_author() -> None:
    edited = [Record("create", "王小红", at(0)), Record("edit", "李慧", at(1))]
    draft = build(Facts(state=State.DRAFT, needs_superior=False), edited).steps[0]
    assert (draft.status, draft.actor, draft.at) == (Status.CURRENT, "李慧", at(1))
    reopened = build(Facts(state=State.DRAFT, needs_superior=False, author="王小红"), [])
    assert reopened.steps[0].actor == "王小红"


@pytest.mark.parametrize(
    ("taken", "needs_superior", "step"),
    [
        (2, False, Step.REVIEW),  # sent back by the reviewer
        (3, False, Step.APPROVE),  # by the approver
        (4, False, Step.PUBLISH),  # ready, sent back before publication
        (4, True, Step.SUPERIOR),  # by the superior organisation
    ],
)
def test_rejected_revision_shows_where_it_was_sent_back(
    taken: int, needs_superior: bool, step: Step
) -> None:
    records = [*RECORDS[:taken], Record("reject", "某某", at(9), "缺少附件")]
    path = build(Facts(state=State.REJECTED, needs_superior=needs_superior), records)
    assert path.returned is not None
    assert (path.returned.step, path.returned.actor, path.returned.reason) == (
        step,
        "某某",
        "缺少附件",
    )
    order = [s.step for s in path.steps]
    index = order.index(step)
    assert all(s.status is Status.DONE for s in path.steps[:index] if s.step is not Step.SUPERIOR)
    assert all(s.status in (Status.TO_COME, Status.NOT_REQUIRED) for s in path.steps[index + 1 :])
    assert path.waiting is None


def person(pid: int, role: Role, org: str = VILLAGE, name: str = "") -> Person:
    return Person(id=pid, name=name or f"p{pid}", grants=(Grant(role, org),))


PEOPLE = [
    person(1, Role.EDITOR),
    person(2, Role.REVIEWER),
    person(3, Role.APPROVER),
    person(4, Role.SUPERIOR),  # the village's own: its reach is below the village
    person(5, Role.SUPERIOR, "/1/2/"),  # the township's
    person(6, Role.OPERATOR),
    Person(id=7, name="p7", grants=(Grant(Role.REVIEWER, VILLAGE), Grant(Role.APPROVER, VILLAGE))),
]


def names(step: Step, **facts: object) -> list[str]:
    base = Facts(state=State.DRAFT, needs_superior=True, org_path=VILLAGE)
    values = {**base.__dict__, **facts}
    return [p.name for p in who_may_take(step, Facts(**values), PEOPLE)]  # type: ignore[arg-type]


def test_who_may_take_each_step() -> None:
    assert names(Step.DRAFT) == ["p1"]
    assert names(Step.REVIEW, contributors=frozenset({1})) == ["p2", "p7"]
    # The drafter never reviews their own draft.
    assert names(Step.REVIEW, contributors=frozenset({7})) == ["p2"]
    # Whoever reviewed may not also sign off, unless the org merges the two.
    assert names(Step.APPROVE, reviewed_by=7) == ["p3"]
    assert names(Step.APPROVE, reviewed_by=7, merged_review=True) == ["p3", "p7"]
    assert names(Step.SUPERIOR) == ["p5"]
    assert names(Step.PUBLISH) == ["p3", "p6", "p7"]
    assert names(None) == []  # type: ignore[arg-type]


def test_nearest_people_first() -> None:
    near = Person(id=1, name="乙", grants=(Grant(Role.EDITOR, VILLAGE),), distance=0)
    far = Person(id=2, name="甲", grants=(Grant(Role.EDITOR, "/1/"),), distance=2)
    facts = Facts(state=State.DRAFT, needs_superior=False, org_path=VILLAGE)
    assert [p.name for p in who_may_take(Step.DRAFT, facts, [far, near])] == ["乙", "甲"]


def test_the_path_module_is_pure() -> None:
    path = ROOT / "signage_server" / "disclosure" / "path.py"
    assert not [n for n in transitive_imports(path) if n.split(".")[0].startswith(FRAMEWORKS)]
