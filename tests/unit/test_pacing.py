"""The wait before a player acknowledges a manifest grows with the players of its process."""

from __future__ import annotations

import itertools

import pytest

from signage_server.realtime.pacing import LONGEST_MS
from signage_server.realtime.pacing import AckDelay
from signage_server.realtime.pacing import Attendance
from signage_server.realtime.pacing import ack_delay


@pytest.mark.parametrize(
    ("connected", "expected"),
    [
        (0, AckDelay(1000, 2000)),
        (1, AckDelay(1000, 2000)),
        (1250, AckDelay(1000, 2000)),
        (2000, AckDelay(1600, 2000)),
        (2500, AckDelay(2000, 2000)),
        (5000, AckDelay(4000, 4000)),
        (-3, AckDelay(1000, 2000)),
    ],
)
def test_the_wait_grows_with_the_players_of_the_process(connected: int, expected: AckDelay) -> None:
    assert ack_delay(connected) == expected


def test_nobody_waits_longer_than_the_longest_wait() -> None:
    for connected in (18_750, 20_000, 10**7):
        found = ack_delay(connected)
        assert found.min_ms + found.spread_ms == LONGEST_MS
        assert found.min_ms == LONGEST_MS // 2


def test_attendance_counts_in_and_out_never_below_zero() -> None:
    attendance = Attendance()
    assert attendance.joined() == (AckDelay(1000, 2000), None)
    assert attendance.left() is None
    assert attendance.left() is None
    assert attendance.connected == 0


def test_everybody_is_told_again_when_the_wait_changed_by_a_quarter() -> None:
    attendance = Attendance()
    retold = []
    for _ in range(5000):
        delay, everybody = attendance.joined()
        if everybody is not None:
            retold.append((attendance.connected, everybody.min_ms))
    assert delay.json() == {"min": 4000, "spread": 4000}
    # From 1,562 players on (1,250 ms), each time the wait grew by a quarter: a few, not 5,000.
    assert [n for n, _ in retold] == [1562, 1954, 2442, 3054, 3817, 4772]
    assert all(b >= a * 1.25 for (_, a), (_, b) in itertools.pairwise(retold))
    assert attendance.told == AckDelay(3818, 3818)
    shorter = [attendance.left() for _ in range(5000)]
    told = [d.min_ms for d in shorter if d is not None]
    assert told[-1] == 1000
    assert all(b * 1.25 <= a for a, b in itertools.pairwise(told))
