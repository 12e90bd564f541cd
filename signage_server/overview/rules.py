"""What makes the home page say "all is well", and what counts as ending soon. Pure.

The home page answers one question: is everything all right in the organisations I look
after? It is all right when no published item fails its integrity check, every screen is
online and holds its newest content, no catalog entry is past its deadline, no feedback case
is overdue and no inspection finding is past its rectification deadline. Tasks waiting for
the user and public notices about to end are work to do, not faults: they are shown beside
the verdict, they do not spoil it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: A public notice (公示) whose period ends within this time is "ending soon".
NOTICE_ENDING_WITHIN = dt.timedelta(days=7)


def ending_soon(ends: dt.datetime | None, now: dt.datetime) -> bool:
    """Tell whether a notice whose window ends at ``ends`` (``None``: never) ends within
    :data:`NOTICE_ENDING_WITHIN`."""
    return ends is not None and now < ends <= now + NOTICE_ENDING_WITHIN


def not_up_to_date(online: bool, up_to_date: bool, holds_content: bool) -> bool:
    """Tell whether a screen belongs on the "not up to date" list: it does not hold its newest
    manifest. An offline screen that never took any content is listed once, as offline."""
    return not up_to_date and (online or holds_content)


@dataclass(frozen=True)
class Findings:
    """What the home page found, counted."""

    integrity_alarms: int = 0
    offline_screens: int = 0
    stale_screens: int = 0
    owed_entries: int = 0
    overdue_feedback: int = 0
    #: Inspection findings past their rectification deadline (整改逾期) that the user owns or
    #: supervises.
    overdue_rectifications: int = 0
    tasks: int = 0
    notices_ending: int = 0

    @property
    def problems(self) -> list[tuple[str, int]]:
        """The faults found, most serious first: ``(what, how many)`` with ``how many > 0``."""
        faults = [
            ("integrity", self.integrity_alarms),
            ("offline", self.offline_screens),
            ("stale", self.stale_screens),
            ("catalog", self.owed_entries),
            ("feedback", self.overdue_feedback),
            ("rectification", self.overdue_rectifications),
        ]
        return [(name, count) for name, count in faults if count]

    @property
    def healthy(self) -> bool:
        return not self.problems
