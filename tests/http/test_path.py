"""The item page shows the procedure as a path (拟定 → 审核 → 审签 → 上级审核 → 公开) with who did
each step and when, what is next and who may do it; the audit trail names people by real name
and post. The screen wall, the screen page and the item page tell the truth about screens:
an offline screen "last showed" an item, offline since when; plays are listed by title."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.clock import FixedClock
from signage_server.extensions import db
from signage_server.extensions import socketio
from signage_server.screens.models import PlayRecord
from tests.conftest import NOW
from tests.conftest import Demo
from tests.http.items import PARTY
from tests.http.items import act
from tests.http.items import create
from tests.http.items import ok
from tests.http.items import publish_through
from tests.realtime.screens import events
from tests.realtime.screens import player
from tests.realtime.screens import register

# The demo's people (CONTRACT.md): real names and posts.
EDITOR = "王小红（村报账员）"
REVIEWER = "刘长顺（村务监督委员会主任）"
APPROVER = "王建国（村党支部书记）"
OPERATOR = "赵磊（村党群服务站）"
TOWNSHIP_SUPERIOR = "王志刚（镇党委副书记）"
COUNTY_SUPERIOR = "郑丽华（县委组织部副部长）"
VILLAGE_SUPERIOR = "李春生（村党支部副书记）"
AT = "2026-11-23 09:00"

#: The party-affairs procedure's steps (the items here are party affairs; village affairs of a
#: village have their own path: test_village_procedure).
STEPS = ["draft", "review", "approve", "superior", "publish"]


class Page(HTMLParser):
    """Collect the path's steps, the 'next' line and the audit trail's actors from a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.steps: dict[str, dict[str, Any]] = {}
        self.next: dict[str, str] = {}
        self.next_text = ""
        self.actors: list[str] = []
        self.ids: dict[str, dict[str, str]] = {}
        self._step: str | None = None
        self._field: str | None = None
        self._in_next = 0
        self._depth = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids[a["id"]] = a
        classes = a.get("class", "").split()
        if "proc-step" in classes:
            self._step = a["data-step"]
            self.steps[self._step] = {"status": a["data-status"], "text": ""}
        if a.get("id") == "procedure-next":
            self.next = a
            self._in_next = 1
        elif self._in_next and tag not in ("br",):
            self._in_next += 1
        for name in ("proc-who", "proc-when", "proc-why"):
            if name in classes and self._step:
                self._field = name
        if "audit-actor" in classes:
            self._field = "audit-actor"

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self._step = None
        if self._in_next and tag not in ("br",):
            self._in_next -= 1
        self._field = None

    def handle_data(self, data: str) -> None:
        if self._step:
            self.steps[self._step]["text"] += data
            if self._field:
                self.steps[self._step][self._field] = data.strip()
        if self._in_next:
            self.next_text += data
        if self._field == "audit-actor":
            self.actors.append(data.strip())

    def statuses(self) -> list[str]:
        return [self.steps[s]["status"] for s in STEPS]


def path_of(client: FlaskClient, item_id: int) -> tuple[Page, str]:
    response = client.get(f"/items/{item_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return Page(html), html


def no_login_names(html: str) -> None:
    """The page names people, not accounts."""
    assert not re.search(r"\b(jiyi01|jiyi|xian)_[a-z]+\b", html), re.findall(
        r"\b(?:jiyi01|jiyi|xian)_[a-z]+\b", html
    )


def test_draft(client: FlaskClient, demo: Demo) -> None:
    item = create(client, demo, **PARTY)
    demo.login(client, "jiyi01_reviewer")
    page, html = path_of(client, item["id"])
    assert page.statuses() == ["current", "to_come", "to_come", "not_required", "to_come"]
    assert page.steps["draft"]["proc-who"] == EDITOR
    assert page.steps["draft"]["proc-when"] == AT
    assert page.next["data-waiting"] == "draft"
    # Any editor of the village or above may carry on the draft; the village's own first.
    assert page.next_text.index(EDITOR) < page.next_text.index("李慧（镇党政办干事）")
    assert page.actors == [EDITOR]
    no_login_names(html)


def test_submitted_waits_for_the_reviewer(
    client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    item = create(client, demo, **PARTY)
    clock.advance(hours=1)
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    demo.login(client, "jiyi01_approver")
    page, html = path_of(client, item["id"])
    assert page.statuses() == ["done", "current", "to_come", "not_required", "to_come"]
    assert page.steps["draft"]["proc-who"] == EDITOR
    assert page.steps["draft"]["proc-when"] == "2026-11-23 10:00"
    assert page.next["data-waiting"] == "review"
    assert REVIEWER in page.next_text
    assert EDITOR not in page.next_text
    assert page.actors == [EDITOR, EDITOR]
    no_login_names(html)


def test_reviewed_waits_for_the_sign_off(client: FlaskClient, demo: Demo) -> None:
    item = create(client, demo, **PARTY)
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    ok(client, demo, "jiyi01_reviewer", item["id"], "review")
    demo.login(client, "jiyi01_editor")
    page, html = path_of(client, item["id"])
    assert page.statuses() == ["done", "done", "current", "not_required", "to_come"]
    assert page.steps["review"]["proc-who"] == REVIEWER
    assert page.next["data-waiting"] == "approve"
    assert APPROVER in page.next_text and REVIEWER not in page.next_text
    no_login_names(html)


def test_approved_waits_for_the_superior_organisation(client: FlaskClient, demo: Demo) -> None:
    item = create(client, demo, major=True, **PARTY)
    demo.login(client, "jiyi01_editor")
    # Before submission the path already says the higher review will be needed, and why.
    page, _html = path_of(client, item["id"])
    assert page.steps["superior"]["status"] == "to_come"
    assert page.steps["superior"]["proc-why"]
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    ok(client, demo, "jiyi01_reviewer", item["id"], "review")
    assert ok(client, demo, "jiyi01_approver", item["id"], "approve")["state"] == "approved"
    page, html = path_of(client, item["id"])
    assert page.statuses() == ["done", "done", "done", "current", "to_come"]
    assert page.steps["approve"]["proc-who"] == APPROVER
    assert page.next["data-waiting"] == "superior"
    # The township's and the county's superiors; not the village's own (its reach is below).
    assert TOWNSHIP_SUPERIOR in page.next_text and COUNTY_SUPERIOR in page.next_text
    assert page.next_text.index(TOWNSHIP_SUPERIOR) < page.next_text.index(COUNTY_SUPERIOR)
    assert VILLAGE_SUPERIOR not in page.next_text
    assert page.next["data-count"] == "2"
    no_login_names(html)


def test_published_path_is_complete(client: FlaskClient, demo: Demo, clock: FixedClock) -> None:
    item = create(client, demo, major=True, **PARTY)
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    clock.advance(hours=1)
    ok(client, demo, "jiyi01_reviewer", item["id"], "review")
    clock.advance(hours=1)
    ok(client, demo, "jiyi01_approver", item["id"], "approve")
    clock.advance(hours=1)
    ok(client, demo, "jiyi_superior", item["id"], "superior_approve")
    clock.advance(hours=1)
    ok(client, demo, "jiyi01_operator", item["id"], "publish")
    demo.login(client, "jiyi01_editor")
    page, html = path_of(client, item["id"])
    assert page.statuses() == ["done"] * 5
    done = [(page.steps[s]["proc-who"], page.steps[s]["proc-when"]) for s in STEPS]
    assert done == [
        (EDITOR, "2026-11-23 09:00"),
        (REVIEWER, "2026-11-23 10:00"),
        (APPROVER, "2026-11-23 11:00"),
        (TOWNSHIP_SUPERIOR, "2026-11-23 12:00"),
        (OPERATOR, "2026-11-23 13:00"),
    ]
    assert page.next["data-waiting"] == ""
    assert page.actors == [EDITOR, EDITOR, REVIEWER, APPROVER, TOWNSHIP_SUPERIOR, OPERATOR]
    no_login_names(html)


def test_rejected_goes_back_to_drafting_and_says_by_whom(client: FlaskClient, demo: Demo) -> None:
    item = create(client, demo, **PARTY)
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    ok(client, demo, "jiyi01_reviewer", item["id"], "review")
    response = act(client, demo, "jiyi01_approver", item["id"], "reject", "缺少会议记录")
    assert response.status_code == 200
    demo.login(client, "jiyi01_editor")
    page, html = path_of(client, item["id"])
    # The new draft (revision 2) is back at drafting.
    assert page.statuses() == ["current", "to_come", "to_come", "not_required", "to_come"]
    assert page.ids["procedure-path"]["data-state"] == "draft"
    assert page.steps["draft"]["proc-who"] == EDITOR
    returned = html[html.index('id="returned"') :]
    returned = returned[: returned.index("</div>")]
    assert APPROVER in returned and "缺少会议记录" in returned
    assert "审签" in returned or "Sign-off" in returned
    assert page.actors[-1] == APPROVER
    no_login_names(html)


def test_audit_api_gives_real_names_beside_login_names(client: FlaskClient, demo: Demo) -> None:
    item = create(client, demo)
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    body = client.get(
        f"/api/v1/items/{item['id']}/audit", headers=demo.headers("jiyi01_reviewer")
    ).get_json()
    assert [(r["actor"], r["actor_name"]) for r in body["records"]] == [
        ("jiyi01_editor", EDITOR),
        ("jiyi01_editor", EDITOR),
    ]


def test_people_without_a_post_are_shown_by_login_name(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    from signage_server.accounts.models import User

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "jiyi01_editor"))
        assert user is not None
        user.display_name = ""
        db.session.commit()
    item = create(client, demo)
    demo.login(client, "jiyi01_reviewer")
    page, _html = path_of(client, item["id"])
    assert page.actors == ["jiyi01_editor"]


# --- screens --------------------------------------------------------------------------


class Tiles(HTMLParser):
    """The wall's tiles by screen id: attributes and text of their parts."""

    PARTS = ("screen-showing-label", "screen-current", "screen-offline-since", "screen-freshness")

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tiles: dict[int, dict[str, Any]] = {}
        self._tile: int | None = None
        self._part: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if "screen-card" in classes:
            self._tile = int(a["data-screen"])
            self.tiles[self._tile] = {"presence": a["data-presence"], "text": ""}
        if self._tile is not None:
            for part in self.PARTS:
                if part in classes:
                    self._part = part
                    self.tiles[self._tile][part] = ""
                    self.tiles[self._tile][part + ":hidden"] = "hidden" in a

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._tile = None
        if tag in ("span", "dt"):
            self._part = None

    def handle_data(self, data: str) -> None:
        if self._tile is not None:
            self.tiles[self._tile]["text"] += data
            if self._part:
                self.tiles[self._tile][self._part] += data.strip()


def wall(client: FlaskClient) -> dict[int, dict[str, Any]]:
    response = client.get("/screens")
    assert response.status_code == 200
    return Tiles(response.get_data(as_text=True)).tiles


@pytest.fixture
def on_screen(app: Flask, client: FlaskClient, demo: Demo) -> dict[str, Any]:
    """A new public screen of the village, connected, showing a published item."""
    item = create(client, demo)
    publish_through(client, demo, item["id"])
    item_id, title = item["id"], item["title"]
    screen = register(client, demo, name="村口大屏")
    connection = player(app, screen["token"])
    manifest = events(connection, "manifest")[-1]
    connection.emit("ack", {"version": manifest["version"]}, namespace="/player")
    connection.emit(
        "status",
        {"version": manifest["version"], "current_item": item_id, "uptime_s": 60},
        namespace="/player",
    )
    return {"screen": screen["id"], "item": item_id, "title": title, "connection": connection}


def test_wall_online_then_offline_since(
    client: FlaskClient, demo: Demo, clock: FixedClock, on_screen: dict[str, Any]
) -> None:
    demo.login(client, "jiyi01_operator")
    tile = wall(client)[on_screen["screen"]]
    assert tile["presence"] == "online"
    assert tile["screen-showing-label"] == "正在显示"
    assert tile["screen-current"] == on_screen["title"]
    assert tile["screen-offline-since:hidden"]
    assert tile["screen-freshness"] == "已是最新"

    clock.advance(minutes=5)
    on_screen["connection"].disconnect(namespace="/player")
    clock.advance(hours=2)
    tile = wall(client)[on_screen["screen"]]
    assert tile["presence"] == "offline"
    assert "正在显示" not in tile["text"]
    assert tile["screen-current"] == on_screen["title"]
    assert not tile["screen-offline-since:hidden"]
    assert "2026-11-23 09:05" in tile["screen-offline-since"]
    # The screen's own page says so too.
    page = client.get(f"/screens/{on_screen['screen']}").get_data(as_text=True)
    assert 'data-presence="offline"' in page and "2026-11-23 09:05" in page


def test_a_screen_that_falls_silent_is_offline_since_it_was_last_heard(
    client: FlaskClient, demo: Demo, clock: FixedClock, on_screen: dict[str, Any]
) -> None:
    clock.advance(minutes=10)  # no disconnect: the box lost power or network
    demo.login(client, "jiyi01_operator")
    tile = wall(client)[on_screen["screen"]]
    assert tile["presence"] == "offline"
    assert "2026-11-23 09:00" in tile["screen-offline-since"]
    assert "正在显示" not in tile["text"]


def test_a_screen_never_connected_says_so(client: FlaskClient, demo: Demo) -> None:
    screen = register(client, demo, name="新装的屏")
    demo.login(client, "jiyi01_operator")
    tile = wall(client)[screen["id"]]
    assert tile["presence"] == "never"
    assert "正在显示" not in tile["text"]
    assert tile["screen-offline-since"]
    assert not re.search(r"\b[0-9a-f]{8}\b", tile["screen-freshness"])


def test_wall_shows_no_manifest_hash_as_main_text(
    client: FlaskClient, demo: Demo, on_screen: dict[str, Any]
) -> None:
    demo.login(client, "jiyi01_operator")
    html = client.get("/screens").get_data(as_text=True)
    tiles = html[html.index('id="wall"') :]
    assert "<code" not in tiles
    # The content version is a small secondary detail, in its own element; nothing else on
    # the tiles is a hash.
    assert re.search(r'<span class="version-code" title="[^"]*">[0-9a-f]{8}</span>', tiles)
    rest = re.sub(r'<span class="version-code"[^>]*>[0-9a-f]{8}</span>', "", tiles)
    rest = re.sub(r'title="[^"]*"', "", rest)
    assert not re.search(r"\b[0-9a-f]{8,}\b", rest)


def test_live_news_carries_what_the_tile_says(
    app: Flask, client: FlaskClient, demo: Demo, clock: FixedClock, on_screen: dict[str, Any]
) -> None:
    demo.login(client, "jiyi01_operator")
    watcher = socketio.test_client(app, namespace="/admin", flask_test_client=client)
    clock.advance(minutes=1)
    on_screen["connection"].disconnect(namespace="/player")
    news = [
        s for e in watcher.get_received("/admin") if e["name"] == "screens" for s in e["args"][0]
    ]
    last = news[-1]
    assert last["id"] == on_screen["screen"]
    assert last["presence"] == "offline"
    assert last["current_title"] == on_screen["title"]
    assert dt.datetime.fromisoformat(last["last_seen_at"]) == NOW + dt.timedelta(minutes=1)
    assert last["freshness"] == "up_to_date"


def test_item_page_lists_its_screens_and_how_many_are_online(
    client: FlaskClient, demo: Demo, clock: FixedClock, on_screen: dict[str, Any]
) -> None:
    # A party room screen of the village (never switched on) shows public items too; the
    # township's own screen and another village's do not get a village's item.
    register(client, demo, name="党员活动室屏", audience="party")
    register(client, demo, name="镇便民服务中心屏", org="JIYI", user="jiyi_operator")
    register(client, demo, name="二村大屏", org="JIYI-02", user="jiyi_operator")
    demo.login(client, "jiyi01_editor")
    page, html = path_of(client, on_screen["item"])
    box = page.ids["item-screens"]
    assert box["data-count"] == "2" and box["data-online"] == "1"
    section = html[html.index('id="item-screens"') :]
    section = section[: section.index("</section>")]
    assert "村口大屏" in section and "党员活动室屏" in section
    assert "镇便民服务中心屏" not in section and "二村大屏" not in section
    assert 'data-presence="online"' in section and 'data-presence="never"' in section
    on_screen["connection"].disconnect(namespace="/player")
    page, _html = path_of(client, on_screen["item"])
    assert page.ids["item-screens"]["data-online"] == "0"


def test_recent_plays_are_listed_by_title(
    app: Flask, client: FlaskClient, demo: Demo, on_screen: dict[str, Any]
) -> None:
    with app.app_context():
        db.session.add(
            PlayRecord(
                screen_id=on_screen["screen"],
                item_id=on_screen["item"],
                revision=1,
                started_at=NOW,
                duration_s=20,
            )
        )
        db.session.commit()
    demo.login(client, "jiyi01_operator")
    html = client.get(f"/screens/{on_screen['screen']}").get_data(as_text=True)
    table = html.index('id="played"')
    played = html[html.index("<tbody>", table) : html.index("</tbody>", table)]
    assert on_screen["title"] in played
    assert f"#{on_screen['item']}" not in played


def test_an_item_reaches_the_screens_when_published(client: FlaskClient, demo: Demo) -> None:
    register(client, demo, name="村口大屏")
    item = create(client, demo)
    demo.login(client, "jiyi01_editor")
    page, _html = path_of(client, item["id"])
    assert page.ids["item-screens"]["data-count"] == "0"
    publish_through(client, demo, item["id"])
    page, _html = path_of(client, item["id"])
    assert page.ids["item-screens"]["data-count"] == "1"
    assert page.ids["item-screens"]["data-online"] == "0"
