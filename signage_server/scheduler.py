"""Time-driven work: expire items at the end of their validity, on time, and make the archive
dossier of every item whose publication ended.

``signage scheduler`` runs :func:`run_forever` in production (its own systemd unit, one per
installation); ``signage serve`` and ``signage demo`` run it in a greenlet beside the
server. Each round commits its own transaction, so several schedulers do no harm.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import zoneinfo

from flask import Flask

from signage_server import services as registry
from signage_server.config import Settings
from signage_server.disclosure.services import expire_due
from signage_server.disclosure.services import next_deadline
from signage_server.extensions import db
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
            expire_due(db.session, moment, _local_tz())
            _new_day(app, moment)
            db.session.commit()
            upcoming = next_deadline(db.session, moment)
        except Exception:
            db.session.rollback()
            logger.exception("scheduler round failed")
            return MAX_SLEEP
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


def _local_tz() -> dt.tzinfo:

    return zoneinfo.ZoneInfo(registry.get(Settings).timezone)


def _new_day(app: Flask, moment: dt.datetime) -> None:
    """Once per local day: every screen's manifest moves on a day; old manifests go."""

    today = moment.astimezone(zoneinfo.ZoneInfo(registry.get(Settings).timezone)).date()
    last = app.extensions.get("signage_scheduler_day")
    app.extensions["signage_scheduler_day"] = today
    if last != today:
        # At start-up too: while the scheduler was away, a day may have begun.
        changes.touch_all(db.session)
        prune(db.session, moment - dt.timedelta(days=7))


def run_forever(app: Flask, stop: threading.Event | None = None) -> None:
    """Run rounds until ``stop`` is set (gevent-friendly: Event.wait yields)."""
    stop = stop or threading.Event()
    logger.info("scheduler started")
    while not stop.is_set():
        stop.wait(run_once(app))
