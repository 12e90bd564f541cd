"""API tokens: created in the UI (shown once), stored hashed, revoked at once."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.accounts.models import ApiToken
from signage_server.extensions import db
from tests.conftest import post_form
from tests.factories import Factory

TOKEN_RE = re.compile(r'id="new-token">(sgn_[A-Za-z0-9_-]+)<')


@pytest.fixture
def people(make: Factory) -> Factory:
    """The people of these tests: a township's editor, reviewer and admin, a village operator."""
    make.users("jiyi_editor", "jiyi_reviewer", "jiyi_admin", "jiyi01_operator")
    return make


def create_in_ui(client: FlaskClient, name: str = "村务脚本", days: str = "") -> str:
    response = post_form(
        client, "/account/tokens", {"tk-name": name, "tk-days": days}, page="/account"
    )
    assert response.status_code == 201
    match = TOKEN_RE.search(response.get_data(as_text=True))
    assert match
    return match.group(1)


def test_token_from_ui_works_and_is_shown_once(client: FlaskClient, people: Factory) -> None:
    people.login(client, "jiyi_editor")
    token = create_in_ui(client)
    body = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["username"] == "jiyi_editor"
    page = client.get("/account").get_data(as_text=True)
    assert token not in page
    assert token[:12] in page
    assert "村务脚本" in page


def test_tokens_are_stored_hashed(app: Flask, client: FlaskClient, people: Factory) -> None:
    people.login(client, "jiyi_editor")
    token = create_in_ui(client)
    with app.app_context():
        stored = db.session.scalars(sa.select(ApiToken.token_hash)).all()
        assert token not in stored
        assert all(len(h) == 64 for h in stored)


def test_revoked_token_stops_working_at_once(
    client: FlaskClient, people: Factory, app: Flask
) -> None:
    people.login(client, "jiyi_editor")
    token = create_in_ui(client)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/orgs", headers=headers).status_code == 200
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id).where(ApiToken.prefix == token[:12]))
    post_form(client, f"/account/tokens/{token_id}/revoke", {}, page="/account")
    assert client.get("/api/v1/orgs", headers=headers).status_code == 401


def test_nobody_revokes_anothers_token_by_id(
    client: FlaskClient, people: Factory, app: Flask
) -> None:
    people.token("jiyi_reviewer")
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    people.login(client, "jiyi_editor")
    response = post_form(client, f"/account/tokens/{token_id}/revoke", {}, page="/account")
    assert response.status_code == 404
    assert client.get("/api/v1/me", headers=people.headers("jiyi_reviewer")).status_code == 200


def test_admin_revokes_a_users_token(client: FlaskClient, people: Factory, app: Flask) -> None:
    headers = people.headers("jiyi01_operator")
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    people.login(client, "jiyi_admin")
    response = post_form(
        client,
        f"/admin/users/jiyi01_operator/tokens/{token_id}/revoke",
        {},
        page="/admin/users/jiyi01_operator",
    )
    assert response.status_code == 302
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_token_with_expiry(client: FlaskClient, people: Factory) -> None:
    people.login(client, "jiyi_editor")
    create_in_ui(client, days="30")
    assert "至" in client.get("/account").get_data(as_text=True)


def test_last_used_is_recorded(client: FlaskClient, people: Factory, app: Flask) -> None:
    client.get("/api/v1/me", headers=people.headers("jiyi_editor"))
    with app.app_context():
        assert db.session.scalar(sa.select(ApiToken.last_used_at)) is not None
