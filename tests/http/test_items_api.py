"""The items API flow of CONTRACT.md and every rule of DESIGN.md §2, through HTTP."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage_server.clock import FixedClock
from signage_server.scheduler import run_once
from tests.conftest import NOW
from tests.conftest import Demo
from tests.http.items import PARTY
from tests.http.items import act
from tests.http.items import create
from tests.http.items import get
from tests.http.items import item_payload
from tests.http.items import ok
from tests.http.items import publish_through
from tests.http.items import sign_off

UTC = dt.UTC


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["code"] == code


def test_the_whole_flow_of_the_contract(client: FlaskClient, demo: Demo) -> None:
    # Party affairs: the contract's procedure (village affairs: test_village_procedure).
    item = create(client, demo, **PARTY)
    assert (item["revision"], item["state"]) == (1, "draft")
    assert item["current"]["body"]["columns"][2] == "收入（元）"
    assert item["actions"] == ["submit"]
    item_id = item["id"]

    assert ok(client, demo, "jiyi01_editor", item_id, "submit")["state"] == "submitted"
    assert ok(client, demo, "jiyi01_reviewer", item_id, "review")["state"] == "reviewed"
    approved = ok(client, demo, "jiyi01_approver", item_id, "approve")
    assert approved["state"] == "ready"  # in the catalog, not major, not cadres: no higher review
    published = ok(client, demo, "jiyi01_operator", item_id, "publish")
    assert published["state"] == "published"
    assert published["live"]["revision"] == 1
    assert published["live"]["display"] == "on_display"

    records = client.get(
        f"/api/v1/items/{item_id}/audit", headers=demo.headers("jiyi_supervisor")
    ).get_json()["records"]
    assert [r["action"] for r in records] == ["create", "submit", "review", "approve", "publish"]
    assert [r["role"] for r in records] == ["editor", "editor", "reviewer", "approver", "operator"]
    assert [r["actor"] for r in records][-1] == "jiyi01_operator"
    for before, after in itertools.pairwise(records):
        assert after["prev_hash"] == before["hash"]
    assert len({r["content_sha256"] for r in records[1:]}) == 1
    assert published["audit"]["count"] == 5
    assert published["audit"]["last"]["hash"] == records[-1]["hash"]


def test_item_list_and_visibility(client: FlaskClient, demo: Demo) -> None:
    item = create(client, demo)
    listed = client.get(
        "/api/v1/items?org=JIYI", headers=demo.headers("jiyi_supervisor")
    ).get_json()
    assert [i["id"] for i in listed["items"]] == [item["id"]]
    county = client.get("/api/v1/items", headers=demo.headers("xian_editor")).get_json()
    assert [i["id"] for i in county["items"]] == [item["id"]]
    # A user of another village neither lists it nor opens it.
    client.post(
        "/api/v1/users",
        json={"username": "jiyi02_editor", "org": "JIYI-02", "roles": ["editor"]},
        headers=demo.headers("admin"),
    )
    assert (
        client.get("/api/v1/items", headers=demo.headers("jiyi02_editor")).get_json()["items"] == []
    )
    other = client.get(f"/api/v1/items/{item['id']}", headers=demo.headers("jiyi02_editor"))
    error(other, 403, "forbidden")
    assert (
        client.get("/api/v1/items?state=bogus", headers=demo.headers("jiyi01_editor")).status_code
        == 400
    )
    assert (
        client.get("/api/v1/items/99999", headers=demo.headers("jiyi01_editor")).status_code == 404
    )


def test_other_orgs_users_get_403(client: FlaskClient, demo: Demo) -> None:
    admin = demo.headers("admin")
    client.post(
        "/api/v1/users",
        json={"username": "jiyi02_reviewer", "org": "JIYI-02", "roles": ["reviewer"]},
        headers=admin,
    )
    item = create(client, demo)
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    error(act(client, demo, "jiyi02_reviewer", item["id"], "review"), 403, "forbidden")


# --- roles: each step allowed for its role, refused for the others --------------------

STEP_USERS = {
    "submit": "jiyi01_editor",
    "review": "jiyi01_reviewer",
    "approve": "jiyi01_approver",
}


@pytest.mark.parametrize(
    "wrong",
    ["jiyi01_operator", "jiyi01_handler", "jiyi01_supervisor", "jiyi01_discipline", "jiyi01_admin"],
)
def test_review_and_approve_need_their_roles(client: FlaskClient, demo: Demo, wrong: str) -> None:
    item = create(client, demo)
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    error(act(client, demo, wrong, item["id"], "review"), 403, "role_required")
    ok(client, demo, "jiyi01_reviewer", item["id"], "review")
    error(act(client, demo, wrong, item["id"], "approve"), 403, "role_required")


def test_submit_needs_an_editor(client: FlaskClient, demo: Demo) -> None:
    item = create(client, demo)
    error(act(client, demo, "jiyi01_reviewer", item["id"], "submit"), 403, "role_required")
    assert (
        act(client, demo, "jiyi_editor", item["id"], "submit").status_code == 200
    )  # township editor reaches below


def test_publish_by_approver_or_operator_only(client: FlaskClient, demo: Demo) -> None:
    item = create(client, demo)
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    ok(client, demo, "jiyi01_reviewer", item["id"], "review")
    sign_off(client, demo, item["id"])
    for wrong in ("jiyi01_editor", "jiyi01_reviewer", "jiyi01_handler"):
        error(act(client, demo, wrong, item["id"], "publish"), 403, "role_required")
    assert ok(client, demo, "jiyi01_approver", item["id"], "publish")["state"] == "published"


def test_drafting_needs_an_editor_of_the_org(client: FlaskClient, demo: Demo) -> None:
    for user in ("jiyi01_reviewer", "jiyi01_operator", "jiyi01_approver"):
        response = client.post("/api/v1/items", json=item_payload(), headers=demo.headers(user))
        assert response.status_code == 403, user
    response = client.post(
        "/api/v1/items", json=item_payload(org="JIYI-02"), headers=demo.headers("jiyi01_editor")
    )
    assert response.status_code == 403


# --- states ----------------------------------------------------------------------------


def test_wrong_states_give_409(client: FlaskClient, demo: Demo) -> None:
    item = create(client, demo, **PARTY)
    error(act(client, demo, "jiyi01_reviewer", item["id"], "review"), 409, "invalid_state")
    error(act(client, demo, "jiyi01_approver", item["id"], "approve"), 409, "invalid_state")
    error(act(client, demo, "jiyi01_operator", item["id"], "publish"), 409, "invalid_state")
    error(act(client, demo, "jiyi01_approver", item["id"], "withdraw", "x"), 409, "invalid_state")
    response = act(client, demo, "jiyi01_operator", item["id"], "publish")
    # The state is named in the user's language, not by its code.
    assert response.get_json()["error"]["message"] == "事项处于“草稿”状态，不能进行此操作。"
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    error(act(client, demo, "jiyi01_editor", item["id"], "submit"), 409, "invalid_state")


def test_unknown_action_is_400(client: FlaskClient, demo: Demo) -> None:
    item = create(client, demo)
    response = client.post(
        f"/api/v1/items/{item['id']}/transitions",
        json={"action": "teleport"},
        headers=demo.headers("jiyi01_editor"),
    )
    assert response.status_code == 400


# --- four eyes -------------------------------------------------------------------------


def test_four_eyes(client: FlaskClient, demo: Demo) -> None:
    admin = demo.headers("admin")
    client.post(
        "/api/v1/users/jiyi01_editor/grants",
        json={"org": "JIYI-01", "role": "reviewer"},
        headers=admin,
    )
    client.post(
        "/api/v1/users/jiyi01_reviewer/grants",
        json={"org": "JIYI-01", "role": "editor"},
        headers=admin,
    )
    item = create(client, demo)
    # The reviewer edits the draft too: now neither may review it.
    assert (
        client.patch(
            f"/api/v1/items/{item['id']}",
            json={"stage": "第四季度"},
            headers=demo.headers("jiyi01_reviewer"),
        ).status_code
        == 200
    )
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    error(act(client, demo, "jiyi01_editor", item["id"], "review"), 422, "four_eyes")
    error(act(client, demo, "jiyi01_reviewer", item["id"], "review"), 422, "four_eyes")
    assert ok(client, demo, "jiyi_reviewer", item["id"], "review")["state"] == "reviewed"


def test_author_may_not_approve(client: FlaskClient, demo: Demo) -> None:
    admin = demo.headers("admin")
    client.post(
        "/api/v1/users/jiyi01_approver/grants",
        json={"org": "JIYI-01", "role": "editor"},
        headers=admin,
    )
    item = create(client, demo, user="jiyi01_approver", **PARTY)
    ok(client, demo, "jiyi01_approver", item["id"], "submit")
    ok(client, demo, "jiyi01_reviewer", item["id"], "review")
    error(act(client, demo, "jiyi01_approver", item["id"], "approve"), 422, "four_eyes")
    assert ok(client, demo, "jiyi_approver", item["id"], "approve")["state"] == "ready"


# --- higher review ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"major": True}, "major"),
        ({"category": "cadres", "timing": "immediate", "catalog_entry": "GB-01"}, "cadres"),
        ({"catalog_entry": None}, "outside_catalog"),
    ],
)
def test_higher_review_by_the_parent_orgs_superior(
    client: FlaskClient, demo: Demo, overrides: dict[str, Any], reason: str
) -> None:
    item = create(client, demo, **overrides)
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    ok(client, demo, "jiyi01_reviewer", item["id"], "review")
    approved = sign_off(client, demo, item["id"])
    assert approved["state"] == "approved"
    assert reason in approved["current"]["higher_review"]
    # Not yet publishable; the village's own "superior" holds no higher review over itself.
    error(act(client, demo, "jiyi01_operator", item["id"], "publish"), 409, "invalid_state")
    error(
        act(client, demo, "jiyi01_superior", item["id"], "superior_approve"), 403, "role_required"
    )
    assert ok(client, demo, "jiyi_superior", item["id"], "superior_approve")["state"] == "ready"
    assert ok(client, demo, "jiyi01_operator", item["id"], "publish")["state"] == "published"


def test_org_settings_add_higher_review(app: Flask, client: FlaskClient, demo: Demo) -> None:
    response = client.patch(
        "/api/v1/orgs/JIYI-01",
        json={"higher_review_categories": ["village_affairs"]},
        headers=demo.headers("jiyi01_admin"),
    )
    assert response.status_code == 200
    assert response.get_json()["higher_review_categories"] == ["village_affairs"]
    item = create(client, demo)
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    ok(client, demo, "jiyi01_reviewer", item["id"], "review")
    approved = sign_off(client, demo, item["id"])
    assert (approved["state"], approved["current"]["higher_review"]) == (
        "approved",
        ["org_setting"],
    )


def test_township_items_go_to_the_county(client: FlaskClient, demo: Demo) -> None:
    item = create(
        client,
        demo,
        user="jiyi_editor",
        org="JIYI",
        major=True,
        catalog_entry="JC-01",
        category="decisions",
        title="集义镇2026年第四季度党委重大决策",
    )
    ok(client, demo, "jiyi_editor", item["id"], "submit")
    ok(client, demo, "jiyi_reviewer", item["id"], "review")
    ok(client, demo, "jiyi_approver", item["id"], "approve")
    error(act(client, demo, "jiyi_superior", item["id"], "superior_approve"), 403, "role_required")
    assert ok(client, demo, "xian_superior", item["id"], "superior_approve")["state"] == "ready"


# --- rejection and revisions -----------------------------------------------------------


def test_rejection_needs_a_reason_and_reopens_a_draft(client: FlaskClient, demo: Demo) -> None:
    item = create(client, demo)
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    error(act(client, demo, "jiyi01_reviewer", item["id"], "reject"), 422, "reason_required")
    rejected = ok(
        client, demo, "jiyi01_reviewer", item["id"], "reject", "支出明细缺少发票编号，请补充。"
    )
    assert (rejected["revision"], rejected["state"]) == (2, "draft")
    assert rejected["current"]["returned"] == {
        "reason": "支出明细缺少发票编号，请补充。",
        "by": "jiyi01_reviewer",
    }
    revisions = client.get(
        f"/api/v1/items/{item['id']}/revisions", headers=demo.headers("jiyi01_editor")
    ).get_json()["revisions"]
    assert [(r["revision"], r["state"]) for r in revisions] == [(1, "rejected"), (2, "draft")]
    tasks = client.get("/api/v1/tasks", headers=demo.headers("jiyi01_editor")).get_json()
    assert [i["id"] for i in tasks["returned"]] == [item["id"]]
    # The new draft is edited in place, then goes round again.
    edited = client.patch(
        f"/api/v1/items/{item['id']}",
        json={"department": "村报账员（附发票编号）"},
        headers=demo.headers("jiyi01_editor"),
    ).get_json()
    assert edited["revision"] == 2
    publish_through(client, demo, item["id"])
    audit = client.get(
        f"/api/v1/items/{item['id']}/audit", headers=demo.headers("jiyi01_editor")
    ).get_json()["records"]
    reject = next(r for r in audit if r["action"] == "reject")
    assert (reject["revision"], reject["reason"]) == (1, "支出明细缺少发票编号，请补充。")


@pytest.mark.parametrize(
    ("state_user", "steps"),
    [("jiyi01_approver", ["submit", "review"]), ("jiyi_superior", ["submit", "review", "approve"])],
)
def test_rejection_from_later_states(
    client: FlaskClient, demo: Demo, state_user: str, steps: list[str]
) -> None:
    item = create(client, demo, major=True, **PARTY)
    users = {"submit": "jiyi01_editor", "review": "jiyi01_reviewer", "approve": "jiyi01_approver"}
    for step in steps:
        ok(client, demo, users[step], item["id"], step)
    assert (
        ok(client, demo, state_user, item["id"], "reject", "请补充资金来源说明")["state"] == "draft"
    )


def test_revisions_are_immutable_once_submitted(client: FlaskClient, demo: Demo) -> None:
    item = create(client, demo)
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    response = client.patch(
        f"/api/v1/items/{item['id']}",
        json={"title": "改过的标题"},
        headers=demo.headers("jiyi01_editor"),
    )
    error(response, 409, "under_review")


def test_published_revision_stays_live_during_review_of_the_next(
    client: FlaskClient, demo: Demo
) -> None:
    item = create(client, demo)
    publish_through(client, demo, item["id"])
    edited = client.patch(
        f"/api/v1/items/{item['id']}",
        json={"title": "集义村2026年第四季度村级财务收支情况（更正）"},
        headers=demo.headers("jiyi01_editor"),
    ).get_json()
    assert (edited["revision"], edited["state"]) == (2, "draft")
    assert edited["live"]["revision"] == 1
    assert edited["live"]["display"] == "on_display"
    assert edited["live"]["title"] == "集义村2026年第四季度村级财务收支情况"
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    ok(client, demo, "jiyi01_reviewer", item["id"], "review")
    assert get(client, demo, item["id"])["live"]["revision"] == 1
    sign_off(client, demo, item["id"])
    published = ok(client, demo, "jiyi01_operator", item["id"], "publish")
    assert published["live"]["revision"] == 2
    revisions = client.get(
        f"/api/v1/items/{item['id']}/revisions", headers=demo.headers("jiyi01_editor")
    ).get_json()["revisions"]
    assert [(r["revision"], r["state"]) for r in revisions] == [(1, "superseded"), (2, "published")]
    diff = client.get(
        f"/api/v1/items/{item['id']}/diff", headers=demo.headers("jiyi01_editor")
    ).get_json()
    assert diff["changes"][0]["field"] == "title"


# --- validity: publication at valid_from, expiry at valid_until ----------------------------


def test_publication_at_valid_from(client: FlaskClient, demo: Demo, clock: FixedClock) -> None:
    start = NOW + dt.timedelta(days=2)
    item = create(
        client, demo, valid_from=iso(start), valid_until=iso(start + dt.timedelta(days=30))
    )
    published = publish_through(client, demo, item["id"])
    assert published["live"]["display"] == "scheduled"
    clock.set(start + dt.timedelta(minutes=1))
    assert get(client, demo, item["id"])["live"]["display"] == "on_display"


def test_expiry_at_valid_until_by_the_scheduler(
    app: Flask, client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    end = NOW + dt.timedelta(hours=3)
    item = create(client, demo, valid_until=iso(end))
    publish_through(client, demo, item["id"])
    clock.set(end - dt.timedelta(seconds=1))
    assert run_once(app) <= 1
    assert get(client, demo, item["id"])["state"] == "published"
    clock.set(end + dt.timedelta(seconds=1))
    run_once(app)
    expired = get(client, demo, item["id"])
    assert expired["state"] == "expired"
    assert expired["live"]["display"] == "off"
    record = client.get(
        f"/api/v1/items/{item['id']}/audit", headers=demo.headers("jiyi01_editor")
    ).get_json()["records"][-1]
    assert (record["action"], record["actor"], record["role"]) == ("expire", "system", "system")
    assert ok(client, demo, "jiyi01_approver", item["id"], "archive")["live"]["state"] == "archived"


def test_cannot_submit_or_publish_after_the_end(
    client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    end = NOW + dt.timedelta(hours=1)
    item = create(client, demo, valid_until=iso(end))
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    ok(client, demo, "jiyi01_reviewer", item["id"], "review")
    sign_off(client, demo, item["id"])
    clock.set(end + dt.timedelta(minutes=1))
    error(act(client, demo, "jiyi01_operator", item["id"], "publish"), 422, "already_expired")
    late = create(client, demo, valid_until=iso(end))
    error(act(client, demo, "jiyi01_editor", late["id"], "submit"), 422, "already_expired")


def test_window_must_end_after_it_starts(client: FlaskClient, demo: Demo) -> None:
    response = client.post(
        "/api/v1/items",
        json={
            **__import__("tests.http.items", fromlist=["item_payload"]).item_payload(),
            "valid_from": iso(NOW),
            "valid_until": iso(NOW),
        },
        headers=demo.headers("jiyi01_editor"),
    )
    error(response, 422, "invalid_window")


# --- withdrawal ------------------------------------------------------------------------


def test_withdraw_needs_a_reason_and_the_right_role(client: FlaskClient, demo: Demo) -> None:
    item = create(client, demo)
    publish_through(client, demo, item["id"])
    error(act(client, demo, "jiyi01_approver", item["id"], "withdraw"), 422, "reason_required")
    error(act(client, demo, "jiyi01_editor", item["id"], "withdraw", "x"), 403, "role_required")
    withdrawn = ok(
        client, demo, "jiyi01_approver", item["id"], "withdraw", "数据有误，更正后重新公开"
    )
    assert withdrawn["live"]["state"] == "withdrawn"
    assert withdrawn["live"]["display"] == "off"


# --- catalog rules ---------------------------------------------------------------------


def test_catalog_rules_on_items(client: FlaskClient, demo: Demo) -> None:
    headers = demo.headers("jiyi01_editor")
    wrong_category = client.post(
        "/api/v1/items", json=item_payload(category="rules"), headers=headers
    )
    error(wrong_category, 422, "category_mismatch")
    too_wide = client.post(
        "/api/v1/items",
        json=item_payload(catalog_entry="DF-01", category="organisation", scope="public"),
        headers=headers,
    )
    error(too_wide, 422, "scope_wider_than_catalog")
    unknown = client.post(
        "/api/v1/items", json=item_payload(catalog_entry="NOPE-9"), headers=headers
    )
    error(unknown, 422, "not_in_catalog")
    party = client.post(
        "/api/v1/items",
        json=item_payload(
            catalog_entry="DF-01",
            category="organisation",
            scope="party",
            title="2026年第四季度党费收缴情况",
        ),
        headers=headers,
    )
    assert party.status_code == 201


def test_bodies_are_validated(client: FlaskClient, demo: Demo) -> None:
    headers = demo.headers("jiyi01_editor")
    bad = client.post(
        "/api/v1/items",
        json=item_payload(body={"type": "table", "columns": ["a", "b"], "rows": [["only one"]]}),
        headers=headers,
    )
    assert bad.status_code == 400
    assert bad.get_json()["error"]["details"][0]["field"].startswith("rows")
    html = client.post(
        "/api/v1/items",
        json=item_payload(
            body={
                "type": "text",
                "format": "html",
                "text": "<p>公开</p><script>alert(1)</script><img src=x onerror=alert(1)>",
            }
        ),
        headers=headers,
    ).get_json()
    assert html["current"]["body"]["text"] == "<p>公开</p>"
