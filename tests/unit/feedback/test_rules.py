"""The pure rules of feedback: routing, visibility, deadlines, input checks, receipts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signage_server.accounts.rules import Grant
from signage_server.accounts.rules import Role
from signage_server.errors import BadRequest
from signage_server.errors import Conflict
from signage_server.errors import RuleViolation
from signage_server.feedback import rules
from signage_server.feedback.rules import Action
from signage_server.feedback.rules import Capacity
from signage_server.feedback.rules import CaseFacts
from signage_server.feedback.rules import CaseState
from signage_server.feedback.rules import Decision
from signage_server.feedback.rules import Duty
from signage_server.feedback.rules import Kind
from signage_server.workdays.rules import WorkdayCalendar

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
COUNTY, TOWNSHIP, VILLAGE, OTHER_VILLAGE = "/1/", "/1/2/", "/1/2/3/", "/1/2/4/"
MONDAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=TZ)


# --- routing and visibility -------------------------------------------------------------


def test_reports_are_handled_by_the_parent_everything_else_at_the_org() -> None:
    assert rules.handling_path(Kind.REPORT, VILLAGE, TOWNSHIP) == TOWNSHIP
    for kind in (Kind.COMMENT, Kind.QUESTION, Kind.REQUEST):
        assert rules.handling_path(kind, VILLAGE, TOWNSHIP) == VILLAGE
    # The root has nobody above: its own discipline handles reports about it.
    assert rules.handling_path(Kind.REPORT, COUNTY, None) == COUNTY


@pytest.mark.parametrize(
    ("grant", "sees"),
    [
        (Grant(Role.DISCIPLINE, TOWNSHIP), True),
        (Grant(Role.DISCIPLINE, COUNTY), True),
        (Grant(Role.DISCIPLINE, VILLAGE), False),
        (Grant(Role.HANDLER, TOWNSHIP), False),
        (Grant(Role.HANDLER, VILLAGE), False),
        (Grant(Role.SUPERVISOR, COUNTY), False),
        (Grant(Role.ADMIN, COUNTY), False),
        (Grant(Role.DISCIPLINE, OTHER_VILLAGE), False),
    ],
)
def test_who_sees_a_report_about_a_village(grant: Grant, sees: bool) -> None:
    handling = rules.handling_path(Kind.REPORT, VILLAGE, TOWNSHIP)
    assert rules.can_see([grant], Kind.REPORT, handling) is sees
    assert rules.can_see_identity([grant], Kind.REPORT, handling) is sees


@pytest.mark.parametrize(
    ("grant", "sees"),
    [
        (Grant(Role.SUPERIOR, TOWNSHIP), True),
        (Grant(Role.SUPERIOR, COUNTY), True),
        (Grant(Role.SUPERIOR, VILLAGE), False),
        (Grant(Role.SUPERIOR, OTHER_VILLAGE), False),
    ],
)
def test_superiors_above_see_requests_only(grant: Grant, sees: bool) -> None:
    assert rules.can_see([grant], Kind.REQUEST, VILLAGE) is sees
    assert not rules.can_see_identity([grant], Kind.REQUEST, VILLAGE)
    for kind in (Kind.COMMENT, Kind.QUESTION):
        assert not rules.can_see([grant], kind, VILLAGE)


@pytest.mark.parametrize(
    ("grant", "sees", "identity"),
    [
        (Grant(Role.HANDLER, VILLAGE), True, True),
        (Grant(Role.HANDLER, TOWNSHIP), True, True),
        (Grant(Role.SUPERVISOR, VILLAGE), True, False),
        (Grant(Role.HANDLER, OTHER_VILLAGE), False, False),
        (Grant(Role.DISCIPLINE, TOWNSHIP), False, False),
        (Grant(Role.EDITOR, VILLAGE), False, False),
        (Grant(Role.APPROVER, VILLAGE), False, False),
    ],
)
def test_who_sees_a_question_about_a_village(grant: Grant, sees: bool, identity: bool) -> None:
    assert rules.can_see([grant], Kind.QUESTION, VILLAGE) is sees
    assert rules.can_see_identity([grant], Kind.QUESTION, VILLAGE) is identity


paths = st.lists(st.integers(1, 6), min_size=1, max_size=4).map(
    lambda ids: "/" + "".join(f"{i}/" for i in ids)
)


@given(
    reported=paths,
    grants=st.lists(st.builds(Grant, st.sampled_from(list(Role)), paths), max_size=6),
)
def test_nobody_in_the_reported_org_ever_sees_a_report(reported: str, grants: list[Grant]) -> None:
    """Whatever roles people hold inside the reported org's subtree, a report is hidden."""
    parent = reported[: reported.rstrip("/").rfind("/") + 1] or None
    if parent == "/":
        parent = None
    if parent is None:
        return  # the root has no org above; covered by the routing test
    inside = [g for g in grants if g.org_path.startswith(reported)]
    handling = rules.handling_path(Kind.REPORT, reported, parent)
    assert not rules.can_see(inside, Kind.REPORT, handling)
    assert not rules.can_see_identity(inside, Kind.REPORT, handling)


# --- deadlines --------------------------------------------------------------------------

CALENDAR = WorkdayCalendar()
DAYS = rules.DEFAULT_DAYS


def test_questions_have_ten_working_days() -> None:
    (deadline,) = rules.deadlines(CaseFacts(Kind.QUESTION, False, MONDAY), CALENDAR, TZ, DAYS)
    assert deadline.duty is Duty.ANSWER
    assert deadline.due == dt.date(2026, 12, 7)
    assert not deadline.overdue(dt.date(2026, 12, 7))
    assert deadline.overdue(dt.date(2026, 12, 8))


def test_requests_are_decided_in_three_working_days_or_ten_once_extended() -> None:
    (deadline,) = rules.deadlines(CaseFacts(Kind.REQUEST, False, MONDAY), CALENDAR, TZ, DAYS)
    assert (deadline.duty, deadline.due, deadline.working_days) == (
        Duty.DECIDE,
        dt.date(2026, 11, 26),  # Thursday: Tuesday, Wednesday, Thursday
        3,
    )
    assert deadline.overdue(dt.date(2026, 11, 27))
    extended = CaseFacts(Kind.REQUEST, False, MONDAY, extended_at=MONDAY + dt.timedelta(days=2))
    (deadline,) = rules.deadlines(extended, CALENDAR, TZ, DAYS)
    # Ten working days from the receipt, not from the extension.
    assert (deadline.due, deadline.working_days) == (dt.date(2026, 12, 7), 10)
    assert not deadline.overdue(dt.date(2026, 12, 7))


def test_a_request_is_extended_once_with_a_reason_and_only_while_undecided() -> None:
    def attempt(facts: CaseFacts, note: str = "材料需向镇财政所调取") -> rules.Outcome:
        return rules.decide(
            rules.Attempt(Action.EXTEND, facts, frozenset({Capacity.HANDLER}), note)
        )

    pending = CaseFacts(Kind.REQUEST, False, MONDAY, decision=Decision.PENDING)
    outcome = attempt(pending)
    assert outcome.state is CaseState.IN_PROGRESS and outcome.acknowledges
    with pytest.raises(BadRequest, match="more time"):
        attempt(pending, note="  ")
    with pytest.raises(Conflict, match="once"):
        attempt(dataclasses.replace(pending, extended_at=MONDAY))
    with pytest.raises(Conflict):
        attempt(dataclasses.replace(pending, decision=Decision.GRANTED))
    with pytest.raises(RuleViolation):
        attempt(CaseFacts(Kind.QUESTION, False, MONDAY))
    assert Action.EXTEND in rules.offered(pending, frozenset({Capacity.HANDLER}))
    assert Action.EXTEND not in rules.offered(
        dataclasses.replace(pending, extended_at=MONDAY), frozenset({Capacity.HANDLER})
    )


def test_the_extended_time_may_not_be_shorter() -> None:
    assert rules.parse_days("request=5,request_extended=12")["request_extended"] == 12
    with pytest.raises(ValueError, match="request_extended"):
        rules.parse_days("request=12")


def test_holidays_do_not_count() -> None:
    # Received on 2026-09-28 (Monday): National Day week (10-01..10-07 off, 09-20 and 10-10
    # worked) pushes ten working days to 2026-10-19.
    received = dt.datetime(2026, 9, 28, 10, 0, tzinfo=TZ)
    (deadline,) = rules.deadlines(CaseFacts(Kind.QUESTION, False, received), CALENDAR, TZ, DAYS)
    assert deadline.due == CALENDAR.add_working_days(dt.date(2026, 9, 28), 10)
    assert deadline.due > dt.date(2026, 10, 12)


def test_reports_acknowledge_when_real_name_and_reply_after_conclusion() -> None:
    anonymous = rules.deadlines(CaseFacts(Kind.REPORT, False, MONDAY), CALENDAR, TZ, DAYS)
    assert anonymous == []
    named = rules.deadlines(CaseFacts(Kind.REPORT, True, MONDAY), CALENDAR, TZ, DAYS)
    assert [d.duty for d in named] == [Duty.ACKNOWLEDGE]
    assert named[0].due == dt.date(2026, 12, 14)
    concluded = MONDAY + dt.timedelta(days=3)
    early_reply = MONDAY + dt.timedelta(days=1)
    after = rules.deadlines(
        CaseFacts(Kind.REPORT, True, MONDAY, MONDAY, concluded, answered_at=early_reply),
        CALENDAR,
        TZ,
        DAYS,
    )
    reply = next(d for d in after if d.duty is Duty.REPLY_AFTER_CONCLUSION)
    # A reply before the conclusion does not count as the reply after it.
    assert reply.met_at is None
    assert reply.due == CALENDAR.add_working_days(concluded.date(), 15)


def test_hidden_cases_have_no_deadlines() -> None:
    facts = CaseFacts(Kind.QUESTION, False, MONDAY, hidden=True)
    assert rules.deadlines(facts, CALENDAR, TZ, DAYS) == []


def test_unknown_years_are_estimated_not_refused() -> None:
    calendar = WorkdayCalendar(known=range(2004, 2027))
    received = dt.datetime(2026, 12, 28, 9, 0, tzinfo=TZ)
    (deadline,) = rules.deadlines(CaseFacts(Kind.QUESTION, False, received), calendar, TZ, DAYS)
    assert deadline.estimated
    assert deadline.due == dt.date(2027, 1, 11)


def test_late_and_configured_days() -> None:
    days = rules.parse_days("question=3")
    facts = CaseFacts(Kind.QUESTION, False, MONDAY, answered_at=MONDAY + dt.timedelta(days=7))
    (deadline,) = rules.deadlines(facts, CALENDAR, TZ, days)
    assert deadline.due == dt.date(2026, 11, 26)
    assert deadline.late(TZ) and not deadline.overdue(dt.date(2026, 12, 31))


@pytest.mark.parametrize("text", ["nope=3", "question=0", "question=x", "question"])
def test_bad_day_settings_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="feedback deadline"):
        rules.parse_days(text)


# --- input --------------------------------------------------------------------------------


def test_clean_text_keeps_lines_drops_controls() -> None:
    assert rules.clean_text("  第一行\r\n第二行\x00\x07 ") == "第一行\n第二行"


def test_receipts_are_random_and_readable() -> None:
    receipts = {rules.new_receipt() for _ in range(2000)}
    assert len(receipts) == 2000
    for receipt in list(receipts)[:50]:
        assert len(receipt) == 11 and receipt[5] == "-"
        assert not set(receipt) & set("01ILO")
        assert rules.normalise_receipt(receipt.lower().replace("-", " ")) == receipt
    assert rules.normalise_receipt("ABCDE-FGHJ") is None
    assert rules.normalise_receipt("ABCDE-FGHJ0") is None


def test_the_roles_that_meet_feedback_at_all() -> None:
    assert {
        Role.HANDLER,
        Role.SUPERVISOR,
        Role.DISCIPLINE,
        Role.SUPERIOR,
        Role.REVIEWER,
    } == rules.SEEING_ROLES
    assert rules.roles_handling(Kind.REPORT) == {Role.DISCIPLINE}
    for kind in (Kind.COMMENT, Kind.QUESTION, Kind.REQUEST):
        assert rules.roles_handling(kind) == {Role.HANDLER}
