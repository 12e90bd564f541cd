"""The one rule of a notice's protection (DESIGN.md §2), and separation of duties. Pure."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from signage_server.disclosure import notices
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import separation_conflict
from signage_server.workdays.rules import WorkdayCalendar

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
CAL = WorkdayCalendar()


def local(y: int, m: int, d: int, h: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=TZ)


def facts(**overrides: object) -> notices.NoticeFacts:
    values: dict[str, object] = {
        "is_notice": True,
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
    assert notices.protected_until(facts(is_notice=False), CAL, TZ) is None
    assert notices.protected_until(facts(published_at=None), CAL, TZ) is None


def test_unknown_calendar_protects_until_the_end() -> None:
    far = facts(published_at=local(2031, 3, 3, 9), valid_from=None, valid_until=local(2031, 4, 1))
    assert notices.protected_until(far, CAL, TZ) == local(2031, 4, 1)


def test_effective_end_is_never_before_the_protection() -> None:
    until = local(2026, 11, 28)
    assert notices.effective_end(local(2026, 11, 27, 12), until) == until
    assert notices.effective_end(local(2026, 12, 12), until) == local(2026, 12, 12)
    assert notices.effective_end(None, until) is None
    assert notices.is_protected(until, local(2026, 11, 27, 23)) is True
    assert notices.is_protected(until, until) is False


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
