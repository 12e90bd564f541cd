"""The playlist editor as an operator meets it: rows added, moved and removed (with or without
the script), order numbers, any number of entries and time slots, and the 预览 step that shows
every screen's rotation before the save is confirmed.

Today in tests is Monday 23 November 2026, 09:00 in Shanghai.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.disclosure.rules import Category
from tests.conftest import post_form
from tests.factories import Factory
from tests.http.items import create
from tests.http.items import publish_through
from tests.http.playlists import preview
from tests.http.playlists import previewed
from tests.http.playlists import read
from tests.http.playlists import save
from tests.realtime.screens import register

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NEW = "/playlists/new?org=JIYI-01"


@pytest.fixture
def people(make: Factory) -> Factory:
    """集义村's people of the procedure and the county's catalog."""
    make.catalog()
    make.procedure("JIYI-01")
    return make


@dataclass
class World:
    notice: int  # a running notice (公示) in its minimum period: no playlist drops it
    relief: int  # 低保 (category service)
    finance: int  # 财务收支 (category village_affairs)
    square: int  # the public screen of the village square
    room: int  # the party members' room (party audience)


def world(client: FlaskClient, people: Factory) -> World:
    notice = create(
        client,
        people,
        title="集义村2026年道路硬化工程结算公示",
        notice={"kind": "general", "min_working_days": 5},
        valid_from=dt.datetime(2026, 11, 23, 9, tzinfo=SHANGHAI).isoformat(),
        valid_until=dt.datetime(2026, 12, 12, tzinfo=SHANGHAI).isoformat(),
    )
    relief = create(
        client,
        people,
        title="集义村2026年第四季度低保发放情况",
        category="service",
        catalog_entry="MZ-01",
        department="村委会",
    )
    finance = create(client, people)
    for item in (notice, relief, finance):
        publish_through(client, people, item["id"])
    square = register(client, people, name="集义村文化广场大屏")
    room = register(client, people, name="集义村党员活动室", audience="party", layout="portrait")
    return World(notice["id"], relief["id"], finance["id"], square["id"], room["id"])


def fields(*entries: str, screens: tuple[int, ...] = (), **extra: Any) -> dict[str, Any]:
    """The playlist form's fields, entries in the order given."""
    data: dict[str, Any] = {"name": "惠民政策专题", "priority": "5", "active": "y"}
    data["screens"] = [str(s) for s in screens]
    for n, what in enumerate(entries):
        data[f"entry-{n}-what"] = what
        data[f"entry-{n}-position"] = str(n + 1)
    return {**data, **extra}


def playlist_count(app: Flask) -> int:
    from signage_server.extensions import db
    from signage_server.schedule.models import Playlist

    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(Playlist)) or 0)


def manifest(client: FlaskClient, people: Factory, screen: int) -> dict[str, Any]:
    response = client.get(
        f"/api/v1/screens/{screen}/manifest", headers=people.headers("jiyi01_operator")
    )
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def playing_now(body: dict[str, Any]) -> list[tuple[int, int]]:
    now = dt.datetime(2026, 11, 23, 9, 30, tzinfo=SHANGHAI)
    for segment in body["schedule"]:
        if (
            dt.datetime.fromisoformat(segment["from"])
            <= now
            < dt.datetime.fromisoformat(segment["until"])
        ):
            return [(slot["item"], slot["duration_s"]) for slot in segment["sequence"]]
    raise AssertionError("no segment covers now")


def test_the_preview_shows_each_screens_rotation_and_saves_nothing(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    w = world(client, people)
    clinic = register(client, people, name="集义村卫生室屏")["id"]  # alike the square's
    versions = {s: manifest(client, people, s)["version"] for s in (w.square, w.room)}
    people.login(client, "jiyi01_operator")

    page = preview(client, NEW, fields("category:service", screens=(w.square, w.room, clinic)))

    shown = {screen.id: screen for screen in read(page).screens}
    assert set(shown) == {w.square, w.room, clinic}
    assert shown[clinic].rotations == shown[w.square].rotations
    square = shown[w.square]
    assert (square.change, square.changed) == ("joins", True)
    # The playlist narrows the square to 低保; the running notice cannot be dropped: it is
    # kept after the playlist's entry, and marked so. The finance report leaves.
    first = square.rotations[0]
    assert first.by_this and first.items == [w.relief, w.notice] and first.kept == [w.notice]
    assert all(w.finance not in r.items for r in square.rotations)
    # Once the notice's minimum period is over (within the week shown), it is no longer kept.
    assert any(r.items == [w.relief] and not r.kept for r in square.rotations[1:])
    # The party members' room plays the public 低保 report too (party screens show public items).
    assert shown[w.room].rotations[0].items[0] == w.relief
    # Nothing was saved, no screen was told anything.
    assert playlist_count(app) == 0
    assert {s: manifest(client, people, s)["version"] for s in (w.square, w.room)} == versions


def test_the_confirmed_save_keeps_the_order_of_the_order_numbers(
    client: FlaskClient, people: Factory
) -> None:
    w = world(client, people)
    people.login(client, "jiyi01_operator")
    # As sent without the script: the rows in the page's order, their order numbers swapped.
    data = fields(f"item:{w.finance}", f"item:{w.relief}", screens=(w.square,))
    data.update({"entry-0-position": "2", "entry-1-position": "1", "entry-1-duration": "8"})

    shown = read(preview(client, NEW, data)).screens[0].rotations[0]
    assert shown.items == [w.relief, w.finance, w.notice] and shown.kept == [w.notice]
    response = save(client, NEW, data)

    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    playlist_id = int(response.headers["Location"].rsplit("/", 1)[1])
    stored = client.get(
        f"/api/v1/playlists/{playlist_id}", headers=people.headers("jiyi01_operator")
    ).get_json()
    assert stored["entries"] == [
        {"item": w.relief, "category": None, "duration_s": 8},
        {"item": w.finance, "category": None, "duration_s": None},
    ]
    assert playing_now(manifest(client, people, w.square)) == [
        (w.relief, 8),
        (w.finance, 15),
        (w.notice, 15),
    ]
    # The edit page shows the rows in the saved order, and one blank row to add to.
    assert read(client.get(f"/playlists/{playlist_id}").get_data(as_text=True)).entries == [
        (f"item:{w.relief}", "8"),
        (f"item:{w.finance}", ""),
        ("", ""),
    ]


def test_a_save_needs_the_preview_of_what_is_saved(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    w = world(client, people)
    people.login(client, "jiyi01_operator")
    data = fields("category:service", screens=(w.square,))
    digest = previewed(preview(client, NEW, data))

    # Never previewed, or changed after the preview (priority 9): the preview shows again.
    for sent in ({**data, "priority": "9", "previewed": digest}, data):
        response = post_form(client, NEW, {**sent, "action": "save"})
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and 'id="pl-preview"' in page
        assert 'name="priority" value="9"' in page or sent is data
        assert playlist_count(app) == 0

    saved = post_form(client, NEW, {**data, "action": "save", "previewed": digest})
    assert saved.status_code == 302
    assert playlist_count(app) == 1


def test_rows_are_added_moved_and_removed_without_a_script(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    w = world(client, people)
    people.login(client, "jiyi01_operator")
    finance, relief = f"item:{w.finance}", f"item:{w.relief}"

    def rows(action: str, *entries: str, **extra: Any) -> Any:
        response = post_form(client, NEW, {**fields(*entries), "action": action, **extra})
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert 'id="pl-preview"' not in page
        return read(page)

    assert rows("add-entry", finance).entries == [(finance, ""), ("", "")]
    assert [e[0] for e in rows("up-1", finance, relief, "").entries] == [relief, finance, ""]
    assert [e[0] for e in rows("down-0", finance, relief).entries] == [relief, finance]
    assert [e[0] for e in rows("up-0", finance, relief).entries] == [finance, relief]
    assert [e[0] for e in rows("remove-entry-0", finance, relief).entries] == [relief]
    # Order numbers typed first, then a button: it moves the row it is on (field number 0,
    # second after the typed numbers).
    typed = {"entry-0-position": "2", "entry-1-position": "1"}
    assert [e[0] for e in rows("up-0", finance, relief, **typed).entries] == [finance, relief]
    assert rows("add-daypart", finance).dayparts == [([0, 1, 2, 3, 4], "08:00", "18:00")]
    two = {
        "daypart-0-days": ["5", "6"],
        "daypart-0-start": "09:00",
        "daypart-0-end": "12:00",
        "daypart-1-days": ["0"],
        "daypart-1-start": "19:00",
        "daypart-1-end": "00:00",
    }
    assert rows("remove-daypart-0", finance, **two).dayparts == [([0], "19:00", "00:00")]
    assert playlist_count(app) == 0


def test_any_number_of_entries_and_time_slots(client: FlaskClient, people: Factory) -> None:
    w = world(client, people)
    people.login(client, "jiyi01_operator")
    choices = [f"category:{c.value}" for c in Category] + [f"item:{w.relief}"]
    entries = [choices[n % len(choices)] for n in range(25)]
    slots: dict[str, Any] = {}
    for n in range(6):
        slots[f"daypart-{n}-days"] = [str(n)]
        slots[f"daypart-{n}-start"] = f"{8 + n:02d}:00"
        slots[f"daypart-{n}-end"] = f"{9 + n:02d}:30"
    # Field numbers need not follow each other (the script numbers new rows as it likes).
    data = fields(*entries, screens=(w.square,), **slots)
    data["entry-40-what"], data["entry-40-position"] = f"item:{w.finance}", "26"

    response = save(client, NEW, data)

    assert response.status_code == 302
    playlist_id = int(response.headers["Location"].rsplit("/", 1)[1])
    stored = client.get(
        f"/api/v1/playlists/{playlist_id}", headers=people.headers("jiyi01_operator")
    ).get_json()
    assert len(stored["entries"]) == 26 and stored["entries"][-1]["item"] == w.finance
    assert [p["start"] for p in stored["dayparts"]] == [f"{8 + n:02d}:00" for n in range(6)]
    page = read(client.get(f"/playlists/{playlist_id}").get_data(as_text=True))
    assert len(page.entries) == 27 and len(page.dayparts) == 6


def test_the_preview_shows_time_slots_and_the_screens_a_playlist_leaves(
    client: FlaskClient, people: Factory
) -> None:
    w = world(client, people)
    headers = people.headers("jiyi01_operator")
    created = client.post(
        "/api/v1/playlists",
        json={
            "org": "JIYI-01",
            "name": "惠民政策专题",
            "entries": [{"category": "service"}],
            "screens": [w.square],
        },
        headers=headers,
    )
    assert created.status_code == 201
    url = f"/playlists/{created.get_json()['id']}"
    people.login(client, "jiyi01_operator")
    # Moved from the square to the party room, on weekdays 08:00-18:00 only.
    data = fields(
        "category:service",
        screens=(w.room,),
        **{"daypart-0-days": ["0", "1", "2", "3", "4"], "daypart-0-start": "08:00"},
        **{"daypart-0-end": "18:00"},
    )

    shown = {s.id: s for s in read(preview(client, url, data)).screens}

    square, room = shown[w.square], shown[w.room]
    assert (square.change, square.changed) == ("leaves", True)
    assert not any(r.by_this for r in square.rotations)
    assert set(square.rotations[0].items) == {w.notice, w.relief, w.finance}
    assert room.change == "joins"
    this = [r for r in room.rotations if r.by_this]
    default = [r for r in room.rotations if not r.by_this]
    # The week from Monday 09:00 to the next: six weekday slots (this Monday's from 09:00, next
    # Monday's until 09:00), the default rotation in the evenings, nights and the weekend.
    assert sum(r.spans for r in this) == 6 and default and default[0].spans >= 4
    assert all(w.finance in r.items for r in default)


def test_a_wrong_form_says_why_and_previews_nothing(client: FlaskClient, people: Factory) -> None:
    w = world(client, people)
    people.login(client, "jiyi01_operator")
    data = fields(
        "category:service",
        screens=(w.square,),
        **{"daypart-0-days": ["0"], "daypart-0-start": "08:00", "daypart-0-end": "08:00"},
    )
    response = post_form(client, NEW, {**data, "action": "preview"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="pl-preview"' not in page and "alert-danger" in page
    # What was typed stays.
    assert read(page).dayparts == [([0], "08:00", "08:00")]


def test_only_those_who_manage_playlists_preview(client: FlaskClient, people: Factory) -> None:
    w = world(client, people)
    created = client.post(
        "/api/v1/playlists",
        json={"org": "JIYI-01", "name": "惠民政策专题", "entries": [{"category": "service"}]},
        headers=people.headers("jiyi01_operator"),
    )
    url = f"/playlists/{created.get_json()['id']}"
    people.login(client, "jiyi01_editor")
    data = {**fields("category:service", screens=(w.square,)), "action": "preview"}
    for target in (NEW, url):
        assert post_form(client, target, data, page=url).status_code == 403
    # The editor sees the playlist, read only: no row buttons, no 预览.
    page = client.get(url).get_data(as_text=True)
    assert read(page).entries == [("category:service", "")]
    assert 'id="pl-preview-button"' not in page and 'value="up-0"' not in page
    assert '<select class="form-select form-select-sm pl-what" id="entry-0-what"' in page
    assert 'name="entry-0-what" disabled' in page
