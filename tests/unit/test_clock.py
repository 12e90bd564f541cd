"""The clocks: fixed and movable in tests, a file a test moves for a server process."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from signage_server.clock import FileClock
from signage_server.clock import FixedClock
from signage_server.clock import SystemClock

MOMENT = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)


def test_the_system_clock_is_aware() -> None:
    assert SystemClock().now().tzinfo is not None


def test_a_fixed_clock_stands_until_moved() -> None:
    clock = FixedClock(MOMENT)
    assert clock.now() == clock.now() == MOMENT
    assert clock.advance(minutes=5) == MOMENT + dt.timedelta(minutes=5)
    clock.set(MOMENT)
    assert clock.now() == MOMENT
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(dt.datetime(2026, 11, 23))  # naive: refused


def test_a_file_clock_reads_the_time_written_into_it(tmp_path: Path) -> None:
    clock = FileClock(tmp_path / "clock")
    clock.set(MOMENT)
    assert clock.now() == MOMENT
    # Another process (another FileClock on the same file) sees the move.
    FileClock(tmp_path / "clock").advance(hours=1)
    assert clock.now() == MOMENT + dt.timedelta(hours=1)
    assert [p.name for p in tmp_path.iterdir()] == ["clock"]  # replaced whole, nothing left
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(dt.datetime(2026, 11, 23))  # naive: refused
    (tmp_path / "clock").write_text("2026-11-23T09:00:00")
    with pytest.raises(ValueError, match="offset"):
        clock.now()
