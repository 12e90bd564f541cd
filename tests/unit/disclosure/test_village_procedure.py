"""The village-affairs procedure (村务): the supervision committee reviews, the 两委 joint meeting
decides, the committee signs and seals; which items take it; the joint meeting's record."""

from __future__ import annotations

import datetime as dt

import pytest

from signage_server.accounts.rules import Permission
from signage_server.disclosure import path as procedure
from signage_server.disclosure.procedures import Meeting
from signage_server.disclosure.procedures import Procedure
from signage_server.disclosure.procedures import Seal
from signage_server.disclosure.procedures import check_meeting
from signage_server.disclosure.procedures import procedure_for
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import Attempt
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import State
from signage_server.disclosure.rules import available_actions
from signage_server.disclosure.rules import decide
from signage_server.errors import Conflict
from signage_server.errors import PermissionDenied
from signage_server.errors import RuleViolation
from signage_server.orgs.rules import OrgKind

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 20)
ALL = frozenset(Permission)
V = Procedure.VILLAGE


def attempt(action: Action, state: State, procedure_: Procedure = V, **kw: object) -> Attempt:
    values: dict[str, object] = {
        "action": action,
        "state": state,
        "held": ALL,
        "is_contributor": False,
        "reason": "",
        "needs_superior": False,
        "now": NOW,
        "procedure": procedure_,
    }
    values.update(kw)
    return Attempt(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", list(OrgKind))
@pytest.mark.parametrize("category", list(Category))
def test_only_village_affairs_of_a_village_take_the_village_procedure(
    kind: OrgKind, category: Category
) -> None:
    expected = (
        V if (category is Category.VILLAGE_AFFAIRS and kind is OrgKind.VILLAGE) else Procedure.PARTY
    )
    assert procedure_for(category.value, kind) is expected


def test_the_village_path_review_decide_seal() -> None:
    assert decide(attempt(Action.REVIEW, State.SUBMITTED)) is State.REVIEWED
    assert decide(attempt(Action.DECIDE, State.REVIEWED)) is State.DECIDED
    assert decide(attempt(Action.SEAL, State.DECIDED)) is State.READY
    assert decide(attempt(Action.SEAL, State.DECIDED, needs_superior=True)) is State.APPROVED
    assert decide(attempt(Action.PUBLISH, State.READY)) is State.PUBLISHED


def test_sign_off_is_not_a_village_step_and_decide_and_seal_are_not_party_steps() -> None:
    with pytest.raises(Conflict) as refused:
        decide(attempt(Action.APPROVE, State.REVIEWED))
    assert refused.value.code == "not_in_procedure"
    for action, state in ((Action.DECIDE, State.REVIEWED), (Action.SEAL, State.DECIDED)):
        with pytest.raises(Conflict) as refused:
            decide(attempt(action, state, Procedure.PARTY))
        assert refused.value.code == "not_in_procedure"


def test_who_decides_and_who_seals() -> None:
    # The joint meeting's decision is recorded by the accountable person (审签 permission);
    # the seal is the supervision committee's (审核 permission).
    with pytest.raises(PermissionDenied):
        decide(attempt(Action.DECIDE, State.REVIEWED, held=frozenset({Permission.REVIEW_ITEMS})))
    with pytest.raises(PermissionDenied):
        decide(attempt(Action.SEAL, State.DECIDED, held=frozenset({Permission.APPROVE_ITEMS})))
    assert (
        decide(attempt(Action.SEAL, State.DECIDED, held=frozenset({Permission.REVIEW_ITEMS})))
        is State.READY
    )


def test_separation_of_duties_in_the_village_procedure() -> None:
    # The drafter takes neither step.
    for action, state in ((Action.DECIDE, State.REVIEWED), (Action.SEAL, State.DECIDED)):
        with pytest.raises(RuleViolation) as refused:
            decide(attempt(action, state, is_contributor=True))
        assert refused.value.code == "four_eyes"
    # Whoever recorded the decision does not seal it for the committee.
    with pytest.raises(RuleViolation) as refused:
        decide(attempt(Action.SEAL, State.DECIDED, actor_id=7, approved_by=7, reviewed_by=3))
    assert refused.value.code == "separation_of_duties"
    # The committee member who reviewed it may seal it (the same body) ...
    assert (
        decide(attempt(Action.SEAL, State.DECIDED, actor_id=3, reviewed_by=3, approved_by=7))
        is State.READY
    )
    # ... but does not record the joint meeting's decision, unless the org merges the two.
    with pytest.raises(RuleViolation):
        decide(attempt(Action.DECIDE, State.REVIEWED, actor_id=3, reviewed_by=3))
    assert (
        decide(
            attempt(Action.DECIDE, State.REVIEWED, actor_id=3, reviewed_by=3, merged_review=True)
        )
        is State.DECIDED
    )


def test_a_decided_revision_can_be_sent_back_by_the_committee_or_the_approver() -> None:
    for held in (Permission.REVIEW_ITEMS, Permission.APPROVE_ITEMS):
        result = decide(
            attempt(Action.REJECT, State.DECIDED, held=frozenset({held}), reason="账目不全")
        )
        assert result is State.REJECTED
    with pytest.raises(PermissionDenied):
        decide(
            attempt(
                Action.REJECT,
                State.DECIDED,
                held=frozenset({Permission.DRAFT_ITEMS}),
                reason="x",
            )
        )


def test_the_buttons_follow_the_procedure() -> None:
    assert available_actions(State.REVIEWED, ALL, False, procedure=V) == [
        Action.DECIDE,
        Action.REJECT,
    ]
    assert available_actions(State.DECIDED, ALL, False, procedure=V) == [
        Action.SEAL,
        Action.REJECT,
    ]
    assert available_actions(State.REVIEWED, ALL, False) == [Action.APPROVE, Action.REJECT]


# --- the joint meeting's record ---------------------------------------------------------------


def meeting(**kw: object) -> Meeting:
    values: dict[str, object] = {
        "held_on": TODAY,
        "present": 5,
        "members": 9,
        "resolution": "  同意公开第四季度财务收支  ",
    }
    values.update(kw)
    return Meeting(**values)  # type: ignore[arg-type]


def problem(record: Meeting, reviewed_on: dt.date | None = TODAY) -> dict[str, str]:
    with pytest.raises(RuleViolation) as refused:
        check_meeting(record, reviewed_on=reviewed_on, today=TODAY)
    assert refused.value.code == "meeting_invalid"
    details: dict[str, str] = refused.value.details
    return details


def test_a_quorate_meeting_is_kept_with_its_resolution_trimmed() -> None:
    kept = check_meeting(meeting(), reviewed_on=TODAY - dt.timedelta(days=2), today=TODAY)
    assert kept == Meeting(TODAY, 5, 9, "同意公开第四季度财务收支")
    assert Meeting.from_json(kept.json()) == kept


def test_more_than_half_of_the_members_must_attend() -> None:
    assert problem(meeting(present=4, members=9)) == {"present": "no_quorum"}
    assert problem(meeting(present=5, members=10)) == {"present": "no_quorum"}
    assert check_meeting(meeting(present=6, members=10), reviewed_on=None, today=TODAY)
    assert problem(meeting(present=10, members=9)) == {"present": "out_of_range"}


def test_the_meeting_date_between_the_review_and_today() -> None:
    assert problem(meeting(held_on=TODAY + dt.timedelta(days=1))) == {"held_on": "in_future"}
    assert problem(meeting(held_on=TODAY - dt.timedelta(days=1))) == {"held_on": "before_review"}
    # Without a review date (none recorded) only the future is refused.
    assert check_meeting(
        meeting(held_on=TODAY - dt.timedelta(days=30)), reviewed_on=None, today=TODAY
    )


def test_members_and_resolution_are_required() -> None:
    assert problem(meeting(members=2, present=2)) == {"members": "out_of_range"}
    assert problem(meeting(resolution="   ")) == {"resolution": "required"}
    assert problem(meeting(resolution="议" * 1001)) == {"resolution": "too_long"}


def test_the_seal_round_trips_in_utc() -> None:
    at = dt.datetime(2026, 11, 21, 17, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    seal = Seal(by="jiyi01_reviewer", name="刘志明（村务监督委员会主任）", at=at)
    assert seal.json()["at"] == "2026-11-21T09:30:00Z"
    assert Seal.from_json(seal.json()) == seal


# --- the path on the item's page ----------------------------------------------------------------


def facts(state: State, **kw: object) -> procedure.Facts:
    values: dict[str, object] = {"state": state, "needs_superior": False, "procedure": V}
    values.update(kw)
    return procedure.Facts(**values)  # type: ignore[arg-type]


def test_the_village_path_has_the_joint_meeting_and_the_seal() -> None:
    path = procedure.build(facts(State.REVIEWED), [])
    assert [s.step for s in path.steps] == [
        procedure.Step.DRAFT,
        procedure.Step.REVIEW,
        procedure.Step.DECIDE,
        procedure.Step.SEAL,
        procedure.Step.SUPERIOR,
        procedure.Step.PUBLISH,
    ]
    assert path.waiting is procedure.Step.DECIDE
    assert procedure.build(facts(State.DECIDED), []).waiting is procedure.Step.SEAL
    party = procedure.build(facts(State.REVIEWED, procedure=Procedure.PARTY), [])
    assert party.waiting is procedure.Step.APPROVE
    assert procedure.Step.SEAL not in [s.step for s in party.steps]


def test_a_village_revision_sent_back_after_the_decision_returns_at_the_seal() -> None:
    records = [
        procedure.Record("submit", "编辑", NOW),
        procedure.Record("review", "监委会", NOW),
        procedure.Record("decide", "书记", NOW),
        procedure.Record("reject", "监委会", NOW, "账目不全"),
    ]
    path = procedure.build(facts(State.REJECTED), records)
    assert path.returned is not None
    assert path.returned.step is procedure.Step.SEAL
    assert path.returned.reason == "账目不全"
