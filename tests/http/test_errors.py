"""The JSON error format of CONTRACT.md for every status, and the HTML error pages.

Each test makes the users it names (``tests/factories.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage_server.accounts.models import ApiToken
from signage_server.extensions import db
from tests.factories import Factory


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code
    return error


def test_401_without_token(client: FlaskClient, make: Factory) -> None:
    make.users("jiyi_editor")  # users exist; the request has no token
    response = client.get("/api/v1/orgs")
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer sgn_not-a-real-token",
        "Bearer ",
        "Basic YWRtaW46YWRtaW4=",
        "sgn_x",
        "Bearer " + "x" * 500,
    ],
)
def test_401_with_bad_token(client: FlaskClient, make: Factory, header: str) -> None:
    make.token(make.user("jiyi_editor"))  # a real token exists; these are not it
    assert_error(client.get("/api/v1/orgs", headers={"Authorization": header}), 401)


def test_401_for_revoked_expired_and_deactivated(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    make.users("jiyi_editor", "jiyi_reviewer", "admin")
    headers = make.headers("jiyi_editor")
    assert client.get("/api/v1/orgs", headers=headers).status_code == 200
    with app.app_context():
        token = db.session.query(ApiToken).filter_by(prefix=make.token("jiyi_editor")[:12]).one()
        token.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        db.session.commit()
    assert_error(client.get("/api/v1/orgs", headers=headers), 401, "bad_token")

    admin = make.headers("admin")
    other = make.headers("jiyi_reviewer")
    assert client.get("/api/v1/me", headers=other).status_code == 200
    assert (
        client.patch(
            "/api/v1/users/jiyi_reviewer", json={"active": False}, headers=admin
        ).status_code
        == 200
    )
    assert_error(client.get("/api/v1/me", headers=other), 401, "bad_token")


def test_400_malformed_json(client: FlaskClient, make: Factory) -> None:
    make.users("jiyi_admin")
    headers = {**make.headers("jiyi_admin"), "Content-Type": "application/json"}
    error = assert_error(client.post("/api/v1/orgs", data=b'{"code": "X",', headers=headers), 400)
    assert error["code"] == "invalid_json"
    assert_error(client.post("/api/v1/orgs", data=b"[1, 2]", headers=headers), 400, "invalid_json")
    plain = {**make.headers("jiyi_admin"), "Content-Type": "text/plain"}
    assert_error(client.post("/api/v1/orgs", data=b"{}", headers=plain), 400, "not_json")


def test_400_invalid_fields_name_the_fields(client: FlaskClient, make: Factory) -> None:
    make.users("jiyi_admin")
    response = client.post(
        "/api/v1/orgs",
        json={"code": "JIYI-30", "kind": "castle"},
        headers=make.headers("jiyi_admin"),
    )
    error = assert_error(response, 400, "invalid_fields")
    fields = {d["field"] for d in error["details"]}
    assert {"name", "kind", "parent"} <= fields


def test_403_404_405(client: FlaskClient, make: Factory) -> None:
    make.users("jiyi01_editor")
    headers = make.headers("jiyi01_editor")
    assert_error(client.get("/api/v1/orgs/JIYI", headers=headers), 403, "forbidden")
    assert_error(client.get("/api/v1/orgs/NOWHERE", headers=headers), 404, "org_not_found")
    assert_error(client.get("/api/v1/no-such-endpoint", headers=headers), 404, "not_found")
    response = client.put("/api/v1/orgs", headers=headers)
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_ids_beyond_the_database_are_not_found(client: FlaskClient, make: Factory) -> None:
    """An id of more digits than a table holds is an id that names nothing (never a 500)."""
    make.users("jiyi01_editor")
    headers = make.headers("jiyi01_editor")
    for item_id in (2**31 - 1, 2**31, 10**20):
        assert_error(client.get(f"/api/v1/items/{item_id}", headers=headers), 404)
    make.login(client, "jiyi01_editor")
    for page in ("/items/2147483648", "/matters/99999999999999999999", "/feedback/9" + "0" * 19):
        assert client.get(page).status_code == 404, page


def test_409_and_422(client: FlaskClient, make: Factory) -> None:
    make.users("admin", "jiyi_editor")
    headers = make.headers("admin")
    taken = client.post(
        "/api/v1/users", json={"username": "jiyi_editor", "org": "JIYI"}, headers=headers
    )
    assert_error(taken, 409, "user_exists")
    weak = client.post(
        "/api/v1/users",
        json={"username": "li_si", "org": "JIYI", "password": "123"},
        headers=headers,
    )
    assert_error(weak, 422, "weak_password")
    self_off = client.patch("/api/v1/users/admin", json={"active": False}, headers=headers)
    assert_error(self_off, 422, "self_deactivation")


def test_413_too_large(make: Factory, client: FlaskClient, app: Flask) -> None:
    make.users("admin")
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post(
        "/api/v1/orgs",
        data=b"{" + b" " * 4096 + b"}",
        headers={**make.headers("admin"), "Content-Type": "application/json"},
    )
    assert_error(response, 413, "too_large")


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"api_rate_limit": "5 per minute"}


def test_429_api_rate_limit_per_token(client: FlaskClient, make: Factory) -> None:
    make.users("jiyi_editor", "jiyi_reviewer")
    headers = make.headers("jiyi_editor")
    statuses = [client.get("/api/v1/me", headers=headers).status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    response = client.get("/api/v1/me", headers=headers)
    assert_error(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) > 0
    # Another token has its own budget.
    assert client.get("/api/v1/me", headers=make.headers("jiyi_reviewer")).status_code == 200


def test_error_messages_follow_the_language(client: FlaskClient, make: Factory) -> None:
    make.users("jiyi01_editor", "admin")
    headers = make.headers("jiyi01_editor")
    chinese = client.get("/api/v1/orgs/JIYI", headers=headers).get_json()["error"]["message"]
    assert chinese == "您无权对“集义镇”执行此操作。"
    client.patch("/api/v1/users/jiyi01_editor", json={}, headers=make.headers("admin"))
    with client.application.app_context():
        from signage_server.accounts.services import get_user

        user = get_user(db.session, "jiyi01_editor")
        assert user is not None
        user.locale = "en"
        db.session.commit()
    english = client.get("/api/v1/orgs/JIYI", headers=headers).get_json()["error"]["message"]
    assert english == "You may not do this for 集义镇."


def test_html_pages_get_html_errors(client: FlaskClient, make: Factory) -> None:
    make.users("jiyi_editor")
    make.login(client, "jiyi_editor")
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert response.mimetype == "text/html"
    assert "无权操作" in response.get_data(as_text=True)
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert "未找到" in missing.get_data(as_text=True)


def test_500_tells_nothing(app: Flask, client: FlaskClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/api/v1/boom")
    def boom() -> str:
        raise RuntimeError("secret detail")

    response = client.get("/api/v1/boom")
    error = assert_error(response, 500, "internal_error")
    assert "secret" not in error["message"]
