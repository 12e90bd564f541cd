"""Routing as the rules say (issue 13, part 4) and the voter list's feedback (part 3): the
routing table, who sees and who answers, deadlines in working days (with the official
calendar) and in calendar days, transfers and objections in the workflow table."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo

import pytest

from signage_server.accounts.rules import Grant
from signage_server.accounts.rules import Role
from signage_server.errors import Conflict
from signage_server.errors import PermissionDenied
from signage_server.errors import RuleViolation
from signage_server.feedback import rules
from signage_server.feedback.rules import Action
from signage_server.feedback.rules import Capacity
from signage_server.feedback.rules import CaseFacts
from signage_server.feedback.rules import CaseState
from signage_server.feedback.rules import Duty
from signage_server.feedback.rules import Kind
from signage_server.workdays.rules import WorkdayCalendar

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
COUNTY, TOWNSHIP, VILLAGE, OTHER_VILLAGE = "/1/", "/1/2/", "/1/2/3/", "/1/2/4/"
MONDAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
CALENDAR = WorkdayCalendar()
DAYS = rules.DEFAULT_DAYS


# --- the routing table --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "village", "affairs", "routed"),
    [
        (Kind.QUESTION, True, True, Kind.AFFAIRS_QUESTION),
        (Kind.QUESTION, True, False, Kind.QUESTION),
        (Kind.QUESTION, False, True, Kind.QUESTION),  # a township's village-affairs item
        (Kind.COMMENT, True, True, Kind.COMMENT),
        (Kind.COMPLAINT, True, True, Kind.COMPLAINT),
        (Kind.REPORT, True, True, Kind.REPORT),
    ],
)
def test_questions_on_village_affairs_go_to_the_supervision_committee(
    kind: Kind, village: bool, affairs: bool, routed: Kind
) -> None:
    assert rules.routed_kind(kind, village=village, village_affairs=affairs) is routed


def test_complaints_and_reports_are_handled_above_the_rest_at_the_org() -> None:
    assert rules.handling_path(Kind.COMPLAINT, VILLAGE, TOWNSHIP) == TOWNSHIP
    assert rules.handling_path(Kind.REPORT, VILLAGE, TOWNSHIP) == TOWNSHIP
    for kind in (Kind.AFFAIRS_QUESTION, Kind.OBJECTION, Kind.QUESTION):
        assert rules.handling_path(kind, VILLAGE, TOWNSHIP) == VILLAGE


@pytest.mark.parametrize(
    ("grant", "sees", "answers"),
    [
        (Grant(Role.REVIEWER, VILLAGE), True, True),  # 村务监督委员会
        (Grant(Role.HANDLER, VILLAGE), True, False),  # reads, does not answer
        (Grant(Role.SUPERVISOR, TOWNSHIP), True, False),
        (Grant(Role.REVIEWER, TOWNSHIP), False, False),  # not the village's committee
        (Grant(Role.REVIEWER, OTHER_VILLAGE), False, False),
        (Grant(Role.DISCIPLINE, TOWNSHIP), False, False),
        (Grant(Role.APPROVER, VILLAGE), False, False),
    ],
)
def test_who_sees_and_answers_a_question_on_village_affairs(
    grant: Grant, sees: bool, answers: bool
) -> None:
    assert rules.can_see([grant], Kind.AFFAIRS_QUESTION, VILLAGE) is sees
    assert rules.can_handle([grant], Kind.AFFAIRS_QUESTION, VILLAGE) is answers
    assert rules.can_see_identity([grant], Kind.AFFAIRS_QUESTION, VILLAGE) is answers


@pytest.mark.parametrize(
    ("grant", "sees", "answers"),
    [
        (Grant(Role.HANDLER, TOWNSHIP), True, True),
        (Grant(Role.HANDLER, COUNTY), True, True),
        (Grant(Role.SUPERVISOR, TOWNSHIP), True, False),
        (Grant(Role.HANDLER, VILLAGE), False, False),  # the village committee itself
        (Grant(Role.SUPERVISOR, VILLAGE), False, False),
        (Grant(Role.REVIEWER, VILLAGE), False, False),
        (Grant(Role.DISCIPLINE, TOWNSHIP), False, False),
    ],
)
def test_who_sees_a_complaint_about_a_village(grant: Grant, sees: bool, answers: bool) -> None:
    handling = rules.handling_path(Kind.COMPLAINT, VILLAGE, TOWNSHIP)
    assert rules.can_see([grant], Kind.COMPLAINT, handling) is sees
    assert rules.can_handle([grant], Kind.COMPLAINT, handling) is answers


def test_the_form_offers_an_objection_on_a_voter_list_only() -> None:
    assert Kind.OBJECTION not in rules.form_kinds(False)
    assert Kind.OBJECTION in rules.form_kinds(True)
    assert Kind.COMPLAINT in rules.form_kinds(False)
    assert Kind.AFFAIRS_QUESTION not in rules.SUBMITTED_KINDS


# --- deadlines ----------------------------------------------------------------------------


def test_village_affairs_questions_have_ten_working_days_over_national_day() -> None:
    received = dt.datetime(2026, 9, 28, 10, 0, tzinfo=TZ)
    facts = CaseFacts(Kind.AFFAIRS_QUESTION, False, received)
    (deadline,) = rules.deadlines(facts, CALENDAR, TZ, DAYS)
    assert (deadline.duty, deadline.working_days) == (Duty.ANSWER, 10)
    # 10-01..10-07 off, Saturday 10-10 worked (调休).
    assert deadline.due == CALENDAR.add_working_days(dt.date(2026, 9, 28), 10)
    assert deadline.due > dt.date(2026, 10, 12)


def test_voter_list_objections_are_answered_within_three_calendar_days() -> None:
    saturday = dt.datetime(2026, 11, 28, 9, 0, tzinfo=TZ)
    (deadline,) = rules.deadlines(CaseFacts(Kind.OBJECTION, False, saturday), CALENDAR, TZ, DAYS)
    # Weekends count: Saturday's objection is due on Tuesday.
    assert deadline.due == dt.date(2026, 12, 1)
    assert deadline.overdue(dt.date(2026, 12, 2)) and not deadline.overdue(dt.date(2026, 12, 1))
    last = rules.last_start_overdue_for(CALENDAR, dt.date(2026, 12, 2), "voter_objection", DAYS)
    assert last == dt.date(2026, 11, 28)


def test_the_objection_window_is_five_calendar_days_after_publication() -> None:
    published = dt.date(2026, 11, 23)
    rules.check_objection_window(published, dt.date(2026, 11, 28), DAYS)
    with pytest.raises(RuleViolation) as refused:
        rules.check_objection_window(published, dt.date(2026, 11, 29), DAYS)
    assert refused.value.code == "objection_window_closed"


def test_a_transfer_is_made_within_five_working_days() -> None:
    # Received Friday 2026-09-25: the National Day holiday stretches the five working days.
    received = dt.date(2026, 9, 25)
    last = CALENDAR.add_working_days(received, 5)
    assert last > dt.date(2026, 10, 2)
    rules.check_transfer_in_time(received, last, CALENDAR, DAYS)
    with pytest.raises(RuleViolation) as refused:
        rules.check_transfer_in_time(received, last + dt.timedelta(days=1), CALENDAR, DAYS)
    assert refused.value.code == "transfer_too_late"


@pytest.mark.parametrize(
    ("target", "code"),
    [
        (TOWNSHIP, "transfer_same"),
        (VILLAGE, "transfer_to_concerned"),
        ("/1/2/3/9/", "transfer_to_concerned"),
    ],
)
def test_a_case_is_never_transferred_to_the_org_it_is_about(target: str, code: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        rules.check_transfer_target(VILLAGE, TOWNSHIP, target)
    assert refused.value.code == code
    rules.check_transfer_target(VILLAGE, TOWNSHIP, COUNTY)
    rules.check_transfer_target(VILLAGE, TOWNSHIP, OTHER_VILLAGE)


# --- the workflow: transfers and objections ---------------------------------------------

ANSWERED = CaseFacts(
    Kind.REPORT,
    True,
    MONDAY,
    acknowledged_at=MONDAY,
    concluded_at=MONDAY,
    answered_at=MONDAY + dt.timedelta(days=2),
    state=CaseState.ANSWERED,
    replied=True,
)
SUBMITTER = frozenset({Capacity.SUBMITTER})


def test_a_real_name_reporter_objects_once_and_the_case_is_reviewed() -> None:
    outcome = rules.decide(rules.Attempt(Action.OBJECT, ANSWERED, SUBMITTER, "处理不公"))
    # Reviewed again: in progress even though a reply was published.
    assert outcome.state is CaseState.IN_PROGRESS
    objected = dataclasses.replace(
        ANSWERED, state=outcome.state, objected_at=MONDAY + dt.timedelta(days=3)
    )
    with pytest.raises(Conflict):
        rules.decide(rules.Attempt(Action.OBJECT, objected, SUBMITTER, "再次异议"))
    # Its own deadline, met by an answer after the objection only.
    review = next(
        d for d in rules.deadlines(objected, CALENDAR, TZ, DAYS) if d.duty is Duty.REVIEW_OBJECTION
    )
    assert review.met_at is None
    assert review.due == CALENDAR.add_working_days(dt.date(2026, 11, 26), 15)
    # It is not closed before the objection is answered.
    with pytest.raises(RuleViolation) as refused:
        rules.decide(rules.Attempt(Action.CLOSE, objected, frozenset({Capacity.HANDLER})))
    assert refused.value.code == "objection_answer_required"
    answered = dataclasses.replace(objected, answered_at=MONDAY + dt.timedelta(days=5))
    rules.decide(rules.Attempt(Action.CLOSE, answered, frozenset({Capacity.HANDLER})))


@pytest.mark.parametrize(
    ("facts", "error"),
    [
        (dataclasses.replace(ANSWERED, real_name=False), RuleViolation),
        (dataclasses.replace(ANSWERED, kind=Kind.COMPLAINT), RuleViolation),
        (dataclasses.replace(ANSWERED, state=CaseState.IN_PROGRESS, replied=False), Conflict),
    ],
)
def test_only_real_name_reports_with_an_answer_take_objections(
    facts: CaseFacts, error: type[Exception]
) -> None:
    with pytest.raises(error):
        rules.decide(rules.Attempt(Action.OBJECT, facts, SUBMITTER, "不服"))


def test_handlers_do_not_object_and_reporters_do_not_transfer() -> None:
    with pytest.raises(PermissionDenied):
        rules.decide(rules.Attempt(Action.OBJECT, ANSWERED, frozenset({Capacity.HANDLER}), "x"))
    with pytest.raises(PermissionDenied):
        rules.decide(rules.Attempt(Action.TRANSFER, ANSWERED, SUBMITTER))


def test_only_reports_and_complaints_are_transferred() -> None:
    handler = frozenset({Capacity.HANDLER})
    for kind in (Kind.REPORT, Kind.COMPLAINT):
        facts = CaseFacts(kind, False, MONDAY)
        assert Action.TRANSFER in rules.offered(facts, handler)
    question = CaseFacts(Kind.QUESTION, False, MONDAY)
    assert Action.TRANSFER not in rules.offered(question, handler)
    with pytest.raises(RuleViolation):
        rules.decide(rules.Attempt(Action.TRANSFER, question, handler))
