"""``/api/v1/orgs``: the tree each caller may see, and its administration through the API."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.accounts.models import AccountEvent
from signage_server.extensions import db
from signage_server.orgs.services import require_by_code
from tests.conftest import Demo
from tests.conftest import post_form


def codes(nodes: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for node in nodes:
        out.append(node["code"])
        out.extend(codes(node["children"]))
    return out


def test_township_editor_sees_jiyi_with_its_21_branches(client: FlaskClient, demo: Demo) -> None:
    response = client.get("/api/v1/orgs", headers=demo.headers("jiyi_editor"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["count"] == 22
    [township] = body["orgs"]
    assert (township["code"], township["name"], township["kind"]) == ("JIYI", "集义镇", "township")
    assert township["roles"] == ["editor"]
    branches = township["children"]
    assert len(branches) == 21
    assert [b["code"] for b in branches] == [
        *(f"JIYI-{n:02d}" for n in range(1, 20)),
        "JIYI-EDU",
        "JIYI-JG",
    ]
    assert all(b["children"] == [] and b["parent"] == "JIYI" for b in branches)
    assert branches[0]["name"] == "集义村"
    assert sum(b["party_members"] for b in branches) == 420


def test_village_user_sees_own_village_only(client: FlaskClient, demo: Demo) -> None:
    body = client.get("/api/v1/orgs", headers=demo.headers("jiyi01_editor")).get_json()
    assert codes(body["orgs"]) == ["JIYI-01"]
    assert body["count"] == 1


def test_county_user_sees_whole_county(client: FlaskClient, demo: Demo) -> None:
    body = client.get("/api/v1/orgs", headers=demo.headers("xian_supervisor")).get_json()
    assert body["count"] == 31
    [county] = body["orgs"]
    assert county["code"] == "XIAN"
    assert [c["code"] for c in county["children"]] == [
        "BAYAN",
        "CHENGGUAN",
        "JIYI",
        "XIAN-SLJ",
        "YUEPUHU",
    ]


def test_flat_listing_is_in_tree_order(client: FlaskClient, demo: Demo) -> None:
    body = client.get("/api/v1/orgs?flat=1", headers=demo.headers("jiyi_editor")).get_json()
    flat = [o["code"] for o in body["orgs"]]
    assert flat[0] == "JIYI"
    assert flat[1:3] == ["JIYI-01", "JIYI-02"]
    assert "children" not in body["orgs"][0]


def test_user_with_roles_in_two_subtrees_sees_both(client: FlaskClient, demo: Demo) -> None:
    headers = demo.headers("admin")
    response = client.post(
        "/api/v1/users/jiyi01_handler/grants",
        json={"org": "CHENGGUAN-02", "role": "handler"},
        headers=headers,
    )
    assert response.status_code == 201
    body = client.get("/api/v1/orgs", headers=demo.headers("jiyi01_handler")).get_json()
    assert sorted(codes(body["orgs"])) == ["CHENGGUAN-02", "JIYI-01"]


def test_org_detail_lists_callers_permissions(client: FlaskClient, demo: Demo) -> None:
    body = client.get("/api/v1/orgs/jiyi-01", headers=demo.headers("jiyi_operator")).get_json()
    assert body["code"] == "JIYI-01"
    assert body["permissions"] == ["org.view", "item.publish", "screen.manage", "playlist.manage"]
    assert body["roles"] == []


def test_org_outside_reach_is_forbidden(client: FlaskClient, demo: Demo) -> None:
    response = client.get("/api/v1/orgs/CHENGGUAN", headers=demo.headers("jiyi_editor"))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_unknown_org_is_404(client: FlaskClient, demo: Demo) -> None:
    response = client.get("/api/v1/orgs/NOPE", headers=demo.headers("jiyi_editor"))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "org_not_found"


def test_admin_creates_a_village(client: FlaskClient, demo: Demo) -> None:
    response = client.post(
        "/api/v1/orgs",
        json={"code": "jiyi-20", "name": "新建村", "kind": "village", "parent": "JIYI"},
        headers=demo.headers("jiyi_admin"),
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["code"] == "JIYI-20"
    body = client.get("/api/v1/orgs", headers=demo.headers("jiyi_editor")).get_json()
    assert body["count"] == 23


@pytest.mark.parametrize("user", ["jiyi_editor", "jiyi_approver", "jiyi_superior", "jiyi01_admin"])
def test_non_admins_cannot_create_orgs_under_jiyi(
    client: FlaskClient, demo: Demo, user: str
) -> None:
    response = client.post(
        "/api/v1/orgs",
        json={"code": "JIYI-20", "name": "新建村", "kind": "village", "parent": "JIYI"},
        headers=demo.headers(user),
    )
    assert response.status_code == 403


def test_township_admin_cannot_create_under_county(client: FlaskClient, demo: Demo) -> None:
    response = client.post(
        "/api/v1/orgs",
        json={"code": "NEWTOWN", "name": "新镇", "kind": "township", "parent": "XIAN"},
        headers=demo.headers("jiyi_admin"),
    )
    assert response.status_code == 403


def test_org_rules_give_409_and_422(client: FlaskClient, demo: Demo) -> None:
    headers = demo.headers("xian_admin")
    taken = client.post(
        "/api/v1/orgs",
        json={"code": "JIYI-01", "name": "重复", "kind": "village", "parent": "JIYI"},
        headers=headers,
    )
    assert taken.status_code == 409
    assert taken.get_json()["error"]["code"] == "org_exists"
    misplaced = client.post(
        "/api/v1/orgs",
        json={"code": "VILLAGE-X", "name": "县直村", "kind": "village", "parent": "XIAN"},
        headers=headers,
    )
    assert misplaced.status_code == 422
    assert misplaced.get_json()["error"]["code"] == "invalid_parent"
    bad_code = client.post(
        "/api/v1/orgs",
        json={"code": "集义", "name": "坏编码", "kind": "village", "parent": "JIYI"},
        headers=headers,
    )
    assert bad_code.status_code == 400
    assert bad_code.get_json()["error"]["code"] == "invalid_code"


def test_rename_and_move_village(client: FlaskClient, demo: Demo) -> None:
    headers = demo.headers("xian_admin")
    response = client.patch(
        "/api/v1/orgs/JIYI-19", json={"name": "河东社区", "parent": "CHENGGUAN"}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["parent"] == "CHENGGUAN"
    seen_by_jiyi = client.get("/api/v1/orgs", headers=demo.headers("jiyi_editor")).get_json()
    assert "JIYI-19" not in codes(seen_by_jiyi["orgs"])
    seen_by_cg = client.get("/api/v1/orgs/JIYI-19", headers=demo.headers("xian_editor")).get_json()
    assert seen_by_cg["name"] == "河东社区"


def test_township_admin_cannot_move_a_village_out_of_reach(client: FlaskClient, demo: Demo) -> None:
    response = client.patch(
        "/api/v1/orgs/JIYI-19", json={"parent": "CHENGGUAN"}, headers=demo.headers("jiyi_admin")
    )
    assert response.status_code == 403


def test_village_admin_may_rename_but_not_dissolve_own_village(
    client: FlaskClient, demo: Demo
) -> None:
    headers = demo.headers("jiyi01_admin")
    assert (
        client.patch(
            "/api/v1/orgs/JIYI-01", json={"address": "集义村村委会二楼"}, headers=headers
        ).status_code
        == 200
    )
    assert (
        client.patch("/api/v1/orgs/JIYI-01", json={"active": False}, headers=headers).status_code
        == 403
    )


def test_dissolving_needs_empty_subtree(client: FlaskClient, demo: Demo) -> None:
    headers = demo.headers("xian_admin")
    refused = client.patch("/api/v1/orgs/CHENGGUAN", json={"active": False}, headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "has_active_children"
    for code in ("CHENGGUAN-01", "CHENGGUAN-02", "CHENGGUAN"):
        assert (
            client.patch(
                f"/api/v1/orgs/{code}", json={"active": False}, headers=headers
            ).status_code
            == 200
        )
    body = client.get("/api/v1/orgs", headers=headers).get_json()
    assert "CHENGGUAN" not in codes(body["orgs"])


# --- the API and the edit form: one use case, one answer ------------------------------------


def form_of(app: Flask, code: str, **changes: Any) -> dict[str, Any]:
    """The edit form of org ``code`` as a browser posts it, its fields as they are, changed
    by ``changes`` (``active`` is a checkbox: ticked ``"y"``, unticked left out)."""
    with app.app_context():
        org = require_by_code(db.session, code)
        data: dict[str, Any] = {
            "name": org.name,
            "kind": org.kind.value,
            "parent": org.parent.code if org.parent else "",
            "party_members": str(org.party_members or ""),
            "address": org.address,
        }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def is_active(app: Flask, code: str) -> bool:
    with app.app_context():
        return require_by_code(db.session, code).active


def test_nobody_dissolves_or_moves_the_county(app: Flask, client: FlaskClient, demo: Demo) -> None:
    """Nobody is above the county. The API let its own admin try (a 422 about its children,
    or a cycle), while the form never offered it: now both refuse the county's admin alike."""
    headers = demo.headers("xian_admin")
    dissolve = client.patch("/api/v1/orgs/XIAN", json={"active": False}, headers=headers)
    assert dissolve.status_code == 403, dissolve.get_json()
    assert dissolve.get_json()["error"]["code"] == "forbidden"
    move = client.patch("/api/v1/orgs/XIAN", json={"parent": "JIYI"}, headers=headers)
    assert move.status_code == 403, move.get_json()
    demo.login(client, "xian_admin")
    page = client.get("/admin/orgs/XIAN").get_data(as_text=True)
    assert 'name="active"' not in page and 'name="parent"' not in page
    saved = post_form(client, "/admin/orgs/XIAN", form_of(app, "XIAN", active=None))
    assert saved.status_code == 302
    assert is_active(app, "XIAN")


def test_only_an_admin_above_restores_a_dissolved_village(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    """Restoring is for the admins above, as dissolving is: a village's own admin restores it
    neither by the API nor by the form (whose field they are not offered); the township's
    admin does, by the form."""
    dissolved = client.patch(
        "/api/v1/orgs/JIYI-01", json={"active": False}, headers=demo.headers("jiyi_admin")
    )
    assert dissolved.status_code == 200, dissolved.get_json()
    own = client.patch(
        "/api/v1/orgs/JIYI-01", json={"active": True}, headers=demo.headers("jiyi01_admin")
    )
    assert own.status_code == 403, own.get_json()
    assert own.get_json()["error"]["code"] == "forbidden"
    assert not is_active(app, "JIYI-01")

    demo.login(client, "jiyi01_admin")
    assert 'name="active"' not in client.get("/admin/orgs/JIYI-01").get_data(as_text=True)
    post_form(client, "/admin/orgs/JIYI-01", form_of(app, "JIYI-01", active="y"))
    assert not is_active(app, "JIYI-01")

    above = app.test_client()
    demo.login(above, "jiyi_admin")
    restored = post_form(above, "/admin/orgs/JIYI-01", form_of(app, "JIYI-01", active="y"))
    assert restored.status_code == 302, restored.get_data(as_text=True)
    assert is_active(app, "JIYI-01")


def test_the_form_and_the_api_refuse_a_dissolution_with_the_same_rule(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    api = client.patch(
        "/api/v1/orgs/CHENGGUAN", json={"active": False}, headers=demo.headers("xian_admin")
    )
    assert api.status_code == 422
    assert api.get_json()["error"]["code"] == "has_active_children"
    demo.login(client, "xian_admin")
    form = post_form(client, "/admin/orgs/CHENGGUAN", form_of(app, "CHENGGUAN", active=None))
    assert form.status_code == 400
    assert "请先撤销其下级组织。" in form.get_data(as_text=True)
    assert is_active(app, "CHENGGUAN")


def test_edits_are_recorded_alike_from_the_form_and_the_api(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    """The account event of an edit is written by the use case: the form's (which recorded
    only the code) now says what changed, as the API's did."""
    client.patch(
        "/api/v1/orgs/JIYI-02", json={"address": "东王庄村委会"}, headers=demo.headers("jiyi_admin")
    )
    demo.login(client, "jiyi_admin")
    post_form(
        client, "/admin/orgs/JIYI-03", form_of(app, "JIYI-03", address="西王庄村委会", active="y")
    )
    with app.app_context():
        events = db.session.scalars(
            sa.select(AccountEvent).where(AccountEvent.action == "org.updated")
        )
        details = {event.org.code: event.detail for event in events if event.org is not None}
    assert details["JIYI-02"]["address"] == "东王庄村委会"
    assert details["JIYI-03"]["address"] == "西王庄村委会"
    assert details["JIYI-03"]["code"] == "JIYI-03"


def test_a_null_active_changes_nothing(app: Flask, client: FlaskClient, demo: Demo) -> None:
    """``{"active": null}`` asks for no change: it dissolved the village before, by its own
    admin, past the rule that only the admins above dissolve."""
    response = client.patch(
        "/api/v1/orgs/JIYI-01", json={"active": None}, headers=demo.headers("jiyi01_admin")
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["active"] is True
    assert is_active(app, "JIYI-01")
