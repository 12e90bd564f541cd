"""``manifest_delta``: a screen that acknowledged a manifest gets only what changed since."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage_server.extensions import db
from signage_server.screens.deltas import apply_delta
from signage_server.screens.deltas import wire_size
from signage_server.screens.models import Screen
from tests.factories import Factory
from tests.http.items import create
from tests.http.items import ok
from tests.http.items import publish_through
from tests.realtime.screens import player
from tests.realtime.screens import register


@pytest.fixture
def people(make: Factory) -> Factory:
    """集义村's people of the procedure and the county's catalog."""
    make.catalog()
    make.procedure("JIYI-01")
    make.users("jiyi_operator", "admin")
    return make


def received(connection: Any) -> list[tuple[str, Any]]:
    return [(e["name"], e["args"][0]) for e in connection.get_received("/player")]


def test_an_acknowledging_player_gets_a_delta_others_the_full_manifest(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    first = create(client, people)
    publish_through(client, people, first["id"])
    acking = player(app, register(client, people, name="村口大屏")["token"])
    silent = player(app, register(client, people, name="村委会大屏")["token"])
    held = received(acking)[-1][1]
    assert received(silent)[-1][0] == "manifest"
    acking.emit("ack", {"version": held["version"]}, namespace="/player")

    second = create(client, people, title="集义村2026年第四季度村级财务收支情况")
    publish_through(client, people, second["id"])

    [(name, delta)] = received(acking)
    assert name == "manifest_delta"
    [(name, full)] = received(silent)
    assert name == "manifest"
    assert delta["base"] == held["version"]
    assert delta["version"] == full["version"] != held["version"]
    assert delta["items"] == [first["id"], second["id"]]
    # The unchanged item is not sent again; the new one is, whole.
    assert [e["id"] for e in delta["items_changed"]] == [second["id"]]
    assert "org" not in delta["rest"] and "horizon" not in delta["rest"]
    # What the player rebuilds is exactly what the other screen got whole.
    assert apply_delta(held, delta) == full
    assert wire_size("manifest_delta", delta) < wire_size("manifest", full)

    # A withdrawal: the acknowledged base is still the first manifest (no ack since), so the
    # delta goes from there; a player holding the newer one asks for the full manifest.
    ok(client, people, "jiyi01_approver", first["id"], "withdraw", "数据有误")
    [(name, again)] = received(acking)
    assert name == "manifest_delta"
    assert again["base"] == held["version"]
    assert again["items"] == [second["id"]]
    assert apply_delta(full, again) is None


def test_a_base_no_longer_stored_gets_the_full_manifest(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    item = create(client, people)
    publish_through(client, people, item["id"])
    screen = register(client, people)
    connection = player(app, screen["token"])
    received(connection)
    connection.emit("ack", {"version": "0" * 64}, namespace="/player")
    with app.app_context():
        assert db.session.get(Screen, screen["id"]).acked_version == "0" * 64
    other = create(client, people, title="集义村2026年第四季度村级财务收支情况")
    publish_through(client, people, other["id"])
    assert [name for name, _ in received(connection)] == ["manifest"]
