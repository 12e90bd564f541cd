"""Routing as the rules say (issue 13, parts 3 and 4), at the user's level: questions on
village affairs at the village affairs supervision committee, complaints at the township,
transfers the villager sees by receipt code, the reporter's objection, voter lists published
20 days before the election and objections to them within 5 days."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage_server.clock import FixedClock
from tests.cli.test_audit_verify import execute
from tests.cli.test_audit_verify import verify
from tests.conftest import Demo
from tests.conftest import post_form
from tests.http.feedback import ORDINARY
from tests.http.feedback import action
from tests.http.feedback import case_of
from tests.http.feedback import cases
from tests.http.feedback import item_code
from tests.http.feedback import published_item
from tests.http.feedback import receipt_of
from tests.http.feedback import submit
from tests.http.items import act
from tests.http.items import create
from tests.http.items import get
from tests.http.items import ok
from tests.http.items import sign_off
from tests.http.test_posters import pages_of
from tests.http.test_posters import poster

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
#: The tests' frozen clock: Monday 2026-11-23 09:00.
TODAY = dt.date(2026, 11, 23)
#: The demo county's name (org ``XIAN``).
COUNTY = "清源县"


def reply(client: FlaskClient, demo: Demo, user: str, case_id: int, text: str) -> Any:
    return client.post(
        f"/api/v1/feedback/{case_id}/reply",
        json={"text": text, "publish": True},
        headers=demo.headers(user),
    )


def track(client: FlaskClient, receipt: str, *, json: bool = True) -> Any:
    headers = {"Accept": "application/json"} if json else {}
    return client.get(f"/f/track/{receipt}", headers=headers)


# --- part 4: who receives what --------------------------------------------------------


def test_a_question_on_village_affairs_goes_to_the_supervision_committee(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_item(client, demo)  # 村级财务收支: village affairs
    receipt = receipt_of(submit(client, item_code(app, item), text="修路的钱从哪里来？"))
    case = case_of(client, demo, "jiyi01_reviewer", receipt)
    assert (case["kind"], case["handling_org"]) == ("affairs_question", "JIYI-01")
    assert case["deadlines"][0]["duty"] == "answer"
    assert case["deadlines"][0]["due"] == "2026-12-07"  # ten working days
    # The village's handlers read it, but only the committee answers.
    assert case_of(client, demo, "jiyi01_handler", receipt)["id"] == case["id"]
    refused = reply(client, demo, "jiyi01_handler", case["id"], "我们来答")
    assert refused.status_code == 403
    # A reviewer of the township is not the village's committee.
    assert receipt not in [c["receipt"] for c in cases(client, demo, "jiyi_reviewer")]
    answered = reply(
        client, demo, "jiyi01_reviewer", case["id"], "经村务监督委员会核实：上级转移支付。"
    )
    assert answered.status_code == 201, answered.get_json()
    assert track(client, receipt).get_json()["replies"][0]["text"].startswith("经村务监督委员会")


def test_a_question_on_another_item_stays_with_the_handlers(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_item(client, demo, **ORDINARY)
    receipt = receipt_of(submit(client, item_code(app, item)))
    assert case_of(client, demo, "jiyi01_handler", receipt)["kind"] == "question"
    assert receipt not in [c["receipt"] for c in cases(client, demo, "jiyi01_reviewer")]


def test_a_complaint_goes_to_the_township_and_never_to_the_village(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_item(client, demo)
    form = client.get(f"/f/{item_code(app, item)}").get_data(as_text=True)
    assert 'value="complaint"' in form and 'value="objection"' not in form
    receipt = receipt_of(
        submit(client, item_code(app, item), kind="complaint", text="村委会不按规定公开账目")
    )
    case = case_of(client, demo, "jiyi_handler", receipt)
    assert (case["kind"], case["org"], case["handling_org"]) == ("complaint", "JIYI-01", "JIYI")
    for user in ("jiyi01_handler", "jiyi01_supervisor", "jiyi01_reviewer", "jiyi01_approver"):
        assert receipt not in [c["receipt"] for c in cases(client, demo, user)], user
    # Not even by its number: 404 (its existence does not leak), and no action.
    response = client.get(f"/api/v1/feedback/{case['id']}", headers=demo.headers("jiyi01_handler"))
    assert response.status_code == 404
    assert reply(client, demo, "jiyi01_handler", case["id"], "x").status_code == 404
    web = app.test_client()
    demo.login(web, "jiyi01_handler")
    assert web.get(f"/feedback/{case['id']}").status_code == 404
    assert receipt not in web.get("/feedback").get_data(as_text=True)
    # The township answers it.
    assert reply(client, demo, "jiyi_handler", case["id"], "镇政府已督促整改").status_code == 201


# --- transfers (转办) and objections (异议) -------------------------------------------------


def _real_name_report(app: Flask, client: FlaskClient, demo: Demo) -> tuple[str, int]:
    item = published_item(client, demo)
    receipt = receipt_of(
        submit(
            client,
            item_code(app, item),
            kind="report",
            text="村干部虚报工程款",
            name="李四",
            phone="13800138000",
            consent="y",
        )
    )
    return receipt, case_of(client, demo, "jiyi_discipline", receipt)["id"]


def test_a_transfer_shows_on_the_villagers_tracking_page(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    receipt, case_id = _real_name_report(app, client, demo)
    # Never to the org the report is about.
    to_village = action(client, demo, "jiyi_discipline", case_id, "transfer", to="JIYI-01")
    assert to_village.status_code == 422
    assert to_village.get_json()["error"]["code"] == "transfer_to_concerned"
    moved = action(
        client,
        demo,
        "jiyi_discipline",
        case_id,
        "transfer",
        to="XIAN",
        reason="涉及县管干部，内部备注",
    )
    assert moved.status_code == 200, moved.get_json()
    # The county's discipline commission has it now, with the transfer's record.
    case = case_of(client, demo, "xian_discipline", receipt)
    assert case["handling_org"] == "XIAN"
    assert [(t["from"], t["to"]) for t in case["transfers"]] == [("JIYI", "XIAN")]
    assert receipt not in [c["receipt"] for c in cases(client, demo, "jiyi_discipline")]
    # The villager sees the fact, the date and the receiving body — not the note.
    public = track(client, receipt).get_json()
    assert [t["to"] for t in public["transfers"]] == [COUNTY]
    assert public["transfers"][0]["at"].startswith("2026-11-23")
    page = track(client, receipt, json=False).get_data(as_text=True)
    assert 'id="transfers"' in page and "2026-11-23" in page
    assert "内部备注" not in page and "内部备注" not in str(public)
    # The step is sealed in the audit chain, with where the case went: moving it back to the
    # township in the database is found.
    code, output = verify(app)
    assert code == 0, output
    execute(
        app,
        "UPDATE feedback_cases SET handling_org_id = "
        "(SELECT id FROM orgs WHERE code = 'JIYI') WHERE receipt = :r",
        r=receipt,
    )
    code, output = verify(app)
    assert code == 1 and "handling_org_id" in output


def test_a_transfer_is_refused_after_five_working_days(
    app: Flask, client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    receipt, case_id = _real_name_report(app, client, demo)
    # Received Monday 2026-11-23: the fifth working day is Monday 2026-11-30.
    clock.set(dt.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))
    late = action(client, demo, "jiyi_discipline", case_id, "transfer", to="XIAN")
    assert late.status_code == 422
    assert late.get_json()["error"]["code"] == "transfer_too_late"
    assert case_of(client, demo, "jiyi_discipline", receipt)["transfers"] == []


def test_the_reporter_objects_to_the_result_by_receipt_code(
    app: Flask, client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    receipt, case_id = _real_name_report(app, client, demo)
    # No answer yet: nothing to object to.
    early = client.post(f"/f/track/{receipt}/objection", data={"text": "不服"})
    assert early.status_code == 409
    assert (
        action(client, demo, "jiyi_discipline", case_id, "conclude", reason="查无实据").status_code
        == 200
    )
    assert (
        reply(client, demo, "jiyi_discipline", case_id, "经核查，反映问题不属实。").status_code
        == 201
    )
    assert action(client, demo, "jiyi_discipline", case_id, "close").status_code == 200
    page = track(client, receipt, json=False).get_data(as_text=True)
    assert "/objection" in page
    clock.advance(hours=2)
    objected = client.post(
        f"/f/track/{receipt}/objection", data={"text": "工程款明细与实际不符，请复查"}
    )
    assert objected.status_code == 302
    case = case_of(client, demo, "jiyi_discipline", receipt)
    assert case["state"] == "in_progress" and case["objected_at"]
    review = next(d for d in case["deadlines"] if d["duty"] == "review_objection")
    assert review["due"] == "2026-12-14"  # 15 working days from Monday 2026-11-23
    # Once only; and the case is not closed before the objection is answered.
    again = client.post(f"/f/track/{receipt}/objection", data={"text": "再次异议"})
    assert again.status_code == 409
    closing = action(client, demo, "jiyi_discipline", case_id, "close")
    assert closing.status_code == 422
    assert closing.get_json()["error"]["code"] == "objection_answer_required"
    clock.advance(hours=2)
    assert (
        reply(client, demo, "jiyi_discipline", case_id, "复查结论：维持原处理。").status_code == 201
    )
    assert action(client, demo, "jiyi_discipline", case_id, "close").status_code == 200
    # Every step is in the case's audit trail.
    audit = client.get(
        f"/api/v1/feedback/{case_id}", headers=demo.headers("jiyi_discipline")
    ).get_json()
    assert audit["objected_at"]
    assert "/objection" not in track(client, receipt, json=False).get_data(as_text=True)


def test_anonymous_reports_and_other_kinds_take_no_objection(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_item(client, demo, **ORDINARY)
    receipt = receipt_of(submit(client, item_code(app, item), name="王五", consent="y"))
    case_id = case_of(client, demo, "jiyi01_handler", receipt)["id"]
    assert reply(client, demo, "jiyi01_handler", case_id, "已答复").status_code == 201
    assert "/objection" not in track(client, receipt, json=False).get_data(as_text=True)
    refused = client.post(f"/f/track/{receipt}/objection", data={"text": "不服"})
    assert refused.status_code == 422


# --- part 3: the voter list -------------------------------------------------------------


def voter_list(client: FlaskClient, demo: Demo, election: dt.date) -> dict[str, Any]:
    return create(
        client,
        demo,
        title="集义村第十二届村民委员会选举选民名单",
        category="village_affairs",
        timing="immediate",
        catalog_entry=None,
        notice={"kind": "voter_list", "election_on": election.isoformat()},
        body={"type": "text", "text": "选民名单：王建国、李秀英、赵磊……（共1236人）"},
    )


def publish_voter_list(client: FlaskClient, demo: Demo, item_id: int) -> Any:
    ok(client, demo, "jiyi01_editor", item_id, "submit")
    ok(client, demo, "jiyi01_reviewer", item_id, "review")
    sign_off(client, demo, item_id)
    ok(client, demo, "jiyi_superior", item_id, "superior_approve")
    return act(client, demo, "jiyi01_operator", item_id, "publish")


def test_a_voter_list_goes_public_at_least_20_days_before_the_election(
    client: FlaskClient, demo: Demo
) -> None:
    late = voter_list(client, demo, TODAY + dt.timedelta(days=19))
    refused = publish_voter_list(client, demo, late["id"])
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == "voter_list_too_late"
    assert "2026-12-12" in error["message"] and "20" in error["message"]
    in_time = voter_list(client, demo, TODAY + dt.timedelta(days=20))
    published = publish_voter_list(client, demo, in_time["id"])
    assert published.status_code == 200, published.get_json()
    assert published.get_json()["state"] == "published"
    notice = get(client, demo, in_time["id"])["current"]["notice"]
    assert notice["kind"] == "voter_list"
    assert notice["election_on"] == (TODAY + dt.timedelta(days=20)).isoformat()


def test_a_voter_list_needs_its_election_day(client: FlaskClient, demo: Demo) -> None:
    response = client.post(
        "/api/v1/items",
        json={
            "org": "JIYI-01",
            "title": "选民名单",
            "category": "village_affairs",
            "timing": "immediate",
            "scope": "public",
            "notice": {"kind": "voter_list"},
            "body": {"type": "text", "text": "选民名单"},
        },
        headers=demo.headers("jiyi01_editor"),
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "voter_list_needs_election"


def test_a_voter_list_is_protected_until_the_election(client: FlaskClient, demo: Demo) -> None:
    item = voter_list(client, demo, TODAY + dt.timedelta(days=25))
    assert publish_voter_list(client, demo, item["id"]).status_code == 200
    withdrawn = act(client, demo, "jiyi01_approver", item["id"], "withdraw", "名单有误")
    assert withdrawn.status_code == 422
    assert withdrawn.get_json()["error"]["code"] == "notice_running"


def test_objections_to_a_voter_list_within_five_days_answered_within_three(
    app: Flask, client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    item = voter_list(client, demo, TODAY + dt.timedelta(days=30))
    published = publish_voter_list(client, demo, item["id"]).get_json()
    code = item_code(app, published)
    form = client.get(f"/f/{code}").get_data(as_text=True)
    assert 'value="objection"' in form
    # Day five after publication (Saturday 2026-11-28): accepted, due in three calendar days.
    clock.set(dt.datetime(2026, 11, 28, 20, 0, tzinfo=SHANGHAI))
    receipt = receipt_of(
        submit(client, code, kind="objection", text="我家儿子已满十八周岁，名单上没有")
    )
    case = case_of(client, demo, "jiyi01_handler", receipt)
    assert (case["kind"], case["handling_org"]) == ("objection", "JIYI-01")
    assert case["deadlines"][0]["due"] == "2026-12-01"
    # Day six: refused, with the last day in the message.
    clock.set(dt.datetime(2026, 11, 29, 8, 0, tzinfo=SHANGHAI))
    late = submit(client, code, kind="objection", text="名单上有已故村民", address="10.0.0.9")
    assert late.status_code == 422
    assert late.get_json()["error"]["code"] == "objection_window_closed"
    assert "2026-11-28" in late.get_json()["error"]["message"]
    page = submit(client, code, kind="objection", text="名单有误", address="10.0.0.8", json=False)
    assert page.status_code == 422 and "2026-11-28" in page.get_data(as_text=True)
    # Overdue after its third day.
    clock.set(dt.datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI))
    assert case_of(client, demo, "jiyi01_handler", receipt)["deadlines"][0]["overdue"] is True
    overdue = cases(client, demo, "jiyi01_handler")
    assert receipt in [c["receipt"] for c in overdue]


def test_objections_only_on_a_voter_list(app: Flask, client: FlaskClient, demo: Demo) -> None:
    item = published_item(client, demo)
    response = submit(client, item_code(app, item), kind="objection", text="名单有误")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "not_a_voter_list"


def test_the_approver_is_warned_when_no_outgoing_audit_is_published(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = voter_list(client, demo, TODAY + dt.timedelta(days=30))
    publish_voter_list(client, demo, item["id"])
    web = app.test_client()
    demo.login(web, "jiyi01_approver")
    page = web.get(f"/items/{item['id']}").get_data(as_text=True)
    assert 'id="outgoing-audit"' in page
    audit = create(
        client,
        demo,
        title="集义村第十一届村民委员会主任离任审计结果公告",
        category="village_affairs",
        timing="immediate",
        catalog_entry=None,
        body={"type": "text", "text": "经镇经管站审计，未发现违规问题。"},
    )
    ok(client, demo, "jiyi01_editor", audit["id"], "submit")
    ok(client, demo, "jiyi01_reviewer", audit["id"], "review")
    sign_off(client, demo, audit["id"])
    ok(client, demo, "jiyi_superior", audit["id"], "superior_approve")
    ok(client, demo, "jiyi01_operator", audit["id"], "publish")
    assert 'id="outgoing-audit"' not in web.get(f"/items/{item['id']}").get_data(as_text=True)


def test_the_township_transfers_a_complaint_on_its_case_page(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_item(client, demo)
    receipt = receipt_of(
        submit(client, item_code(app, item), kind="complaint", text="村委会换届前突击花钱")
    )
    case_id = case_of(client, demo, "jiyi_handler", receipt)["id"]
    web = app.test_client()
    demo.login(web, "jiyi_handler")
    page = f"/feedback/{case_id}"
    html = web.get(page).get_data(as_text=True)
    assert f'action="/feedback/{case_id}/transfer"' in html
    moved = post_form(web, f"{page}/transfer", {"to": "xian", "note": "涉及县级审计"}, page=page)
    # The township no longer reaches the case: back to its inbox.
    assert moved.status_code == 302 and moved.headers["Location"].endswith("/feedback")
    case = case_of(client, demo, "xian_handler", receipt)
    assert case["handling_org"] == "XIAN" and case["transfers"][0]["by"] == "jiyi_handler"
    assert web.get(page).status_code == 404
    assert [t["to"] for t in track(client, receipt).get_json()["transfers"]] == [COUNTY]


@pytest.mark.usefixtures("print_tools")
def test_a_voter_lists_poster_says_until_the_election(client: FlaskClient, demo: Demo) -> None:
    item = voter_list(client, demo, TODAY + dt.timedelta(days=21))
    assert publish_voter_list(client, demo, item["id"]).status_code == 200
    (text,) = pages_of(poster(client, demo, item["id"]).data)
    # Until the election day (not "at least N working days"); the new message is not in the
    # catalog yet: look for its date, and for no working days.
    assert "2026年12月14日" in text
    assert "工作日" not in text and "workingdays" not in text
