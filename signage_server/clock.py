"""The time, as a service: real in production, fixed and movable in tests.

Everything that decides by the time of day (the procedure, compliance, expiry) asks the
app's clock, never ``datetime.now`` directly. Tests give an app built in-process a
:class:`FixedClock`; a server process a test starts reads a :class:`FileClock` the test
moves (``SIGNAGE_TEST_CLOCK``, refused in production).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """Return the current time, timezone-aware."""
        ...


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FixedClock:
    """A clock that stands still until moved (tests, demos of a given day)."""

    def __init__(self, moment: dt.datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware time")
        self.moment = moment

    def now(self) -> dt.datetime:
        return self.moment

    def advance(self, **delta: float) -> dt.datetime:
        self.moment += dt.timedelta(**delta)
        return self.moment

    def set(self, moment: dt.datetime) -> None:
        self.moment = moment


class FileClock:
    """The time written in a file, read at every call: how a test moves the clock of a
    server process it started (``SIGNAGE_TEST_CLOCK=<file>``; production refuses it).

    The file holds one timezone-aware ISO 8601 time; :meth:`write` replaces it whole, so a
    reader never sees half of it.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def now(self) -> dt.datetime:
        moment = dt.datetime.fromisoformat(self.path.read_text(encoding="utf-8").strip())
        if moment.tzinfo is None:
            raise ValueError(f"{self.path}: the time needs an offset, got {moment.isoformat()}")
        return moment

    def set(self, moment: dt.datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("FileClock needs a timezone-aware time")
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(moment.isoformat(), encoding="utf-8")
        os.replace(partial, self.path)

    def advance(self, **delta: float) -> dt.datetime:
        moment = self.now() + dt.timedelta(**delta)
        self.set(moment)
        return moment
