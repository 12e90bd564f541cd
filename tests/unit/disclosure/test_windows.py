"""The one window rule: validity, "current at t", publication windows, local days. Pure."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signage_server.disclosure import windows
from signage_server.disclosure.windows import Window
from signage_server.errors import RuleViolation

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
H = dt.timedelta(hours=1)


def local(y: int, m: int, d: int, h: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=TZ)


T0 = local(2026, 11, 23, 9)


def test_validity_starts_at_valid_from_else_at_publication() -> None:
    assert windows.validity(T0, T0 + 5 * H, T0 - H).start == T0
    assert windows.validity(None, T0 + 5 * H, T0 - H).start == T0 - H
    assert windows.validity(None, None, None) == Window(None, None)


def test_validity_never_ends_before_a_notices_protection() -> None:
    assert windows.validity(T0, T0 + 5 * H, T0, kept_until=T0 + 9 * H).end == T0 + 9 * H
    assert windows.validity(T0, T0 + 5 * H, T0, kept_until=T0 + 2 * H).end == T0 + 5 * H
    # Open-ended stays open: until replaced.
    assert windows.validity(T0, None, T0, kept_until=T0 + 9 * H).end is None


def test_current_scheduled_and_ended() -> None:
    shown = Window(T0, T0 + 5 * H)
    assert not shown.started(T0 - H) and not shown.contains(T0 - H)
    assert shown.started(T0) and shown.contains(T0)
    assert shown.contains(T0 + 5 * H - dt.timedelta(microseconds=1))
    assert shown.ended(T0 + 5 * H) and not shown.contains(T0 + 5 * H)
    assert not shown.ended(T0 + 5 * H - dt.timedelta(microseconds=1))


def test_open_ended_windows() -> None:
    always = Window()
    assert always.started(T0) and not always.ended(T0) and always.contains(T0)
    assert always.overlaps(T0, T0 + H)
    since = Window(T0, None)
    assert since.contains(T0 + 1000 * H) and not since.contains(T0 - H)
    until = Window(None, T0)
    assert until.contains(T0 - 1000 * H) and until.ended(T0)


def test_slack_widens_both_sides() -> None:
    shown = Window(T0, T0 + H)
    slack = dt.timedelta(minutes=2)
    assert shown.contains(T0 - slack, slack) and not shown.contains(T0 - 2 * slack, slack)
    assert shown.contains(T0 + H + slack / 2, slack)
    assert not shown.contains(T0 + H + slack, slack)


def test_overlaps_a_span() -> None:
    shown = Window(T0, T0 + H)
    assert shown.overlaps(T0 - H, T0 + dt.timedelta(minutes=1))
    assert not shown.overlaps(T0 - H, T0)
    assert not shown.overlaps(T0 + H, T0 + 2 * H)


def test_days_in_shanghai_at_midnight() -> None:
    midnight = local(2026, 12, 8)
    assert windows.last_day(midnight, TZ) == dt.date(2026, 12, 7)
    assert windows.last_day(midnight + dt.timedelta(minutes=1), TZ) == dt.date(2026, 12, 8)
    new_year = local(2027, 1, 1)
    assert windows.last_day(new_year, TZ) == dt.date(2026, 12, 31)
    assert windows.first_day(new_year, TZ) == dt.date(2027, 1, 1)
    # Midnight in Shanghai is 16:00 UTC the day before: the local day decides.
    utc = dt.datetime(2026, 12, 7, 16, 0, tzinfo=dt.UTC)
    assert windows.last_day(utc, TZ) == dt.date(2026, 12, 7)
    assert windows.last_day(utc, dt.UTC) == dt.date(2026, 12, 7)
    assert windows.first_day(utc, TZ) == dt.date(2026, 12, 8)
    assert windows.first_day(utc, dt.UTC) == dt.date(2026, 12, 7)
    assert Window(utc, midnight + 24 * H).first_day(TZ) == dt.date(2026, 12, 8)
    assert Window(utc, midnight + 24 * H).last_day(TZ) == dt.date(2026, 12, 8)
    assert Window().first_day(TZ) is None and Window().last_day(TZ) is None


def test_a_validity_ends_after_it_starts() -> None:
    windows.check_validity(T0, T0 + H)
    windows.check_validity(None, T0)
    windows.check_validity(T0, None)
    with pytest.raises(RuleViolation) as info:
        windows.check_validity(T0, T0)
    assert info.value.code == "invalid_window"


def public(
    valid: Window, now: dt.datetime, *, published: dt.datetime | None, ended: dt.datetime | None
) -> Window | None:
    """Return the publication of a revision with those facts (running when not ended)."""
    found = windows.publication(
        published_at=published,
        valid=valid,
        ended_at=ended,
        running=published is not None and ended is None,
        now=now,
    )
    return Window(*found) if found is not None else None


def test_publication_from_the_later_of_publication_and_valid_from() -> None:
    now = T0 + 100 * H
    valid = Window(T0, T0 + 10 * H)
    # Published before its validity: public from valid_from.
    assert public(valid, now, published=T0 - H, ended=T0 + 10 * H) == Window(T0, T0 + 10 * H)
    # Published late: public from its publication.
    assert public(valid, now, published=T0 + H, ended=T0 + 3 * H) == Window(T0 + H, T0 + 3 * H)


def test_publication_while_it_runs() -> None:
    valid = Window(T0, T0 + 10 * H)
    assert public(valid, T0 + 2 * H, published=T0, ended=None) == Window(T0, T0 + 2 * H)
    # Past its validity before the expiry job ran: to the end of its validity.
    assert public(valid, T0 + 20 * H, published=T0, ended=None) == Window(T0, T0 + 10 * H)
    # A notice kept by its protection: to the end of the protection (in ``valid``).
    kept = windows.validity(T0, T0 + 10 * H, T0, kept_until=T0 + 15 * H)
    assert public(kept, T0 + 20 * H, published=T0, ended=None) == Window(T0, T0 + 15 * H)
    # Open-ended: to now.
    assert public(Window(T0, None), T0 + 20 * H, published=T0, ended=None) == Window(
        T0, T0 + 20 * H
    )


def test_no_publication() -> None:
    valid, now = Window(T0, T0 + 10 * H), T0 + 20 * H
    assert public(valid, now, published=None, ended=None) is None
    # Withdrawn before its start: never public.
    assert public(valid, now, published=T0 - 5 * H, ended=T0 - H) is None
    # Ended without a recorded end (not running): nothing to tell.
    assert (
        windows.publication(published_at=T0, valid=valid, ended_at=None, running=False, now=now)
        is None
    )


def test_ended_at() -> None:
    valid = Window(T0, T0 + 5 * H)
    assert windows.ended_at(T0 + 3 * H, valid, T0) == T0 + 3 * H
    assert windows.ended_at(None, valid, T0) == T0 + 5 * H
    assert windows.ended_at(None, Window(T0, None), T0) == T0


moments = st.datetimes(
    min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2028, 1, 1), timezones=st.just(TZ)
)


@given(moments, moments, moments, st.booleans(), st.booleans())
def test_current_is_started_and_not_ended(
    start: dt.datetime, end: dt.datetime, at: dt.datetime, bounded_start: bool, bounded_end: bool
) -> None:
    shown = Window(start if bounded_start else None, end if bounded_end else None)
    assert shown.contains(at) is (shown.started(at) and not shown.ended(at))
    assert shown.overlaps(at, at + dt.timedelta(microseconds=1)) is shown.contains(at)


def test_empty() -> None:
    assert Window(T0, T0).empty and Window(T0, T0 - H).empty
    assert not Window(T0, T0 + H).empty
    assert not Window(None, T0).empty and not Window(T0, None).empty and not Window().empty
