"""Remote commands over the ``/player`` namespace, with the real test socket client: a
connected player receives them at once, an offline one when it reconnects (unless they
expired), it answers ``command_done`` for its own screen's commands only; hello carries the
server's player version and a status the page's."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.clock import FixedClock
from signage_server.extensions import db
from signage_server.fleet.commands.models import ScreenCommand
from signage_server.screens.models import Screen
from signage_server.screens.player import player_version
from tests.factories import Factory
from tests.realtime.screens import events
from tests.realtime.screens import player

OPERATOR = "jiyi01_operator"


def issue(client: FlaskClient, make: Factory, screen_id: int, kind: str) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/screens/{screen_id}/commands", json={"kind": kind}, headers=make.headers(OPERATOR)
    )
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def listed(client: FlaskClient, make: Factory, screen_id: int) -> dict[int, str]:
    body = client.get(
        f"/api/v1/screens/{screen_id}/commands", headers=make.headers(OPERATOR)
    ).get_json()
    return {c["id"]: c["state"] for c in body["commands"]}


def test_a_connected_player_receives_a_command_at_once_and_acknowledges_it(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    screen = make.screen("JIYI-01")
    connection = player(app, screen["token"])
    hello = events(connection, "hello")
    assert [h["player_version"] for h in hello] == [player_version()]
    sent = issue(client, make, screen["id"], "identify")
    assert sent["state"] == "sent"
    [command] = events(connection, "command")
    assert (command["id"], command["kind"]) == (sent["id"], "identify")
    assert command["expires_at"] == sent["expires_at"] and command["issued_at"]
    answer = connection.emit(
        "command_done", {"id": sent["id"], "ok": True}, namespace="/player", callback=True
    )
    assert answer == {"id": sent["id"], "state": "done"}
    assert listed(client, make, screen["id"]) == {sent["id"]: "done"}


def test_a_failed_command_keeps_the_players_reason(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    screen = make.screen("JIYI-01")
    connection = player(app, screen["token"])
    sent = issue(client, make, screen["id"], "reload")
    reply = connection.emit(
        "command_done",
        {"id": sent["id"], "ok": False, "error": "no_agent"},
        namespace="/player",
        callback=True,
    )
    assert reply["state"] == "failed"
    body = client.get(
        f"/api/v1/screens/{screen['id']}/commands", headers=make.headers(OPERATOR)
    ).get_json()
    assert body["commands"][0]["error"] == "no_agent"
    bad = connection.emit("command_done", {"id": "x"}, namespace="/player", callback=True)
    assert bad["error"]["code"] == "bad_answer"


def test_an_offline_screen_receives_its_pending_commands_when_it_reconnects(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    screen = make.screen("JIYI-01")
    queued = issue(client, make, screen["id"], "reload")
    assert queued["state"] == "queued"
    connection = player(app, screen["token"])
    received = connection.get_received("/player")
    names = [e["name"] for e in received]
    # After its hello and manifest.
    assert names == ["hello", "manifest", "command"]
    assert received[2]["args"][0]["id"] == queued["id"]
    assert listed(client, make, screen["id"]) == {queued["id"]: "sent"}
    # Not answered before the connection dropped: sent again on the next connection (the
    # player runs each id once).
    connection.disconnect(namespace="/player")
    again = player(app, screen["token"])
    assert [c["id"] for c in events(again, "command")] == [queued["id"]]


def test_an_expired_command_is_never_delivered_and_shows_expired(
    app: Flask, client: FlaskClient, make: Factory, clock: FixedClock
) -> None:
    screen = make.screen("JIYI-01")
    identify = issue(client, make, screen["id"], "identify")  # 10 minutes
    reload_ = issue(client, make, screen["id"], "reload")  # 24 hours
    clock.advance(minutes=11)
    connection = player(app, screen["token"])
    assert [c["id"] for c in events(connection, "command")] == [reload_["id"]]
    assert listed(client, make, screen["id"]) == {identify["id"]: "expired", reload_["id"]: "sent"}


def test_another_screen_cannot_answer_for_a_command(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    mine = make.screen("JIYI-01")
    other = make.screen("JIYI-01", name="村委会门口屏")
    issued = issue(client, make, mine["id"], "reload")
    intruder = player(app, other["token"])
    reply = intruder.emit(
        "command_done", {"id": issued["id"], "ok": True}, namespace="/player", callback=True
    )
    assert reply["error"]["code"] == "command_not_found"
    assert listed(client, make, mine["id"]) == {issued["id"]: "queued"}


def test_a_revoked_screen_gets_nothing(app: Flask, client: FlaskClient, make: Factory) -> None:
    screen = make.screen("JIYI-01")
    issued = issue(client, make, screen["id"], "reload")
    client.post(f"/api/v1/screens/{screen['id']}/revoke", headers=make.headers(OPERATOR))
    assert not player(app, screen["token"]).is_connected("/player")
    with app.app_context():
        command = db.session.get(ScreenCommand, issued["id"])
        assert command is not None and command.sent_at is None


def test_the_status_reports_the_pages_player_version(app: Flask, make: Factory) -> None:
    screen = make.screen("JIYI-01")
    connection = player(app, screen["token"])
    connection.emit("status", {"player_version": "0.0.9-old", "uptime_s": 5}, namespace="/player")
    with app.app_context():
        row = db.session.get(Screen, screen["id"])
        assert row is not None and row.player_version == "0.0.9-old"
        # Nonsense leaves it alone.
    connection.emit("status", {"player_version": "x" * 500}, namespace="/player")
    with app.app_context():
        assert db.session.scalar(sa.select(Screen.player_version)) == "0.0.9-old"
