"""Village affairs (村务) of a village go their own way, as a user meets it: the 村务监督委员会
reviews, the 两委 joint meeting decides (date, attendance, resolution), a committee member signs
and seals; the seal line shows on the screen, the QR page, the public page, the poster and the
dossier, and nothing of it survives a change in the database. Party affairs keep theirs."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.audit.models import AuditRecord
from signage_server.disclosure.models import Revision
from signage_server.extensions import db
from tests.conftest import post_form
from tests.factories import Factory
from tests.http.feedback import item_code
from tests.http.items import act
from tests.http.items import create
from tests.http.items import decide
from tests.http.items import get
from tests.http.items import meeting
from tests.http.items import ok
from tests.pdfs import compact
from tests.pdfs import pdf_text as read_pdf

SEALER = "jiyi01_reviewer"
SEALER_NAME = "刘志明（村务监督委员会主任）"


@pytest.fixture
def people(make: Factory) -> Factory:
    """集义村's people of the procedure (the reviewer is the supervision committee's chair),
    its operator and the county's catalog."""
    make.catalog()
    make.procedure("JIYI-01")
    make.users("jiyi01_operator")
    with make.app.app_context():
        from signage_server.accounts.models import User

        user = db.session.scalar(sa.select(User).where(User.username == SEALER))
        assert user is not None
        user.display_name = SEALER_NAME
        db.session.commit()
    return make


def error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["code"] == code


def reviewed(client: FlaskClient, people: Factory, **overrides: Any) -> dict[str, Any]:
    item = create(client, people, **overrides)
    ok(client, people, "jiyi01_editor", item["id"], "submit")
    return ok(client, people, "jiyi01_reviewer", item["id"], "review")


def sealed(client: FlaskClient, people: Factory) -> dict[str, Any]:
    item = reviewed(client, people)
    assert decide(client, people, "jiyi01_approver", item["id"]).status_code == 200
    ok(client, people, SEALER, item["id"], "seal")
    return ok(client, people, "jiyi01_operator", item["id"], "publish")


def test_village_finances_go_through_review_joint_meeting_and_seal(
    client: FlaskClient, people: Factory
) -> None:
    item = reviewed(client, people)
    assert item["procedure"] == "village"
    assert item["actions"] == [] and get(client, people, item["id"], "jiyi01_approver")[
        "actions"
    ] == ["decide", "reject"]
    # No sign-off in this procedure: the joint meeting decides.
    error(act(client, people, "jiyi01_approver", item["id"], "approve"), 409, "not_in_procedure")
    error(act(client, people, "jiyi01_approver", item["id"], "decide"), 422, "meeting_required")
    refused = decide(client, people, "jiyi01_approver", item["id"], present=4, members=9)
    error(refused, 422, "meeting_invalid")
    assert refused.get_json()["error"]["details"] == {"present": "no_quorum"}
    # The committee member who reviewed it does not record the joint meeting's decision.
    error(decide(client, people, "jiyi01_reviewer", item["id"]), 403, "role_required")

    decided = decide(client, people, "jiyi01_approver", item["id"]).get_json()
    assert decided["state"] == "decided"
    assert decided["current"]["meeting"]["present"] == 7
    assert decided["current"]["meeting"]["resolution"] == "同意按审核稿公开"
    # Whoever recorded the decision does not seal it; the approver has no seal anyway.
    error(act(client, people, "jiyi01_approver", item["id"], "seal"), 403, "role_required")
    error(act(client, people, "jiyi01_editor", item["id"], "seal"), 403, "role_required")
    inbox = client.get("/api/v1/tasks", headers=people.headers(SEALER)).get_json()
    assert item["id"] in [i["id"] for i in inbox["seal"]]

    ready = ok(client, people, SEALER, item["id"], "seal")
    assert ready["state"] == "ready"
    assert ready["current"]["seal"]["name"] == SEALER_NAME
    published = ok(client, people, "jiyi01_operator", item["id"], "publish")
    assert published["state"] == "published"


def test_every_step_is_in_the_audit_chain_with_what_it_decided(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    item = sealed(client, people)
    with app.app_context():
        records = db.session.scalars(
            sa.select(AuditRecord)
            .where(AuditRecord.item_id == item["id"])
            .order_by(AuditRecord.seq)
        ).all()
        steps = [(r.action, r.actor, r.role) for r in records]
        by_action = {r.action: r for r in records}
    assert [s for s in steps if s[0] != "create"] == [
        ("submit", "jiyi01_editor", "editor"),
        ("review", "jiyi01_reviewer", "reviewer"),
        ("decide", "jiyi01_approver", "approver"),
        ("seal", SEALER, "reviewer"),
        ("publish", "jiyi01_operator", "operator"),
    ]
    assert by_action["decide"].details["meeting"]["members"] == 9
    assert by_action["seal"].details["seal"]["name"] == SEALER_NAME
    assert by_action["publish"].details["procedure"] == "village"
    audit = client.get(f"/api/v1/items/{item['id']}/audit", headers=people.headers("jiyi01_editor"))
    assert audit.status_code == 200


def test_party_affairs_of_the_village_keep_their_procedure(
    client: FlaskClient, people: Factory
) -> None:
    item = reviewed(
        client,
        people,
        title="集义村党支部2026年第四季度重大事项决策情况",
        category="decisions",
        catalog_entry="JC-01",
    )
    assert item["procedure"] == "party"
    error(decide(client, people, "jiyi01_approver", item["id"]), 409, "not_in_procedure")
    assert ok(client, people, "jiyi01_approver", item["id"], "approve")["state"] == "ready"


def test_the_seal_line_on_the_qr_page_public_page_and_screen(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    item = sealed(client, people)
    qr = client.get(f"/f/{item_code(app, item)}").get_data(as_text=True)
    assert 'class="seal-line"' in qr and SEALER_NAME in qr
    assert "联席会议" in qr and "应到9人，实到7人" in qr
    public = client.get("/p/JIYI-01").get_data(as_text=True)
    assert 'class="seal-line"' in public and SEALER_NAME in public

    screen = people.screen("JIYI-01")
    manifest = client.get(
        f"/api/v1/screens/{screen['id']}/manifest", headers=people.headers("jiyi01_operator")
    ).get_json()
    entry = next(i for i in manifest["items"] if i["id"] == item["id"])
    assert entry["seal"]["name"] == SEALER_NAME
    assert entry["seal"]["at"].endswith("+08:00")


def pdf_text(data: bytes) -> str:
    return compact(read_pdf(data))


def test_the_seal_line_on_the_poster(client: FlaskClient, people: Factory) -> None:
    item = sealed(client, people)
    response = client.get(
        f"/api/v1/items/{item['id']}/poster.pdf", headers=people.headers("jiyi01_operator")
    )
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "".join(SEALER_NAME.split()) in text
    # The joint meeting's attendance on the approval block.
    assert "7" in text and "9" in text


def test_a_changed_seal_is_never_presented(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    item = sealed(client, people)
    with app.app_context():
        revision = db.session.scalar(sa.select(Revision).where(Revision.item_id == item["id"]))
        assert revision is not None
        revision.seal = {**revision.seal, "name": "张三（冒名）"}
        db.session.commit()
    qr = client.get(f"/f/{item_code(app, item)}").get_data(as_text=True)
    assert "张三（冒名）" not in qr and 'class="seal-line"' not in qr
    poster = client.get(
        f"/api/v1/items/{item['id']}/poster.pdf", headers=people.headers("jiyi01_operator")
    )
    error(poster, 409, "seal_broken")
    assert "张三（冒名）" not in client.get("/p/JIYI-01").get_data(as_text=True)


def test_the_item_page_records_the_joint_meeting(
    app: Flask, client: FlaskClient, people: Factory
) -> None:
    item = reviewed(client, people)
    people.login(client, "jiyi01_approver")
    page = client.get(f"/items/{item['id']}").get_data(as_text=True)
    assert 'id="decide-form"' in page
    post_form(
        client,
        f"/items/{item['id']}/transition",
        {
            "action": "decide",
            "held_on": meeting(people)["held_on"],
            "members": "9",
            "present": "6",
            "resolution": "同意公开",
        },
        page=f"/items/{item['id']}",
    )
    assert get(client, people, item["id"])["state"] == "decided"
    sealer = app.test_client()
    people.login(sealer, SEALER)
    page = sealer.get(f"/items/{item['id']}").get_data(as_text=True)
    assert 'id="meeting"' in page and "同意公开" in page
    assert 'value="seal"' in page
