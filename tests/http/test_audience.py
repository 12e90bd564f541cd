"""The audience rule on the public surfaces, as an attacker meets them: the QR page of a party
item, withdrawn/expired/superseded items, files, and the handlers' export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage_server.clock import FixedClock
from signage_server.feedback import codes
from tests.conftest import NOW
from tests.factories import Factory
from tests.http.feedback import item_code
from tests.http.feedback import key
from tests.http.feedback import receipt_of
from tests.http.feedback import screen_code
from tests.http.feedback import submit
from tests.http.items import FINANCE
from tests.http.items import create
from tests.http.items import ok
from tests.http.items import publish_through
from tests.http.test_assets import png
from tests.http.test_assets import upload
from tests.realtime.screens import register

DUES_TITLE = "集义村党支部2026年第四季度党费收缴情况"
DUES = {
    "type": "table",
    "caption": "党费收缴情况（党内公开）",
    "columns": ["党小组", "应交人数", "实交人数", "金额（元）"],
    "rows": [["第三党小组（流动党员）", 9, 8, 384]],
    "note": "第三党小组1名流动党员已委托补交。",
}
LIMITED_NOTICE = "本事项在限定范围内公开"


@pytest.fixture
def people(make: Factory) -> Factory:
    """集义村's people of the procedure and its handler, and the county's catalog."""
    make.catalog()
    make.procedure("JIYI-01")
    make.users("jiyi01_handler")
    return make


def party_item(client: FlaskClient, people: Factory, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": DUES_TITLE,
        "category": "organisation",
        "scope": "party",
        "catalog_entry": "DF-01",
        "body": DUES,
        "department": "组织委员办公室",
        "accountable_person": "党支部书记甲",
    }
    fields.update(overrides)
    item = create(client, people, **fields)
    return publish_through(client, people, item["id"])


def party_secrets(html: str) -> list[str]:
    """Return whatever of the party item a page gives away."""
    found = [
        s
        for s in (
            DUES_TITLE,
            "党费收缴情况（党内公开）",
            "第三党小组",
            "组织委员办公室",
            "党支部书记甲",
        )
        if s in html
    ]
    return found


def test_party_item_on_the_party_room_screen_is_limited_for_phones(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    item = party_item(client, people)
    room = register(client, people, audience="party", name="集义村党员活动室")
    # The link the party room's manifest carries.
    manifest = client.get(
        f"/api/v1/screens/{room['id']}/manifest", headers=people.headers("jiyi01_operator")
    ).get_json()
    shown = next(i for i in manifest["items"] if i["id"] == item["id"])
    path = shown["qr_url"].split("://", 1)[-1].split("/", 1)[1]
    url = f"/{path}?s={screen_code(app, room['id'])}"

    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert party_secrets(html) == []
    assert "集义村" in html and LIMITED_NOTICE in html
    # The publication record (signers: the accountable person) is not shown either.
    assert "王建国" not in html and "刘长顺" not in html
    # Feedback is still accepted, and the receipt says nothing about the item.
    response = client.post(url, data={"kind": "question", "text": "党费标准是多少？"})
    assert response.status_code == 201
    assert party_secrets(response.get_data(as_text=True)) == []
    receipt = response.get_data(as_text=True).split('id="receipt-code">')[1].split("<")[0]
    track = client.get(f"/f/track/{receipt}")
    assert track.status_code == 200 and party_secrets(track.get_data(as_text=True)) == []
    # The poster code of the same item: the same.
    poster = client.get(f"/f/{codes.make(key(app), 'p', item['id'])}").get_data(as_text=True)
    assert party_secrets(poster) == [] and LIMITED_NOTICE in poster
    # JSON clients submitting get the receipt only.
    assert receipt_of(submit(client, item_code(app, item)))


def test_withdrawn_party_item_stays_limited(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    item = party_item(client, people)
    ok(client, people, "jiyi01_approver", item["id"], "withdraw", "第三党小组金额有误，核实后重发")
    html = client.get(f"/f/{item_code(app, item)}").get_data(as_text=True)
    assert party_secrets(html) == []
    assert "核实后重发" not in html  # the reason may tell the content
    assert LIMITED_NOTICE in html and "已撤回" in html


def test_withdrawn_public_item_says_when_by_whom_and_why(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    item = publish_through(client, people, create(client, people)["id"])
    ok(client, people, "jiyi01_approver", item["id"], "withdraw", "报账凭证待补充，暂停公开")
    page = client.get(f"/f/{item_code(app, item)}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "集义村2026年第四季度村级财务收支情况" in html  # which item: public
    assert "已撤回" in html and "报账凭证待补充，暂停公开" in html
    assert "王建国（村党支部书记）" in html  # the approver who withdrew it (and signed it)
    # Who answers for it (第一责任人) and who supplied it, as the revision says.
    responsible = html.split('<dl class="responsible">')[1].split("</dl>")[0]
    assert "第一责任人" in responsible and "王建国" in responsible
    assert "提供部门" in responsible and "村报账员" in responsible
    assert "2026-11-23 09:00" in html
    # The old body is not presented as the disclosure.
    assert "村内道路维修材料费" not in html and "查看公开内容" not in html
    # The publication record is.
    assert "公开记录" in html and "刘长顺（村务监督委员会主任）" in html
    # Feedback is still taken.
    assert receipt_of(submit(client, item_code(app, item)))


def test_superseded_revision_points_to_the_current_one(
    app: Flask, client: FlaskClient, people: Factory, clock: FixedClock
) -> None:
    first = publish_through(client, people, create(client, people)["id"])
    clock.advance(hours=1)
    edited = client.patch(
        f"/api/v1/items/{first['id']}",
        json={"body": {**FINANCE, "note": "第二版：补充了票据编号"}},
        headers=people.headers("jiyi01_editor"),
    )
    assert edited.status_code == 200, edited.get_json()
    second = publish_through(client, people, first["id"])
    assert second["revision"] != first["revision"]
    html = client.get(f"/f/{item_code(app, first)}").get_data(as_text=True)
    assert "已被新修订替换" in html
    assert "村内道路维修材料费" not in html  # the old body is not shown as current
    assert f"/f/{item_code(app, second)}" in html
    current = client.get(f"/f/{item_code(app, second)}").get_data(as_text=True)
    assert "第二版：补充了票据编号" in current and "已被新修订替换" not in current


def test_expired_item_says_so_even_before_the_expiry_job(
    app: Flask, client: FlaskClient, people: Factory, clock: FixedClock
) -> None:
    until = (NOW + dt.timedelta(days=2)).isoformat()
    item = publish_through(client, people, create(client, people, valid_until=until)["id"])
    assert "村内道路维修材料费" in client.get(f"/f/{item_code(app, item)}").get_data(as_text=True)
    clock.advance(days=3)
    html = client.get(f"/f/{item_code(app, item)}").get_data(as_text=True)
    assert "已到期" in html and "村内道路维修材料费" not in html
    assert "2026-11-25 09:00" in html


def test_party_files_follow_the_rule_for_every_caller(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    sha = upload(client, people, png("purple")).get_json()["sha256"]
    item = party_item(client, people, body={"type": "image", "asset": sha, "caption": "凭证"})
    url = f"/assets/{sha}"
    room = register(client, people, audience="party", name="党员活动室")
    square = register(client, people, audience="public", name="文化广场")
    room_token = {"Authorization": f"Bearer {room['token']}"}
    square_token = {"Authorization": f"Bearer {square['token']}"}
    assert client.get(url).status_code == 404
    assert client.get(url, headers=square_token).status_code == 404
    assert client.get(url, headers=room_token).status_code == 200
    assert client.get(url, headers=people.headers("jiyi01_handler")).status_code == 200
    ok(client, people, "jiyi01_approver", item["id"], "withdraw", "撤回")
    # Withdrawn: no screen plays it any more, and it never becomes public.
    assert client.get(url, headers=room_token).status_code == 404
    assert client.get(url).status_code == 404
    assert client.get(url, headers=people.headers("jiyi01_handler")).status_code == 200
    ok(client, people, "jiyi01_approver", item["id"], "archive")
    assert client.get(url).status_code == 404


def test_export_titles_follow_the_handlers_grants(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    item = party_item(client, people)
    receipt_of(submit(client, item_code(app, item), kind="comment", text="建议按月公开"))
    people.login(client, "jiyi01_handler")
    rows = list(csv.reader(io.StringIO(client.get("/feedback/export.csv").get_data(as_text=True))))
    assert rows[1][4] == DUES_TITLE  # the village's handler may see the village's party items


def test_files_of_an_ended_public_item_are_no_longer_public(
    app: Flask, client: FlaskClient, people: Factory, clock: FixedClock
) -> None:
    sha = upload(client, people, png("olive")).get_json()["sha256"]
    until = (NOW + dt.timedelta(days=1)).isoformat()
    created = create(client, people, body={"type": "image", "asset": sha}, valid_until=until)
    publish_through(client, people, created["id"])
    assert client.get(f"/assets/{sha}").status_code == 200
    clock.advance(days=2)  # past its validity, before the expiry job has run
    assert client.get(f"/assets/{sha}").status_code == 404
    assert client.get(f"/assets/{sha}", headers=people.headers("jiyi01_handler")).status_code == 200
