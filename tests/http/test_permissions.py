"""Every permission rule, allowed and denied, through HTTP.

The expected holders come from the hand-written table in ``tests/unit/accounts``; here
each demo user of 集义镇 asks the API what it may do at its own org, at a village below,
at the county above and at the neighbouring township - and the real endpoints of the
rules that exist so far are called to check that they agree. Each test makes the users and
organisations it names (``tests/factories.py``).
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import Role
from tests.conftest import post_form
from tests.factories import Factory
from tests.unit.accounts.test_rules import HOLDERS
from tests.unit.accounts.test_rules import ONLY_BELOW


def expected(role: Role, *, own: bool) -> list[str]:
    return [p.value for p in Permission if role in HOLDERS[p] and not (own and p in ONLY_BELOW)]


@pytest.mark.parametrize("role", list(Role))
def test_permissions_at_own_org_and_below(client: FlaskClient, make: Factory, role: Role) -> None:
    make.user(f"jiyi_{role.value}")
    make.org("JIYI-07")
    headers = make.headers(f"jiyi_{role.value}")
    own = client.get("/api/v1/orgs/JIYI", headers=headers)
    assert own.status_code == 200
    assert own.get_json()["permissions"] == expected(role, own=True)
    below = client.get("/api/v1/orgs/JIYI-07", headers=headers)
    assert below.status_code == 200
    assert below.get_json()["permissions"] == expected(role, own=False)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("target", ["XIAN", "CHENGGUAN", "CHENGGUAN-01", "XIAN-SLJ"])
def test_nothing_above_or_beside(
    client: FlaskClient, make: Factory, role: Role, target: str
) -> None:
    make.user(f"jiyi_{role.value}")
    make.org(target)
    response = client.get(f"/api/v1/orgs/{target}", headers=make.headers(f"jiyi_{role.value}"))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("role", list(Role))
def test_village_roles_stay_in_the_village(client: FlaskClient, make: Factory, role: Role) -> None:
    make.user(f"jiyi01_{role.value}")
    make.org("JIYI-02")
    headers = make.headers(f"jiyi01_{role.value}")
    own = client.get("/api/v1/orgs/JIYI-01", headers=headers)
    assert own.status_code == 200
    assert own.get_json()["permissions"] == expected(role, own=True)
    assert client.get("/api/v1/orgs/JIYI", headers=headers).status_code == 403
    assert client.get("/api/v1/orgs/JIYI-02", headers=headers).status_code == 403


@pytest.mark.parametrize("role", list(Role))
def test_manage_users_endpoint(client: FlaskClient, make: Factory, role: Role) -> None:
    make.user(f"jiyi_{role.value}")
    make.org("JIYI-05")
    response = client.post(
        "/api/v1/users",
        json={"username": f"new_{role.value}", "org": "JIYI-05", "roles": ["editor"]},
        headers=make.headers(f"jiyi_{role.value}"),
    )
    if role is Role.ADMIN:
        assert response.status_code == 201
        assert response.get_json()["grants"][0]["org"] == "JIYI-05"
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", list(Role))
def test_manage_orgs_endpoint(client: FlaskClient, make: Factory, role: Role) -> None:
    make.user(f"jiyi_{role.value}")
    make.org("JIYI-05")
    response = client.patch(
        "/api/v1/orgs/JIYI-05",
        json={"party_members": 25},
        headers=make.headers(f"jiyi_{role.value}"),
    )
    assert response.status_code == (200 if role is Role.ADMIN else 403)


@pytest.mark.parametrize("role", list(Role))
def test_admin_pages(client: FlaskClient, make: Factory, role: Role) -> None:
    make.users(f"jiyi_{role.value}", "jiyi01_editor")
    make.login(client, f"jiyi_{role.value}")
    for page in (
        "/admin/users",
        "/admin/orgs",
        "/admin/users/jiyi01_editor",
        "/admin/orgs/JIYI-01",
    ):
        assert client.get(page).status_code == (200 if role is Role.ADMIN else 403), page


def test_admin_cannot_reach_above_own_subtree(client: FlaskClient, make: Factory) -> None:
    make.users("jiyi_admin", "xian_editor", "jiyi01_editor")
    make.org("JIYI-02")
    headers = make.headers("jiyi_admin")
    assert client.get("/api/v1/users/xian_editor", headers=headers).status_code == 403
    assert client.get("/api/v1/users/jiyi01_editor", headers=headers).status_code == 200
    # Granting at the county, or making oneself county admin, is refused.
    refused = client.post(
        "/api/v1/users/jiyi_admin/grants", json={"org": "XIAN", "role": "admin"}, headers=headers
    )
    assert refused.status_code == 403
    allowed = client.post(
        "/api/v1/users/jiyi01_editor/grants",
        json={"org": "JIYI-02", "role": "editor"},
        headers=headers,
    )
    assert allowed.status_code == 201


def test_revoking_a_grant_outside_reach_is_refused(client: FlaskClient, make: Factory) -> None:
    make.users("xian_admin", "jiyi_admin", "jiyi_editor")
    county = make.headers("xian_admin")
    grant = client.post(
        "/api/v1/users/jiyi_editor/grants",
        json={"org": "XIAN", "role": "supervisor"},
        headers=county,
    ).get_json()
    township = make.headers("jiyi_admin")
    path = f"/api/v1/users/jiyi_editor/grants/{grant['id']}"
    assert client.delete(path, headers=township).status_code == 403
    assert client.delete(path, headers=county).status_code == 204


def test_grants_of_a_dissolved_org_stop_counting(client: FlaskClient, make: Factory) -> None:
    make.users("xian_admin", "jiyi01_editor")
    county = make.headers("xian_admin")
    assert (
        client.get("/api/v1/orgs", headers=make.headers("jiyi01_editor")).get_json()["count"] == 1
    )
    assert (
        client.patch("/api/v1/orgs/JIYI-01", json={"active": False}, headers=county).status_code
        == 200
    )
    assert (
        client.get("/api/v1/orgs", headers=make.headers("jiyi01_editor")).get_json()["count"] == 0
    )
    # The admins above still see it, to restore it.
    restored = client.patch("/api/v1/orgs/JIYI-01", json={"active": True}, headers=county)
    assert restored.status_code == 200


def test_user_admin_web_form_enforces_reach(client: FlaskClient, make: Factory) -> None:
    make.users("jiyi_admin", "jiyi01_editor")
    make.login(client, "jiyi_admin")
    response = post_form(
        client,
        "/admin/users/jiyi01_editor/grants",
        {"gr-org": "XIAN", "gr-role": "admin"},
        page="/admin/users/jiyi01_editor",
    )
    # XIAN is not among the choices a township admin gets: the form refuses it.
    assert response.status_code == 400
    me = client.get("/api/v1/me", headers=make.headers("jiyi01_editor")).get_json()
    assert [g["org"] for g in me["grants"]] == ["JIYI-01"]
