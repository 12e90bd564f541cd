"""四议两公开 at the user's level: the village's editor opens a major matter, records its four
deliberations on the matter's page, links the disclosure of the resolution and, once that is
published, the disclosure of the result; a missing stage refuses the link and the submission
of a linked item; the QR page shows the path of a public item, and nothing of it for a
party-scope item to an anonymous phone."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.accounts.rules import Role
from signage_server.audit.models import AuditRecord
from signage_server.extensions import db
from signage_server.feedback import links
from signage_server.matters import services
from signage_server.matters.models import Matter
from signage_server.matters.models import MatterStage
from tests.conftest import post_form
from tests.factories import Factory

EDITOR = "jiyi01_editor"

#: The four meetings of a road project, as the editor types them.
STAGES: list[tuple[str, dict[str, Any]]] = [
    (
        "proposal",
        {
            "held_on": "2026-09-02",
            "body": "branch_committee",
            "expected": 5,
            "present": 5,
            "votes_for": 5,
            "votes_against": 0,
            "abstained": 0,
            "resolution": "提议硬化村东至村西道路1.2公里",
        },
    ),
    (
        "consultation",
        {
            "held_on": "2026-09-05",
            "body": "two_committees",
            "expected": 9,
            "present": 9,
            "votes_for": 9,
            "votes_against": 0,
            "abstained": 0,
            "resolution": "两委联席会议商议同意，形成初步方案",
        },
    ),
    (
        "deliberation",
        {
            "held_on": "2026-09-10",
            "body": "party_assembly",
            "expected": 42,
            "present": 38,
            "votes_for": 36,
            "votes_against": 1,
            "abstained": 1,
            "resolution": "党员大会审议通过初步方案",
        },
    ),
    (
        "resolution",
        {
            "held_on": "2026-09-15",
            "body": "representatives",
            "counting": "members",
            "expected": 45,
            "present": 41,
            "votes_for": 39,
            "votes_against": 1,
            "abstained": 1,
            "resolution": "村民代表会议决议实施村道硬化工程",
        },
    ),
]


def open_matter(client: FlaskClient, make: Factory, title: str = "集义村村道硬化工程") -> int:
    make.procedure("JIYI-01")
    make.login(client, EDITOR)
    response = post_form(
        client,
        "/matters/new?org=JIYI-01",
        {"org": "JIYI-01", "title": title, "summary": "村东至村西道路硬化"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    found = re.search(r"/matters/(\d+)$", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def record(client: FlaskClient, matter_id: int, kind: str, fields: dict[str, Any]) -> None:
    page = f"/matters/{matter_id}"
    response = post_form(client, f"/matters/{matter_id}/stages/{kind}", fields, page=page)
    assert response.status_code == 302


def link(client: FlaskClient, matter_id: int, which: str, item_id: int) -> None:
    page = f"/matters/{matter_id}"
    response = post_form(
        client, f"/matters/{matter_id}/links/{which}", {"item": item_id}, page=page
    )
    assert response.status_code == 302


def matter_of(app: Flask, matter_id: int) -> tuple[str, int, int | None, int | None]:
    with app.app_context():
        matter = db.session.get(Matter, matter_id)
        assert matter is not None
        return (
            matter.state.value,
            len(matter.stages),
            matter.decision_item_id,
            matter.result_item_id,
        )


def publish(make: Factory, item_id: int) -> dict[str, Any]:
    """Take a draft of JIYI-01 through the procedure (the superior's approval: outside the
    catalog) and publish it; return the item as the API answers."""
    people = make.procedure("JIYI-01")
    make.act(item_id, people[Role.EDITOR], "submit")
    body = make.act(item_id, people[Role.REVIEWER], "review")
    if body["procedure"] == "village":
        # Village affairs: the joint meeting decides, the supervision committee seals.
        make.decide(item_id, people[Role.APPROVER])
        make.act(item_id, people[Role.REVIEWER], "seal")
    else:
        make.act(item_id, people[Role.APPROVER], "approve")
    make.act(item_id, people[Role.SUPERIOR], "superior_approve")
    body = make.act(item_id, people[Role.OPERATOR], "publish")
    assert body["state"] == "published"
    return body


def qr_page(client: FlaskClient, app: Flask, item: dict[str, Any]) -> str:
    with app.app_context():
        code = links.item_code(item["id"], item["revision"], app)
    anonymous = app.test_client()
    response = anonymous.get(f"/f/{code}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_four_stages_then_both_disclosures(app: Flask, client: FlaskClient, make: Factory) -> None:
    matter_id = open_matter(client, make)
    page = client.get(f"/matters/{matter_id}").get_data(as_text=True)
    assert 'id="record-stage"' in page
    assert page.count('class="matter-stage missing"') == 4
    for kind, fields in STAGES:
        record(client, matter_id, kind, fields)
    assert matter_of(app, matter_id) == ("resolved", 4, None, None)
    page = client.get(f"/matters/{matter_id}").get_data(as_text=True)
    assert 'id="record-stage"' not in page
    assert [m for m in re.findall(r'data-stage="(\w+)"', page)] == [k for k, _ in STAGES]
    assert "2026-09-15" in page and "村民代表会议决议实施村道硬化工程" in page

    # An id no table holds is a bad request, not a server error.
    page = f"/matters/{matter_id}"
    huge = post_form(client, f"{page}/links/decision", {"item": "9" * 20}, page=page)
    assert huge.status_code == 400, huge.status_code
    assert matter_of(app, matter_id) == ("resolved", 4, None, None)

    # An item the villagers may not read discloses nothing to them.
    party = make.item("JIYI-01", "draft", title="集义村村道硬化工程党内通报", scope="party")
    link(client, matter_id, "decision", party["id"])
    assert matter_of(app, matter_id) == ("resolved", 4, None, None)
    assert "只有向社会公开的事项才能公开" in client.get(f"/matters/{matter_id}").get_data(
        as_text=True
    )

    decision = make.item("JIYI-01", "draft", title="集义村村道硬化工程决议公开")
    link(client, matter_id, "decision", decision["id"])
    assert matter_of(app, matter_id) == ("decision_disclosed", 4, decision["id"], None)

    # The result only once the resolution's disclosure is published.
    result = make.item("JIYI-01", "draft", title="集义村村道硬化工程实施结果公开")
    link(client, matter_id, "result", result["id"])
    assert matter_of(app, matter_id)[3] is None
    publish(make, decision["id"])
    link(client, matter_id, "result", result["id"])
    assert matter_of(app, matter_id) == ("result_disclosed", 4, decision["id"], result["id"])

    # Every change sealed in the audit chain, without names or texts in its details.
    with app.app_context():
        records = db.session.scalars(
            sa.select(AuditRecord)
            .where(AuditRecord.subject == "matter", AuditRecord.subject_id == matter_id)
            .order_by(AuditRecord.seq)
        ).all()
        assert [r.action for r in records] == [
            "open_matter",
            "stage_proposal",
            "stage_consultation",
            "stage_deliberation",
            "stage_resolution",
            "link_decision",
            "link_result",
        ]
        assert records[-1].state == "result_disclosed"
        assert "村道" not in str([r.details for r in records] + [r.reason for r in records])
        matter = db.session.get(Matter, matter_id)
        assert matter is not None
        assert records[-1].details["path_sha256"] == services.path_sha256(matter)
    # The audit log lists them to the village's people.
    log = client.get("/audit?subject=matter").get_data(as_text=True)
    assert f"/matters/{matter_id}" in log


def test_a_missing_stage_refuses_the_link(app: Flask, client: FlaskClient, make: Factory) -> None:
    matter_id = open_matter(client, make)
    for kind, fields in STAGES[:3]:
        record(client, matter_id, kind, fields)
    item = make.item("JIYI-01", "draft", title="集义村村道硬化工程决议公开")
    link(client, matter_id, "decision", item["id"])
    assert matter_of(app, matter_id) == ("deliberating", 3, None, None)


def test_stages_out_of_order_or_without_quorum_are_not_recorded(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    matter_id = open_matter(client, make)
    record(client, matter_id, "consultation", STAGES[1][1])
    assert matter_of(app, matter_id)[1] == 0
    record(client, matter_id, "proposal", STAGES[0][1])
    # A representatives' meeting with fewer than two thirds present was not validly held.
    record(client, matter_id, "consultation", STAGES[1][1])
    record(client, matter_id, "deliberation", STAGES[2][1])
    record(client, matter_id, "resolution", {**STAGES[3][1], "present": 29, "votes_for": 29})
    assert matter_of(app, matter_id) == ("deliberating", 3, None, None)
    # Dated before the party assembly: refused too.
    record(client, matter_id, "resolution", {**STAGES[3][1], "held_on": "2026-09-09"})
    assert matter_of(app, matter_id) == ("deliberating", 3, None, None)


def test_a_stage_recorded_wrongly_is_withdrawn_and_recorded_again(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    matter_id = open_matter(client, make)
    for kind, fields in STAGES[:2]:
        record(client, matter_id, kind, fields)
    page = f"/matters/{matter_id}"
    html = client.get(page).get_data(as_text=True)
    assert html.count('id="withdraw-stage"') == 1  # on the last stage only
    # Without a reason nothing is withdrawn.
    post_form(client, f"{page}/stages/last/withdraw", {"reason": ""}, page=page)
    assert matter_of(app, matter_id)[1] == 2
    post_form(client, f"{page}/stages/last/withdraw", {"reason": "到会人数填错"}, page=page)
    assert matter_of(app, matter_id) == ("deliberating", 1, None, None)
    assert "已撤回该次会议记录，请重新登记。" in client.get(page).get_data(as_text=True)
    kind, fields = STAGES[1]
    record(client, matter_id, kind, {**fields, "present": 8, "votes_for": 8})
    assert matter_of(app, matter_id) == ("deliberating", 2, None, None)
    with app.app_context():
        record_ = db.session.scalars(
            sa.select(AuditRecord).where(
                AuditRecord.subject == "matter", AuditRecord.action == "withdraw_stage"
            )
        ).one()
        assert record_.reason == "到会人数填错"
        assert record_.details["withdrawn"]["kind"] == kind
        assert record_.details["withdrawn"]["present"] == int(fields["present"])
        assert record_.details["stages"] == 1
        # The chain still verifies: each record sealed the path as it then stood.
        from signage_server.audit.services import verify  # lazy: one test needs it

        assert verify(db.session, [services.matter_states]).ok
    # Once the resolution is linked to its disclosure, the stages stay as recorded.
    for kind, fields in STAGES[2:]:
        record(client, matter_id, kind, fields)
    decision = make.item("JIYI-01", "draft", title="集义村村道硬化工程决议公开")
    link(client, matter_id, "decision", decision["id"])
    assert 'id="withdraw-stage"' not in client.get(page).get_data(as_text=True)
    post_form(client, f"{page}/stages/last/withdraw", {"reason": "再改"}, page=page)
    assert matter_of(app, matter_id) == ("decision_disclosed", 4, decision["id"], None)


def test_a_failed_vote_ends_the_matter(app: Flask, client: FlaskClient, make: Factory) -> None:
    matter_id = open_matter(client, make)
    for kind, fields in STAGES[:3]:
        record(client, matter_id, kind, fields)
    record(client, matter_id, "resolution", {**STAGES[3][1], "votes_for": 20, "votes_against": 20})
    assert matter_of(app, matter_id) == ("rejected", 4, None, None)
    item = make.item("JIYI-01", "draft")
    link(client, matter_id, "decision", item["id"])
    assert matter_of(app, matter_id)[2] is None


def test_an_item_linked_to_an_incomplete_matter_cannot_be_submitted(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    """The procedure's own guard: even when a link exists (put there by other means than
    the matter's page), the item that discloses a resolution is not submitted before all four
    stages are recorded."""
    matter_id = open_matter(client, make)
    for kind, fields in STAGES[:2]:
        record(client, matter_id, kind, fields)
    item = make.item("JIYI-01", "draft", title="集义村村道硬化工程决议公开")
    with app.app_context():
        matter = db.session.get(Matter, matter_id)
        assert matter is not None
        matter.decision_item_id = item["id"]
        db.session.commit()
    response = client.post(
        f"/api/v1/items/{item['id']}/transitions",
        json={"action": "submit"},
        headers=make.headers(EDITOR),
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "stages_missing"
    # An item that discloses no matter is submitted as ever.
    other = make.item("JIYI-01", "draft", title="集义村冬季用水安排")
    make.act(other["id"], EDITOR, "submit")


def test_the_qr_page_shows_the_path_of_a_public_item(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    matter_id = open_matter(client, make)
    for kind, fields in STAGES:
        record(client, matter_id, kind, fields)
    item = make.item("JIYI-01", "draft", title="集义村村道硬化工程决议公开")
    link(client, matter_id, "decision", item["id"])
    body = publish(make, item["id"])
    html = qr_page(client, app, body)
    assert 'id="matter-path"' in html
    assert re.findall(r'data-stage="(\w+)"', html) == [k for k, _ in STAGES]
    for _kind, fields in STAGES:
        assert fields["held_on"] in html
    assert 'id="matter-decision"' in html
    # A stage changed in the database afterwards: the path is not presented.
    with app.app_context():
        stage = db.session.scalar(sa.select(MatterStage).where(MatterStage.matter_id == matter_id))
        assert stage is not None
        stage.votes_for = 4
        db.session.commit()
    assert 'id="matter-path"' not in qr_page(client, app, body)


def test_the_qr_page_of_a_party_item_shows_no_path_to_an_anonymous_phone(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    matter_id = open_matter(client, make)
    for kind, fields in STAGES:
        record(client, matter_id, kind, fields)
    item = make.item("JIYI-01", "draft", title="集义村村道硬化工程党内通报", scope="party")
    link(client, matter_id, "decision", item["id"])
    body = publish(make, item["id"])
    html = qr_page(client, app, body)
    assert 'id="matter-path"' not in html
    assert "2026-09-15" not in html
    assert "村道硬化" not in html


def test_who_may_see_and_who_may_record(app: Flask, client: FlaskClient, make: Factory) -> None:
    matter_id = open_matter(client, make)
    # Another village's editor neither sees nor records it.
    make.user("jiyi02_editor", "JIYI-02", Role.EDITOR)
    other = app.test_client()
    make.login(other, "jiyi02_editor")
    refused = other.get(f"/matters/{matter_id}")
    assert refused.status_code == 403
    # …nor learns whose it is (walking the ids must not map them to villages).
    assert "集义村" not in refused.get_data(as_text=True)
    # The township's supervisor sees it in the township's list, without the forms.
    make.user("jiyi_supervisor")
    watcher = app.test_client()
    make.login(watcher, "jiyi_supervisor")
    listing = watcher.get("/matters?org=JIYI").get_data(as_text=True)
    assert f"/matters/{matter_id}" in listing
    page = watcher.get(f"/matters/{matter_id}").get_data(as_text=True)
    assert 'id="record-stage"' not in page
    # …and a stage it posts anyway is not recorded.
    response = post_form(
        watcher,
        f"/matters/{matter_id}/stages/proposal",
        STAGES[0][1],
        page=f"/matters/{matter_id}",
    )
    assert response.status_code == 302
    assert matter_of(app, matter_id)[1] == 0
    # Anonymous callers are sent to the login page.
    assert app.test_client().get(f"/matters/{matter_id}").status_code in (302, 401)


def test_the_screens_show_the_path_under_the_title(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    matter_id = open_matter(client, make)
    for kind, fields in STAGES:
        record(client, matter_id, kind, fields)
    plain = publish(make, make.item("JIYI-01", "draft", title="集义村冬季用水安排")["id"])
    item = make.item("JIYI-01", "draft", title="集义村村道硬化工程决议公开")
    link(client, matter_id, "decision", item["id"])
    publish(make, item["id"])
    # The item's page says which matter it discloses.
    page = client.get(f"/items/{item['id']}").get_data(as_text=True)
    assert 'id="item-matter"' in page and f"/matters/{matter_id}" in page
    screen = make.screen("JIYI-01")
    response = client.get(
        f"/api/v1/screens/{screen['id']}/manifest", headers=make.headers("jiyi01_operator")
    )
    assert response.status_code == 200
    entries = {e["id"]: e for e in response.get_json()["items"]}
    assert entries[item["id"]]["path"] == [
        {
            "stage": kind,
            "date": fields["held_on"],
            "vote": "{}/{}/{}".format(
                fields["votes_for"], fields["votes_against"], fields["abstained"]
            ),
        }
        for kind, fields in STAGES
    ]
    assert "path" not in entries[plain["id"]]


def test_audit_verify_finds_a_stage_changed_in_the_database(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    matter_id = open_matter(client, make)
    for kind, fields in STAGES[:2]:
        record(client, matter_id, kind, fields)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.session.execute(
            sa.update(MatterStage)
            .where(MatterStage.matter_id == matter_id, MatterStage.kind == "consultation")
            .values(votes_for=5, votes_against=4)
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1, result.output
    assert f"matter {matter_id}" in result.output and "path_sha256" in result.output
