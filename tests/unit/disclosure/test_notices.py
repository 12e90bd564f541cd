"""The one notice rule (DESIGN.md §2 "Public notice"): minimum, period, protection, the
period as shown; and separation of duties. Pure."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from signage_server.disclosure import notices
from signage_server.disclosure.notices import NoticeKind
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import separation_conflict
from signage_server.disclosure.windows import Window
from signage_server.errors import RuleViolation
from signage_server.workdays.rules import WorkdayCalendar

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
CAL = WorkdayCalendar()


def local(y: int, m: int, d: int, h: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=TZ)


def facts(**overrides: object) -> notices.NoticeFacts:
    values: dict[str, object] = {
        "kind": NoticeKind.PRE_APPOINTMENT,
        "min_days": 5,
        "valid_from": local(2026, 11, 23, 9),
        "valid_until": local(2026, 12, 12),
        "published_at": local(2026, 11, 23, 9),
    }
    values.update(overrides)
    return notices.NoticeFacts(**values)  # type: ignore[arg-type]


def test_counts_from_publication_when_published_late() -> None:
    late = facts(published_at=local(2026, 11, 25, 15))
    assert notices.went_public(late) == local(2026, 11, 25, 15)
    # Wed 25, Thu 26, Fri 27, Mon 30, Tue 1 December: ends at the start of Wednesday 2.
    assert notices.protected_until(late, CAL, TZ) == local(2026, 12, 2)


def test_counts_from_valid_from_when_it_is_later() -> None:
    scheduled = facts(published_at=local(2026, 11, 20, 9), valid_from=local(2026, 11, 23, 9))
    assert notices.protected_until(scheduled, CAL, TZ) == local(2026, 11, 28)


def test_national_day_holidays_do_not_count() -> None:
    # Published Monday 29 September 2025: Mon 29, Tue 30, then 1-8 October off, Thu 9, Fri 10,
    # and Saturday 11 October is an adjusted working day (调休).
    autumn = facts(published_at=local(2025, 9, 29, 9), valid_from=None)
    assert notices.protected_until(autumn, CAL, TZ) == local(2025, 10, 12)


def test_not_a_notice_or_not_published() -> None:
    assert notices.protected_until(facts(kind=None), CAL, TZ) is None
    assert notices.protected_until(facts(published_at=None), CAL, TZ) is None


def test_unknown_calendar_protects_until_the_end() -> None:
    far = facts(published_at=local(2031, 3, 3, 9), valid_from=None, valid_until=local(2031, 4, 1))
    assert notices.protected_until(far, CAL, TZ) == local(2031, 4, 1)


def test_protection_is_kept_to_the_moment() -> None:
    until = local(2026, 11, 28)
    assert notices.is_protected(until, local(2026, 11, 27, 23)) is True
    assert notices.is_protected(until, until) is False
    assert notices.is_protected(None, until) is False


def test_protection_ending_on_a_non_working_day_runs_to_the_next_working_days_end() -> None:
    # Published on Thursday 1 October 2026, in the National Day holiday (1-7 October): the
    # period counts from the first working day after it, Thursday 8 October (Saturday 10
    # October is an adjusted working day): 8, 9, 10, 12, 13 -> ends Wednesday 14 at midnight.
    holiday = facts(published_at=local(2026, 10, 1, 10), valid_from=None)
    assert notices.protected_until(holiday, CAL, TZ) == local(2026, 10, 14)


def test_protection_ends_at_midnight_shanghai_not_utc() -> None:
    # Published at 23:30 on Monday 23 November in Shanghai (15:30 UTC): Monday counts.
    late = facts(published_at=dt.datetime(2026, 11, 23, 15, 30, tzinfo=dt.UTC), valid_from=None)
    until = notices.protected_until(late, CAL, TZ)
    assert until == local(2026, 11, 28)
    assert until == dt.datetime(2026, 11, 27, 16, 0, tzinfo=dt.UTC)
    # The same moment counted in UTC would start on Monday too but end at UTC midnight.
    assert notices.protected_until(late, CAL, dt.UTC) == dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
    # Just after midnight in Shanghai (still Monday in UTC) the day is Tuesday.
    tuesday = facts(published_at=dt.datetime(2026, 11, 23, 16, 30, tzinfo=dt.UTC), valid_from=None)
    assert notices.protected_until(tuesday, CAL, TZ) == local(2026, 12, 1)


def test_the_minimum_has_one_default_for_each_kind() -> None:
    assert notices.minimum_days(NoticeKind.PRE_APPOINTMENT, None) == 5
    assert notices.minimum_days(NoticeKind.GENERAL, None) == 5
    assert notices.minimum_days(NoticeKind.GENERAL, 3) == 3
    general = facts(kind=NoticeKind.GENERAL, min_days=None, valid_from=None)
    assert notices.protected_until(general, CAL, TZ) == local(2026, 11, 28)
    three = facts(kind=NoticeKind.GENERAL, min_days=3, valid_from=None)
    assert notices.protected_until(three, CAL, TZ) == local(2026, 11, 26)


def test_checked_minimums() -> None:
    assert notices.checked_minimum(NoticeKind.PRE_APPOINTMENT, None) == 5
    assert notices.checked_minimum(NoticeKind.PRE_APPOINTMENT, 7) == 7
    with pytest.raises(RuleViolation) as info:
        notices.checked_minimum(NoticeKind.PRE_APPOINTMENT, 4)
    assert info.value.code == "notice_too_short"
    assert notices.checked_minimum(NoticeKind.GENERAL, 3) == 3
    with pytest.raises(RuleViolation) as info:
        notices.checked_minimum(NoticeKind.GENERAL, 0)
    assert info.value.code == "notice_too_short"
    assert notices.checked_minimum(NoticeKind.GENERAL, 60) == 60
    with pytest.raises(RuleViolation) as info:
        notices.checked_minimum(NoticeKind.GENERAL, 61)
    assert info.value.code == "notice_too_long"


def test_working_days_are_counted_by_local_day() -> None:
    start = dt.datetime(2025, 9, 28, 16, 30, tzinfo=dt.UTC)  # 29 Sep 00:30 in Shanghai
    end = dt.datetime(2025, 10, 2, 16, 0, tzinfo=dt.UTC)  # 3 Oct 00:00 in Shanghai
    # Monday 29 and Tuesday 30 September; 1-2 October are the National Day holiday.
    assert notices.working_days(CAL, TZ, start, end) == 2
    # In UTC the same window starts on Sunday 28, an adjusted working day (调休).
    assert notices.working_days(CAL, dt.UTC, start, end) == 3


def test_the_period_must_hold_the_minimum() -> None:
    start, end = local(2026, 11, 23, 9), local(2026, 11, 28)
    assert notices.check_period(NoticeKind.PRE_APPOINTMENT, None, start, end, CAL, TZ) == 5
    with pytest.raises(RuleViolation) as info:
        notices.check_period(NoticeKind.PRE_APPOINTMENT, None, start, local(2026, 11, 27), CAL, TZ)
    assert (info.value.code, info.value.params) == ("notice_too_short", {"found": 4, "days": 5})
    with pytest.raises(RuleViolation) as info:
        notices.check_period(NoticeKind.PRE_APPOINTMENT, None, start, None, CAL, TZ)
    assert info.value.code == "notice_needs_window"
    with pytest.raises(RuleViolation) as info:
        notices.check_period(NoticeKind.GENERAL, 3, local(2031, 3, 3), local(2031, 3, 10), CAL, TZ)
    assert (info.value.code, info.value.params) == ("calendar_unknown", {"year": 2031})


def test_publication_counts_from_now_when_valid_from_has_passed() -> None:
    now = local(2026, 11, 25, 9)
    assert notices.publication_start(local(2026, 11, 23, 9), now) == now
    assert notices.publication_start(local(2026, 11, 30, 9), now) == local(2026, 11, 30, 9)
    assert notices.publication_start(None, now) == now


def test_withdrawal_and_replacement_during_the_protection() -> None:
    until, now = local(2026, 11, 28), local(2026, 11, 26, 10)
    notices.check_withdrawal(until, now, superior=True)
    notices.check_withdrawal(until, until, superior=False)
    with pytest.raises(RuleViolation) as info:
        notices.check_withdrawal(until, now, superior=False)
    assert info.value.code == "notice_running"
    notices.check_replacement(until, now, superior=True, reason="上级决定")
    notices.check_replacement(None, now, superior=False, reason="")
    with pytest.raises(RuleViolation) as info:
        notices.check_replacement(until, now, superior=False, reason="上级决定")
    assert info.value.code == "notice_running"
    with pytest.raises(RuleViolation) as info:
        notices.check_replacement(until, now, superior=True, reason=" ")
    assert info.value.code == "reason_required"


def test_the_period_as_shown_never_ends_before_the_protection() -> None:
    # Valid until noon on Friday 27: protected until Saturday 28 at midnight.
    noon = facts(valid_until=local(2026, 11, 27, 12))
    assert notices.period(noon, CAL, TZ) == Window(local(2026, 11, 23, 9), local(2026, 11, 28))
    # A longer validity is kept.
    assert notices.period(facts(), CAL, TZ) == Window(local(2026, 11, 23, 9), local(2026, 12, 12))
    # Published late: from its publication.
    late = facts(published_at=local(2026, 11, 25, 15), valid_until=local(2026, 11, 28))
    assert notices.period(late, CAL, TZ) == Window(local(2026, 11, 25, 15), local(2026, 12, 2))
    # Not published yet: from valid_from, as if it went public then.
    draft = facts(published_at=None, valid_until=local(2026, 11, 27, 12))
    assert notices.period(draft, CAL, TZ) == Window(local(2026, 11, 23, 9), local(2026, 11, 28))
    # No end: its period is its protection.
    open_ended = facts(valid_until=None)
    assert notices.period(open_ended, CAL, TZ) == Window(
        local(2026, 11, 23, 9), local(2026, 11, 28)
    )
    assert notices.period(facts(published_at=None, valid_from=None), CAL, TZ) == Window(
        None, local(2026, 12, 12)
    )


@pytest.mark.parametrize(
    ("action", "actor", "reviewed", "approved", "merged", "refused"),
    [
        (Action.APPROVE, 2, 2, None, False, True),
        (Action.APPROVE, 2, 2, None, True, False),
        (Action.APPROVE, 3, 2, None, False, False),
        (Action.SUPERIOR_APPROVE, 3, 2, 3, False, True),
        (Action.SUPERIOR_APPROVE, 3, 2, 3, True, True),
        (Action.SUPERIOR_APPROVE, 2, 2, 3, True, True),
        (Action.SUPERIOR_APPROVE, 4, 2, 3, False, False),
        (Action.PUBLISH, 3, 2, 3, False, False),
    ],
)
def test_separation_of_duties(
    action: Action, actor: int, reviewed: int, approved: int | None, merged: bool, refused: bool
) -> None:
    found = separation_conflict(
        action,
        is_drafter=False,
        actor_id=actor,
        reviewed_by=reviewed,
        approved_by=approved,
        merged_review=merged,
    )
    assert (found is not None) is refused


def test_the_drafter_never_reviews_even_when_merged() -> None:
    for action in (Action.REVIEW, Action.APPROVE, Action.SUPERIOR_APPROVE):
        assert separation_conflict(
            action,
            is_drafter=True,
            actor_id=1,
            reviewed_by=None,
            approved_by=None,
            merged_review=True,
        )


def test_a_period_ending_on_a_non_working_day() -> None:
    # Published Wednesday 25 November: Wed, Thu, Fri, Mon 30, Tue 1 December; the weekend in
    # between does not count, and the protection ends at the start of Wednesday 2 December.
    wednesday = facts(published_at=local(2026, 11, 25, 10), valid_from=None, valid_until=None)
    assert notices.protected_until(wednesday, CAL, TZ) == local(2026, 12, 2)
    # Valid until Sunday 29 November (a day off), the protection runs on to Wednesday: the
    # period shown ends then, its last day Tuesday 1 December.
    sunday = facts(
        published_at=local(2026, 11, 25, 10), valid_from=None, valid_until=local(2026, 11, 29, 18)
    )
    shown = notices.period(sunday, CAL, TZ)
    assert shown == Window(local(2026, 11, 25, 10), local(2026, 12, 2))
    assert shown.last_day(TZ) == dt.date(2026, 12, 1)
    # A period ending on a Saturday holds the same working days as one ending on Friday night.
    saturday = notices.working_days(CAL, TZ, local(2026, 11, 23, 9), local(2026, 11, 29))
    friday = notices.working_days(CAL, TZ, local(2026, 11, 23, 9), local(2026, 11, 28))
    assert saturday == friday == 5
