"""The pure rules of supervision: the finding workflow, deadlines, meetings, accountability."""

from __future__ import annotations

import datetime as dt

import pytest

from signage_server.accounts.rules import Grant
from signage_server.accounts.rules import Role
from signage_server.errors import Conflict
from signage_server.errors import PermissionDenied
from signage_server.errors import RuleViolation
from signage_server.supervision import rules
from signage_server.supervision.rules import Capacity
from signage_server.supervision.rules import FindingAction as A
from signage_server.supervision.rules import FindingState as S
from signage_server.supervision.rules import MeetingKind
from signage_server.supervision.rules import MeetingStatus
from signage_server.workdays.rules import WorkdayCalendar

OWNER = {Capacity.OWNER}
SUPERVISOR = {Capacity.SUPERVISOR}
CAL = WorkdayCalendar()

# --- the workflow ----------------------------------------------------------------------------


def test_the_owner_rectifies_and_a_supervisor_accepts() -> None:
    state = rules.transition(S.OPEN, A.RECTIFY, OWNER, "村务公开栏已补公开三季度财务")
    assert state is S.RECTIFIED
    assert rules.transition(state, A.ACCEPT, SUPERVISOR) is S.CLOSED


def test_a_supervisor_sends_it_back_with_a_reason() -> None:
    assert rules.transition(S.RECTIFIED, A.REOPEN, SUPERVISOR, "附件仍不完整") is S.OPEN
    with pytest.raises(RuleViolation) as refused:
        rules.transition(S.RECTIFIED, A.REOPEN, SUPERVISOR, "  ")
    assert refused.value.code == "reason_required"


def test_a_rectification_needs_a_note() -> None:
    with pytest.raises(RuleViolation) as refused:
        rules.transition(S.OPEN, A.RECTIFY, OWNER, "ok")
    assert refused.value.code == "rectification_required"


@pytest.mark.parametrize(
    ("state", "action", "held"),
    [
        (S.OPEN, A.ACCEPT, SUPERVISOR),
        (S.CLOSED, A.REOPEN, SUPERVISOR),
        (S.CLOSED, A.RECTIFY, OWNER),
        (S.RECTIFIED, A.RECTIFY, OWNER),
    ],
)
def test_actions_out_of_their_state_conflict(state: S, action: A, held: set[Capacity]) -> None:
    with pytest.raises(Conflict):
        rules.transition(state, action, held, "enough text")


def test_only_the_owner_rectifies_and_only_a_supervisor_accepts() -> None:
    with pytest.raises(PermissionDenied):
        rules.transition(S.OPEN, A.RECTIFY, SUPERVISOR, "enough text")
    with pytest.raises(PermissionDenied):
        rules.transition(S.RECTIFIED, A.ACCEPT, OWNER)
    with pytest.raises(PermissionDenied):
        rules.transition(S.RECTIFIED, A.REOPEN, set(), "enough text")


def test_the_actions_offered_follow_the_table() -> None:
    assert rules.actions_for(S.OPEN, OWNER) == [A.RECTIFY]
    assert rules.actions_for(S.OPEN, SUPERVISOR) == []
    assert rules.actions_for(S.RECTIFIED, SUPERVISOR) == [A.ACCEPT, A.REOPEN]
    assert rules.actions_for(S.CLOSED, OWNER | SUPERVISOR) == []
    # Every transition of the table has a guard.
    assert {action for _state, action in rules.WORKFLOW} <= set(rules.GUARDS)


# --- deadlines ---------------------------------------------------------------------------------


def test_the_default_deadline_is_twenty_working_days() -> None:
    # Monday 23 November 2026 + 20 working days: Monday 21 December.
    monday = dt.date(2026, 11, 23)
    assert rules.default_deadline(CAL, monday) == dt.date(2026, 12, 21)


def test_the_default_deadline_skips_the_national_day_holiday() -> None:
    # 30 September 2026: the National Day holiday follows, so twenty working days end
    # later than four weeks on.
    start = dt.date(2026, 9, 30)
    deadline = rules.default_deadline(CAL, start)
    assert CAL.working_days(start + dt.timedelta(days=1), deadline) == 20
    assert deadline > start + dt.timedelta(days=28)


def test_without_a_calendar_the_default_deadline_is_four_weeks() -> None:
    unknown = WorkdayCalendar(known=range(2000, 2001))
    assert rules.default_deadline(unknown, dt.date(2030, 3, 1)) == dt.date(2030, 3, 29)


def test_overdue_means_open_after_the_deadline() -> None:
    deadline = dt.date(2026, 11, 20)
    assert not rules.is_overdue(S.OPEN, deadline, deadline)
    assert rules.is_overdue(S.OPEN, deadline, deadline + dt.timedelta(days=1))
    # Rectified (awaiting acceptance) or closed: not overdue.
    assert not rules.is_overdue(S.RECTIFIED, deadline, deadline + dt.timedelta(days=30))
    assert not rules.is_overdue(S.CLOSED, deadline, deadline + dt.timedelta(days=30))


def test_due_soon_within_five_working_days() -> None:
    monday = dt.date(2026, 11, 23)
    assert rules.is_due_soon(S.OPEN, dt.date(2026, 11, 27), monday, CAL)  # Friday: 5 days
    assert not rules.is_due_soon(S.OPEN, dt.date(2026, 11, 30), monday, CAL)  # 6 days
    assert not rules.is_due_soon(S.OPEN, dt.date(2026, 11, 20), monday, CAL)  # overdue
    assert not rules.is_due_soon(S.RECTIFIED, dt.date(2026, 11, 24), monday, CAL)


def test_a_deadline_cannot_be_in_the_past() -> None:
    with pytest.raises(RuleViolation):
        rules.check_deadline(dt.date(2026, 11, 22), dt.date(2026, 11, 23))
    rules.check_deadline(dt.date(2026, 11, 23), dt.date(2026, 11, 23))


# --- the checklist ----------------------------------------------------------------------------


def test_the_checklist_has_the_six_points_in_order() -> None:
    stored = rules.checklist({"procedure": ("finding", " 未经审核即公开 ")})
    assert list(stored) == [p.value for p in rules.Point]
    assert stored["procedure"] == {"result": "finding", "note": "未经审核即公开"}
    assert stored["content"] == {"result": "ok", "note": ""}
    with pytest.raises(RuleViolation):
        rules.checklist({"content": ("maybe", "")})


# --- meetings ----------------------------------------------------------------------------------


def test_periods_of_months_and_quarters() -> None:
    day = dt.date(2026, 11, 23)
    assert rules.period_of(MeetingKind.MONTHLY, day) == rules.Period(
        dt.date(2026, 11, 1), dt.date(2026, 11, 30)
    )
    assert rules.period_of(MeetingKind.FORUM, day) == rules.Period(
        dt.date(2026, 10, 1), dt.date(2026, 12, 31)
    )
    assert rules.previous_period(MeetingKind.MONTHLY, dt.date(2026, 1, 5)) == rules.Period(
        dt.date(2025, 12, 1), dt.date(2025, 12, 31)
    )
    assert rules.period_of(MeetingKind.MONTHLY, dt.date(2026, 12, 31)).last == dt.date(2026, 12, 31)


def test_a_meeting_is_held_due_or_missing() -> None:
    november = rules.period_of(MeetingKind.MONTHLY, dt.date(2026, 11, 1))
    today = dt.date(2026, 11, 23)
    assert rules.meeting_status(MeetingKind.MONTHLY, november, [], today) is MeetingStatus.DUE
    assert (
        rules.meeting_status(MeetingKind.MONTHLY, november, [dt.date(2026, 11, 5)], today)
        is MeetingStatus.HELD
    )
    assert (
        rules.meeting_status(MeetingKind.MONTHLY, november, [dt.date(2026, 10, 30)], today)
        is MeetingStatus.DUE
    )
    assert (
        rules.meeting_status(MeetingKind.MONTHLY, november, [], dt.date(2026, 12, 1))
        is MeetingStatus.MISSING
    )


def test_the_gaps_of_an_organisation() -> None:
    today = dt.date(2026, 11, 23)
    held = [
        (MeetingKind.MONTHLY, dt.date(2026, 10, 12)),  # last month: held
        (MeetingKind.FORUM, dt.date(2026, 10, 12)),  # this quarter: held
    ]
    gaps = {(g.kind, g.status) for g in rules.meeting_gaps(held, today)}
    assert gaps == {
        (MeetingKind.MONTHLY, MeetingStatus.DUE),  # none yet in November
        (MeetingKind.FORUM, MeetingStatus.MISSING),  # none in the third quarter
    }
    assert (
        rules.meeting_gaps(
            [*held, (MeetingKind.MONTHLY, today), (MeetingKind.FORUM, dt.date(2026, 8, 1))], today
        )
        == []
    )


# --- accountability ----------------------------------------------------------------------------

COUNTY = "/1/"
TOWNSHIP = "/1/2/"
VILLAGE = "/1/2/3/"
OTHER_TOWNSHIP = "/1/9/"


@pytest.mark.parametrize(
    ("grant", "sees"),
    [
        (Grant(Role.DISCIPLINE, TOWNSHIP), True),
        (Grant(Role.SUPERIOR, TOWNSHIP), True),
        (Grant(Role.DISCIPLINE, COUNTY), True),
        (Grant(Role.SUPERIOR, COUNTY), True),
        # Nobody of the village itself, whatever their role there.
        *((Grant(role, VILLAGE), False) for role in Role),
        # Nor the township's other roles, nor another township's discipline.
        (Grant(Role.SUPERVISOR, TOWNSHIP), False),
        (Grant(Role.APPROVER, TOWNSHIP), False),
        (Grant(Role.ADMIN, TOWNSHIP), False),
        (Grant(Role.DISCIPLINE, OTHER_TOWNSHIP), False),
    ],
)
def test_who_sees_accountability_records(grant: Grant, sees: bool) -> None:
    assert rules.may_see_accountability([grant], VILLAGE) is sees


def test_only_a_superior_above_opens_them() -> None:
    assert rules.may_open_accountability([Grant(Role.SUPERIOR, TOWNSHIP)], VILLAGE)
    assert not rules.may_open_accountability([Grant(Role.DISCIPLINE, TOWNSHIP)], VILLAGE)
    assert not rules.may_open_accountability([Grant(Role.SUPERIOR, VILLAGE)], VILLAGE)
    # A township's own records are kept by the county.
    assert not rules.may_open_accountability([Grant(Role.SUPERIOR, TOWNSHIP)], TOWNSHIP)


def test_an_accountability_record_names_someone_and_states_facts() -> None:
    with pytest.raises(RuleViolation):
        rules.check_accountability("", "应公开的三季度财务未公开")
    with pytest.raises(RuleViolation):
        rules.check_accountability("王某（村党支部书记）", "")
    rules.check_accountability("王某（村党支部书记）", "应公开的三季度财务未公开")


def test_parse_ids() -> None:
    assert rules.parse_ids("") == []
    assert rules.parse_ids("3, 5、#7，3 9") == [3, 5, 7, 9]
    with pytest.raises(RuleViolation):
        rules.parse_ids("3, x")
