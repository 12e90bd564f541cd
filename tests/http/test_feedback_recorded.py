"""Heard without a smartphone (issue 15, part 4), at the user's level: staff record a case a
villager brought by the hotline, a letter, the paper mailbox or a reception day; it is routed,
timed, kept private and sealed like one from the QR form; the villager takes a receipt slip
(PDF) home; the village office looks a receipt up at the counter."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.accounts.rules import Role
from signage_server.audit.models import AuditRecord
from signage_server.clock import FixedClock
from signage_server.extensions import db
from signage_server.feedback.models import Case
from tests.cli.test_audit_verify import verify
from tests.conftest import Demo
from tests.conftest import csrf_token
from tests.factories import Factory
from tests.http.feedback import ORDINARY
from tests.http.feedback import action
from tests.http.feedback import case_of
from tests.http.feedback import cases
from tests.http.feedback import item_code
from tests.http.feedback import published_item
from tests.http.feedback import receipt_of
from tests.http.feedback import submit
from tests.pdfs import compact
from tests.pdfs import pdf_text

#: The tests' clock stands at Monday 2026-11-23 09:00 (Shanghai).
TODAY = dt.date(2026, 11, 23)
#: What the tracking page's address starts with (the tests' public URL).
TRACK = "http://127.0.0.1:8080/f/track/"


def web(app: Flask, demo: Demo, user: str) -> FlaskClient:
    client = app.test_client()
    demo.login(client, user)
    return client


def record(client: FlaskClient, org: str = "JIYI-01", **fields: Any) -> Any:
    """Fill in and send the 代录 form of ``org`` as a browser does (its CSRF token)."""
    data = {
        "org": org,
        "channel": "phone",
        "received_on": TODAY.isoformat(),
        "item": "0",
        "kind": "question",
        "text": "村里的自来水什么时候通到五组？",
        **fields,
    }
    token = csrf_token(client, f"/feedback/record?org={org}")
    return client.post("/feedback/record", data={**data, "csrf_token": token})


def recorded(response: Any) -> str:
    """The receipt of a case just recorded (the form leads to its slip)."""
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    location: str = response.headers["Location"]
    assert "/feedback/slip/" in location
    return location.rsplit("/", 1)[1]


def test_a_call_is_recorded_like_a_qr_submission_and_sealed_with_its_recorder(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    desk = web(app, demo, "jiyi01_handler")
    inbox = desk.get("/feedback").get_data(as_text=True)
    assert 'href="/feedback/record"' in inbox and 'href="/feedback/lookup"' in inbox
    receipt = recorded(
        record(
            desk,
            received_on="2026-11-20",  # Friday: the call came before the weekend
            name="王德福",
            phone="+86 139-1234-5678",
            consent="y",
        )
    )
    case = case_of(client, demo, "jiyi01_handler", receipt)
    assert (case["kind"], case["handling_org"], case["channel"]) == ("question", "JIYI-01", "phone")
    assert (case["recorded_by"], case["source"]) == ("jiyi01_handler", "recorded")
    assert case["phone"] == "13912345678"  # normalised as the QR form does (phones.py)
    # Deadlines count from the day received: 10 working days from Friday 20 November.
    assert case["received_at"].startswith("2026-11-19T16:00")  # 20 November, 00:00 Shanghai
    assert case["deadlines"][0]["due"] == "2026-12-04"
    # The case page and the inbox say how it came and who recorded it.
    page = desk.get(f"/feedback/{case['id']}").get_data(as_text=True)
    assert "feedback-channel-phone" in page and "张秀英" in page
    assert "feedback-channel-phone" in desk.get("/feedback").get_data(as_text=True)
    assert receipt in desk.get("/feedback?channel=phone").get_data(as_text=True)
    assert receipt not in desk.get("/feedback?channel=letter").get_data(as_text=True)
    # The chain seals the receipt with the recorder, the channel and the day received.
    with app.app_context():
        seal = db.session.scalars(
            sa.select(AuditRecord)
            .where(AuditRecord.subject == "case", AuditRecord.subject_id == case["id"])
            .order_by(AuditRecord.seq)
        ).first()
        assert seal is not None and seal.details is not None
        assert (seal.actor, seal.role, seal.details["channel"]) == (
            "jiyi01_handler",
            "handler",
            "phone",
        )
        assert seal.details["recorded_by_id"] is not None
    code, output = verify(app)
    assert code == 0, output
    # A recorded channel changed in the database afterwards is found.
    with app.app_context():
        db.session.execute(sa.update(Case).where(Case.receipt == receipt).values(channel="letter"))
        db.session.commit()
    assert verify(app)[0] == 1


@pytest.mark.parametrize(
    ("kind", "item", "stored", "handled_at", "sees", "blind"),
    [
        ("comment", "ordinary", "comment", "JIYI-01", "jiyi01_handler", "jiyi_discipline"),
        ("request", "none", "request", "JIYI-01", "jiyi01_handler", "jiyi_discipline"),
        ("question", "affairs", "affairs_question", "JIYI-01", "jiyi01_reviewer", ""),
        ("complaint", "none", "complaint", "JIYI", "jiyi_handler", "jiyi01_handler"),
        ("report", "affairs", "report", "JIYI", "jiyi_discipline", "jiyi01_handler"),
    ],
)
def test_each_kind_is_routed_as_the_qr_form_routes_it(
    app: Flask,
    client: FlaskClient,
    demo: Demo,
    kind: str,
    item: str,
    stored: str,
    handled_at: str,
    sees: str,
    blind: str,
) -> None:
    about = {
        "none": None,
        "affairs": published_item(client, demo),  # 村级财务收支: village affairs
        "ordinary": published_item(client, demo, **ORDINARY),
    }[item]
    desk = web(app, demo, "jiyi01_handler")
    # The form offers the org's public disclosures to choose from.
    if about is not None:
        form = desk.get("/feedback/record?org=JIYI-01").get_data(as_text=True)
        assert f'value="{about["id"]}"' in form
    receipt = recorded(
        record(
            desk,
            channel="letter",
            kind=kind,
            item=str(about["id"]) if about else "0",
            text="来信反映：村里的事情请给个说法。",
        )
    )
    case = case_of(client, demo, sees, receipt)
    assert (case["kind"], case["handling_org"]) == (stored, handled_at)
    assert case["item"] == (about["id"] if about else None)
    if blind:
        assert receipt not in [c["receipt"] for c in cases(client, demo, blind)]


def test_a_report_recorded_about_ones_own_village_never_comes_back_into_sight(
    app: Flask, client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    """The attacker: a village clerk who takes a villager's report about the village by phone
    and would like to follow it (or learn who reported). It goes to the township's
    discipline commission; the clerk gets the slip, never the case."""
    for clerk in ("jiyi01_handler", "jiyi01_discipline"):
        desk = web(app, demo, clerk)
        response = record(
            desk, kind="report", text="村主任把低保名额给了自己亲戚。", name="李桂兰", consent="y"
        )
        receipt = recorded(response)
        slip = desk.get(response.headers["Location"])
        assert slip.status_code == 200
        html = slip.get_data(as_text=True)
        assert receipt in html and "李桂兰" not in html and "亲戚" not in html
        assert 'id="slip-not-yours"' in html
        # The discipline commission above has it, with the reporter and the recorder.
        case = case_of(client, demo, "jiyi_discipline", receipt)
        assert f'href="/feedback/{case["id"]}"' not in html
        assert (case["handling_org"], case["name"], case["recorded_by"]) == (
            "JIYI",
            "李桂兰",
            clerk,
        )
        # The clerk: not in the inbox, not by number, not by receipt at the counter.
        assert receipt not in desk.get("/feedback").get_data(as_text=True)
        assert desk.get(f"/feedback/{case['id']}").status_code == 404
        found = desk.get(f"/feedback?q={receipt}").get_data(as_text=True)
        assert f"<code>{receipt}</code>" not in found  # (the search box repeats it)
        looked = desk.get(f"/feedback/lookup?receipt={receipt}")
        assert looked.status_code == 404 and "李桂兰" not in looked.get_data(as_text=True)
        assert desk.get("/feedback/export.csv").get_data(as_text=True).count(receipt) == 0
    # A day later the recorder cannot print the slip again either.
    clock.advance(hours=25)
    assert desk.get(f"/feedback/slip/{receipt}").status_code == 404
    assert desk.get(f"/feedback/slip/{receipt}.pdf").status_code == 404
    discipline = web(app, demo, "jiyi_discipline")
    assert discipline.get(f"/feedback/slip/{receipt}").status_code == 200


def test_staff_of_another_org_or_without_a_recording_role_are_refused(
    app: Flask, client: FlaskClient, demo: Demo, make: Factory
) -> None:
    make.user("dongguan_handler", "CHENGGUAN-01", Role.HANDLER)
    other = web(app, demo, "dongguan_handler")
    assert other.get("/feedback/record?org=JIYI-01").status_code == 403
    assert other.get("/feedback/record?org=NOPE").status_code == 403
    token = csrf_token(other, "/feedback/record")
    sent = other.post(
        "/feedback/record",
        data={
            "csrf_token": token,
            "org": "JIYI-01",
            "channel": "phone",
            "received_on": TODAY.isoformat(),
            "item": "0",
            "kind": "comment",
            "text": "冒充别的村登记",
        },
    )
    assert sent.status_code == 403
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(Case.text == "冒充别的村登记")) == 0
        )
    # The village's own case: another township's handler cannot print its slip or look it up.
    receipt = recorded(record(web(app, demo, "jiyi01_handler")))
    assert other.get(f"/feedback/slip/{receipt}").status_code == 404
    looked = other.get(f"/feedback/lookup?receipt={receipt}")
    unknown = other.get("/feedback/lookup?receipt=22222-22222")
    assert looked.status_code == unknown.status_code == 404
    # One answer for "not yours" and "no such receipt": the lookup is no oracle.
    assert _missing(looked) == _missing(unknown)
    # An editor records nothing.
    assert web(app, demo, "jiyi01_editor").get("/feedback/record").status_code == 403
    # Without CSRF token: refused.
    desk = web(app, demo, "jiyi01_handler")
    assert desk.post("/feedback/record", data={"org": "JIYI-01"}).status_code == 400


def _missing(response: Any) -> str:
    html: str = response.get_data(as_text=True)
    start = html.index('id="lookup-missing"')
    return html[start : html.index("</div>", start)]


def test_the_day_received_is_neither_in_the_future_nor_too_far_back(app: Flask, demo: Demo) -> None:
    desk = web(app, demo, "jiyi01_handler")
    future = record(desk, received_on="2026-11-24")
    assert future.status_code == 400
    too_early = record(desk, received_on="2026-10-23")  # 31 days back
    assert too_early.status_code == 400
    assert 'id="record-errors"' in too_early.get_data(as_text=True)
    assert recorded(record(desk, received_on="2026-10-24", channel="mailbox"))  # 30 days back
    # Not an item of the org's public disclosures.
    assert record(desk, item="999999").status_code == 400
    # The QR form's channel is not one to record.
    assert record(desk, channel="qr").status_code == 400


def test_the_receipt_slip_pdf_carries_the_code_and_the_tracking_address(
    app: Flask, demo: Demo
) -> None:
    desk = web(app, demo, "jiyi01_handler")
    receipt = recorded(record(desk, channel="visit", kind="comment"))
    slip = desk.get(f"/feedback/slip/{receipt}")
    html = slip.get_data(as_text=True)
    assert TRACK + receipt in html and f"/feedback/slip/{receipt}.pdf" in html
    pdf = desk.get(f"/feedback/slip/{receipt}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Cache-Control"] == "private, no-store"
    text = compact(pdf_text(pdf.data))
    assert receipt in text
    assert compact(TRACK + receipt) in text
    assert "集义村" in text or "JIYI" in text
    assert "2026年11月23日" in text  # the day received
    assert "回执" in text and "接待日" in text


def test_lookup_at_the_counter_shows_state_deadline_and_published_answer(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_item(client, demo, **ORDINARY)
    receipt = receipt_of(submit(client, item_code(app, item)))  # from the QR form
    case = case_of(client, demo, "jiyi01_handler", receipt)
    answer = "五组的管网下月开工，预计春节前通水。"
    response = client.post(
        f"/api/v1/feedback/{case['id']}/reply",
        json={"text": answer, "publish": True},
        headers=demo.headers("jiyi01_handler"),
    )
    assert response.status_code == 201
    assert action(client, demo, "jiyi01_handler", case["id"], "close").status_code == 200
    desk = web(app, demo, "jiyi01_handler")
    found = desk.get(f"/feedback/lookup?receipt={receipt.lower().replace('-', '')}")
    assert found.status_code == 200
    html = found.get_data(as_text=True)
    assert answer in html and 'id="lookup-deadlines"' in html and "feedback-state-closed" in html


@pytest.mark.parametrize("app_overrides", [{"lookup_rate_limit": "3 per minute"}])
def test_receipt_lookups_are_rate_limited_per_user(app: Flask, demo: Demo) -> None:
    desk = web(app, demo, "jiyi01_handler")
    statuses = [desk.get(f"/feedback/lookup?receipt=2222{n}-22222").status_code for n in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
    # The empty form is not counted.
    assert desk.get("/feedback/lookup").status_code == 200
    # Another user has their own allowance.
    assert web(app, demo, "jiyi_handler").get("/feedback/lookup?receipt=x").status_code == 404
