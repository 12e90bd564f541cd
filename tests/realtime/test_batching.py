"""Players' ``ack`` and ``status`` taken in batches (``realtime.batching``): one transaction and
one screen-wall message per batch, and each operator still told of their own screens only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import gevent
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.extensions import db
from signage_server.extensions import socketio
from signage_server.realtime.batching import Batch
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenConnection
from signage_server.screens.models import ScreenManifestLog
from signage_server.screens.services import players
from signage_server.screens.services.players import Report
from tests.conftest import NOW
from tests.factories import Factory
from tests.realtime.screens import events
from tests.realtime.screens import player
from tests.realtime.screens import register


def report(n: int) -> Report:
    return Report(f"sid{n}", [n, "hash"], {"version": "v"}, NOW)


def test_reports_wait_for_their_batch_and_go_in_chunks() -> None:
    handled: list[list[str]] = []
    refused: list[list[str]] = []

    def handle(reports: Sequence[Report]) -> list[str]:
        handled.append([r.sid for r in reports])
        return [r.sid for r in reports if r.sid == "sid3"]

    batch = Batch(Flask(__name__), handle, refused.append, background=True, size=2)
    for n in range(5):
        batch.add(report(n))
    assert handled == []  # nothing before the window ends
    flusher = batch._flusher
    assert flusher is not None
    flusher.join()
    assert handled == [["sid0", "sid1"], ["sid2", "sid3"], ["sid4"]]
    assert refused == [["sid3"]]
    batch.add(report(9))  # a new window
    assert batch._flusher is not None and batch._flusher is not flusher
    batch._flusher.join()
    assert handled[-1] == ["sid9"]


def test_a_failing_batch_is_logged_and_the_next_one_runs(caplog: Any) -> None:
    calls: list[int] = []

    def handle(reports: Sequence[Report]) -> list[str]:
        calls.append(len(reports))
        if len(calls) == 1:
            raise RuntimeError("database gone")
        return []

    batch = Batch(Flask(__name__), handle, lambda sids: None, background=True)
    batch.add(report(1))
    assert batch._flusher is not None
    batch._flusher.join()
    batch.add(report(2))
    assert batch._flusher is not None
    batch._flusher.join()
    assert calls == [1, 1]
    assert "storing 1 player reports failed" in caplog.text
    gevent.sleep(0)


def test_one_batch_of_acks_from_two_townships(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    """Acknowledgements of screens of two townships stored together: each is noted on the
    newest sending of its version, a replaced token's connection is refused, and each wall
    hears of its own screen only, in one message."""
    make.procedure("JIYI-01")
    make.procedure("CHENGGUAN-01")
    here = register(client, make)
    there = register(
        client, make, org="CHENGGUAN-01", user="chengguan01_operator", name="东关村大屏"
    )
    near, far = player(app, here["token"]), player(app, there["token"])
    versions = {
        here["id"]: events(near, "manifest")[-1]["version"],
        there["id"]: events(far, "manifest")[-1]["version"],
    }
    walls = {}
    for user in ("jiyi01_operator", "chengguan01_operator"):
        browser = app.test_client()
        make.login(browser, user)
        walls[user] = socketio.test_client(app, namespace="/admin", flask_test_client=browser)
        assert walls[user].is_connected("/admin")
    with app.app_context():
        # The village's screen was sent its version a second time (say, after a restart):
        # the acknowledgement is noted on that newest sending only.
        db.session.add(
            ScreenManifestLog(
                screen_id=here["id"],
                version=versions[here["id"]],
                sent_at=NOW + dt.timedelta(minutes=1),
            )
        )
        db.session.commit()
        hashes = {i: h for i, h in db.session.execute(sa.select(Screen.id, Screen.token_hash))}
        refused = players.acknowledge_manifests(
            [
                Report(
                    "a", [here["id"], hashes[here["id"]]], {"version": versions[here["id"]]}, NOW
                ),
                Report(
                    "b", [there["id"], hashes[there["id"]]], {"version": versions[there["id"]]}, NOW
                ),
                Report("c", [there["id"], "0" * 64], {"version": versions[there["id"]]}, NOW),
                Report("d", [here["id"], hashes[here["id"]]], "not an object", NOW),
            ]
        )
        assert refused == ["c"]
        acked = {i: v for i, v in db.session.execute(sa.select(Screen.id, Screen.acked_version))}
        assert acked == versions
        logs = db.session.execute(
            sa.select(
                ScreenManifestLog.screen_id, ScreenManifestLog.sent_at, ScreenManifestLog.acked_at
            ).order_by(ScreenManifestLog.screen_id, ScreenManifestLog.id)
        ).all()
        acked_logs = {(i, at is not None) for i, _sent, at in logs}
        assert [(i, at is not None) for i, _s, at in logs if i == here["id"]] == [
            (here["id"], False),
            (here["id"], True),
        ]
        assert (there["id"], True) in acked_logs
    for user, mine in (("jiyi01_operator", here), ("chengguan01_operator", there)):
        messages = [e for e in walls[user].get_received("/admin") if e["name"] == "screens"]
        assert len(messages) == 1, user
        assert [s["id"] for s in messages[0]["args"][0]] == [mine["id"]], user
        assert messages[0]["args"][0][0]["up_to_date"] is True


def test_a_status_that_outlived_its_connection_leaves_the_screen_offline(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    """A status waits up to a second in its batch; if the player's connection closed in the
    meantime, storing it does not put the screen back on line on the wall."""
    make.procedure("JIYI-01")
    screen = register(client, make)
    first = player(app, screen["token"])
    with app.app_context():
        gone_sid = db.session.scalar(
            sa.select(ScreenConnection.sid).where(ScreenConnection.screen_id == screen["id"])
        )
        identity = [screen["id"], db.session.get(Screen, screen["id"]).token_hash]
    first.disconnect(namespace="/player")
    with app.app_context():
        players.status_reported_many([Report(gone_sid, identity, {"uptime_s": 5}, NOW)])
        assert db.session.get(Screen, screen["id"]).online is False
    # From a connection that is still open, a status keeps it on line.
    second = player(app, screen["token"])
    with app.app_context():
        live_sid = db.session.scalar(
            sa.select(ScreenConnection.sid).where(ScreenConnection.screen_id == screen["id"])
        )
        players.status_reported_many([Report(live_sid, identity, {"uptime_s": 6}, NOW)])
        assert db.session.get(Screen, screen["id"]).online is True
        # A late status of the closed connection does not put it off line either.
        players.status_reported_many([Report(gone_sid, identity, {"uptime_s": 7}, NOW)])
        assert db.session.get(Screen, screen["id"]).online is True
    second.disconnect(namespace="/player")
