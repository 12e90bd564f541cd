"""定时开关屏 at the level an operator meets it: the schedule set through the form and the API,
what the wall says at a time inside and outside the off window, the hours saved on the screen's
page (from reported blank periods), the manifest's power field, permission and audit."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.audit.models import AuditRecord
from signage_server.clock import FixedClock
from signage_server.extensions import db
from signage_server.fleet.power import reports as power_reports
from signage_server.fleet.power.models import BlankPeriod
from signage_server.screens.models import Screen
from tests.conftest import post_form
from tests.factories import Factory

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
OPERATOR = "jiyi01_operator"
WEEK = {
    "mon": "07:00-22:00",
    "tue": "07:00-22:00",
    "wed": "07:00-22:00",
    "thu": "07:00-22:00",
    "fri": "07:00-22:00",
    "sat": "08:00-20:00",
    "sun": "off",
}


def manifest_of(client: FlaskClient, token: str) -> dict[str, Any]:
    response = client.get("/api/v1/player/manifest", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def tile(html: str, screen_id: int) -> str:
    """The wall's tile of a screen."""
    start = html.index(f'data-screen="{screen_id}"')
    return html[start : html.index("</article>", start)]


def put_power(client: FlaskClient, make: Factory, screen_id: int, **body: Any) -> Any:
    return client.put(
        f"/api/v1/screens/{screen_id}/power",
        json={"week": WEEK, "holiday": "off", **body},
        headers=make.headers(OPERATOR),
    )


def test_the_api_sets_reads_and_clears_a_screen_schedule(
    client: FlaskClient, make: Factory, app: Flask
) -> None:
    screen = make.screen("JIYI-01")
    plain = manifest_of(client, screen["token"])
    assert "power" not in plain
    bad = put_power(client, make, screen["id"], week={**WEEK, "wed": "7-22"})
    assert bad.status_code == 400
    assert bad.get_json()["error"]["code"] == "invalid_power_schedule"
    assert "wed" in bad.get_json()["error"]["details"][0]
    saved = put_power(client, make, screen["id"], watts=120)
    assert saved.status_code == 200, saved.get_json()
    body = saved.get_json()
    assert body["schedule"]["week"]["sun"] == "off"
    assert body["schedule"]["watts"] == 120
    assert body["follows"]["source"] == "screen"
    # Monday 23 November 2026, 09:00: on until 22:00.
    assert body["now"]["state"] == "on" and body["now"]["until_text"] == "22:00"
    manifest = manifest_of(client, screen["token"])
    assert manifest["power"]["week"]["sat"] == "08:00-20:00"
    assert manifest["power"]["holiday"] == "off"
    assert manifest["power"]["days_from"] == "2026-11-23"
    assert manifest["version"] != plain["version"]
    cleared = client.delete(f"/api/v1/screens/{screen['id']}/power", headers=make.headers(OPERATOR))
    assert cleared.status_code == 200 and cleared.get_json()["schedule"] is None
    assert manifest_of(client, screen["token"])["version"] == plain["version"]
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditRecord.action)
            .where(AuditRecord.subject == "screen", AuditRecord.subject_id == screen["id"])
            .order_by(AuditRecord.seq)
        ).all()
    assert actions == ["set_power_schedule", "clear_power_schedule"]


def test_only_screen_managers_may_set_it(client: FlaskClient, make: Factory) -> None:
    screen = make.screen("JIYI-01")
    make.users("jiyi01_editor")
    refused = client.put(
        f"/api/v1/screens/{screen['id']}/power",
        json={"week": WEEK, "holiday": "off"},
        headers=make.headers("jiyi01_editor"),
    )
    assert refused.status_code == 403
    assert (
        client.get(
            f"/api/v1/screens/{screen['id']}/power", headers=make.headers("jiyi01_editor")
        ).status_code
        == 200
    )
    make.login(client, "jiyi01_editor")
    page = client.get(f"/screens/{screen['id']}/power").get_data(as_text=True)
    assert 'name="mon"' not in page
    assert client.post(f"/screens/{screen['id']}/power", data={}).status_code in (400, 403)


def test_a_group_schedule_is_followed_by_its_screens_without_their_own(
    client: FlaskClient, make: Factory
) -> None:
    first = make.screen("JIYI-01")
    second = make.screen("JIYI-01", name="村部二楼屏")
    headers = make.headers(OPERATOR)
    group = client.post(
        "/api/v1/screen-groups",
        json={"org": "JIYI-01", "name": "集义村全部屏", "screens": [first["id"], second["id"]]},
        headers=headers,
    )
    assert group.status_code == 201, group.get_json()
    group_id = group.get_json()["id"]
    set_group = client.put(
        f"/api/v1/screen-groups/{group_id}/power",
        json={"week": {**WEEK, "mon": "10:00-12:00"}, "holiday": "weekday"},
        headers=headers,
    )
    assert set_group.status_code == 200, set_group.get_json()
    put_power(client, make, first["id"])
    first_power = client.get(f"/api/v1/screens/{first['id']}/power", headers=headers).get_json()
    second_power = client.get(f"/api/v1/screens/{second['id']}/power", headers=headers).get_json()
    assert first_power["follows"]["source"] == "screen"
    assert first_power["now"]["state"] == "on"  # its own: on from 07:00
    assert second_power["follows"] == {
        "source": "group",
        "group": group_id,
        "week": {**WEEK, "mon": "10:00-12:00"},
        "holiday": "weekday",
    }
    assert second_power["now"]["state"] == "off"  # the group's: off until 10:00
    assert second_power["now"]["until_text"] == "10:00"
    assert manifest_of(client, second["token"])["power"]["week"]["mon"] == "10:00-12:00"


def test_the_form_sets_the_schedule(client: FlaskClient, make: Factory) -> None:
    screen = make.screen("JIYI-01")
    make.login(client, OPERATOR)
    url = f"/screens/{screen['id']}/power"
    page = client.get(url).get_data(as_text=True)
    assert "定时开关屏" in page
    form = {**{k: v for k, v in WEEK.items() if v != "off"}, "holiday_mode": "off", "watts": "150"}
    refused = post_form(client, url, {**form, "tue": "七点到十点"})
    assert refused.status_code == 400
    assert "不是" in refused.get_data(as_text=True)
    saved = post_form(client, url, form)
    assert saved.status_code == 302
    shown = client.get(url).get_data(as_text=True)
    assert 'value="07:00-22:00"' in shown
    power = manifest_of(client, screen["token"])["power"]
    assert power["week"]["sun"] == "off"  # left empty: off all day
    assert power["holiday"] == "off"


def test_the_wall_says_off_by_schedule_inside_the_window_only(
    client: FlaskClient, make: Factory, clock: FixedClock
) -> None:
    screen = make.screen("JIYI-01")
    put_power(client, make, screen["id"])
    make.login(client, OPERATOR)
    clock.set(dt.datetime(2026, 11, 23, 23, 30, tzinfo=SH))  # Monday night
    shown = tile(client.get("/screens").get_data(as_text=True), screen["id"])
    assert "按计划关屏 至 07:00" in shown
    assert 'text-bg-secondary" hidden>离线' in shown  # not "offline": off by plan
    clock.set(dt.datetime(2026, 11, 24, 9, 0, tzinfo=SH))
    shown = tile(client.get("/screens").get_data(as_text=True), screen["id"])
    assert "按计划关屏" not in shown
    assert 'text-bg-secondary">离线' in shown
    # Sunday: off all day, on again Monday at 07:00.
    clock.set(dt.datetime(2026, 11, 29, 12, 0, tzinfo=SH))
    shown = tile(client.get("/screens").get_data(as_text=True), screen["id"])
    assert "按计划关屏 至 07:00" in shown
    # Saturday night: Sunday is off all day, so more than a day away it names the date too.
    clock.set(dt.datetime(2026, 11, 28, 21, 0, tzinfo=SH))
    shown = tile(client.get("/screens").get_data(as_text=True), screen["id"])
    assert "按计划关屏 至 11-30 07:00" in shown
    unfiltered_other = make.screen("JIYI-01", name="无计划屏")
    filtered = client.get("/screens?online=scheduled_off").get_data(as_text=True)
    assert f'data-screen="{screen["id"]}"' in filtered
    assert f'data-screen="{unfiltered_other["id"]}"' not in filtered


def test_a_live_urgent_item_wakes_the_screen_on_the_wall(
    client: FlaskClient, make: Factory, clock: FixedClock
) -> None:
    screen = make.screen("JIYI-01")
    put_power(client, make, screen["id"])
    clock.set(dt.datetime(2026, 11, 23, 23, 0, tzinfo=SH))
    make.item("JIYI-01", state="published", urgent=True, timing="immediate")
    manifest_of(client, screen["token"])  # the screen holds it
    make.login(client, OPERATOR)
    shown = tile(client.get("/screens").get_data(as_text=True), screen["id"])
    assert "紧急通知唤醒" in shown
    assert "按计划关屏" not in shown


def test_the_screen_page_shows_hours_saved_from_reported_periods(
    client: FlaskClient, make: Factory, app: Flask
) -> None:
    screen = make.screen("JIYI-01")
    put_power(client, make, screen["id"], watts=200)
    with app.app_context():
        row = db.session.get(Screen, screen["id"])
        assert row is not None
        now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=SH)
        periods = [
            {"from": "2026-11-20T22:00:00+08:00", "until": "2026-11-21T07:00:00+08:00"},
            {"from": "2026-10-31T22:00:00+08:00", "until": "2026-11-01T07:00:00+08:00"},
        ]
        power_reports.record_report(db.session, row, "off", now)
        first = power_reports.record_blanked(db.session, row, periods, now)
        again = power_reports.record_blanked(db.session, row, periods, now)
        db.session.commit()
        assert first == {"stored": 2, "duplicates": 0, "rejected": 0}
        assert again == {"stored": 0, "duplicates": 2, "rejected": 0}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BlankPeriod)) == 2
    make.login(client, OPERATOR)
    page = client.get(f"/screens/{screen['id']}").get_data(as_text=True)
    assert "每月节省时长" in page
    assert "播放器最近上报：已关屏" in page
    # November: 9 h + 7 h = 16.0 h, 3.2 kWh at 200 W; October: 2.0 h.
    assert '<td>2026-11</td><td class="text-end">16.0</td><td class="text-end">3.2</td>' in page
    assert '<td>2026-10</td><td class="text-end">2.0</td>' in page
