"""四议两公开 as pure rules: the order of the four stages, their dates, the meeting rules of
the law (quorum and majority per body), failed votes, and when the two disclosures may be
linked."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from signage_server.errors import Conflict
from signage_server.errors import RuleViolation
from signage_server.matters import rules
from signage_server.matters.rules import Body
from signage_server.matters.rules import Counting
from signage_server.matters.rules import Held
from signage_server.matters.rules import MatterState
from signage_server.matters.rules import Meeting
from signage_server.matters.rules import StageKind

TODAY = dt.date(2026, 11, 23)
DAY = dt.timedelta(days=1)

#: A valid meeting for each stage (all pass), a few days apart.
GOOD = {
    StageKind.PROPOSAL: Meeting(
        StageKind.PROPOSAL, TODAY - 30 * DAY, Body.BRANCH_COMMITTEE, 5, 5, 5, 0, 0
    ),
    StageKind.CONSULTATION: Meeting(
        StageKind.CONSULTATION, TODAY - 25 * DAY, Body.TWO_COMMITTEES, 9, 9, 8, 0, 1
    ),
    StageKind.DELIBERATION: Meeting(
        StageKind.DELIBERATION, TODAY - 20 * DAY, Body.PARTY_ASSEMBLY, 38, 45, 36, 1, 1
    ),
    StageKind.RESOLUTION: Meeting(
        StageKind.RESOLUTION, TODAY - 15 * DAY, Body.REPRESENTATIVES, 40, 52, 37, 2, 1
    ),
}


def held_until(kind: StageKind) -> list[Held]:
    """The stages before ``kind``, all passed."""
    return [Held(k, GOOD[k].held_on, True) for k in rules.ORDER[: kind.position]]


ALL = [*held_until(StageKind.RESOLUTION), Held(StageKind.RESOLUTION, TODAY - 15 * DAY, True)]


def meeting(kind: StageKind, **changes: object) -> Meeting:
    return replace(GOOD[kind], **changes)  # type: ignore[arg-type]


# --- order and dates ------------------------------------------------------------------------


def test_the_four_stages_are_recorded_in_order_and_pass() -> None:
    path: list[Held] = []
    for kind in rules.ORDER:
        assert rules.next_stage(path) is kind
        assert rules.check_meeting(GOOD[kind], path, TODAY) is True
        path.append(Held(kind, GOOD[kind].held_on, True))
    assert rules.next_stage(path) is None
    assert rules.complete(path)
    assert rules.state_of(path) is MatterState.RESOLVED


@pytest.mark.parametrize(
    "skipped_to", [StageKind.CONSULTATION, StageKind.DELIBERATION, StageKind.RESOLUTION]
)
def test_a_stage_cannot_be_skipped(skipped_to: StageKind) -> None:
    with pytest.raises(RuleViolation) as error:
        rules.check_meeting(GOOD[skipped_to], [], TODAY)
    assert error.value.code == "stage_order"


def test_a_stage_cannot_be_recorded_twice() -> None:
    with pytest.raises(RuleViolation) as error:
        rules.check_meeting(GOOD[StageKind.PROPOSAL], held_until(StageKind.CONSULTATION), TODAY)
    assert error.value.code == "stage_order"


def test_a_stage_is_not_dated_before_the_previous_one_but_may_be_the_same_day() -> None:
    path = held_until(StageKind.CONSULTATION)
    before = meeting(StageKind.CONSULTATION, held_on=path[-1].held_on - DAY)
    with pytest.raises(RuleViolation) as error:
        rules.check_meeting(before, path, TODAY)
    assert error.value.code == "date_order"
    same_day = meeting(StageKind.CONSULTATION, held_on=path[-1].held_on)
    assert rules.check_meeting(same_day, path, TODAY)


def test_a_meeting_not_yet_held_is_refused() -> None:
    with pytest.raises(RuleViolation) as error:
        rules.check_meeting(meeting(StageKind.PROPOSAL, held_on=TODAY + DAY), [], TODAY)
    assert error.value.code == "future_date"


def test_a_meeting_is_recorded_within_a_year() -> None:
    year_ago = TODAY - dt.timedelta(days=365)
    assert rules.check_meeting(meeting(StageKind.PROPOSAL, held_on=year_ago), [], TODAY)
    for long_ago in (year_ago - DAY, dt.date(1, 1, 1)):
        with pytest.raises(RuleViolation) as error:
            rules.check_meeting(meeting(StageKind.PROPOSAL, held_on=long_ago), [], TODAY)
        assert error.value.code == "too_old"


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        (StageKind.PROPOSAL, Body.PARTY_ASSEMBLY),
        (StageKind.CONSULTATION, Body.BRANCH_COMMITTEE),
        (StageKind.DELIBERATION, Body.REPRESENTATIVES),
        (StageKind.RESOLUTION, Body.PARTY_ASSEMBLY),
    ],
)
def test_each_stage_is_held_by_its_own_meeting(kind: StageKind, body: Body) -> None:
    with pytest.raises(RuleViolation) as error:
        rules.check_meeting(meeting(kind, body=body), held_until(kind), TODAY)
    assert error.value.code == "wrong_body"


@pytest.mark.parametrize(
    "changes",
    [
        {"present": 6, "expected": 5},
        {"votes_for": 4, "votes_against": 1, "abstained": 1, "present": 5},
        {"expected": 0, "present": 0, "votes_for": 0},
        {"votes_against": -1},
    ],
)
def test_numbers_that_do_not_add_up_are_refused(changes: dict[str, int]) -> None:
    with pytest.raises(RuleViolation) as error:
        rules.check_meeting(meeting(StageKind.PROPOSAL, **changes), [], TODAY)
    assert error.value.code == "bad_numbers"


# --- the meeting rules of the law ----------------------------------------------------------


def at_resolution(**changes: object) -> bool:
    return rules.check_meeting(
        meeting(StageKind.RESOLUTION, **changes), held_until(StageKind.RESOLUTION), TODAY
    )


def test_representatives_need_two_thirds_present_exactly_two_thirds_is_enough() -> None:
    # 组织法第二十六条: 三分之二以上的组成人员参加 ("以上" includes two thirds itself).
    assert at_resolution(expected=30, present=20, votes_for=11, votes_against=9, abstained=0)
    with pytest.raises(RuleViolation) as error:
        at_resolution(expected=30, present=19, votes_for=19, votes_against=0, abstained=0)
    assert error.value.code == "no_quorum"


def test_representatives_decide_by_more_than_half_of_those_present() -> None:
    # 所作决定应当经到会人员的过半数同意: half is not enough.
    assert not at_resolution(expected=30, present=24, votes_for=12, votes_against=10, abstained=2)
    assert at_resolution(expected=30, present=24, votes_for=13, votes_against=10, abstained=1)


def test_a_villagers_assembly_needs_more_than_half_of_the_adults() -> None:
    # 组织法第二十二条: 十八周岁以上村民的过半数.
    assembly = {"body": Body.VILLAGERS_ASSEMBLY, "counting": Counting.MEMBERS}
    with pytest.raises(RuleViolation) as error:
        at_resolution(
            **assembly, expected=800, present=400, votes_for=400, votes_against=0, abstained=0
        )
    assert error.value.code == "no_quorum"
    assert at_resolution(
        **assembly, expected=800, present=401, votes_for=201, votes_against=100, abstained=0
    )
    assert not at_resolution(
        **assembly, expected=800, present=401, votes_for=200, votes_against=100, abstained=0
    )


def test_a_villagers_assembly_may_count_two_thirds_of_the_households() -> None:
    # …或者本村三分之二以上的户的代表参加.
    households = {"body": Body.VILLAGERS_ASSEMBLY, "counting": Counting.HOUSEHOLDS}
    assert at_resolution(
        **households, expected=300, present=200, votes_for=150, votes_against=50, abstained=0
    )
    with pytest.raises(RuleViolation) as error:
        at_resolution(
            **households, expected=300, present=199, votes_for=199, votes_against=0, abstained=0
        )
    assert error.value.code == "no_quorum"


def test_only_a_villagers_assembly_counts_households() -> None:
    with pytest.raises(RuleViolation) as error:
        at_resolution(counting=Counting.HOUSEHOLDS)
    assert error.value.code == "bad_counting"


def at_assembly(**changes: object) -> bool:
    return rules.check_meeting(
        meeting(StageKind.DELIBERATION, **changes), held_until(StageKind.DELIBERATION), TODAY
    )


def test_the_party_assembly_needs_more_than_half_present() -> None:
    with pytest.raises(RuleViolation) as error:
        at_assembly(expected=40, present=20, votes_for=20, votes_against=0, abstained=0)
    assert error.value.code == "no_quorum"
    assert at_assembly(expected=40, present=21, votes_for=21, votes_against=0, abstained=0)


def test_the_party_assembly_passes_by_more_than_half_of_all_its_voting_members() -> None:
    # 支部工作条例: 赞成人数超过应到会有表决权的党员的半数 — a majority of those present is not
    # enough when it is not a majority of all.
    assert not at_assembly(expected=40, present=30, votes_for=20, votes_against=5, abstained=5)
    assert at_assembly(expected=40, present=30, votes_for=21, votes_against=5, abstained=4)


def test_the_quorum_table_covers_every_body() -> None:
    for kind, bodies in rules.BODIES.items():
        for body in bodies:
            assert (body, Counting.MEMBERS) in rules.QUORUMS, (kind, body)


# --- failed votes ---------------------------------------------------------------------------


def test_a_failed_vote_ends_the_matter() -> None:
    path = held_until(StageKind.DELIBERATION)
    failed = meeting(StageKind.DELIBERATION, votes_for=10, votes_against=26, abstained=2)
    assert rules.check_meeting(failed, path, TODAY) is False
    path.append(Held(StageKind.DELIBERATION, failed.held_on, False))
    assert rules.state_of(path) is MatterState.REJECTED
    assert rules.next_stage(path) is None
    with pytest.raises(Conflict) as error:
        rules.check_meeting(GOOD[StageKind.RESOLUTION], path, TODAY)
    assert error.value.code == "matter_closed"


def test_nothing_follows_the_fourth_stage() -> None:
    with pytest.raises(Conflict):
        rules.check_meeting(GOOD[StageKind.RESOLUTION], ALL, TODAY)


# --- the two disclosures ---------------------------------------------------------------------


@pytest.mark.parametrize("recorded", range(4))
def test_the_resolution_cannot_be_disclosed_with_a_stage_missing(recorded: int) -> None:
    path = ALL[:recorded]
    with pytest.raises(RuleViolation) as error:
        rules.check_decision_link(path, already_linked=False)
    assert error.value.code == "stages_missing"
    assert rules.state_of(path) is MatterState.DELIBERATING


def test_a_rejected_matter_has_no_resolution_to_disclose() -> None:
    path = [*ALL[:3], Held(StageKind.RESOLUTION, TODAY, False)]
    with pytest.raises(RuleViolation) as error:
        rules.check_decision_link(path, already_linked=False)
    assert error.value.code == "matter_rejected"


def test_the_resolution_is_disclosed_once_all_four_passed() -> None:
    rules.check_decision_link(ALL, already_linked=False)
    assert rules.state_of(ALL, decision_linked=True) is MatterState.DECISION_DISCLOSED
    with pytest.raises(Conflict):
        rules.check_decision_link(ALL, already_linked=True)


def test_the_result_follows_the_published_resolution() -> None:
    for linked, published in [(False, False), (True, False)]:
        with pytest.raises(RuleViolation) as error:
            rules.check_result_link(linked, published, already_linked=False)
        assert error.value.code == "decision_unpublished"
    rules.check_result_link(True, True, already_linked=False)
    assert (
        rules.state_of(ALL, decision_linked=True, result_linked=True)
        is MatterState.RESULT_DISCLOSED
    )
    with pytest.raises(Conflict):
        rules.check_result_link(True, True, already_linked=True)


def test_the_last_stage_is_withdrawn_only_before_the_disclosure_and_with_a_reason() -> None:
    rules.check_withdraw(ALL, decision_linked=False, reason="到会人数填错")
    assert rules.withdrawable(ALL, decision_linked=False)
    assert not rules.withdrawable([], decision_linked=False)
    assert not rules.withdrawable(ALL, decision_linked=True)
    with pytest.raises(Conflict) as error:
        rules.check_withdraw([], decision_linked=False, reason="填错")
    assert error.value.code == "no_stage"
    with pytest.raises(Conflict) as error:
        rules.check_withdraw(ALL, decision_linked=True, reason="填错")
    assert error.value.code == "disclosure_linked"
    with pytest.raises(RuleViolation) as error:
        rules.check_withdraw(ALL, decision_linked=False, reason="  ")
    assert error.value.code == "reason_required"
