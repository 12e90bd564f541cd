"""The factories make what the application would, by its own rules."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage_server.accounts.rules import Role
from signage_server.extensions import db
from signage_server.orgs import services as orgs
from tests.factories import Factory


def test_a_demo_code_brings_its_parents_and_names(app: Flask, make: Factory) -> None:
    assert make.org("JIYI-01") == "JIYI-01"
    with app.app_context():
        village = orgs.require_by_code(db.session, "JIYI-01")
        assert village.name == "集义村"
        assert [o.code for o in (village.parent, village.parent.parent) if o] == ["JIYI", "XIAN"]
        assert village.path.count("/") == 4
    make.org("JIYI-01")  # made once
    make.org("NEW-01", parent="JIYI")
    with app.app_context():
        assert orgs.require_by_code(db.session, "NEW-01").kind.value == "village"


def test_users_hold_their_roles_and_log_in(client: FlaskClient, make: Factory) -> None:
    make.users("jiyi01_editor", "jiyi_admin")
    make.user("helper", "JIYI-01", Role.EDITOR, Role.REVIEWER, display_name="帮手")
    me = client.get("/api/v1/me", headers=make.headers("jiyi01_editor")).get_json()
    assert me["username"] == "jiyi01_editor"
    assert me["display_name"] == "王小红（村报账员）"
    assert {(g["org"], g["role"]) for g in me["grants"]} == {("JIYI-01", "editor")}
    helper = client.get("/api/v1/me", headers=make.headers("helper")).get_json()
    assert {g["role"] for g in helper["grants"]} == {"editor", "reviewer"}
    make.login(client, "jiyi_admin")
    assert client.get("/admin/users").status_code == 200
    with pytest.raises(ValueError, match="at which org"):
        make.user("nobody")


@pytest.mark.parametrize(
    "state", ["draft", "submitted", "reviewed", "approved", "published", "withdrawn"]
)
def test_items_reach_each_state_through_the_procedure(
    client: FlaskClient, make: Factory, state: str
) -> None:
    item = make.item("JIYI-01", state)
    records = client.get(
        f"/api/v1/items/{item['id']}/audit", headers=make.headers("jiyi01_editor")
    ).get_json()["records"]
    # A village's village affairs: decided by the joint meeting, sealed by the supervision
    # committee (outside the catalog: then the township's higher review).
    signed = ["decide", "seal"]
    actions = {
        "draft": ["create"],
        "submitted": ["create", "submit"],
        "reviewed": ["create", "submit", "review"],
        "approved": ["create", "submit", "review", *signed],
        "published": ["create", "submit", "review", *signed, "superior_approve", "publish"],
        "withdrawn": [
            "create",
            "submit",
            "review",
            *signed,
            "superior_approve",
            "publish",
            "withdraw",
        ],
    }
    assert [r["action"] for r in records] == actions[state]
    assert item["state"] == state


def test_an_item_in_the_catalog_needs_no_superior(make: Factory) -> None:
    make.catalog()
    item = make.item("JIYI-01", "approved", catalog_entry="CW-01", timing="periodic")
    assert item["state"] == "ready"
    published = make.item("JIYI-01", "published", catalog_entry="CW-01", timing="periodic")
    assert published["live"]["display"] == "on_display"


def test_a_notice_keeps_its_minimum_period(make: Factory) -> None:
    notice = make.notice(days=5)
    assert notice["state"] == "published"
    assert notice["current"]["notice"]["min_working_days"] == 5


def test_a_screen_plays_what_its_org_published(client: FlaskClient, make: Factory) -> None:
    item = make.item("JIYI-01", "published")
    screen = make.screen("JIYI-01", audience="public")
    manifest = client.get(
        "/api/v1/player/manifest", headers={"Authorization": f"Bearer {screen['token']}"}
    ).get_json()
    assert item["id"] in {i["id"] for i in manifest["items"]}


def test_a_case_reaches_the_handler(client: FlaskClient, make: Factory) -> None:
    receipt = make.case(kind="question", text="路灯什么时候修？")
    make.user("jiyi01_handler")
    cases = client.get("/api/v1/feedback", headers=make.headers("jiyi01_handler")).get_json()
    assert [c["receipt"] for c in cases["cases"]] == [receipt]
