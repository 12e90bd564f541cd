"""``/api/v1/orgs``: the tree each caller may see, and its administration through the API."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import Demo


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
    assert body["count"] == 27
    [county] = body["orgs"]
    assert county["code"] == "XIAN"
    assert [c["code"] for c in county["children"]] == ["CHENGGUAN", "JIYI", "XIAN-SLJ"]


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
