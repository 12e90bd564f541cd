"""Proof of play and status a screen token may claim: only what its manifests held."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.clock import FixedClock
from signage_server.extensions import db
from signage_server.screens.models import PlayRecord
from signage_server.screens.models import Screen
from tests.conftest import NOW
from tests.factories import Factory
from tests.http.items import create
from tests.http.items import ok
from tests.http.items import publish_through
from tests.realtime.screens import events
from tests.realtime.screens import player
from tests.realtime.screens import register


def play(
    item: int, started: dt.datetime, revision: int = 1, duration: Any = 15.0
) -> dict[str, Any]:
    return {
        "item": item,
        "revision": revision,
        "started_at": started.isoformat(),
        "duration_s": duration,
    }


def send(connection: Any, records: Any) -> Any:
    return connection.emit("played", records, namespace="/player", callback=True)


def stored(app: Flask) -> list[tuple[int, int, dt.datetime]]:
    with app.app_context():
        rows = db.session.scalars(sa.select(PlayRecord).order_by(PlayRecord.started_at)).all()
        return [(r.item_id, r.revision, r.started_at) for r in rows]


class Setup:
    """A public screen showing one public item; a party item and a draft of another village."""

    def __init__(self, app: Flask, client: FlaskClient, make: Factory) -> None:
        self.public = create(client, make)["id"]
        publish_through(client, make, self.public)
        self.party = create(
            client,
            make,
            title="党费收缴情况",
            catalog_entry="DF-01",
            category="organisation",
            scope="party",
        )["id"]
        publish_through(client, make, self.party)
        client.post(
            "/api/v1/users/jiyi01_editor/grants",
            json={"org": "JIYI-02", "role": "editor"},
            headers=make.headers("admin"),
        )
        self.elsewhere = create(client, make, org="JIYI-02")["id"]
        self.screen = register(client, make, audience="public")
        self.connection = player(app, self.screen["token"])
        self.manifest = events(self.connection, "manifest")[-1]
        assert [i["id"] for i in self.manifest["items"]] == [self.public]


@pytest.fixture
def setup(app: Flask, client: FlaskClient, make: Factory, clock: FixedClock) -> Setup:
    """集义村's people of the procedure and the county's catalog, the site admin, 西王庄村."""
    make.catalog()
    make.procedure("JIYI-01")
    make.users("admin")
    make.org("JIYI-02")
    return Setup(app, client, make)


def test_a_genuine_play_is_stored(app: Flask, setup: Setup, clock: FixedClock) -> None:
    clock.set(NOW + dt.timedelta(minutes=10))
    report = send(setup.connection, [play(setup.public, NOW + dt.timedelta(minutes=1))])
    assert stored(app) == [(setup.public, 1, NOW + dt.timedelta(minutes=1))]
    assert report == {"accepted": 1, "duplicates": 0, "rejected": 0, "deferred": 0}


@pytest.mark.parametrize(
    "attack",
    [
        "party item on a public screen",
        "another village's draft",
        "negative revision",
        "revision never published",
        "2019",
        "in the future",
        "before the screen had any manifest",
        "negative duration",
        "a day and more",
        "no offset",
        "item 2**63",
        "revision 2**63",
        "boolean item",
        "not a record",
    ],
)
def test_claims_the_screen_cannot_have_played_are_refused(
    app: Flask, setup: Setup, clock: FixedClock, attack: str
) -> None:
    clock.set(NOW + dt.timedelta(hours=1))
    moment = NOW + dt.timedelta(minutes=30)
    record: Any = {
        "party item on a public screen": play(setup.party, moment),
        "another village's draft": play(setup.elsewhere, moment),
        "negative revision": play(setup.public, moment, revision=-1),
        "revision never published": play(setup.public, moment, revision=2),
        "2019": play(setup.public, dt.datetime(2019, 5, 1, tzinfo=dt.UTC)),
        "in the future": play(setup.public, NOW + dt.timedelta(hours=3)),
        "before the screen had any manifest": play(setup.public, NOW - dt.timedelta(hours=2)),
        "negative duration": play(setup.public, moment, duration=-5),
        "a day and more": play(setup.public, moment, duration=86_401),
        "no offset": {**play(setup.public, moment), "started_at": "2026-11-23T09:30:00"},
        "item 2**63": play(2**63, moment),
        "revision 2**63": play(setup.public, moment, revision=2**63),
        "boolean item": {**play(setup.public, moment), "item": True},
        "not a record": [setup.public, 1],
    }[attack]
    report = send(setup.connection, [record])
    assert stored(app) == []
    assert report == {"accepted": 0, "duplicates": 0, "rejected": 1, "deferred": 0}


def test_a_flood_is_capped_per_batch_and_per_minute(
    app: Flask, setup: Setup, clock: FixedClock
) -> None:
    clock.set(NOW + dt.timedelta(hours=3))
    flood = [play(setup.public, NOW + dt.timedelta(seconds=2 * n)) for n in range(5000)]
    report = send(setup.connection, flood)
    # 500 looked at, the rest refused; of those only the screen's rate per minute stored.
    assert report["rejected"] == 4500
    assert report["accepted"] == len(stored(app)) == 300
    assert report["deferred"] == 200
    # Within the same minute nothing more; a minute later (the player sends again) the rest.
    assert send(setup.connection, flood[:500])["accepted"] == 0
    assert len(stored(app)) == 300
    clock.set(NOW + dt.timedelta(hours=3, minutes=1, seconds=1))
    again = send(setup.connection, flood[:500])
    assert again == {"accepted": 200, "duplicates": 300, "rejected": 0, "deferred": 0}
    assert len(stored(app)) == 500


def test_plays_of_a_withdrawn_item_end_with_the_next_acknowledged_manifest(
    app: Flask, client: FlaskClient, make: Factory, setup: Setup, clock: FixedClock
) -> None:
    clock.set(NOW + dt.timedelta(hours=1))
    ok(client, make, "jiyi01_approver", setup.public, "withdraw", "数据有误")
    newer = events(setup.connection, "manifest")[-1]
    assert newer["items"] == []
    # Offline, the player kept showing what it had: still believed until it acknowledges.
    clock.set(NOW + dt.timedelta(hours=2))
    assert (
        send(setup.connection, [play(setup.public, NOW + dt.timedelta(minutes=90))])["accepted"]
        == 1
    )
    setup.connection.emit("ack", {"version": newer["version"]}, namespace="/player")
    clock.set(NOW + dt.timedelta(hours=4))
    late = send(setup.connection, [play(setup.public, NOW + dt.timedelta(hours=3))])
    assert late["rejected"] == 1
    assert [s for _, _, s in stored(app)] == [NOW + dt.timedelta(minutes=90)]


def test_status_names_only_items_of_the_screens_manifest(app: Flask, setup: Setup) -> None:
    def current_item(item: Any) -> int | None:
        setup.connection.emit(
            "status",
            {"version": setup.manifest["version"], "current_item": item, "uptime_s": 5},
            namespace="/player",
        )
        with app.app_context():
            screen = db.session.get(Screen, setup.screen["id"])
            assert screen is not None
            return screen.current_item_id

    assert current_item(setup.public) == setup.public
    assert current_item(setup.party) is None
    assert current_item(setup.elsewhere) is None
    assert current_item(2**63) is None
    assert current_item(-1) is None


def test_pruning_keeps_what_proof_of_play_is_checked_against(
    app: Flask, setup: Setup, clock: FixedClock
) -> None:
    from signage_server.screens.manifests import prune
    from signage_server.screens.models import Manifest
    from signage_server.screens.models import ScreenManifestLog

    with app.app_context():
        screen_id = setup.screen["id"]
        old = NOW - dt.timedelta(days=60)
        db.session.add_all(
            [
                ScreenManifestLog(screen_id=screen_id, version="a" * 64, sent_at=old),
                ScreenManifestLog(
                    screen_id=screen_id, version="b" * 64, sent_at=old + dt.timedelta(days=1)
                ),
            ]
        )
        db.session.commit()
        prune(db.session, NOW + dt.timedelta(days=30))
        db.session.commit()
        versions = db.session.scalars(
            sa.select(ScreenManifestLog.version).where(ScreenManifestLog.screen_id == screen_id)
        ).all()
        # The oldest, superseded before the cut-off, goes; the one held at the cut-off and the
        # current one stay, and so does the current manifest.
        assert sorted(versions) == sorted(["b" * 64, setup.manifest["version"]])
        assert db.session.get(Manifest, setup.manifest["version"]) is not None
