"""The QR feedback loop through HTTP: form → receipt → handler → reply → tracking page;
routing of reports; rate limits; escaping; codes; deadlines; decisions; moderation."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from signage_server.accounts.rules import Role
from signage_server.clock import FixedClock
from signage_server.extensions import db
from signage_server.feedback.models import Case
from tests.conftest import Demo
from tests.conftest import post_form
from tests.http.feedback import ORDINARY
from tests.http.feedback import action
from tests.http.feedback import case_of
from tests.http.feedback import cases
from tests.http.feedback import item_code
from tests.http.feedback import published_item
from tests.http.feedback import receipt_of
from tests.http.feedback import screen_code
from tests.http.feedback import submit
from tests.http.items import create
from tests.realtime.screens import register

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
VILLAGE_ROLES = [role.value for role in Role]


def stored(app: Flask) -> list[Case]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(Case).order_by(Case.id)))
        for case in found:
            db.session.expunge(case)
        return found


# --- the whole loop -----------------------------------------------------------------


def test_form_receipt_reply_and_tracking_page(app: Flask, client: FlaskClient, demo: Demo) -> None:
    item = published_item(client, demo, **ORDINARY)
    code = item_code(app, item)

    page = client.get(f"/f/{code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert ORDINARY["title"] in html
    assert "集义村" in html
    # The publication record: who signed, when, and the sealed hashes.
    assert "王建国（村党支部书记）" in html
    assert "刘长顺（村务监督委员会主任）" in html
    with app.app_context():
        from signage_server.audit.models import AuditRecord

        sealed = db.session.scalars(
            sa.select(AuditRecord).where(AuditRecord.item_id == item["id"])
        ).all()
    assert sealed and sealed[-1].content_sha256 in html
    assert sealed[-1].hash[:16] in html  # the publish record's hash
    assert 'name="website"' in html and 'name="nonce"' in html

    response = client.post(
        f"/f/{code}",
        data={"kind": "question", "text": "第四季度道路维修材料费是谁经手的？", "nonce": "a" * 32},
    )
    assert response.status_code == 201
    body = response.get_data(as_text=True)
    receipt = body.split('id="receipt-code">')[1].split("<")[0]
    assert len(receipt) == 11 and receipt[5] == "-"

    track = client.get(f"/f/track/{receipt}")
    assert track.status_code == 200
    assert "尚未发布答复" in track.get_data(as_text=True)

    case = case_of(client, demo, "jiyi01_handler", receipt)
    assert case["kind"] == "question" and case["org"] == "JIYI-01"
    assert case["item"] == item["id"] and case["revision"] == item["revision"]
    assert case["state"] == "received"

    draft = client.post(
        f"/api/v1/feedback/{case['id']}/reply",
        json={"text": "由村报账员赵磊经手，票据在村务公开栏公示。", "publish": False},
        headers=demo.headers("jiyi01_handler"),
    )
    assert draft.status_code == 201
    assert "赵磊经手" not in client.get(f"/f/track/{receipt}").get_data(as_text=True)

    published = client.post(
        f"/api/v1/feedback/{case['id']}/reply",
        json={"text": "由村报账员赵磊经手，票据已在村务公开栏公示。", "publish": True},
        headers=demo.headers("jiyi01_handler"),
    )
    assert published.status_code == 201, published.get_json()
    assert published.get_json()["state"] == "answered"

    tracked = client.get(f"/f/track/{receipt.lower().replace('-', '')}")
    text = tracked.get_data(as_text=True)
    assert "由村报账员赵磊经手，票据已在村务公开栏公示。" in text
    assert "已答复" in text
    as_json = client.get(f"/f/track/{receipt}", headers={"Accept": "application/json"})
    assert as_json.get_json()["replies"][0]["text"].startswith("由村报账员赵磊经手")
    assert "name" not in as_json.get_json() and "phone" not in as_json.get_json()


def test_json_clients_get_the_receipt(app: Flask, client: FlaskClient, demo: Demo) -> None:
    item = published_item(client, demo)
    response = submit(client, item_code(app, item), kind="comment", text="建议公开明细票据")
    assert response.status_code == 201
    assert set(response.get_json()) == {"receipt"}
    assert stored(app)[0].receipt == response.get_json()["receipt"]
    # Acknowledged means committed: another connection (another process) sees it at once.
    with app.app_context():
        url = db.engine.url
    other = sa.create_engine(url)
    try:
        with other.connect() as connection:
            receipts = connection.execute(sa.text("SELECT receipt FROM feedback_cases")).scalars()
            assert list(receipts) == [response.get_json()["receipt"]]
    finally:
        other.dispose()


# --- routing of reports -------------------------------------------------------------


def test_report_reaches_township_discipline_and_nobody_at_the_village(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_item(client, demo)
    receipt = receipt_of(
        submit(
            client,
            item_code(app, item),
            kind="report",
            text="公示的道路维修材料费与实际不符，材料没有用到路上。",
            name="李大伯",
            phone="138 0013 8000",
            consent="y",
        )
    )
    # The township's discipline inspector gets it, with the reporter's identity.
    case = case_of(client, demo, "jiyi_discipline", receipt)
    assert case["handling_org"] == "JIYI" and case["org"] == "JIYI-01"
    assert case["name"] == "李大伯" and case["phone"] == "13800138000"
    # The organisation filter narrows to what the case is about, never widens.
    assert [c["receipt"] for c in cases(client, demo, "jiyi_discipline", "?org=JIYI-01")] == [
        receipt
    ]
    assert cases(client, demo, "jiyi_discipline", "?org=JIYI-02") == []
    assert [c["receipt"] for c in cases(client, demo, "xian_discipline", "?org=JIYI")] == [receipt]
    # So does the county's (above), but no other role up there sees the identity or the case.
    assert case_of(client, demo, "xian_discipline", receipt)["phone"] == "13800138000"
    for user in ("jiyi_handler", "jiyi_supervisor", "jiyi_approver", "jiyi_admin"):
        assert cases(client, demo, user) == [], user

    # Nobody at the village sees it, nor that it exists: API, case page, inbox, dashboard, export.
    for role in VILLAGE_ROLES:
        user = f"jiyi01_{role}"
        assert cases(client, demo, user) == [], user
        assert cases(client, demo, user, "?kind=report&hidden=1") == [], user
        missing = client.get(f"/api/v1/feedback/{case['id']}", headers=demo.headers(user))
        assert missing.status_code == 404, user
        reply = client.post(
            f"/api/v1/feedback/{case['id']}/reply",
            json={"text": "x", "publish": True},
            headers=demo.headers(user),
        )
        assert reply.status_code == 404, user

    web = app.test_client()
    demo.login(web, "jiyi01_discipline")
    assert web.get(f"/feedback/{case['id']}").status_code == 404
    for page in ("/feedback", "/feedback?kind=report", "/", "/feedback/export.csv"):
        text = web.get(page).get_data(as_text=True)
        assert receipt not in text, page
        assert "道路维修材料费与实际不符" not in text, page
        assert "李大伯" not in text, page
    assert "dashboard-feedback" not in web.get("/").get_data(as_text=True)

    township = app.test_client()
    demo.login(township, "jiyi_discipline")
    assert receipt in township.get("/feedback").get_data(as_text=True)
    detail = township.get(f"/feedback/{case['id']}").get_data(as_text=True)
    assert "李大伯" in detail and "13800138000" in detail
    assert "李大伯" in township.get("/feedback/export.csv").get_data(as_text=True)
    assert "dashboard-feedback" in township.get("/").get_data(as_text=True)


def test_questions_go_to_the_village_handlers_and_identity_stays_with_handlers(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_item(client, demo, **ORDINARY)
    receipt = receipt_of(
        submit(client, item_code(app, item), name="王大妈", phone="13900139000", consent="y")
    )
    handler_view = case_of(client, demo, "jiyi01_handler", receipt)
    assert handler_view["phone"] == "13900139000"
    supervisor_view = case_of(client, demo, "jiyi01_supervisor", receipt)
    assert supervisor_view["real_name"] is True
    assert supervisor_view["name"] is None and supervisor_view["phone"] is None
    # Township handlers oversee the villages below; discipline does not get questions.
    assert case_of(client, demo, "jiyi_handler", receipt)["phone"] == "13900139000"
    assert cases(client, demo, "jiyi_discipline") == []
    assert cases(client, demo, "jiyi01_editor") == []
    # A supervisor reads but does not act.
    refused = action(client, demo, "jiyi01_supervisor", handler_view["id"], "acknowledge")
    assert refused.status_code == 403


# --- floods ---------------------------------------------------------------------------


def test_a_flood_gets_429_and_every_acknowledged_submission_is_stored(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_item(client, demo)
    code = item_code(app, item)
    receipts, limited = [], 0
    for n in range(25):
        response = submit(client, code, text=f"第{n}条意见：请公开明细", address="10.9.9.9")
        if response.status_code == 201:
            receipts.append(response.get_json()["receipt"])
        else:
            assert response.status_code == 429, response.get_data(as_text=True)[:300]
            assert response.get_json()["error"]["code"] == "rate_limited"
            assert "Retry-After" in response.headers
            limited += 1
    assert limited >= 15 and receipts
    # Every submission that got a receipt is there, and nothing else.
    assert sorted(c.receipt for c in stored(app)) == sorted(receipts)
    # Somebody else (another address) is not locked out by the flood.
    assert submit(client, code, address="10.1.2.3").status_code == 201
    # The HTML form says it kindly.
    page = submit(client, code, address="10.9.9.9", json=False)
    assert page.status_code == 429
    assert "请求过于频繁" in page.get_data(as_text=True)


def test_the_same_form_sent_twice_is_one_case(app: Flask, client: FlaskClient, demo: Demo) -> None:
    item = published_item(client, demo)
    code = item_code(app, item)
    first = receipt_of(submit(client, code, nonce="f" * 32))
    second = receipt_of(submit(client, code, nonce="f" * 32))
    assert first == second
    assert len(stored(app)) == 1


def test_honeypot_submissions_are_kept_hidden(app: Flask, client: FlaskClient, demo: Demo) -> None:
    item = published_item(client, demo)
    receipt = receipt_of(submit(client, item_code(app, item), website="http://spam.example"))
    assert cases(client, demo, "jiyi01_handler") == []
    hidden = cases(client, demo, "jiyi01_handler", "?hidden=1")
    assert [c["receipt"] for c in hidden] == [receipt]
    assert hidden[0]["hidden_reason"] == "honeypot"


# --- escaping ---------------------------------------------------------------------------

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'


def test_script_payloads_show_as_text_everywhere(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_item(client, demo, **ORDINARY)
    code = item_code(app, item)
    # Re-shown after a validation error, the form keeps the text escaped.
    bad = submit(client, code, text=SCRIPT, phone="12345", json=False)
    assert bad.status_code == 400
    assert SCRIPT not in bad.get_data(as_text=True)
    assert "&lt;script&gt;" in bad.get_data(as_text=True)

    response = submit(client, code, text=SCRIPT + IMG, name=IMG, consent="y", json=False)
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    receipt = html.split('id="receipt-code">')[1].split("<")[0]
    case = case_of(client, demo, "jiyi01_handler", receipt)
    # API consumers get the text exactly as typed (JSON strings are data, not markup).
    assert case["text"] == SCRIPT + IMG and case["name"] == IMG
    reply = client.post(
        f"/api/v1/feedback/{case['id']}/reply",
        json={"text": "答复" + SCRIPT, "publish": True},
        headers=demo.headers("jiyi01_handler"),
    )
    assert reply.status_code == 201

    web = app.test_client()
    demo.login(web, "jiyi01_handler")
    pages = {
        "tracking": client.get(f"/f/track/{receipt}").get_data(as_text=True),
        "inbox": web.get("/feedback").get_data(as_text=True),
        "case": web.get(f"/feedback/{case['id']}").get_data(as_text=True),
    }
    for name, page in pages.items():
        assert "<script>alert" not in page, name
        assert '<img src=x onerror="alert(1)">' not in page, name
    assert "&lt;script&gt;" in pages["case"] and "&lt;img src=x" in pages["case"]
    assert "答复&lt;script&gt;" in pages["tracking"]
    export = web.get("/feedback/export.csv").get_data(as_text=True)
    assert SCRIPT in export  # CSV is text; spreadsheets do not run HTML


def test_csv_export_neutralises_formulas(app: Flask, client: FlaskClient, demo: Demo) -> None:
    item = published_item(client, demo)
    submit(client, item_code(app, item), text='=HYPERLINK("http://evil")')
    web = app.test_client()
    demo.login(web, "jiyi01_handler")
    export = web.get("/feedback/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in export


# --- codes ------------------------------------------------------------------------------


def test_unknown_or_forged_codes_are_404(app: Flask, client: FlaskClient, demo: Demo) -> None:
    item = published_item(client, demo)
    code = item_code(app, item)
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert client.get(f"/f/{forged}").status_code == 404
    assert client.get("/f/NOTACODE12").status_code == 404
    assert submit(client, forged).status_code == 404
    # A draft's code opens nothing, though it is correctly signed.
    draft = create(client, demo, title="尚未发布的事项")
    from signage_server.feedback import codes
    from tests.http.feedback import key

    assert client.get(f"/f/{codes.make(key(app), 'r', draft['id'], 1)}").status_code == 404
    # A forged screen code with a valid item code is refused too.
    assert client.get(f"/f/{code}?s=AAAAAAAAAAAAAA").status_code == 404
    # Item codes are case-insensitive (people type them).
    assert client.get(f"/f/{code.lower()}").status_code == 200


def test_poster_and_screen_codes(app: Flask, client: FlaskClient, demo: Demo) -> None:
    from signage_server.feedback import codes
    from tests.http.feedback import key

    item = published_item(client, demo)
    poster = codes.make(key(app), "p", item["id"])
    receipt = receipt_of(submit(client, poster))
    case = case_of(client, demo, "jiyi01_handler", receipt)
    assert case["source"] == "poster" and case["revision"] == item["revision"]

    screen = register(client, demo)
    general = screen_code(app, screen["id"])
    page = client.get(f"/f/{general}")
    assert page.status_code == 200 and "集义村" in page.get_data(as_text=True)
    receipt = receipt_of(submit(client, general, kind="request", text="请公开低保评定名单"))
    case = case_of(client, demo, "jiyi01_handler", receipt)
    assert case["source"] == "screen_general" and case["item"] is None
    assert case["screen"] == screen["id"] and case["decision"] == "pending"


def test_qr_images_as_svg_and_png(app: Flask, client: FlaskClient, demo: Demo) -> None:
    item = published_item(client, demo)
    code = item_code(app, item)
    svg = client.get(f"/f/{code}/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert b"<svg" in svg.data and b"<path" in svg.data
    png = client.get(f"/f/{code}/qr.png?scale=4")
    assert png.status_code == 200 and png.mimetype == "image/png"
    image = Image.open(io.BytesIO(png.data))
    assert image.size[0] == image.size[1] and image.size[0] >= 4 * 25
    assert client.get(f"/f/{code[:-2]}XX/qr.svg").status_code == 404


def test_case_records_what_the_screen_showed(app: Flask, client: FlaskClient, demo: Demo) -> None:
    from tests.realtime.screens import player

    item = published_item(client, demo)
    screen = register(client, demo)
    # The player reports what it showed (proof of play), as it does over Socket.IO.
    box = player(app, screen["token"])
    box.emit(
        "played",
        [
            {
                "item": item["id"],
                "revision": item["revision"],
                "started_at": "2026-11-23T08:59:30+08:00",
                "duration_s": 20,
            }
        ],
        namespace="/player",
    )
    box.disconnect(namespace="/player")
    query = f"?s={screen_code(app, screen['id'])}"
    receipt = receipt_of(submit(client, item_code(app, item), query=query))
    case = case_of(client, demo, "jiyi01_handler", receipt)
    assert case["screen"] == screen["id"] and case["source"] == "screen"
    assert case["shown_revision"] == item["revision"]
    assert case["shown_at"].startswith("2026-11-23T00:59:30")


def test_proof_of_play_arriving_after_the_scan_completes_the_case(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    from signage_server.screens.models import PlayRecord

    item = published_item(client, demo)
    screen = register(client, demo)
    query = f"?s={screen_code(app, screen['id'])}"
    receipt = receipt_of(submit(client, item_code(app, item), query=query))
    case = case_of(client, demo, "jiyi01_handler", receipt)
    assert case["shown_revision"] is None
    with app.app_context():
        db.session.add(
            PlayRecord(
                screen_id=screen["id"],
                item_id=item["id"],
                revision=item["revision"],
                started_at=dt.datetime(2026, 11, 23, 8, 58, tzinfo=SHANGHAI),
                duration_s=20,
            )
        )
        db.session.commit()
    detail = client.get(f"/api/v1/feedback/{case['id']}", headers=demo.headers("jiyi01_handler"))
    assert detail.get_json()["shown_revision"] == item["revision"]
    assert case_of(client, demo, "jiyi01_handler", receipt)["shown_revision"] == item["revision"]


# --- validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": ""}, "请填写"),
        ({"text": "x" * 2001}, "2000"),
        ({"phone": "010-62345678", "consent": "y"}, "手机号"),
        ({"phone": "12345", "consent": "y"}, "手机号"),
        ({"name": "张三"}, "隐私说明"),
        ({"kind": "praise"}, "选择"),
    ],
)
def test_bad_input_is_explained(
    app: Flask, client: FlaskClient, demo: Demo, fields: dict[str, str], message: str
) -> None:
    item = published_item(client, demo)
    page = submit(client, item_code(app, item), json=False, **fields)
    assert page.status_code == 400
    assert message in page.get_data(as_text=True)
    as_json = submit(client, item_code(app, item), **fields)
    assert as_json.status_code == 400
    assert as_json.get_json()["error"]["code"] == "bad_request"
    assert stored(app) == []


# --- deadlines ---------------------------------------------------------------------------


def test_deadlines_in_working_days_and_overdue_on_the_dashboard(
    app: Flask, client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    item = published_item(client, demo)
    receipt = receipt_of(submit(client, item_code(app, item)))
    case = case_of(client, demo, "jiyi01_handler", receipt)
    # Received Monday 2026-11-23: ten working days later is Monday 2026-12-07.
    (deadline,) = case["deadlines"]
    assert deadline == {
        "duty": "answer",
        "due": "2026-12-07",
        "met_at": None,
        "overdue": False,
        "estimated": False,
    }
    web = app.test_client()
    demo.login(web, "jiyi01_handler")
    # (The home page also counts the village's overdue catalog entries: look at feedback only.)
    assert "件已逾期" not in web.get("/").get_data(as_text=True)

    clock.set(dt.datetime(2026, 12, 8, 9, 0, tzinfo=SHANGHAI))
    case = case_of(client, demo, "jiyi01_handler", receipt)
    assert case["deadlines"][0]["overdue"] is True
    dashboard = web.get("/").get_data(as_text=True)
    assert "1 件已逾期" in dashboard and receipt in dashboard
    assert "feedback-overdue" in web.get("/feedback?overdue=1").get_data(as_text=True)


def test_real_name_reports_must_be_acknowledged_in_15_working_days(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_item(client, demo)
    code = item_code(app, item)
    named = receipt_of(
        submit(client, code, kind="report", name="李四", consent="y", text="虚假公示")
    )
    anonymous = receipt_of(submit(client, code, kind="report", text="虚假公示", address="10.0.0.2"))
    named_case = case_of(client, demo, "jiyi_discipline", named)
    assert [d["duty"] for d in named_case["deadlines"]] == ["acknowledge"]
    assert named_case["deadlines"][0]["due"] == "2026-12-14"
    assert case_of(client, demo, "jiyi_discipline", anonymous)["deadlines"] == []

    ok = action(client, demo, "jiyi_discipline", named_case["id"], "acknowledge")
    assert ok.status_code == 200 and ok.get_json()["state"] == "in_progress"
    concluded = action(
        client, demo, "jiyi_discipline", named_case["id"], "conclude", reason="经核查属实，已立案"
    )
    duties = {d["duty"]: d for d in concluded.get_json()["deadlines"]}
    assert duties["acknowledge"]["met_at"] is not None
    assert duties["reply_after_conclusion"]["due"] == "2026-12-14"
    # Closing needs the reply to the reporter.
    early = action(client, demo, "jiyi_discipline", named_case["id"], "close")
    assert early.status_code == 422
    client.post(
        f"/api/v1/feedback/{named_case['id']}/reply",
        json={"text": "您反映的问题经核查属实，已责令整改。", "publish": True},
        headers=demo.headers("jiyi_discipline"),
    )
    closed = action(client, demo, "jiyi_discipline", named_case["id"], "close")
    assert closed.status_code == 200 and closed.get_json()["state"] == "closed"
    assert action(client, demo, "jiyi_discipline", named_case["id"], "close").status_code == 409


def test_deadlines_beyond_the_known_calendar_are_estimated(
    app: Flask, client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    item = published_item(client, demo)
    clock.set(dt.datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI))
    receipt = receipt_of(submit(client, item_code(app, item)))
    (deadline,) = case_of(client, demo, "jiyi01_handler", receipt)["deadlines"]
    # The submission is never refused for it; the deadline says it is an estimate.
    assert deadline["estimated"] is True
    assert deadline["due"] == "2027-01-11"


# --- requests for disclosure ---------------------------------------------------------------


def test_refusing_a_request_needs_reasons_and_the_superior_review(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_item(client, demo)
    receipt = receipt_of(submit(client, item_code(app, item), kind="request", text="请公开合同"))
    case = case_of(client, demo, "jiyi01_handler", receipt)
    assert case["deadlines"][0]["duty"] == "decide"

    assert action(client, demo, "jiyi01_handler", case["id"], "refuse").status_code == 400
    proposed = action(
        client, demo, "jiyi01_handler", case["id"], "refuse", reason="合同涉及第三方商业秘密"
    )
    assert proposed.get_json()["decision"] == "refusal_proposed"
    assert proposed.get_json()["deadlines"][0]["met_at"] is None
    # The village handler cannot confirm their own refusal; the township superior does.
    assert action(client, demo, "jiyi01_handler", case["id"], "confirm_refusal").status_code == 403
    assert action(client, demo, "jiyi01_superior", case["id"], "confirm_refusal").status_code == 404
    assert case_of(client, demo, "jiyi_superior", receipt)["decision"] == "refusal_proposed"
    overturn = action(client, demo, "jiyi_superior", case["id"], "overturn_refusal")
    assert overturn.status_code == 400
    back = action(
        client, demo, "jiyi_superior", case["id"], "overturn_refusal", reason="可删除商业条款后公开"
    )
    assert back.get_json()["decision"] == "pending"
    action(client, demo, "jiyi01_handler", case["id"], "refuse", reason="合同尚未签订")
    final = action(client, demo, "jiyi_superior", case["id"], "confirm_refusal")
    assert final.status_code == 200 and final.get_json()["decision"] == "refused"
    assert final.get_json()["deadlines"][0]["met_at"] is not None
    track = client.get(f"/f/track/{receipt}").get_data(as_text=True)
    assert "合同尚未签订" in track and "不予公开" in track


def test_a_request_is_decided_in_three_working_days_extended_once_to_ten_with_a_reason(
    app: Flask, client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    """依申请公开: decided within 3 working days of its receipt; the handler may extend that
    once, to 10, with a reason the villager reads on the tracking page."""
    item = published_item(client, demo)
    receipt = receipt_of(submit(client, item_code(app, item), kind="request", text="请公开合同"))
    case = case_of(client, demo, "jiyi01_handler", receipt)
    # Received Monday 2026-11-23 09:00: Tuesday, Wednesday, Thursday.
    (deadline,) = case["deadlines"]
    assert (deadline["duty"], deadline["due"]) == ("decide", "2026-11-26")
    track = client.get(f"/f/track/{receipt}").get_data(as_text=True)
    assert 'data-due="2026-11-26"' in track and 'data-days="3"' in track
    assert 'id="extension"' not in track
    web = app.test_client()
    demo.login(web, "jiyi01_handler")
    page = web.get(f"/feedback/{case['id']}").get_data(as_text=True)
    assert f"/feedback/{case['id']}/extend" in page and "延长办理期限" in page

    # Friday: overdue.
    clock.set(dt.datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))
    assert case_of(client, demo, "jiyi01_handler", receipt)["deadlines"][0]["overdue"] is True
    assert receipt in web.get("/feedback?overdue=1").get_data(as_text=True)

    # Not without a reason; then, from the handler's page, with one.
    assert action(client, demo, "jiyi01_handler", case["id"], "extend").status_code == 400
    response = post_form(
        web,
        f"/feedback/{case['id']}/extend",
        {"note": "合同原件存于镇财政所，需调取"},
        page=f"/feedback/{case['id']}",
    )
    assert response.status_code == 302
    extended = case_of(client, demo, "jiyi01_handler", receipt)
    assert extended["extended_at"] is not None
    (deadline,) = extended["deadlines"]
    # Ten working days from the receipt: Monday 2026-12-07; no longer overdue.
    assert (deadline["due"], deadline["overdue"]) == ("2026-12-07", False)
    assert receipt not in web.get("/feedback?overdue=1").get_data(as_text=True)
    track = client.get(f"/f/track/{receipt}").get_data(as_text=True)
    assert 'data-due="2026-12-07"' in track and 'data-days="10"' in track
    assert 'id="extension"' in track and "合同原件存于镇财政所，需调取" in track
    public = client.get(f"/f/track/{receipt}", headers={"Accept": "application/json"}).get_json()
    assert public["extension_reason"] == "合同原件存于镇财政所，需调取"
    history = web.get(f"/feedback/{case['id']}").get_data(as_text=True)
    assert "办理期限已延长" in history and f"/feedback/{case['id']}/extend" not in history

    # Once only; and the decision then meets the extended deadline.
    again = action(client, demo, "jiyi01_handler", case["id"], "extend", reason="还需时间")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "extended"
    clock.set(dt.datetime(2026, 12, 4, 9, 0, tzinfo=SHANGHAI))
    granted = action(client, demo, "jiyi01_handler", case["id"], "grant", reason="下周一公开")
    assert granted.get_json()["deadlines"][0]["met_at"] is not None
    assert (
        action(client, demo, "jiyi01_handler", case["id"], "extend", reason="x").status_code == 409
    )


def test_only_requests_are_extended(app: Flask, client: FlaskClient, demo: Demo) -> None:
    item = published_item(client, demo, **ORDINARY)
    receipt = receipt_of(submit(client, item_code(app, item), kind="question", text="何时公开？"))
    case = case_of(client, demo, "jiyi01_handler", receipt)
    refused = action(client, demo, "jiyi01_handler", case["id"], "extend", reason="需要时间")
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "not_a_request"


def test_granting_a_request(app: Flask, client: FlaskClient, demo: Demo) -> None:
    item = published_item(client, demo)
    receipt = receipt_of(submit(client, item_code(app, item), kind="request", text="请公开合同"))
    case = case_of(client, demo, "jiyi01_handler", receipt)
    granted = action(client, demo, "jiyi01_handler", case["id"], "grant", reason="下周一公开")
    assert granted.get_json()["decision"] == "granted"
    assert (
        action(client, demo, "jiyi01_handler", case["id"], "refuse", reason="x").status_code == 409
    )


# --- moderation -----------------------------------------------------------------------------


def test_abuse_is_hidden_never_deleted(app: Flask, client: FlaskClient, demo: Demo) -> None:
    item = published_item(client, demo, **ORDINARY)
    receipt = receipt_of(submit(client, item_code(app, item), text="骂人的话骂人的话"))
    case = case_of(client, demo, "jiyi01_handler", receipt)
    assert action(client, demo, "jiyi01_handler", case["id"], "hide").status_code == 400
    hidden = action(client, demo, "jiyi01_handler", case["id"], "hide", reason="辱骂他人")
    assert hidden.status_code == 200 and hidden.get_json()["hidden"] is True
    assert cases(client, demo, "jiyi01_handler") == []
    assert cases(client, demo, "jiyi01_handler", "?hidden=1")[0]["receipt"] == receipt
    tracking = client.get(f"/f/track/{receipt}").get_data(as_text=True)
    assert "不予处理" in tracking
    deleted = client.delete(
        f"/api/v1/feedback/{case['id']}", headers=demo.headers("jiyi01_handler")
    )
    assert deleted.status_code == 405
    assert len(stored(app)) == 1
    shown = action(client, demo, "jiyi01_handler", case["id"], "unhide")
    assert shown.get_json()["hidden"] is False


def test_handler_pages_work_through_forms(app: Flask, client: FlaskClient, demo: Demo) -> None:
    item = published_item(client, demo, **ORDINARY)
    receipt = receipt_of(submit(client, item_code(app, item), text="路灯什么时候修？"))
    case_id = case_of(client, demo, "jiyi01_handler", receipt)["id"]
    web = app.test_client()
    demo.login(web, "jiyi01_handler")
    page = f"/feedback/{case_id}"
    assert "路灯什么时候修？" in web.get(page).get_data(as_text=True)
    post_form(web, f"{page}/acknowledge", {}, page=page)
    post_form(web, f"{page}/reply", {"text": "本周五前修好。"}, page=page)
    html = web.get(page).get_data(as_text=True)
    assert "草稿" in html and "本周五前修好。" in html
    post_form(web, f"{page}/reply", {"text": "本周五前修好。", "publish": "y"}, page=page)
    post_form(web, f"{page}/close", {}, page=page)
    html = web.get(page).get_data(as_text=True)
    assert "已办结" in html
    assert "本周五前修好。" in client.get(f"/f/track/{receipt}").get_data(as_text=True)
    history = html.split('id="case-history"')[1]
    for label in ("已受理", "已发布答复", "已办结"):
        assert label in history


def test_reply_of_public_interest_becomes_a_disclosure_draft(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    from signage_server.accounts import services as accounts
    from signage_server.accounts.rules import Role
    from signage_server.orgs.services import require_by_code

    item = published_item(client, demo, **ORDINARY)
    receipt = receipt_of(submit(client, item_code(app, item), text="修路的钱够不够？"))
    case_id = case_of(client, demo, "jiyi01_handler", receipt)["id"]
    client.post(
        f"/api/v1/feedback/{case_id}/reply",
        json={"text": "上级补助4.5万元，缺口由村集体收入补足。", "publish": True},
        headers=demo.headers("jiyi01_handler"),
    )
    web = app.test_client()
    demo.login(web, "jiyi01_handler")
    page = f"/feedback/{case_id}"
    refused = post_form(web, f"{page}/make-item", {}, page=page, follow_redirects=True)
    assert "无权" in refused.get_data(as_text=True)
    with app.app_context():
        user = accounts.get_user(db.session, "jiyi01_handler")
        assert user is not None
        accounts.grant_role(
            db.session, user, require_by_code(db.session, "JIYI-01"), Role.EDITOR, actor=None
        )
        db.session.commit()
    made = post_form(web, f"{page}/make-item", {}, page=page)
    assert made.status_code == 302 and "/items/" in made.headers["Location"]
    item_id = int(made.headers["Location"].rsplit("/", 1)[1])
    draft = client.get(f"/api/v1/items/{item_id}", headers=demo.headers("jiyi01_handler"))
    body = draft.get_json()
    assert body["state"] == "draft"
    assert "缺口由村集体收入补足" in str(body)
