"""The demo county tells its disclosure story through the real procedure."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage_server import services
from signage_server.accounts.services import Passwords
from signage_server.demo.seed import seed
from signage_server.extensions import db
from tests.conftest import DEMO_PASSWORD
from tests.conftest import NOW
from tests.conftest import Demo


@pytest.fixture
def story(app: Flask) -> Demo:
    with app.app_context():
        result = seed(db.session, services.get(Passwords), DEMO_PASSWORD, content_at=NOW)
        db.session.commit()
        assert result.items_created == 15
        # 5 cases, 3 recorded by staff (a call, a letter, a reception day), and the
        # election's: an objection to the voter list, a complaint.
        assert result.cases_created == 10
        again = seed(db.session, services.get(Passwords), DEMO_PASSWORD, content_at=NOW)
        assert again.items_created == 0
    return Demo(app)


def get(client: FlaskClient, story: Demo, url: str, user: str) -> Any:
    response = client.get(url, headers=story.headers(user))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_village_compliance_shows_overdue_periodic_entries(
    client: FlaskClient, story: Demo
) -> None:
    rows = {
        r["entry"]: r
        for r in get(client, story, "/api/v1/compliance?org=JIYI-01", "jiyi01_approver")
    }
    assert rows["CW-01"]["status"] == "overdue"  # last quarter's finances only
    assert rows["CW-01"]["since"] == "2026-10-20"
    assert rows["JC-01"]["status"] == "overdue"
    assert rows["LZ-01"]["status"] == "overdue"
    assert rows["ZD-01"]["status"] == "overdue"  # standing rules not re-confirmed for a year
    assert rows["DF-01"]["status"] == "current"
    assert rows["LX-01"]["status"] == "current"
    assert rows["XM-01"]["status"] == "current"
    assert rows["SZ-01"]["status"] == "missing"  # submitted, not yet published


def test_inboxes_tell_the_story(client: FlaskClient, story: Demo) -> None:
    superior = get(client, story, "/api/v1/tasks", "jiyi_superior")
    assert [i["title"] for i in superior["superior_approve"]] == [
        "集义村通组道路硬化工程 第二阶段：施工进度"
    ]
    reviewer = get(client, story, "/api/v1/tasks", "jiyi01_reviewer")
    assert [i["title"] for i in reviewer["review"]] == ["集义村2026年下半年集体资产资源管理情况"]
    editor = get(client, story, "/api/v1/tasks", "jiyi01_editor")
    assert len(editor["returned"]) == 1
    assert "低保" in editor["returned"][0]["title"]


def test_items_cover_the_issue(client: FlaskClient, story: Demo) -> None:
    listed = get(client, story, "/api/v1/items?org=JIYI", "jiyi_supervisor")["items"]
    titles = {i["title"]: i for i in listed}
    finance = next(i for t, i in titles.items() if "村级财务收支" in t)
    assert finance["live"]["display"] == "on_display"
    dues = next(i for t, i in titles.items() if "党费" in t)
    assert dues["scope"] == "party"
    notice = next(i for t, i in titles.items() if "任前公示" in t)
    detail = get(client, story, f"/api/v1/items/{notice['id']}", "jiyi_supervisor")
    assert detail["current"]["notice"]["working_days"] >= 5
    assert detail["live"]["display"] == "on_display"
    road = [i for t, i in titles.items() if "通组道路" in t]
    assert sorted(i["state"] for i in road) == ["approved", "published"]


def test_the_story_is_in_the_audit_chain(app: Flask, story: Demo) -> None:
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    # 66 records of items (the village's four finances decided by the joint meeting and
    # sealed by the supervision committee: a step more each), 11 of the demo's feedback
    # cases (received, handled) and 5 of the cases staff recorded (three received, a call's
    # reply drafted and published), 7 of supervision (an inspection, two findings recorded, one
    # rectified and accepted, a meeting, an accountability record), 7 of the democratic
    # appraisals (last year's: drafted, opened, closed, results item drafted and the item's
    # own draft record; this year's: drafted, opened), 19 of the 四议两公开 road project (its
    # four stages, its two disclosures and their links); the election: 7 of the voter list
    # (village affairs too: created, five steps, published), 4 of the objection (received, reply drafted and
    # published, closed), 2 of the complaint (received, acknowledged); 3 of the half-year
    # assessment (集义镇's superior scores three villages).
    assert "142 records (142 witnessed by the head log)" in result.output
    assert "WARNING" not in result.output


def test_demo_screens_play_the_story(app: Flask, client: FlaskClient, story: Demo) -> None:
    with app.app_context():
        result = seed(db.session, services.get(Passwords), DEMO_PASSWORD, content_at=NOW)
        db.session.commit()
    scopes: dict[str, set[str]] = {}
    for name, token in result.screens:
        response = client.get(
            "/api/v1/player/manifest", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, name
        manifest = response.get_json()
        assert manifest["items"], name
        scopes[name] = {item["scope"] for item in manifest["items"]}
    assert scopes["集义村文化广场大屏"] == {"public"}
    assert "party" in scopes["集义村党员活动室"]
    assert scopes["集义镇便民服务中心LED屏"] == {"public"}
    # A second seeding hands out fresh tokens: the printed addresses always work.
    with app.app_context():
        again = seed(db.session, services.get(Passwords), DEMO_PASSWORD, content_at=NOW)
        db.session.commit()
    old = dict(result.screens)["集义村文化广场大屏"]
    new = dict(again.screens)["集义村文化广场大屏"]
    assert old != new
    headers = {"Authorization": f"Bearer {old}"}
    assert client.get("/api/v1/player/manifest", headers=headers).status_code == 401


def test_demo_feedback_tells_its_story(app: Flask, client: FlaskClient, story: Demo) -> None:
    with app.app_context():
        again = seed(db.session, services.get(Passwords), DEMO_PASSWORD, content_at=NOW)
        db.session.commit()
    assert again.cases_created == 0  # told once, on the first seeding

    village = get(client, story, "/api/v1/feedback", "jiyi01_handler")["cases"]
    kinds = sorted(c["kind"] for c in village)
    # Questions on village affairs (the finances, the road) go to the supervision committee,
    # which the village's handlers see but do not answer; the complaint goes to the township.
    assert kinds == [
        "affairs_question",
        "affairs_question",
        "comment",
        "comment",
        "objection",
        "question",
        "request",
    ]
    committee = get(client, story, "/api/v1/feedback", "jiyi01_reviewer")["cases"]
    assert sorted(c["kind"] for c in committee) == ["affairs_question", "affairs_question"]
    answered = next(c for c in committee if c["state"] == "closed")
    assert answered["replies"][0]["published_at"]
    # Its answer is sealed and shown to the villager (the demo seeds through the services).
    tracked = client.get(
        f"/f/track/{answered['receipt']}", headers={"Accept": "application/json"}
    ).get_json()
    assert tracked["replies_intact"] is True and tracked["replies"]
    overdue = next(c for c in village if c["kind"] == "comment" and c["channel"] == "qr")
    assert overdue["deadlines"][0]["overdue"] is True
    request = next(c for c in village if c["kind"] == "request")
    assert request["decision"] == "refusal_proposed"
    assert any(
        c["id"] == request["id"]
        for c in get(client, story, "/api/v1/feedback", "jiyi_superior")["cases"]
    )
    report, letter = get(client, story, "/api/v1/feedback?kind=report", "jiyi_discipline")["cases"]
    assert report["name"] == "李桂兰" and report["acknowledged_at"]
    assert get(client, story, "/api/v1/feedback?kind=report", "jiyi01_discipline")["cases"] == []
    # Heard without a smartphone: a letter reporting the village, recorded at the village's
    # desk, is the township's discipline commission's; the desk does not see it.
    assert (letter["channel"], letter["recorded_by"]) == ("letter", "jiyi01_handler")
    assert letter["id"] not in [c["id"] for c in village]
    recorded = sorted((c["channel"], c["kind"], c["state"]) for c in village if c["recorded_by"])
    assert recorded == [("phone", "question", "answered"), ("visit", "comment", "received")]


def test_demo_election_tells_its_story(client: FlaskClient, story: Demo) -> None:
    listed = get(client, story, "/api/v1/items?org=JIYI-01", "jiyi01_approver")["items"]
    (voter_list,) = [i for i in listed if "选民名单" in i["title"]]
    assert voter_list["state"] == "published"
    village = get(client, story, "/api/v1/feedback?kind=objection", "jiyi01_handler")["cases"]
    (objection,) = village
    assert objection["state"] == "closed" and not objection["deadlines"][0]["overdue"]
    (complaint,) = get(client, story, "/api/v1/feedback?kind=complaint", "jiyi_handler")["cases"]
    assert complaint["handling_org"] == "JIYI" and complaint["acknowledged_at"]
    assert get(client, story, "/api/v1/feedback?kind=complaint", "jiyi01_handler")["cases"] == []
