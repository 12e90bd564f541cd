"""The voter list (选民名单, issue 13 part 3): published at least 20 calendar days before the
election day, protected until the election day is over."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from signage_server.disclosure import notices
from signage_server.disclosure.notices import NoticeFacts
from signage_server.disclosure.notices import NoticeKind
from signage_server.errors import RuleViolation
from signage_server.workdays.rules import WorkdayCalendar

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
CALENDAR = WorkdayCalendar()
ELECTION = dt.date(2026, 12, 20)


def local(y: int, m: int, d: int, h: int = 9) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=TZ)


def test_the_latest_day_is_twenty_calendar_days_before() -> None:
    # Calendar days: weekends and the holidays count.
    assert notices.latest_voter_list_day(ELECTION) == dt.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("start", "accepted"),
    [
        (local(2026, 11, 30, 23), True),  # 20 days before, late in the evening
        (local(2026, 11, 29), True),
        (local(2026, 12, 1, 0), False),  # 19 days before
        (local(2026, 12, 10), False),
    ],
)
def test_a_voter_list_is_published_twenty_days_before_the_election(
    start: dt.datetime, accepted: bool
) -> None:
    if accepted:
        notices.check_period(NoticeKind.VOTER_LIST, None, start, None, CALENDAR, TZ, ELECTION)
        return
    with pytest.raises(RuleViolation) as refused:
        notices.check_period(NoticeKind.VOTER_LIST, None, start, None, CALENDAR, TZ, ELECTION)
    assert refused.value.code == "voter_list_too_late"


def test_the_day_counts_in_local_time() -> None:
    # 2026-11-30 17:00 UTC is already 1 December in Beijing: too late.
    start = dt.datetime(2026, 11, 30, 17, tzinfo=dt.UTC)
    with pytest.raises(RuleViolation):
        notices.check_voter_list(ELECTION, start, None, TZ)


def test_a_voter_list_names_its_election_and_runs_until_it_is_over() -> None:
    with pytest.raises(RuleViolation) as refused:
        notices.check_voter_list(None, local(2026, 11, 1), None, TZ)
    assert refused.value.code == "voter_list_needs_election"
    with pytest.raises(RuleViolation) as early:
        notices.check_voter_list(ELECTION, local(2026, 11, 1), local(2026, 12, 20, 12), TZ)
    assert early.value.code == "voter_list_ends_early"
    notices.check_voter_list(ELECTION, local(2026, 11, 1), local(2026, 12, 21, 0), TZ)


def test_it_is_protected_until_the_end_of_the_election_day() -> None:
    facts = NoticeFacts(
        NoticeKind.VOTER_LIST, None, None, None, local(2026, 11, 25), election_on=ELECTION
    )
    until = notices.protected_until(facts, CALENDAR, TZ)
    assert until == local(2026, 12, 21, 0).astimezone(dt.UTC)
    assert notices.is_protected(until, local(2026, 12, 20, 23))
    assert not notices.is_protected(until, local(2026, 12, 21, 0))
    with pytest.raises(RuleViolation):
        notices.check_withdrawal(until, local(2026, 12, 1), superior=False)
    # Not published yet: nothing to protect.
    unpublished = NoticeFacts(NoticeKind.VOTER_LIST, None, None, None, None, ELECTION)
    assert notices.protected_until(unpublished, CALENDAR, TZ) is None
