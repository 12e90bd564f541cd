"""The ``/player`` namespace: hello and manifest on connect, pushes on change, reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server import services as registry
from signage_server.clock import FixedClock
from signage_server.extensions import db
from signage_server.extensions import socketio
from signage_server.realtime import pacing
from signage_server.realtime.pacing import ATTENDANCE
from signage_server.scheduler import run_once
from signage_server.screens.models import PlayRecord
from signage_server.screens.models import Screen
from tests.conftest import NOW
from tests.conftest import REDIS_URL
from tests.conftest import make_app
from tests.conftest import need_service
from tests.conftest import redis_problem
from tests.factories import Factory
from tests.http.items import create
from tests.http.items import ok
from tests.http.items import publish_through
from tests.realtime.screens import events
from tests.realtime.screens import player
from tests.realtime.screens import register


@pytest.fixture
def people(make: Factory) -> Factory:
    """集义村's people of the procedure and the county's catalog, the township's operator, the site admin, and 城关镇's 东关村."""
    make.catalog()
    make.procedure("JIYI-01")
    make.users("jiyi_operator", "admin")
    make.org("CHENGGUAN-01")
    return make


def item_ids(manifest: dict[str, Any]) -> list[int]:
    return [i["id"] for i in manifest["items"]]


def test_hello_and_manifest_on_connect(app: Flask, client: FlaskClient, people: Factory) -> None:
    item = create(client, people)
    publish_through(client, people, item["id"])
    screen = register(client, people)
    connection = player(app, screen["token"])
    assert connection.is_connected("/player")
    received = connection.get_received("/player")
    assert [e["name"] for e in received] == ["hello", "manifest"]
    hello = received[0]["args"][0]["screen"]
    assert hello["id"] == screen["id"]
    assert (hello["org"], hello["audience"], hello["layout"], hello["timezone"]) == (
        "JIYI-01",
        "public",
        "landscape",
        "Asia/Shanghai",
    )
    assert len(hello["code"]) >= 8
    # One player on this process: acknowledge after 1-3 s (realtime.pacing).
    assert received[0]["args"][0]["ack_delay_ms"] == {"min": 1000, "spread": 2000}
    manifest = received[1]["args"][0]
    assert item_ids(manifest) == [item["id"]]
    entry = manifest["items"][0]
    assert entry["body"]["type"] == "table"
    assert entry["qr_url"].startswith("http://127.0.0.1:8080/f/")
    # Before its publication at 09:00 the day's first segment is empty; from then on it plays.
    now = [
        s
        for s in manifest["schedule"]
        if dt.datetime.fromisoformat(s["from"]) <= NOW < dt.datetime.fromisoformat(s["until"])
    ]
    assert now[0]["sequence"] == [{"item": item["id"], "duration_s": 15}]
    assert manifest["schedule"][0]["sequence"] == []
    assert len(manifest["version"]) == 64


def test_bad_or_missing_token_is_refused(app: Flask, client: FlaskClient, people: Factory) -> None:
    register(client, people)
    for auth in ({"token": "scr_nope"}, {}, None):
        connection = socketio.test_client(app, namespace="/player", auth=auth)
        assert not connection.is_connected("/player")


def test_publish_and_withdraw_are_pushed(app: Flask, client: FlaskClient, people: Factory) -> None:
    screen = register(client, people)
    connection = player(app, screen["token"])
    first = events(connection, "manifest")[-1]
    assert first["items"] == []
    item = create(client, people)
    publish_through(client, people, item["id"])
    pushed = events(connection, "manifest")
    assert len(pushed) == 1
    assert item_ids(pushed[0]) == [item["id"]]
    assert pushed[0]["version"] != first["version"]
    ok(client, people, "jiyi01_approver", item["id"], "withdraw", "数据有误")
    assert item_ids(events(connection, "manifest")[-1]) == []


def test_editing_a_draft_pushes_nothing(app: Flask, client: FlaskClient, people: Factory) -> None:
    item = create(client, people)
    publish_through(client, people, item["id"])
    screen = register(client, people)
    connection = player(app, screen["token"])
    connection.get_received("/player")
    client.patch(
        f"/api/v1/items/{item['id']}",
        json={"title": "新标题（草稿）"},
        headers=people.headers("jiyi01_editor"),
    )
    assert events(connection, "manifest") == []


def test_expiry_is_pushed_by_the_scheduler(
    app: Flask, client: FlaskClient, people: Factory, clock: FixedClock
) -> None:
    end = NOW + dt.timedelta(minutes=30)
    item = create(client, people, valid_until=end.isoformat())
    publish_through(client, people, item["id"])
    screen = register(client, people)
    connection = player(app, screen["token"])
    assert item_ids(events(connection, "manifest")[-1]) == [item["id"]]
    clock.set(end + dt.timedelta(milliseconds=1))
    run_once(app)
    assert item_ids(events(connection, "manifest")[-1]) == []


def test_only_affected_screens_are_pushed(app: Flask, client: FlaskClient, people: Factory) -> None:
    here = register(client, people)
    client.post(
        "/api/v1/users/jiyi_operator/grants",
        json={"org": "CHENGGUAN", "role": "operator"},
        headers=people.headers("admin"),
    )
    elsewhere = register(
        client, people, org="CHENGGUAN-01", user="jiyi_operator", name="东关村大屏"
    )
    near, far = player(app, here["token"]), player(app, elsewhere["token"])
    near.get_received("/player")
    far.get_received("/player")
    item = create(client, people)
    publish_through(client, people, item["id"])
    assert len(events(near, "manifest")) == 1
    assert events(far, "manifest") == []


def test_party_items_never_reach_public_screens(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    party = create(
        client,
        people,
        title="党费收缴情况",
        catalog_entry="DF-01",
        category="organisation",
        scope="party",
    )
    publish_through(client, people, party["id"])
    public = create(client, people)
    publish_through(client, people, public["id"])
    square = player(app, register(client, people, audience="public")["token"])
    room = player(app, register(client, people, audience="party", name="党员活动室")["token"])
    office = player(app, register(client, people, audience="unit", name="村委办公室")["token"])
    assert item_ids(events(square, "manifest")[-1]) == [public["id"]]
    assert sorted(item_ids(events(room, "manifest")[-1])) == sorted([party["id"], public["id"]])
    assert item_ids(events(office, "manifest")[-1]) == [public["id"]]
    # Even a playlist that names the party item does not put it on the public screen.
    square_id = (
        db.session.scalar(sa.select(Screen.id).where(Screen.audience == "public"))
        if False
        else None
    )
    assert square_id is None


def test_reports_are_stored(app: Flask, client: FlaskClient, people: Factory) -> None:
    item = create(client, people)
    publish_through(client, people, item["id"])
    screen = register(client, people)
    connection = player(app, screen["token"])
    manifest = events(connection, "manifest")[-1]
    connection.emit("ack", {"version": manifest["version"]}, namespace="/player")
    connection.emit(
        "status",
        {"version": manifest["version"], "current_item": item["id"], "uptime_s": 321},
        namespace="/player",
    )
    stored = connection.emit(
        "played",
        [
            {"item": item["id"], "revision": 1, "started_at": NOW.isoformat(), "duration_s": 15.2},
            {"item": item["id"], "revision": 1, "started_at": "not a time", "duration_s": 15},
            {"item": 99999, "revision": 1, "started_at": NOW.isoformat(), "duration_s": 15},
        ],
        namespace="/player",
        callback=True,
    )
    assert stored == {"accepted": 1, "duplicates": 0, "rejected": 2, "deferred": 0}
    # A player resends a batch whose acknowledgement it lost: nothing is counted twice.
    again = connection.emit(
        "played",
        [
            {"item": item["id"], "revision": 1, "started_at": NOW.isoformat(), "duration_s": 15.2},
            {"item": item["id"], "revision": 1, "started_at": NOW.isoformat(), "duration_s": 15.2},
        ],
        namespace="/player",
        callback=True,
    )
    assert again == {"accepted": 0, "duplicates": 2, "rejected": 0, "deferred": 0}
    with app.app_context():
        row = db.session.get(Screen, screen["id"])
        assert row is not None
        assert row.acked_version == manifest["version"]
        assert (row.current_item_id, row.uptime_s, row.online) == (item["id"], 321, True)
        records = db.session.scalars(sa.select(PlayRecord)).all()
        assert [(r.item_id, r.duration_s) for r in records] == [(item["id"], 15.2)]
    body = client.get(
        f"/api/v1/screens/{screen['id']}/played", headers=people.headers("jiyi01_operator")
    ).get_json()
    assert body["played"][0]["item"] == item["id"]
    connection.disconnect(namespace="/player")
    with app.app_context():
        row = db.session.get(Screen, screen["id"])
        assert row is not None and row.online is False


def test_revoked_screen_is_disconnected_and_refused(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    screen = register(client, people)
    connection = player(app, screen["token"])
    assert connection.is_connected("/player")
    response = client.post(
        f"/api/v1/screens/{screen['id']}/revoke", headers=people.headers("jiyi01_operator")
    )
    assert response.status_code == 200
    assert not connection.is_connected("/player")
    assert not player(app, screen["token"]).is_connected("/player")
    assert (
        client.get(
            "/api/v1/player/manifest", headers={"Authorization": f"Bearer {screen['token']}"}
        ).status_code
        == 401
    )
    fresh = client.post(
        f"/api/v1/screens/{screen['id']}/token", headers=people.headers("jiyi01_operator")
    ).get_json()
    assert player(app, fresh["token"]).is_connected("/player")


def test_events_of_a_replaced_token_are_refused_in_one_place(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    """The socket edge's one translation of domain errors: an event from a connection whose
    screen token changed behind it is answered with the error and the connection closed."""
    screen = register(client, people)
    connection = player(app, screen["token"])
    assert connection.is_connected("/player")
    with app.app_context():
        row = db.session.get(Screen, screen["id"])
        assert row is not None
        row.token_hash = "0" * 64  # replaced without telling the dispatcher (no disconnect)
        db.session.commit()
    assert connection.is_connected("/player")
    reply = connection.emit("played", [], namespace="/player", callback=True)
    assert reply["error"]["code"] == "unauthorized"
    assert reply["error"]["message"]
    assert not connection.is_connected("/player")
    with app.app_context():
        assert db.session.scalars(sa.select(PlayRecord)).all() == []


def test_admin_wall_gets_screen_news(app: Flask, client: FlaskClient, people: Factory) -> None:
    screen = register(client, people)
    people.login(client, "jiyi_operator")
    wall = socketio.test_client(app, namespace="/admin", flask_test_client=client)
    assert wall.is_connected("/admin")
    connection = player(app, screen["token"])
    news = [s for e in wall.get_received("/admin") if e["name"] == "screens" for s in e["args"][0]]
    assert news
    assert news[-1]["id"] == screen["id"]
    assert news[-1]["online"] is True
    connection.disconnect(namespace="/player")
    news = [s for e in wall.get_received("/admin") if e["name"] == "screens" for s in e["args"][0]]
    assert news[-1]["online"] is False
    anonymous = socketio.test_client(app, namespace="/admin")
    assert not anonymous.is_connected("/admin")
    elsewhere = socketio.test_client(
        app,
        namespace="/admin",
        flask_test_client=client,
        headers={"Origin": "https://evil.example"},
    )
    assert not elsewhere.is_connected("/admin")


def test_manifest_version_is_stable(
    app: Flask, client: FlaskClient, people: Factory, clock: FixedClock
) -> None:
    item = create(client, people)
    publish_through(client, people, item["id"])
    screen = register(client, people)
    first = client.get(
        f"/api/v1/screens/{screen['id']}/manifest", headers=people.headers("jiyi01_operator")
    ).get_json()
    clock.advance(hours=3)
    run_once(app)
    later = client.get(
        f"/api/v1/screens/{screen['id']}/manifest", headers=people.headers("jiyi01_operator")
    ).get_json()
    assert later["version"] == first["version"]
    assert later["horizon"] == first["horizon"]


def test_an_app_without_redis_does_not_inherit_an_earlier_apps_queue(
    database_url: str, tmp_path: Path
) -> None:
    """One process can hold several apps (tests, the CLI): the Redis queue of one must not
    leak into the next (Flask-SocketIO keeps it in the shared extension's options)."""
    need_service("Redis", redis_problem())
    make_app(database_url, tmp_path / "a", redis_url=REDIS_URL)
    plain = make_app(database_url, tmp_path / "b")
    connection = socketio.test_client(plain, namespace="/admin")
    assert not connection.is_connected("/admin")  # refused (no login), but no RuntimeError
    assert type(socketio.server.manager).__name__ == "Manager"


def test_players_connected_to_the_process_are_counted(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    """The wait before acknowledging grows with the players of the process: it counts those
    that connected (not those refused) until they leave."""
    attendance = registry.get(ATTENDANCE, app)
    screens = [register(client, people, name=f"屏{n}") for n in range(2)]
    first, second = (player(app, s["token"]) for s in screens)
    assert attendance.connected == 2
    refused = socketio.test_client(app, namespace="/player", auth={"token": "nope"})
    assert not refused.is_connected("/player")
    assert attendance.connected == 2
    first.disconnect("/player")
    assert attendance.connected == 1
    second.disconnect("/player")
    assert attendance.connected == 0


def test_players_are_told_a_new_wait_when_the_process_fills_and_empties(
    app: Flask, client: FlaskClient, people: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first players to connect learned a short wait in ``hello``; when the process has
    many more, they are all told the longer one (``pace``), and the shorter one again when
    players leave. Here 600 ms per player stands for the real 0.8 ms (three players, not
    1,600)."""
    monkeypatch.setattr(pacing, "MS_PER_PLAYER", 600)
    screens = [register(client, people, name=f"屏{n}") for n in range(3)]
    first = player(app, screens[0]["token"])
    second = player(app, screens[1]["token"])
    assert events(second, "hello")[0]["ack_delay_ms"] == {"min": 1200, "spread": 2000}
    assert events(first, "pace") == [], "1,200 ms is within a quarter of the 1,000 told"
    third = player(app, screens[2]["token"])
    assert events(third, "hello")[0]["ack_delay_ms"] == {"min": 1800, "spread": 2000}
    told = {"ack_delay_ms": {"min": 1800, "spread": 2000}}
    assert events(first, "pace") == [told]
    assert events(second, "pace") == [told]
    third.disconnect("/player")
    assert events(first, "pace") == [{"ack_delay_ms": {"min": 1200, "spread": 2000}}]
    second.disconnect("/player")
    assert events(first, "pace") == [], "1,000 ms is within a quarter of the 1,200 told"
