"""Helpers for feedback tests: a published item, its codes, and submitting the public form."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from signage_server.feedback import links
from tests.conftest import Demo
from tests.http.items import create
from tests.http.items import publish_through


def key(app: Flask) -> bytes:
    return links.code_key(app)


#: An ordinary item of the village (not village affairs): a question on it goes to the
#: village's handlers (one on a village-affairs item goes to its supervision committee).
ORDINARY = {
    "category": "service",
    "catalog_entry": "MZ-01",
    "title": "集义村2026年第四季度低保、临时救助政策落实情况",
}


def published_item(client: FlaskClient, demo: Demo, **overrides: Any) -> dict[str, Any]:
    item = create(client, demo, **overrides)
    return publish_through(client, demo, item["id"])


def item_code(app: Flask, item: dict[str, Any]) -> str:
    return links.item_code(item["id"], item["revision"], app)


def screen_code(app: Flask, screen_id: int) -> str:
    return links.screen_code(screen_id, app)


def submit(
    client: FlaskClient,
    code: str,
    *,
    kind: str = "question",
    text: str = "村里修路的钱从哪里来？",
    address: str = "10.0.0.1",
    json: bool = True,
    query: str = "",
    **fields: Any,
) -> Any:
    headers = {"Accept": "application/json"} if json else {}
    return client.post(
        f"/f/{code}{query}",
        data={"kind": kind, "text": text, **fields},
        headers=headers,
        environ_base={"REMOTE_ADDR": address},
    )


def receipt_of(response: Any) -> str:
    assert response.status_code == 201, response.get_data(as_text=True)[:800]
    receipt: str = response.get_json()["receipt"]
    return receipt


def cases(client: FlaskClient, demo: Demo, user: str, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/feedback{query}", headers=demo.headers(user))
    assert response.status_code == 200, response.get_json()
    found: list[dict[str, Any]] = response.get_json()["cases"]
    return found


def case_of(client: FlaskClient, demo: Demo, user: str, receipt: str) -> dict[str, Any]:
    matches = [c for c in cases(client, demo, user) if c["receipt"] == receipt]
    assert len(matches) == 1, (user, receipt)
    return matches[0]


def action(
    client: FlaskClient, demo: Demo, user: str, case_id: int, name: str, **extra: Any
) -> Any:
    return client.post(
        f"/api/v1/feedback/{case_id}/actions",
        json={"action": name, **extra},
        headers=demo.headers(user),
    )
