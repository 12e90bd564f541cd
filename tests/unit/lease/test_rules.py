"""The lease rule: who holds it, when another may take it, what a renewal keeps."""

from __future__ import annotations

import datetime as dt

import pytest

from signage_server.lease.rules import Change
from signage_server.lease.rules import Lease
from signage_server.lease.rules import change
from signage_server.lease.rules import check_duration
from signage_server.lease.rules import holder_id
from signage_server.lease.rules import may_take
from signage_server.lease.rules import taken

T0 = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
THIRTY = dt.timedelta(seconds=30)


def held(by: str = "a", until: dt.datetime = T0 + THIRTY) -> Lease:
    return Lease("scheduler", by, T0, T0, until)


def test_nobody_holds_a_lease_never_taken_so_anyone_takes_it() -> None:
    assert may_take(None, "a", T0)
    lease = taken(None, "scheduler", "a", T0, THIRTY)
    assert lease == Lease("scheduler", "a", T0, T0, T0 + THIRTY)
    assert lease.held_by("a", T0) and lease.current_holder(T0) == "a"


def test_a_held_lease_is_refused_to_another_until_it_expires() -> None:
    lease = held("a")
    assert not may_take(lease, "b", T0 + THIRTY - dt.timedelta(microseconds=1))
    with pytest.raises(ValueError, match="held by 'a'"):
        taken(lease, "scheduler", "b", T0 + dt.timedelta(seconds=1), THIRTY)
    # At its expiry it is free: the other takes it, afresh.
    assert lease.free(T0 + THIRTY) and lease.current_holder(T0 + THIRTY) is None
    assert may_take(lease, "b", T0 + THIRTY)
    later = T0 + THIRTY + dt.timedelta(seconds=1)
    assert taken(lease, "scheduler", "b", later, THIRTY) == Lease(
        "scheduler", "b", later, later, later + THIRTY
    )


def test_the_holder_renews_and_keeps_when_it_took_the_lease() -> None:
    lease = held("a")
    now = T0 + dt.timedelta(seconds=29)
    renewed = taken(lease, "scheduler", "a", now, THIRTY)
    assert renewed == Lease("scheduler", "a", T0, now, now + THIRTY)
    assert not renewed.held_by("b", now) and renewed.held_by("a", now + THIRTY / 2)


def test_the_holder_renews_a_lapsed_lease_nobody_took() -> None:
    lease = held("a")
    late = T0 + THIRTY + dt.timedelta(seconds=5)
    assert not lease.held_by("a", late)
    assert may_take(lease, "a", late)
    assert taken(lease, "scheduler", "a", late, THIRTY).expires_at == late + THIRTY


def test_a_released_lease_is_free_at_once() -> None:
    released = Lease("scheduler", None, T0, T0, T0 + dt.timedelta(seconds=3))
    assert released.free(T0 + dt.timedelta(seconds=3) - dt.timedelta(seconds=1))
    assert may_take(released, "b", T0)
    assert taken(released, "scheduler", "b", T0, THIRTY).acquired_at == T0


def test_a_duration_must_be_positive_and_long_enough() -> None:
    with pytest.raises(ValueError, match="positive"):
        taken(None, "scheduler", "a", T0, dt.timedelta(0))
    check_duration(THIRTY, dt.timedelta(seconds=1))
    with pytest.raises(ValueError, match="too short"):
        check_duration(dt.timedelta(seconds=4), dt.timedelta(seconds=1))
    with pytest.raises(ValueError, match="at least 20 s"):
        check_duration(dt.timedelta(seconds=15), dt.timedelta(seconds=10))


@pytest.mark.parametrize(
    ("before", "now", "expected"),
    [
        (False, True, Change.TOOK),
        (True, True, Change.KEPT),
        (True, False, Change.LOST),
        (False, False, Change.WAITS),
    ],
)
def test_change_between_rounds(before: bool, now: bool, expected: Change) -> None:
    assert change(before, now) is expected


def test_holder_ids_name_host_process_and_a_token() -> None:
    assert holder_id("box-1", 4242, "9f3a") == "box-1:4242:9f3a"
    with pytest.raises(ValueError, match="random token"):
        holder_id("box-1", 4242, "")
