"""Helpers: register screens and connect Socket.IO test clients as players."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from signage_server.extensions import socketio
from tests.conftest import Demo


def register(
    client: FlaskClient,
    demo: Demo,
    *,
    org: str = "JIYI-01",
    audience: str = "public",
    layout: str = "landscape",
    user: str = "jiyi01_operator",
    name: str = "村委会门口大屏",
) -> dict[str, Any]:
    response = client.post(
        "/api/v1/screens",
        json={
            "name": name,
            "org": org,
            "audience": audience,
            "layout": layout,
            "location": "集义村文化广场",
        },
        headers=demo.headers(user),
    )
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def player(app: Flask, token: str) -> Any:
    """Connect a Socket.IO test client to ``/player`` with ``token``."""
    return socketio.test_client(app, namespace="/player", auth={"token": token})


def events(client: Any, name: str) -> list[Any]:
    """Return the payloads of every ``name`` event received so far (and forget them)."""
    return [e["args"][0] for e in client.get_received("/player") if e["name"] == name]
