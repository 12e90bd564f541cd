"""The box's health as operators meet it: the agent reports, the wall flags a box that needs
attention ("需要关注": disk over 90 %, repeated restarts, an old player, a silent agent), the
screen's page shows the details, and a plain browser is said to have no snapshot agent."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from signage_server.screens.player import player_version
from tests.factories import Factory

HEALTH = "/api/v1/player/health"
GB = 10**9


def report(client: FlaskClient, token: str, **fields: Any) -> Any:
    body = {
        "uptime_s": 3 * 86400 + 7200,
        "disk_used": 10 * GB,
        "disk_total": 32 * GB,
        "temperature_c": 51.5,
        "browser_version": "Chrome/120.0.6099.224",
        "player_version": player_version(),
        "agent_version": "1.0.0",
        "restart_reason": "first_start",
        "restart_count": 0,
    } | fields
    return client.post(HEALTH, json=body, headers={"Authorization": f"Bearer {token}"})


def tile(html: str, screen_id: int) -> str:
    found = re.search(
        rf'<article[^>]*data-screen="{screen_id}".*?</article>', html, flags=re.DOTALL
    )
    assert found, f"no tile of screen {screen_id}"
    return found.group(0)


def wall_tile(client: FlaskClient, screen_id: int) -> str:
    return tile(client.get("/screens").get_data(as_text=True), screen_id)


def test_a_plain_browser_has_no_snapshot_agent(client: FlaskClient, make: Factory) -> None:
    screen = make.screen()
    make.login(client, "jiyi01_operator")
    shown = wall_tile(client, screen["id"])
    assert "无截屏代理" in shown and "需要关注" not in shown
    api = client.get(f"/api/v1/screens/{screen['id']}", headers=make.headers("jiyi01_operator"))
    fleet = api.get_json()["fleet"]
    assert fleet == fleet | {"agent": False, "health": None, "flags": [], "latest_snapshot": None}


def test_only_the_screens_token_reports(client: FlaskClient, make: Factory) -> None:
    screen = make.screen()
    assert report(client, "scr_forged").status_code == 401
    response = client.post(
        HEALTH, json={"uptime_s": "long"}, headers={"Authorization": f"Bearer {screen['token']}"}
    )
    assert response.status_code == 400
    assert report(client, screen["token"], disk_used=5, disk_total=4).status_code == 400


def test_a_full_disk_needs_attention_on_the_wall(client: FlaskClient, make: Factory) -> None:
    screen = make.screen()
    answer = report(client, screen["token"], disk_used=int(29.5 * GB))
    assert answer.status_code == 200 and answer.get_json() == {"snapshot_every_min": 30}
    make.login(client, "jiyi01_operator")
    shown = wall_tile(client, screen["id"])
    assert "需要关注" in shown and "磁盘使用超过 90％" in shown
    assert "无截屏代理" not in shown and "尚无截屏" in shown
    page = client.get(f"/screens/{screen['id']}").get_data(as_text=True)
    for text in ("终端健康", "92 %", "52 °C", "Chrome/120.0.6099.224", "3 天 2 小时", "首次启动"):
        assert text in page, text

    report(client, screen["token"], disk_used=20 * GB)
    assert "需要关注" not in wall_tile(client, screen["id"])


def test_the_screens_interval_reaches_its_agent(client: FlaskClient, make: Factory) -> None:
    screen = make.screen(snapshot_every_min=10)
    assert report(client, screen["token"]).get_json() == {"snapshot_every_min": 10}
    operator = make.headers("jiyi01_operator")
    changed = client.patch(
        f"/api/v1/screens/{screen['id']}", json={"snapshot_every_min": 0}, headers=operator
    )
    assert changed.status_code == 200
    assert changed.get_json()["fleet"]["snapshot_every_min"] == 0
    assert report(client, screen["token"]).get_json() == {"snapshot_every_min": 0}
    refused = client.patch(
        f"/api/v1/screens/{screen['id']}", json={"snapshot_every_min": -1}, headers=operator
    )
    assert refused.status_code == 400
    make.login(client, "jiyi01_operator")
    assert "截屏间隔（分钟）" in client.get(f"/screens/{screen['id']}").get_data(as_text=True)


def test_repeated_restarts_need_attention_for_a_day(
    client: FlaskClient, make: Factory, clock: Any
) -> None:
    screen = make.screen()
    make.login(client, "jiyi01_operator")
    report(client, screen["token"])
    for count in (1, 2):
        clock.advance(hours=1)
        report(client, screen["token"], restart_reason="power_loss", restart_count=count)
    assert "需要关注" not in wall_tile(client, screen["id"])
    clock.advance(hours=1)
    report(client, screen["token"], restart_reason="browser_restart", restart_count=3)
    # The same count again is the same restart.
    report(client, screen["token"], restart_reason="browser_restart", restart_count=3)
    shown = wall_tile(client, screen["id"])
    assert "需要关注" in shown and "24 小时内重启 3 次以上" in shown
    page = client.get(f"/screens/{screen['id']}").get_data(as_text=True)
    assert "浏览器重启" in page
    clock.advance(hours=22, minutes=30)
    report(client, screen["token"], restart_reason="browser_restart", restart_count=3)
    assert "需要关注" not in wall_tile(client, screen["id"])


def test_an_old_player_and_a_silent_agent_need_attention(
    client: FlaskClient, make: Factory, clock: Any
) -> None:
    screen = make.screen()
    make.login(client, "jiyi01_operator")
    report(client, screen["token"], player_version="0.0.1")
    assert "播放器版本落后于服务器" in wall_tile(client, screen["id"])
    report(client, screen["token"])
    assert "需要关注" not in wall_tile(client, screen["id"])
    clock.advance(minutes=16)
    shown = wall_tile(client, screen["id"])
    assert "需要关注" in shown and "终端代理失联" in shown
    # Its agent silent and no snapshot ever taken: the wall does not pretend.
    assert "无截屏代理" in shown
