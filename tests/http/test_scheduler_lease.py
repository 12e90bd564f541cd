"""The scheduler's lease: of several schedulers on one database, exactly one does the rounds.

Two processes are two :class:`Scheduler` s with different holder ids on one app; the time is
the app's clock, moved by the test (the lease never reads the wall clock).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from signage_server import scheduler
from signage_server.audit.models import AuditRecord
from signage_server.clock import FixedClock
from signage_server.extensions import db
from signage_server.lease import services as lease
from signage_server.lease.rules import Lease
from signage_server.lease.rules import may_take
from signage_server.scheduler import Scheduler
from tests.conftest import NOW
from tests.factories import Factory

LEASE = dt.timedelta(seconds=30)


def expiries(app: Flask, item_id: int) -> list[str]:
    """The actors of the item's ``expire`` audit records."""
    with app.app_context():
        actors = db.session.scalars(
            sa.select(AuditRecord.actor).where(
                AuditRecord.item_id == item_id, AuditRecord.action == "expire"
            )
        ).all()
        db.session.rollback()
        return list(actors)


def state(make: Factory, item_id: int) -> str:
    response = make.app.test_client().get(
        f"/api/v1/items/{item_id}", headers=make.headers("jiyi01_editor")
    )
    body: dict[str, Any] = response.get_json()
    return str(body["state"])


def stored(app: Flask) -> Lease | None:
    return stored_named(app, lease.SCHEDULER)


def stored_named(app: Flask, name: str) -> Lease | None:
    with app.app_context():
        found = lease.get(db.session, name)
        db.session.rollback()
        return found


# --- the lease in the database ---------------------------------------------------------------


def test_hold_renew_take_over_and_release(app: Flask, clock: FixedClock) -> None:
    with app.app_context():
        s = db.session
        assert lease.get(s, "scheduler") is None
        assert lease.hold(s, "scheduler", "a", NOW, LEASE)
        assert not lease.hold(s, "scheduler", "b", NOW + dt.timedelta(seconds=29), LEASE)
        # a renews: it keeps the lease 30 s from the renewal, and the time it took it.
        assert lease.hold(s, "scheduler", "a", NOW + dt.timedelta(seconds=20), LEASE)
        assert not lease.hold(s, "scheduler", "b", NOW + dt.timedelta(seconds=49), LEASE)
        assert lease.get(s, "scheduler") == Lease(
            "scheduler",
            "a",
            NOW.astimezone(dt.UTC),
            (NOW + dt.timedelta(seconds=20)).astimezone(dt.UTC),
            (NOW + dt.timedelta(seconds=50)).astimezone(dt.UTC),
        )
        # a stopped renewing: at the expiry, b takes it afresh, and a no longer may.
        assert lease.hold(s, "scheduler", "b", NOW + dt.timedelta(seconds=50), LEASE)
        taken = lease.get(s, "scheduler")
        assert taken is not None
        assert (taken.holder, taken.acquired_at) == ("b", NOW + dt.timedelta(seconds=50))
        assert not lease.hold(s, "scheduler", "a", NOW + dt.timedelta(seconds=51), LEASE)
        # Only the holder releases it; once released, anyone takes it at once.
        assert not lease.release(s, "scheduler", "a", NOW + dt.timedelta(seconds=52))
        assert lease.release(s, "scheduler", "b", NOW + dt.timedelta(seconds=52))
        assert lease.hold(s, "scheduler", "a", NOW + dt.timedelta(seconds=52), LEASE)
        # Leases of other names are apart.
        assert lease.hold(s, "other", "b", NOW + dt.timedelta(seconds=52), LEASE)


@pytest.mark.parametrize("expired", [False, True], ids=["first-use", "take-over"])
def test_of_processes_trying_at_once_one_wins(app: Flask, clock: FixedClock, expired: bool) -> None:
    """Eight sessions (as eight processes) try at the same moment, on their own connections:
    exactly one holds the lease, whether its row is inserted now or an expired one is taken."""
    with app.app_context():
        engine = db.engine
        if expired:
            assert lease.hold(db.session, "race", "gone", NOW - 2 * LEASE, LEASE)
    start = threading.Barrier(8)

    def attempt(n: int) -> bool:
        with Session(engine) as session:
            start.wait()
            return lease.hold(session, "race", f"p{n}", NOW, LEASE)

    with ThreadPoolExecutor(8) as pool:
        won = list(pool.map(attempt, range(8)))
    assert won.count(True) == 1, won
    found = stored_named(app, "race")
    assert found is not None and found.holder == f"p{won.index(True)}"


@pytest.mark.parametrize(
    ("holder", "offset"),
    [("a", 0), ("a", 10), ("a", 40), ("b", 0), ("b", 29), ("b", 30), ("b", 31)],
)
def test_the_database_decides_as_the_rule(
    app: Flask, clock: FixedClock, holder: str, offset: int
) -> None:
    """The conditional UPDATE takes the lease exactly when the pure rule says it may."""
    now = NOW + dt.timedelta(seconds=offset)
    with app.app_context():
        assert lease.hold(db.session, "scheduler", "a", NOW, LEASE)
        before = lease.get(db.session, "scheduler")
        assert lease.hold(db.session, "scheduler", holder, now, LEASE) == may_take(
            before, holder, now
        )


# --- two schedulers on one database -----------------------------------------------------------


def test_one_of_two_schedulers_expires_an_item_once(
    app: Flask,
    make: Factory,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    end = NOW + dt.timedelta(hours=3)
    item = make.item(state="published", valid_until=end.isoformat())
    worked: list[dt.datetime | None] = []
    work = scheduler.run_once

    def counted(app: Flask, now: dt.datetime | None = None) -> float:
        worked.append(now)
        return work(app, now)

    monkeypatch.setattr(scheduler, "run_once", counted)
    first, second = Scheduler(app, holder="host-1:101:aa"), Scheduler(app, holder="host-2:202:bb")
    clock.set(end - dt.timedelta(seconds=3))
    rounds = 0
    with caplog.at_level(logging.INFO, logger="signage_server.scheduler"):
        # Both run a round each second, as two processes would, across the item's end.
        for _ in range(6):
            first.round()
            second.round()
            rounds += 1
            assert (first.holding, second.holding) == (True, False)
            clock.advance(seconds=1)
    # Only the holder worked, once a round.
    assert len(worked) == rounds
    assert "scheduler lease taken by host-1:101:aa" in caplog.text
    assert "scheduler host-2:202:bb waits: host-1:101:aa holds the lease" in caplog.text
    assert state(make, item["id"]) == "expired"
    assert expiries(app, item["id"]) == ["system"]


def test_another_scheduler_takes_over_when_the_holder_dies(
    app: Flask, make: Factory, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    end = NOW + dt.timedelta(minutes=5)
    item = make.item(state="published", valid_until=end.isoformat())
    first, second = Scheduler(app, holder="one"), Scheduler(app, holder="two")
    first.round()
    clock.advance(seconds=10)
    first.round()  # its last renewal: it "dies" here (no more rounds, no release)
    died = clock.now()
    clock.set(died + LEASE - dt.timedelta(seconds=1))
    second.round()
    assert not second.holding
    assert stored(app) is not None and stored(app).holder == "one"  # type: ignore[union-attr]
    clock.set(died + LEASE)
    with caplog.at_level(logging.INFO, logger="signage_server.scheduler"):
        second.round()
    assert second.holding
    assert "scheduler lease taken by two" in caplog.text
    # The item's end comes: the new holder expires it.
    clock.set(end)
    second.round()
    assert state(make, item["id"]) == "expired"
    assert expiries(app, item["id"]) == ["system"]
    # The old holder comes back (a process that was only paused): it finds the lease taken.
    with caplog.at_level(logging.INFO, logger="signage_server.scheduler"):
        first.round()
    assert not first.holding
    assert "scheduler lease lost by one: two holds it" in caplog.text
    assert len(expiries(app, item["id"])) == 1


def test_a_released_lease_is_taken_at_once(app: Flask, make: Factory, clock: FixedClock) -> None:
    end = NOW + dt.timedelta(minutes=5)
    item = make.item(state="published", valid_until=end.isoformat())
    first, second = Scheduler(app, holder="one"), Scheduler(app, holder="two")
    first.round()
    second.round()
    assert not second.holding
    first.release()
    assert not first.holding
    found = stored(app)
    assert found is not None and found.current_holder(clock.now()) is None
    second.round()  # at the same moment: no waiting for the expiry
    assert second.holding
    clock.set(end - dt.timedelta(seconds=10))
    second.round()
    clock.set(end)
    first.round()
    assert not first.holding
    assert state(make, item["id"]) == "published"
    second.round()
    assert state(make, item["id"]) == "expired"


def test_health_and_the_command_line_name_the_holder(app: Flask, clock: FixedClock) -> None:
    client = app.test_client()
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["scheduler"] == {"holder": None, "expires_at": None}
    assert (
        "scheduler lease: free"
        in app.test_cli_runner().invoke(args=["scheduler", "--status"]).output
    )
    Scheduler(app, holder="box:7:cafe").round()
    body = client.get("/healthz").get_json()
    assert body["scheduler"] == {
        "holder": "box:7:cafe",
        "expires_at": (NOW + LEASE).astimezone(dt.UTC).isoformat(),
    }
    output = app.test_cli_runner().invoke(args=["scheduler", "--status"]).output
    assert "held by box:7:cafe" in output and "(in 30 s)" in output
    clock.advance(seconds=30)
    assert client.get("/healthz").get_json()["scheduler"]["holder"] is None
    output = app.test_cli_runner().invoke(args=["scheduler", "--status"]).output
    assert "free (last: box:7:cafe)" in output
