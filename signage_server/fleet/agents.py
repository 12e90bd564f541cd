"""When a screen counts as having a box agent. Pure: no Flask, no database session.

A plain browser (an Android TV box, a TV's own browser) plays everything but cannot take a
snapshot, reboot its box or report the box's health: only the agent of ``deploy/kiosk`` can.
The agent reports its health every :data:`REPORT_EVERY`; a screen whose agent has not been
heard for :data:`SILENT_AFTER` counts as having none, and every surface that offers an
agent-only thing (the wall's snapshot, the reboot and snapshot commands) asks
:func:`agent_present`.
"""

from __future__ import annotations

import datetime as dt

#: How often the agent reports the box's health (and so shows it is there).
REPORT_EVERY = dt.timedelta(minutes=5)
#: A screen whose agent has been silent this long counts as having none (three reports missed).
SILENT_AFTER = 3 * REPORT_EVERY


def agent_present(seen_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Return whether an agent last heard at ``seen_at`` still counts as present at ``now``."""
    return seen_at is not None and now - seen_at <= SILENT_AFTER
