"""Screens, pairing, the player's HTTP API, playlists and groups, through HTTP."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Factory
from tests.http.items import create
from tests.http.items import ok
from tests.http.items import publish_through
from tests.http.test_assets import png
from tests.http.test_assets import upload as send_file
from tests.realtime.screens import events
from tests.realtime.screens import player
from tests.realtime.screens import register


@pytest.fixture
def people(make: Factory) -> Factory:
    """集义村's people of the procedure and its handler, the county's catalog, the township's editor, reviewer, approver, operator and supervisor, the county's superior, the site admin; 西王庄村 and 城关镇's 东关村."""
    make.catalog()
    make.procedure("JIYI-01")
    make.users(
        "jiyi01_handler",
        "jiyi_editor",
        "jiyi_reviewer",
        "jiyi_approver",
        "jiyi_operator",
        "jiyi_supervisor",
        "xian_superior",
        "admin",
    )
    make.org("JIYI-02")
    make.org("CHENGGUAN-01")
    return make


def test_register_screen_as_the_contract_says(client: FlaskClient, people: Factory) -> None:
    body = register(client, people)
    assert set(body) >= {"id", "token", "player_url"}
    assert body["token"].startswith("scr_")
    # The token rides in the fragment, which browsers never send (no access log sees it).
    assert body["player_url"] == f"http://127.0.0.1:8080/player/#token={body['token']}"
    assert body["resolution"] == "1920x1080"
    listed = client.get("/api/v1/screens", headers=people.headers("jiyi_supervisor")).get_json()[
        "screens"
    ]
    assert [s["id"] for s in listed] == [body["id"]]
    assert "token" not in listed[0]


@pytest.mark.parametrize(
    "user", ["jiyi01_editor", "jiyi01_approver", "jiyi01_handler", "jiyi02_nobody"]
)
def test_only_operators_register_screens(client: FlaskClient, people: Factory, user: str) -> None:
    if user == "jiyi02_nobody":
        client.post(
            "/api/v1/users",
            json={"username": user, "org": "JIYI-02", "roles": ["operator"]},
            headers=people.headers("admin"),
        )
    response = client.post(
        "/api/v1/screens",
        json={"name": "屏", "org": "JIYI-01", "audience": "public"},
        headers=people.headers(user),
    )
    assert response.status_code == 403


def test_screen_input_is_checked(client: FlaskClient, people: Factory) -> None:
    headers = people.headers("jiyi01_operator")
    for payload, code in (
        (
            {"name": "屏", "org": "JIYI-01", "audience": "public", "layout": "cinema"},
            "invalid_layout",
        ),
        (
            {"name": "屏", "org": "JIYI-01", "audience": "public", "timezone": "Mars/Base"},
            "invalid_timezone",
        ),
        (
            {"name": "屏", "org": "JIYI-01", "audience": "public", "resolution": "huge"},
            "invalid_resolution",
        ),
    ):
        response = client.post("/api/v1/screens", json=payload, headers=headers)
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == code
    assert (
        client.post(
            "/api/v1/screens",
            json={"name": "屏", "org": "JIYI-01", "audience": "everyone"},
            headers=headers,
        ).status_code
        == 400
    )


def test_patch_changes_audience_and_pushes(
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
    screen = register(client, people)
    connection = player(app, screen["token"])
    assert events(connection, "manifest")[-1]["items"] == []
    response = client.patch(
        f"/api/v1/screens/{screen['id']}",
        json={"audience": "party", "layout": "portrait"},
        headers=people.headers("jiyi01_operator"),
    )
    assert response.status_code == 200
    pushed = events(connection, "manifest")[-1]
    assert [i["id"] for i in pushed["items"]] == [party["id"]]
    assert pushed["layout"] == "portrait"


def test_player_manifest_with_etag(client: FlaskClient, people: Factory) -> None:
    screen = register(client, people)
    headers = {"Authorization": f"Bearer {screen['token']}"}
    first = client.get("/api/v1/player/manifest", headers=headers)
    assert first.status_code == 200
    version = first.get_json()["version"]
    assert first.headers["ETag"] == f'"{version}"'
    again = client.get(
        "/api/v1/player/manifest", headers={**headers, "If-None-Match": f'"{version}"'}
    )
    assert again.status_code == 304
    item = create(client, people)
    publish_through(client, people, item["id"])
    changed = client.get(
        "/api/v1/player/manifest", headers={**headers, "If-None-Match": f'"{version}"'}
    )
    assert changed.status_code == 200
    assert changed.get_json()["version"] != version
    assert client.get("/api/v1/player/manifest").status_code == 401
    assert (
        client.get("/api/v1/player/manifest", headers=people.headers("jiyi01_operator")).status_code
        == 401
    )


def test_pairing_flow(app: Flask, client: FlaskClient, people: Factory) -> None:
    started = client.post("/api/v1/player/pair")
    assert started.status_code == 201
    pairing = started.get_json()
    assert len(pairing["code"]) == 7
    waiting = client.get(pairing["poll_url"]).get_json()
    assert waiting["state"] == "waiting"
    screen = register(client, people)
    headers = people.headers("jiyi01_operator")
    wrong = client.post(
        f"/api/v1/screens/{screen['id']}/pair", json={"code": "AAA-AAA"}, headers=headers
    )
    assert wrong.status_code == 422
    attached = client.post(
        f"/api/v1/screens/{screen['id']}/pair",
        json={"code": pairing["code"].lower().replace("-", "")},
        headers=headers,
    )
    assert attached.status_code == 200
    paired = client.get(pairing["poll_url"]).get_json()
    assert paired["state"] == "paired"
    assert player(app, paired["token"]).is_connected("/player")
    # The token is handed over once; the old token of the screen no longer works.
    assert client.get(pairing["poll_url"]).status_code == 404
    assert not player(app, screen["token"]).is_connected("/player")


def test_pairing_is_rate_limited(client: FlaskClient) -> None:
    statuses = [
        client.post("/api/v1/player/pair", environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code
        for _ in range(12)
    ]
    assert statuses[:10] == [201] * 10
    assert statuses[10:] == [429, 429]


def test_screen_fetches_files_of_its_manifest(client: FlaskClient, people: Factory) -> None:
    upload = send_file(client, people, png()).get_json()
    item = create(
        client,
        people,
        title="党员活动照片",
        catalog_entry="DF-01",
        category="organisation",
        scope="party",
        body={"type": "image", "asset": upload["sha256"]},
    )
    publish_through(client, people, item["id"])
    room = register(client, people, audience="party", name="党员活动室")
    square = register(client, people, audience="public", name="广场")
    for screen in (room, square):
        client.get(
            "/api/v1/player/manifest", headers={"Authorization": f"Bearer {screen['token']}"}
        )
    url = f"/assets/{upload['sha256']}"
    assert client.get(url, headers={"Authorization": f"Bearer {room['token']}"}).status_code == 200
    assert (
        client.get(url, headers={"Authorization": f"Bearer {square['token']}"}).status_code == 404
    )
    assert client.get(url).status_code == 404


def test_playlists_api_and_the_scope_invariant(
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
    finance = create(client, people)
    publish_through(client, people, finance["id"])
    square = register(client, people)
    connection = player(app, square["token"])
    events(connection, "manifest")
    headers = people.headers("jiyi01_operator")
    created = client.post(
        "/api/v1/playlists",
        json={
            "org": "JIYI-01",
            "name": "广场屏轮播",
            "priority": 5,
            "entries": [
                {"item": party["id"], "duration_s": 20},
                {"item": finance["id"], "duration_s": 30},
            ],
            "screens": [square["id"]],
        },
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    playlist = created.get_json()
    manifest = events(connection, "manifest")[-1]
    # The party item is named by the playlist but never reaches the public screen.
    assert [i["id"] for i in manifest["items"]] == [finance["id"]]
    sequences = {json.dumps(s["sequence"]) for s in manifest["schedule"] if s["sequence"]}
    assert sequences == {json.dumps([{"item": finance["id"], "duration_s": 30}])}
    patched = client.patch(
        f"/api/v1/playlists/{playlist['id']}",
        json={"dayparts": [{"days": [0, 1, 2, 3, 4], "start": "08:00", "end": "20:00"}]},
        headers=headers,
    )
    assert patched.status_code == 200
    assert patched.get_json()["dayparts"] == [
        {"days": [0, 1, 2, 3, 4], "start": "08:00", "end": "20:00"}
    ]
    assert events(connection, "manifest")
    assert (
        client.get(
            f"/api/v1/playlists/{playlist['id']}", headers=people.headers("jiyi_supervisor")
        ).status_code
        == 200
    )
    assert (
        client.patch(
            f"/api/v1/playlists/{playlist['id']}",
            json={"priority": 1},
            headers=people.headers("jiyi01_editor"),
        ).status_code
        == 403
    )
    assert client.delete(f"/api/v1/playlists/{playlist['id']}", headers=headers).status_code == 204
    assert events(connection, "manifest")
    assert client.get(f"/api/v1/playlists/{playlist['id']}", headers=headers).status_code == 404


def test_playlist_rules(client: FlaskClient, people: Factory) -> None:
    headers = people.headers("jiyi01_operator")
    client.post(
        "/api/v1/users/jiyi_operator/grants",
        json={"org": "CHENGGUAN", "role": "operator"},
        headers=people.headers("admin"),
    )
    far = register(client, people, org="CHENGGUAN-01", user="jiyi_operator", name="东关村")
    outside = client.post(
        "/api/v1/playlists",
        json={"org": "JIYI-01", "name": "x", "screens": [far["id"]]},
        headers=headers,
    )
    assert outside.status_code == 422
    bad_entry = client.post(
        "/api/v1/playlists",
        json={"org": "JIYI-01", "name": "x", "entries": [{"item": 1, "category": "rules"}]},
        headers=headers,
    )
    assert bad_entry.status_code == 400
    bad_part = client.post(
        "/api/v1/playlists",
        json={
            "org": "JIYI-01",
            "name": "x",
            "dayparts": [{"days": [9], "start": "08:00", "end": "09:00"}],
        },
        headers=headers,
    )
    assert bad_part.status_code == 400
    dates = client.post(
        "/api/v1/playlists",
        json={"org": "JIYI-01", "name": "x", "date_from": "2026-12-01", "date_until": "2026-11-01"},
        headers=headers,
    )
    assert dates.status_code == 422


def test_groups(app: Flask, client: FlaskClient, people: Factory) -> None:
    a = register(client, people, name="甲")
    b = register(client, people, name="乙")
    group = client.post(
        "/api/v1/screen-groups",
        json={"org": "JIYI-01", "name": "全村屏", "screens": [a["id"]]},
        headers=people.headers("jiyi01_operator"),
    ).get_json()
    item = create(client, people)
    publish_through(client, people, item["id"])
    client.post(
        "/api/v1/playlists",
        json={
            "org": "JIYI-01",
            "name": "组播",
            "priority": 1,
            "entries": [{"item": item["id"], "duration_s": 45}],
            "groups": [group["id"]],
        },
        headers=people.headers("jiyi01_operator"),
    )
    in_group = client.get(
        f"/api/v1/screens/{a['id']}/manifest", headers=people.headers("jiyi01_operator")
    ).get_json()
    other = client.get(
        f"/api/v1/screens/{b['id']}/manifest", headers=people.headers("jiyi01_operator")
    ).get_json()
    durations = {s["duration_s"] for seg in in_group["schedule"] for s in seg["sequence"]}
    assert durations == {45}
    assert {s["duration_s"] for seg in other["schedule"] for s in seg["sequence"]} == {15}
    moved = client.patch(
        f"/api/v1/screen-groups/{group['id']}",
        json={"screens": [b["id"]]},
        headers=people.headers("jiyi01_operator"),
    )
    assert moved.status_code == 200
    other = client.get(
        f"/api/v1/screens/{b['id']}/manifest", headers=people.headers("jiyi01_operator")
    ).get_json()
    assert {s["duration_s"] for seg in other["schedule"] for s in seg["sequence"]} == {45}


def test_cli_register_and_revoke(app: Flask, people: Factory) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "screen",
            "register",
            "村广场大屏",
            "--org",
            "JIYI-01",
            "--audience",
            "public",
            "--layout",
            "led",
        ]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert set(body) == {"id", "token", "player_url"}
    assert player(app, body["token"]).is_connected("/player")
    listing = runner.invoke(args=["screen", "list"]).output
    assert "led" in listing and "村广场大屏" in listing
    assert runner.invoke(args=["screen", "revoke", str(body["id"])]).exit_code == 0
    assert not player(app, body["token"]).is_connected("/player")
    assert (
        runner.invoke(
            args=["screen", "register", "x", "--org", "NOPE", "--audience", "public"]
        ).exit_code
        != 0
    )


def test_village_operator_previews_the_township_files_its_screens_play(
    client: FlaskClient, people: Factory
) -> None:
    """The preview of a village party screen shows township party items, pictures
    included: the village operator may fetch those files once a screen of the village plays them."""
    upload = send_file(client, people, png("blue"), user="jiyi_editor").get_json()
    item = create(
        client,
        people,
        user="jiyi_editor",
        org="JIYI",
        title="集义镇党委冬季党员学习安排",
        category="organisation",
        timing="immediate",
        scope="party",
        catalog_entry=None,
        body={"type": "image", "asset": upload["sha256"]},
    )
    ok(client, people, "jiyi_editor", item["id"], "submit")
    ok(client, people, "jiyi_reviewer", item["id"], "review")
    if ok(client, people, "jiyi_approver", item["id"], "approve")["state"] == "approved":
        ok(client, people, "xian_superior", item["id"], "superior_approve")
    ok(client, people, "jiyi_operator", item["id"], "publish")
    url = f"/assets/{upload['sha256']}"
    # Before any village screen plays it, the village operator has no business with it.
    assert client.get(url, headers=people.headers("jiyi01_operator")).status_code == 404
    screen = register(client, people, audience="party", name="党员活动室")
    client.get("/api/v1/player/manifest", headers={"Authorization": f"Bearer {screen['token']}"})
    assert client.get(url, headers=people.headers("jiyi01_operator")).status_code == 200
    # Anyone else still gets nothing.
    assert client.get(url).status_code == 404
