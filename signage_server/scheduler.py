"""Time-driven work: expire items at the end of their validity, on time, and make the archive
dossier of every item whose publication ended.

``signage scheduler`` runs :func:`run_forever` in production (its own systemd unit);
``signage serve`` and ``signage demo`` run it in a greenlet beside the server. Any number of
them may run against one database: a lease in the database (``scheduler_lease``, see
:mod:`signage_server.lease`) lets exactly one of them do the rounds. Each round its holder
renews it; the others try to take it and sleep. A holder that stops cleanly releases it and
another takes over at its next round; one that dies stops renewing, and another takes over
once the lease has expired (``SIGNAGE_SCHEDULER_LEASE_SECONDS``, plus one round).

:func:`run_once` does a round's work unconditionally (tests call it directly);
:class:`Scheduler` is one process's scheduler, which does it only while holding the lease.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from flask import Flask

from signage_server import services as registry
from signage_server.config import Settings
from signage_server.disclosure.services import expire_due
from signage_server.disclosure.services import next_deadline
from signage_server.disclosure.viewing import local_tz
from signage_server.extensions import db
from signage_server.fleet.commands import services as commands
from signage_server.fleet.snapshots import services as snapshots
from signage_server.lease import services as lease
from signage_server.lease.rules import Change
from signage_server.lease.rules import change
from signage_server.lease.rules import check_duration
from signage_server.paper.archive import generate_due
from signage_server.screens import changes
from signage_server.screens.manifests import prune

logger = logging.getLogger(__name__)

#: Longest sleep between rounds: a deadline set meanwhile (an item published in another
#: process) is picked up within this time. One indexed query per round.
MAX_SLEEP = 1.0
#: Archive dossiers made per round (each takes a second or two to render, off the event
#: loop): the rounds stay short, expiry stays on time, and a backlog is worked off anyway.
DOSSIERS_PER_ROUND = 1


def run_once(app: Flask, now: dt.datetime | None = None) -> float:
    """Do what is due now; return how many seconds to sleep before the next round.

    Expiring items, and at the start of each day moving every screen's horizon, mark the
    screens concerned: their new manifests are pushed once the round commits. Then the archive
    dossier of an item whose publication ended is made (:data:`DOSSIERS_PER_ROUND`).
    """
    with app.app_context():
        moment = now or registry.now()
        try:
            expire_due(db.session, moment, local_tz())
            _new_day(app, moment)
            db.session.commit()
            upcoming = next_deadline(db.session, moment)
        except Exception:
            db.session.rollback()
            logger.exception("scheduler round failed")
            return MAX_SLEEP
        _fleet(app, moment)
        # After expiry has committed: a dossier takes a second or two, one per round.
        _dossiers(moment)
        if upcoming is None:
            return MAX_SLEEP
        wait = (upcoming - registry.now()).total_seconds()
    return min(MAX_SLEEP, max(0.05, wait))


def _dossiers(moment: dt.datetime) -> int:
    """Make the archive dossiers that are due (committed one by one); never raises."""

    try:
        return len(generate_due(db.session, moment, DOSSIERS_PER_ROUND))
    except Exception:
        db.session.rollback()
        logger.exception("archive dossiers: round failed")
        return 0


def _fleet(app: Flask, moment: dt.datetime) -> int:
    """Every ``snapshots.HOUSEKEEPING_EVERY``: link snapshots to the proof of play that arrived
    since, delete those past ``SIGNAGE_SNAPSHOT_KEEP_DAYS``, and mark the remote commands whose
    time ran out as expired (the wall shows them so even for a box that never comes back);
    never raises. Return how many snapshots were deleted."""
    last = app.extensions.get("signage_snapshots_at")
    if last is not None and moment - last < snapshots.HOUSEKEEPING_EVERY:
        return 0
    app.extensions["signage_snapshots_at"] = moment
    try:
        pruned = snapshots.housekeeping(db.session, moment)
        commands.expire_due(db.session, moment)
        db.session.commit()
    except Exception:
        db.session.rollback()
        logger.exception("fleet: housekeeping failed")
        return 0
    return pruned


def _new_day(app: Flask, moment: dt.datetime) -> None:
    """Once per local day: every screen's manifest moves on a day; old manifests go."""

    today = moment.astimezone(local_tz()).date()
    last = app.extensions.get("signage_scheduler_day")
    app.extensions["signage_scheduler_day"] = today
    if last != today:
        # At start-up too: while the scheduler was away, a day may have begun.
        changes.touch_all(db.session)
        prune(db.session, moment - dt.timedelta(days=7))


class Scheduler:
    """One process's scheduler: it does a round's work only while it holds the lease.

    ``holder`` tells it apart from the schedulers of other processes (default: this
    process's ``host:pid:random``; tests give two schedulers on one app two names).
    """

    def __init__(self, app: Flask, holder: str | None = None) -> None:
        self.app = app
        self.holder = holder or lease.new_holder()
        seconds = registry.get(Settings, app).scheduler_lease_seconds
        self.duration = dt.timedelta(seconds=seconds)
        check_duration(self.duration, dt.timedelta(seconds=MAX_SLEEP))
        #: Whether this scheduler held the lease after its last round (``None``: no round yet).
        self.holding: bool | None = None

    def round(self) -> float:
        """Take or renew the lease, then do what is due if this scheduler holds it; return
        how many seconds to sleep before the next round."""
        with self.app.app_context():
            now = registry.now()
            try:
                holds = lease.hold(db.session, lease.SCHEDULER, self.holder, now, self.duration)
            except Exception:
                db.session.rollback()
                logger.exception("scheduler lease: could not be taken or renewed")
                holds = False
            self._log(holds, now)
            self.holding = holds
        if not holds:
            return MAX_SLEEP
        return run_once(self.app, now)

    def _log(self, holds: bool, now: dt.datetime) -> None:
        step = change(bool(self.holding), holds)
        if step is Change.TOOK:
            logger.info(
                "scheduler lease taken by %s (until %s)",
                self.holder,
                (now + self.duration).isoformat(),
            )
        elif step is Change.LOST:
            logger.info("scheduler lease lost by %s: %s holds it", self.holder, self._other())
        elif step is Change.WAITS and self.holding is None:
            logger.info(
                "scheduler %s waits: %s holds the lease (it takes over if that one stops)",
                self.holder,
                self._other(),
            )

    def _other(self) -> str:
        try:
            found = lease.get(db.session, lease.SCHEDULER)
            db.session.rollback()
        except Exception:
            db.session.rollback()
            return "(unknown)"
        return (found.holder if found else None) or "no one"

    def release(self) -> None:
        """Give the lease up (a clean shutdown): another process takes it at its next round.
        Never raises."""
        if not self.holding:
            return
        with self.app.app_context():
            try:
                released = lease.release(db.session, lease.SCHEDULER, self.holder, registry.now())
            except Exception:
                db.session.rollback()
                logger.exception("scheduler lease: could not be released")
                return
        self.holding = False
        if released:
            logger.info("scheduler lease released by %s", self.holder)


def run_forever(
    app: Flask, stop: threading.Event | None = None, scheduler: Scheduler | None = None
) -> None:
    """Run rounds until ``stop`` is set (gevent-friendly: Event.wait yields), then release
    the lease (also when the loop is interrupted: Ctrl+C, a killed greenlet)."""
    stop = stop or threading.Event()
    scheduler = scheduler or Scheduler(app)
    logger.info("scheduler started as %s", scheduler.holder)
    try:
        while not stop.is_set():
            stop.wait(scheduler.round())
    finally:
        scheduler.release()
