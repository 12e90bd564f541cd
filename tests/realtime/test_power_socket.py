"""定时开关屏 over the player socket: the blank periods a player reports (``blanked``) are
stored once, its ``status`` says its display's power state, and the live screen wall hears
a screen off by its schedule as such, not as "offline"."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.clock import FixedClock
from signage_server.extensions import db
from signage_server.extensions import socketio
from signage_server.fleet.power.models import BlankPeriod
from signage_server.fleet.power.models import PowerReport
from tests.factories import Factory
from tests.realtime.screens import player

PERIODS = [
    {"from": "2026-11-22T22:00:00+08:00", "until": "2026-11-23T07:00:00+08:00"},
    {"from": "2026-11-21T22:00:00+08:00", "until": "2026-11-22T07:00:00+08:00"},
]


def test_blank_periods_are_stored_once(app: Flask, make: Factory) -> None:
    screen = make.screen("JIYI-01")
    connection = player(app, screen["token"])
    assert connection.is_connected("/player")
    first = connection.emit("blanked", PERIODS, namespace="/player", callback=True)
    assert first == {"stored": 2, "duplicates": 0, "rejected": 0}
    # The acknowledgement was lost: the player sends the same periods again.
    again = connection.emit("blanked", PERIODS, namespace="/player", callback=True)
    assert again == {"stored": 0, "duplicates": 2, "rejected": 0}
    bad = [
        {"from": "yesterday", "until": "today"},
        # Ends after the server's now (Monday 23 November 2026, 09:00): not over yet.
        {"from": "2026-11-23T08:00:00+08:00", "until": "2026-11-23T12:00:00+08:00"},
    ]
    assert connection.emit("blanked", bad, namespace="/player", callback=True) == {
        "stored": 0,
        "duplicates": 0,
        "rejected": 2,
    }
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(BlankPeriod))
    assert count == 2
    connection.disconnect(namespace="/player")


def test_status_reports_the_power_state(app: Flask, make: Factory) -> None:
    screen = make.screen("JIYI-01")
    connection = player(app, screen["token"])
    connection.emit(
        "status",
        {"version": None, "current_item": None, "uptime_s": 5, "power": "off"},
        namespace="/player",
    )
    with app.app_context():
        report = db.session.get(PowerReport, screen["id"])
        assert report is not None and report.state == "off"
    connection.emit("status", {"uptime_s": 6, "power": "bogus"}, namespace="/player")
    with app.app_context():
        report = db.session.get(PowerReport, screen["id"])
        assert report is not None and report.state == "off"
    connection.disconnect(namespace="/player")


def test_the_live_wall_hears_off_by_schedule_not_offline(
    app: Flask, client: FlaskClient, make: Factory, clock: FixedClock
) -> None:
    screen = make.screen("JIYI-01")
    plain = make.screen("JIYI-01", name="无计划屏")
    week = dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), "07:00-22:00")
    answer = client.put(
        f"/api/v1/screens/{screen['id']}/power",
        json={"week": week, "holiday": "off"},
        headers=make.headers("jiyi01_operator"),
    )
    assert answer.status_code == 200
    clock.set(dt.datetime(2026, 11, 23, 23, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")))
    make.login(client, "jiyi01_operator")
    wall = socketio.test_client(app, namespace="/admin", flask_test_client=client)
    assert wall.is_connected("/admin")
    for token in (screen["token"], plain["token"]):
        player(app, token).disconnect(namespace="/player")
    news = {
        s["id"]: s
        for e in wall.get_received("/admin")
        if e["name"] == "screens"
        for s in e["args"][0]
    }
    assert news[screen["id"]]["online"] is False
    assert news[screen["id"]]["power"]["state"] == "off"
    assert news[screen["id"]]["power"]["until_text"] == "07:00"
    assert news[plain["id"]]["online"] is False
    assert news[plain["id"]]["power"] is None
