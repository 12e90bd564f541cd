"""Reading aloud (issue 15): a screen's 定时朗读 setting through the API, the form and the CLI,
delivered in its manifest only when set; the 朗读 button of the villagers' pages."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage_server.screens import aloud
from tests.conftest import Demo
from tests.conftest import post_form
from tests.realtime.screens import register


def manifest_of(client: FlaskClient, token: str) -> dict[str, Any]:
    response = client.get("/api/v1/player/manifest", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


@pytest.mark.parametrize(
    ("given", "times"),
    [
        ("08:00 18:00", ("08:00", "18:00")),
        ("18:00，8:00、08:00", ("08:00", "18:00")),
        (["7：30", "21:05"], ("07:30", "21:05")),
        ("", ()),
    ],
)
def test_times_of_day_are_read_in_any_usual_writing(given: Any, times: tuple[str, ...]) -> None:
    assert aloud.parse_times(given) == times


@pytest.mark.parametrize("given", ["8", "24:00", "08:60", "8点", "08:00 noon"])
def test_what_is_not_a_time_of_day_is_refused(given: str) -> None:
    with pytest.raises(aloud.ReadTimesError):
        aloud.parse_times(given)
    with pytest.raises(aloud.ReadTimesError):
        aloud.parse_times([f"{h:02d}:00" for h in range(aloud.MAX_TIMES + 1)])


def test_the_setting_through_the_api_reaches_the_manifest(client: FlaskClient, demo: Demo) -> None:
    screen = register(client, demo)
    plain = manifest_of(client, screen["token"])
    assert "read_aloud" not in plain
    assert (screen["read_aloud_times"], screen["read_aloud_key"]) == ([], False)
    headers = demo.headers("jiyi01_operator")
    url = f"/api/v1/screens/{screen['id']}"
    bad = client.patch(url, json={"read_aloud_times": ["8点"]}, headers=headers)
    assert bad.status_code == 400
    assert bad.get_json()["error"]["code"] == "invalid_read_aloud_times"
    changed = client.patch(
        url, json={"read_aloud_times": ["18:00", "8:00"], "read_aloud_key": True}, headers=headers
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["read_aloud_times"] == ["08:00", "18:00"]
    manifest = manifest_of(client, screen["token"])
    assert manifest["read_aloud"] == {"times": ["08:00", "18:00"], "key": True}
    assert manifest["version"] != plain["version"]
    # A screen of the same organisation and settings that does not read keeps its manifest.
    other = register(client, demo, name="党员活动室屏")
    assert manifest_of(client, other["token"])["version"] == plain["version"]
    # Switched off again: the manifest is the one it had.
    client.patch(url, json={"read_aloud_times": [], "read_aloud_key": False}, headers=headers)
    assert manifest_of(client, screen["token"])["version"] == plain["version"]


def test_the_setting_in_the_screen_form(app: Flask, client: FlaskClient, demo: Demo) -> None:
    screen = register(client, demo)
    demo.login(client, "jiyi01_operator")
    url = f"/screens/{screen['id']}"
    html = client.get(url).get_data(as_text=True)
    assert 'name="read_aloud_times"' in html and 'name="read_aloud_key"' in html
    assert "定时朗读" in html
    form = {
        "org": "JIYI-01",
        "name": screen["name"],
        "audience": "public",
        "layout": "landscape",
        "timezone": "Asia/Shanghai",
    }
    refused = post_form(client, url, {**form, "read_aloud_times": "8点"})
    assert "请按“时:分”填写时间" in refused.get_data(as_text=True)
    assert "read_aloud" not in manifest_of(client, screen["token"])
    saved = post_form(
        client, url, {**form, "read_aloud_times": "18:00 8:00", "read_aloud_key": "y"}
    )
    assert saved.status_code == 302
    shown = client.get(url).get_data(as_text=True)
    assert 'value="08:00 18:00"' in shown
    assert manifest_of(client, screen["token"])["read_aloud"] == {
        "times": ["08:00", "18:00"],
        "key": True,
    }


def test_the_setting_from_the_command_line(app: Flask, client: FlaskClient, demo: Demo) -> None:
    import json

    screen = register(client, demo)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["screen", "read-aloud", str(screen["id"]), "--times", "7:30"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["read_aloud"] == {"times": ["07:30"], "key": False}
    refused = runner.invoke(args=["screen", "read-aloud", str(screen["id"]), "--times", "7"])
    assert refused.exit_code != 0
    assert manifest_of(client, screen["token"])["read_aloud"] == {"times": ["07:30"], "key": False}
