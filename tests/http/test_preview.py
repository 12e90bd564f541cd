"""The item editor's preview: which layouts a draft reaches, the one-item manifests handed to
the real player, who may ask, and the player page framed by the editor."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.demo.seed import seed_screens
from signage_server.extensions import db
from signage_server.orgs.models import Org
from tests.conftest import Demo
from tests.conftest import csrf_token
from tests.conftest import post_form
from tests.http.items import create

ROWS = "\n".join(f"{n}\t第{n}次党委会\t关于第{n}号议题的决定\t通过" for n in range(1, 31))
DRAFT = {
    "org": "JIYI",
    "catalog_entry": "",
    "title": "集义镇党委2026年第三季度重大决策",
    "category": "party_affairs",
    "timing": "periodic",
    "scope": "public",
    "body_type": "table",
    "table": "序号\t会议\t议题\t结果\n" + ROWS,
    "caption": "",
    "note": "来源：镇党政办",
    "text_format": "plain",
    "notice_kind": "",
}


@pytest.fixture(autouse=True)
def screens(app: Flask, demo: Demo) -> None:
    """The demo's screens: 集义村's public landscape board and party portrait screen, the
    township's public LED board."""
    with app.app_context():
        by_code = {org.code: org for org in db.session.scalars(sa.select(Org))}
        seed_screens(db.session, by_code)
        db.session.commit()


def preview(client: FlaskClient, data: dict[str, Any], page: str = "/items/new") -> Any:
    return post_form(client, "/items/preview", data, page=page)


def layouts(body: dict[str, Any]) -> dict[str, int]:
    return {layout["name"]: layout["screens"] for layout in body["layouts"]}


def test_a_township_item_reaches_its_screens_and_those_below(
    client: FlaskClient, demo: Demo
) -> None:
    """Demo: the township's public LED board; 集义村's public landscape board and its party
    activity room's portrait screen (a party screen shows public items too)."""
    demo.login(client, "jiyi_editor")
    body = preview(client, DRAFT).get_json()
    assert body["reached"] is True
    assert layouts(body) == {"landscape": 1, "portrait": 1, "led": 1}
    assert [layout["name"] for layout in body["layouts"]] == ["landscape", "portrait", "led"]
    assert [layout["label"] for layout in body["layouts"]] == ["横屏", "竖屏", "LED 屏"]
    led = body["layouts"][2]
    assert (led["width"], led["height"]) == (960, 480)
    assert led["player_url"] == "/items/preview/player?all_pages=1&layout=led"

    party = preview(client, {**DRAFT, "scope": "party"}).get_json()
    assert layouts(party) == {"portrait": 1}


def test_a_village_item_does_not_reach_the_township_board(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi01_editor")
    body = preview(client, {**DRAFT, "org": "JIYI-01"}).get_json()
    assert layouts(body) == {"landscape": 1, "portrait": 1}


def test_no_screen_reached_says_so_and_shows_landscape(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi01_editor")
    body = preview(client, {**DRAFT, "org": "JIYI-01", "scope": "unit"}).get_json()
    assert body["reached"] is False
    assert layouts(body) == {"landscape": 0}
    assert body["summary"]


def test_each_layout_gets_a_one_item_manifest_of_what_was_typed(
    client: FlaskClient, demo: Demo
) -> None:
    demo.login(client, "jiyi_editor")
    body = preview(client, {**DRAFT, "title": "<b>标题</b>"}).get_json()
    for layout in body["layouts"]:
        manifest = layout["manifest"]
        assert manifest["layout"] == layout["name"]
        assert manifest["org"] == {"code": "JIYI", "name": "集义镇"}
        assert re.fullmatch(r"[0-9a-f]{64}", manifest["version"])
        assert manifest["schedule"] == [] and manifest["ticker"] == []
        [item] = manifest["items"]
        assert item["id"] == 0 and item["revision"] == 1, "a new item"
        assert item["title"] == "<b>标题</b>", "text, never markup (the player sets textContent)"
        assert item["body"]["type"] == "table"
        assert item["body"]["columns"] == ["序号", "会议", "议题", "结果"]
        assert [row[0] for row in item["body"]["rows"]] == [str(n) for n in range(1, 31)]
        assert item["body"]["note"] == "来源：镇党政办"
        assert item["valid_from"] is None, "shown from now on, whatever its start"
        assert item["qr_url"].startswith("http")
    same = preview(client, {**DRAFT, "title": "<b>标题</b>"}).get_json()
    assert same["layouts"][0]["manifest"]["version"] == body["layouts"][0]["manifest"]["version"]


def test_an_urgent_draft_scrolls_in_the_ticker(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi_editor")
    data = {**DRAFT, "timing": "immediate", "urgent": "y", "body_type": "text"}
    data["text"] = "今晚停水。"
    manifest = preview(client, data).get_json()["layouts"][0]["manifest"]
    assert manifest["items"][0]["urgent"] is True
    assert [line["text"] for line in manifest["ticker"]] == [f"{DRAFT['title']}：今晚停水。"]


def test_a_body_that_cannot_be_shown_is_explained(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi_editor")
    body = preview(client, {**DRAFT, "table": ""}).get_json()
    assert body["problem"]
    assert body["layouts"][0]["manifest"]["items"][0]["body"]["type"] == "text"


def test_editing_previews_the_next_revision_of_the_item(client: FlaskClient, demo: Demo) -> None:
    item = create(client, demo)
    demo.login(client, "jiyi01_editor")
    page = f"/items/{item['id']}/edit"
    body = preview(client, {**DRAFT, "org": "JIYI-01", "item": item["id"]}, page=page).get_json()
    manifest = body["layouts"][0]["manifest"]
    assert manifest["items"][0]["id"] == item["id"]
    assert manifest["items"][0]["revision"] == 1, "the draft is edited in place"


@pytest.mark.parametrize(
    ("user", "data"),
    [
        ("jiyi01_editor", {"org": "JIYI"}),  # drafts in the village, not in the township
        ("jiyi01_reviewer", {"org": "JIYI-01"}),  # reviews, does not draft
    ],
)
def test_only_those_who_may_draft_there_get_a_preview(
    client: FlaskClient, demo: Demo, user: str, data: dict[str, str]
) -> None:
    demo.login(client, user)
    token = csrf_token(client, "/items")
    response = client.post("/items/preview", data={**DRAFT, **data, "csrf_token": token})
    assert response.status_code == 403
    assert "集义镇党委" not in response.get_data(as_text=True)


def test_another_orgs_item_is_not_previewed(client: FlaskClient, demo: Demo) -> None:
    item = create(client, demo, user="jiyi_editor", org="JIYI", catalog_entry=None)
    demo.login(client, "jiyi01_editor")
    token = csrf_token(client, "/items/new")
    response = client.post(
        "/items/preview", data={**DRAFT, "item": item["id"], "csrf_token": token}
    )
    assert response.status_code in (403, 404)


def test_anonymous_and_forged_requests_are_turned_away(client: FlaskClient, demo: Demo) -> None:
    response = client.post("/items/preview", data=DRAFT)
    assert response.status_code in (302, 400, 401)
    assert "集义镇" not in response.get_data(as_text=True)
    assert client.get("/items/preview/player?all_pages=1").status_code in (302, 401)
    demo.login(client, "jiyi_editor")
    assert client.post("/items/preview", data=DRAFT).status_code == 400, "no CSRF token"


def test_the_preview_player_is_framable_by_this_site_only(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi_editor")
    response = client.get("/items/preview/player?all_pages=1&layout=led")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'data-preview-source="parent"' in page
    assert "preview.css" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "no inline script"
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "script-src 'self'" in policy
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'none'" in client.get("/items/new").headers["Content-Security-Policy"]


def initial_preview(page: str) -> dict[str, Any]:
    found = re.search(r"data-initial='([^']*)'", page)
    assert found, "the editor carries its first preview"
    data: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return data


def test_the_editor_opens_with_the_preview_of_the_item(client: FlaskClient, demo: Demo) -> None:
    item = create(client, demo)
    demo.login(client, "jiyi01_editor")
    page = client.get(f"/items/{item['id']}/edit").get_data(as_text=True)
    data = initial_preview(page)
    assert [layout["name"] for layout in data["layouts"]] == ["landscape", "portrait"]
    shown = data["layouts"][0]["manifest"]["items"][0]
    assert shown["title"] == item["current"]["title"]
    assert shown["body"]["rows"][1][1] == "村内道路维修材料费"
    for layout in data["layouts"]:
        assert f'src="{html.escape(layout["player_url"])}"' in page


def test_typed_markup_cannot_leave_the_preview_data(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi01_editor")
    title = "'><script src=/x.js></script>"
    response = post_form(
        client, "/items/new", {**DRAFT, "org": "JIYI-01", "title": title, "table": "x"}
    )
    page = response.get_data(as_text=True)
    assert "<script src=/x.js>" not in page
    assert initial_preview(page)["layouts"][0]["manifest"]["items"][0]["title"] == title
