"""A body changed in the database is never presented as the disclosed content (假公开):
screens keep the last good version, the operator dashboard raises an integrity alarm. Every
manifest sent carries the audit chain's head, outside its version."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.audit.models import AuditRecord
from signage_server.disclosure.models import Revision
from signage_server.extensions import db
from tests.factories import Factory
from tests.http.items import create
from tests.http.items import publish_through
from tests.realtime.screens import events
from tests.realtime.screens import player
from tests.realtime.screens import register

FORGED = "村集体收入 999999 元（已核实）"


@pytest.fixture
def people(make: Factory) -> Factory:
    """集义村's people of the procedure, the county's catalog and the county editor."""
    make.catalog()
    make.procedure("JIYI-01")
    make.users("xian_editor")
    return make


def tamper(app: Flask, item_id: int) -> None:
    """Change the published body in the database, as someone with database access would."""
    with app.app_context():
        revision = db.session.scalar(
            sa.select(Revision).where(Revision.item_id == item_id, Revision.number == 1)
        )
        assert revision is not None
        body = dict(revision.body)
        body["rows"] = [[FORGED for _cell in row] for row in body["rows"]]
        revision.body = body
        db.session.commit()


def head(app: Flask) -> dict[str, Any]:
    with app.app_context():
        seq, hash_ = db.session.execute(
            sa.select(AuditRecord.seq, AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1)
        ).one()
    return {"seq": seq, "hash": hash_}


def entry_of(manifest: dict[str, Any], item_id: int) -> dict[str, Any] | None:
    return next((i for i in manifest["items"] if i["id"] == item_id), None)


def test_a_tampered_body_is_not_presented(app: Flask, client: FlaskClient, people: Factory) -> None:
    item = publish_through(client, people, create(client, people)["id"])
    screen = register(client, people)
    connection = player(app, screen["token"])
    original = entry_of(events(connection, "manifest")[-1], item["id"])
    assert original is not None
    tamper(app, item["id"])
    # The next recompilation (another item published at the village) leaves the change out.
    other = create(client, people, title="集义村2026年第四季度低保名单公示")
    publish_through(client, people, other["id"])
    pushed = events(connection, "manifest")[-1]
    assert entry_of(pushed, other["id"]) is not None
    kept = entry_of(pushed, item["id"])
    assert kept == original  # the screen keeps the last good version
    assert FORGED not in str(pushed)
    # A screen without a good version does not get the item at all.
    fresh = register(client, people, name="党员活动室屏")
    manifest = client.get(
        "/api/v1/player/manifest", headers={"Authorization": f"Bearer {fresh['token']}"}
    ).get_json()
    assert entry_of(manifest, item["id"]) is None
    assert entry_of(manifest, other["id"]) is not None
    assert FORGED not in str(manifest)


def test_the_dashboard_raises_an_integrity_alarm(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    item = publish_through(client, people, create(client, people)["id"])
    people.login(client, "jiyi01_operator")
    assert "integrity-alarm" not in client.get("/").get_data(as_text=True)
    tamper(app, item["id"])
    page = client.get("/").get_data(as_text=True)
    assert 'id="integrity-alarm"' in page
    assert f"/items/{item['id']}" in page
    # The county, which oversees the village, sees it too.
    other = app.test_client()
    people.login(other, "xian_editor")
    assert 'id="integrity-alarm"' in other.get("/").get_data(as_text=True)


def test_a_withdrawn_revision_set_back_to_published_stays_off_the_screens(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    item = publish_through(client, people, create(client, people)["id"])
    client.post(
        f"/api/v1/items/{item['id']}/transitions",
        json={"action": "withdraw", "reason": "数据有误"},
        headers=people.headers("jiyi01_approver"),
    )
    with app.app_context():
        db.session.execute(
            sa.text(
                "UPDATE item_revisions SET state = 'published', ended_at = NULL"
                " WHERE item_id = :item"
            ),
            {"item": item["id"]},
        )
        db.session.commit()
    screen = register(client, people)
    connection = player(app, screen["token"])
    assert entry_of(events(connection, "manifest")[-1], item["id"]) is None


def test_manifests_carry_the_audit_head_outside_their_version(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    item = publish_through(client, people, create(client, people)["id"])
    screen = register(client, people)
    connection = player(app, screen["token"])
    first = events(connection, "manifest")[-1]
    assert first["audit_head"] == head(app)
    # An audit record that changes nothing on screen: no push, same version, newer head.
    create(client, people, title="集义村2027年度预算（草稿）")
    assert events(connection, "manifest") == []
    response = client.get(
        "/api/v1/player/manifest", headers={"Authorization": f"Bearer {screen['token']}"}
    )
    later = response.get_json()
    assert later["version"] == first["version"]
    assert later["audit_head"] == head(app) != first["audit_head"]
    # A pushed manifest carries the head of the change that caused it.
    client.post(
        f"/api/v1/items/{item['id']}/transitions",
        json={"action": "withdraw", "reason": "数据有误"},
        headers=people.headers("jiyi01_approver"),
    )
    pushed = events(connection, "manifest")[-1]
    assert pushed["audit_head"] == head(app)
    assert pushed["version"] != first["version"]


def test_the_qr_page_refuses_a_tampered_body_and_shows_the_audit_head(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    """The phone never sees a body that does not match its seal next to the claim that
    tampering would be detected; every QR page carries the chain's head (seq and hash)."""
    from tests.http.feedback import item_code

    item = publish_through(client, people, create(client, people)["id"])
    code = item_code(app, item)
    page = client.get(f"/f/{code}").get_data(as_text=True)
    now = head(app)
    assert f"第 {now['seq']} 条" in page and now["hash"][:16] in page
    assert "事后篡改任何记录都会被发现" in page
    assert '<dl class="responsible">' in page and "第一责任人" in page
    tamper(app, item["id"])
    page = client.get(f"/f/{code}").get_data(as_text=True)
    assert FORGED not in page
    assert "与审计链中的封存不符" in page
    # Not even who answers for it: the stored revision may be forged there too.
    assert '<dl class="responsible">' not in page
    # Nothing of the stored revision is presented, not even its title (it may be forged too).
    with app.app_context():
        title = db.session.scalar(
            sa.select(Revision.title).where(Revision.item_id == item["id"], Revision.number == 1)
        )
    assert title and title not in page
    assert "事后篡改任何记录都会被发现" not in page
    # Feedback about it is still accepted.
    response = client.post(
        f"/f/{code}", data={"kind": "report", "text": "公开栏上的数字和屏幕不一样"}
    )
    assert response.status_code == 201
