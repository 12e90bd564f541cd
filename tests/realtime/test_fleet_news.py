"""The live screen wall hears of a screen's box at once (``fleet.news``): a new snapshot, and a
change of the reasons it needs attention — not every health report, and never a snapshot's
pixels."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from signage_server.extensions import socketio
from tests.factories import Factory
from tests.http.test_fleet_health import GB
from tests.http.test_fleet_health import report


def fleet_news(wall: Any) -> list[dict[str, Any]]:
    return [
        s["fleet"]
        for e in wall.get_received("/admin")
        if e["name"] == "screens"
        for s in e["args"][0]
        if "fleet" in s
    ]


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 360), "#c00").save(out, "PNG")
    return out.getvalue()


def test_the_wall_hears_a_new_snapshot_and_changed_attention(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    make.procedure("CHENGGUAN-01")  # the other township's operator
    screen = make.screen("JIYI-01")
    make.login(client, "jiyi01_operator")
    wall = socketio.test_client(app, namespace="/admin", flask_test_client=client)
    assert wall.is_connected("/admin")
    agent = app.test_client()

    assert report(agent, screen["token"]).status_code == 200
    assert fleet_news(wall) == [{"agent": True, "attention": []}]  # the agent appeared
    assert report(agent, screen["token"]).status_code == 200
    assert fleet_news(wall) == []  # nothing the wall shows changed: no news
    assert report(agent, screen["token"], disk_used=31 * GB).status_code == 200
    assert fleet_news(wall) == [{"agent": True, "attention": ["disk_full"]}]

    sent = agent.post(
        "/api/v1/player/snapshots",
        data=png(),
        headers={"Authorization": f"Bearer {screen['token']}", "Content-Type": "image/png"},
    )
    assert sent.status_code == 201
    news = fleet_news(wall)
    assert [n["snapshot"]["id"] for n in news] == [sent.get_json()["id"]]
    assert set(news[0]["snapshot"]) == {"id", "taken_at", "width", "height"}

    # Operators of another township hear nothing of it.
    other = app.test_client()
    make.login(other, "chengguan01_operator")
    elsewhere = socketio.test_client(app, namespace="/admin", flask_test_client=other)
    assert report(agent, screen["token"]).status_code == 200
    assert fleet_news(elsewhere) == []
    assert fleet_news(wall) == [{"agent": True, "attention": []}]
