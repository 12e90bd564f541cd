"""Notices that hold, and separation of duties (DESIGN.md §1-2), as an attacker meets them.

Today in tests is Monday 23 November 2026, 09:00 in Shanghai.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from signage_server.clock import FixedClock
from signage_server.scheduler import run_once
from tests.conftest import Demo
from tests.http.items import PARTY
from tests.http.items import act
from tests.http.items import create
from tests.http.items import get
from tests.http.items import ok
from tests.http.items import publish_through
from tests.http.items import sign_off
from tests.realtime.screens import register

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 0) -> str:
    return dt.datetime(y, m, d, h, tzinfo=SHANGHAI).isoformat()


def moment(y: int, m: int, d: int, h: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=SHANGHAI)


def village_notice(**overrides: Any) -> dict[str, Any]:
    """A village finance notice (公示) of JIYI-01: no higher review needed."""
    values: dict[str, Any] = {
        "title": "集义村2026年道路硬化工程结算公示",
        "notice": {"kind": "general", "min_working_days": 5},
        "valid_from": at(2026, 11, 23, 9),
        "valid_until": at(2026, 12, 12),
    }
    values.update(overrides)
    return values


def audit_actions(client: FlaskClient, demo: Demo, item_id: int) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/items/{item_id}/audit", headers=demo.headers("jiyi01_editor"))
    assert response.status_code == 200
    records: list[dict[str, Any]] = response.get_json()["records"]
    return records


def grant(app: Flask, username: str, org: str, role: str) -> None:
    from signage_server.accounts.rules import Role
    from signage_server.accounts.services import get_user
    from signage_server.accounts.services import grant_role
    from signage_server.extensions import db
    from signage_server.orgs.services import require_by_code

    with app.app_context():
        user = get_user(db.session, username)
        assert user is not None
        grant_role(db.session, user, require_by_code(db.session, org), Role(role), actor=None)
        db.session.commit()


def new_revision_without_notice(client: FlaskClient, demo: Demo, item_id: int) -> None:
    """The village's own editor, reviewer and approver prepare a revision with no notice."""
    edited = client.patch(
        f"/api/v1/items/{item_id}",
        json={"notice": None, "title": "集义村2026年道路硬化工程结算情况"},
        headers=demo.headers("jiyi01_editor"),
    )
    assert edited.status_code == 200, edited.get_json()
    ok(client, demo, "jiyi01_editor", item_id, "submit")
    ok(client, demo, "jiyi01_reviewer", item_id, "review")
    assert sign_off(client, demo, item_id)["state"] == "ready"


# --- a) a new revision does not replace a running notice ----------------------------------


def test_a_new_revision_cannot_replace_a_running_notice(
    client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    item = create(client, demo, **village_notice())
    publish_through(client, demo, item["id"])
    new_revision_without_notice(client, demo, item["id"])
    refused = act(client, demo, "jiyi01_operator", item["id"], "publish")
    assert refused.status_code == 422, refused.get_json()
    error = refused.get_json()["error"]
    assert error["code"] == "notice_running"
    assert "上级组织" in error["message"]
    assert get(client, demo, item["id"])["live"]["title"] == "集义村2026年道路硬化工程结算公示"
    # The approver may not either, nor with a reason.
    assert act(client, demo, "jiyi01_approver", item["id"], "publish", "改正").status_code == 422
    # After the minimum period (23-27 November) the new revision may replace it.
    clock.set(moment(2026, 11, 28, 0, 1))
    assert ok(client, demo, "jiyi01_operator", item["id"], "publish")["live"]["revision"] == 2


def test_the_superior_replaces_a_running_notice_with_a_written_reason(
    client: FlaskClient, demo: Demo
) -> None:
    item = create(client, demo, **village_notice())
    publish_through(client, demo, item["id"])
    new_revision_without_notice(client, demo, item["id"])
    without = act(client, demo, "jiyi_superior", item["id"], "publish")
    assert without.status_code == 422
    assert without.get_json()["error"]["code"] == "reason_required"
    reason = "结算金额有误，经镇党委研究予以更正"
    published = ok(client, demo, "jiyi_superior", item["id"], "publish", reason)
    assert published["live"]["revision"] == 2
    records = audit_actions(client, demo, item["id"])
    publish, supersede = records[-2], records[-1]
    assert (publish["action"], publish["actor"], publish["role"], publish["reason"]) == (
        "publish",
        "jiyi_superior",
        "superior",
        reason,
    )
    assert (supersede["action"], supersede["reason"]) == ("supersede", reason)


# --- b) protection counts from the day the notice actually went public ------------------


def test_protection_counts_from_the_actual_publication(
    client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    item = create(client, demo, **village_notice())
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    ok(client, demo, "jiyi01_reviewer", item["id"], "review")
    sign_off(client, demo, item["id"])
    # Valid from Monday, but published on Wednesday 25 November.
    clock.set(moment(2026, 11, 25, 9))
    ok(client, demo, "jiyi01_operator", item["id"], "publish")
    # Next Monday: three working days (Wed-Fri) have passed, not five.
    clock.set(moment(2026, 11, 30, 9))
    early = act(client, demo, "jiyi01_approver", item["id"], "withdraw", "情况有变")
    assert early.status_code == 422, early.get_json()
    assert early.get_json()["error"]["code"] == "notice_running"
    clock.set(moment(2026, 12, 1, 23, 59))  # Tuesday evening: the fifth day is not over
    assert (
        act(client, demo, "jiyi01_approver", item["id"], "withdraw", "情况有变").status_code == 422
    )
    clock.set(moment(2026, 12, 2, 0, 0))
    assert ok(client, demo, "jiyi01_approver", item["id"], "withdraw", "情况有变")["live"][
        "state"
    ] == ("withdrawn")


def test_protection_skips_weekends_and_holidays(
    app: Flask, client: FlaskClient, demo: Demo, clock: FixedClock, tmp_path: Any
) -> None:
    # An administrator's correction of the official calendar: Friday 27 November is off.
    schedule = tmp_path / "2026.csv"
    schedule.write_text("2026-11-27,holiday,test holiday\n", encoding="utf-8")
    loaded = app.test_cli_runner().invoke(args=["calendar", "load", "2026", str(schedule)])
    assert loaded.exit_code == 0, loaded.output
    item = create(client, demo, **village_notice())
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    ok(client, demo, "jiyi01_reviewer", item["id"], "review")
    sign_off(client, demo, item["id"])
    clock.set(moment(2026, 11, 25, 15))  # Wednesday afternoon: Wednesday counts
    ok(client, demo, "jiyi01_operator", item["id"], "publish")
    # Wed 25, Thu 26, (Fri 27 holiday, weekend), Mon 30, Tue 1, Wed 2 December.
    clock.set(moment(2026, 12, 2, 18))
    assert (
        act(client, demo, "jiyi01_approver", item["id"], "withdraw", "情况有变").status_code == 422
    )
    clock.set(moment(2026, 12, 3, 0, 0))
    assert (
        act(client, demo, "jiyi01_approver", item["id"], "withdraw", "情况有变").status_code == 200
    )


def test_the_superior_ends_a_notice_early_with_a_reason_in_the_audit_record(
    client: FlaskClient, demo: Demo
) -> None:
    item = create(client, demo, **village_notice())
    publish_through(client, demo, item["id"])
    refused = act(client, demo, "jiyi01_approver", item["id"], "withdraw", "不想公示了")
    assert refused.get_json()["error"]["code"] == "notice_running"
    assert (
        act(client, demo, "jiyi_superior", item["id"], "withdraw").get_json()["error"]["code"]
        == "reason_required"
    )
    reason = "经镇纪委核查，工程结算另行审计后重新公示"
    withdrawn = ok(client, demo, "jiyi_superior", item["id"], "withdraw", reason)
    assert withdrawn["live"]["state"] == "withdrawn"
    last = audit_actions(client, demo, item["id"])[-1]
    assert (last["action"], last["actor"], last["role"], last["reason"]) == (
        "withdraw",
        "jiyi_superior",
        "superior",
        reason,
    )


def test_expiry_does_not_end_a_notice_before_its_protection(
    app: Flask, client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    # The window touches five working days, but ends at noon on the fifth.
    item = create(client, demo, **village_notice(valid_until=at(2026, 11, 27, 12)))
    publish_through(client, demo, item["id"])
    clock.set(moment(2026, 11, 27, 13))
    run_once(app)
    assert get(client, demo, item["id"])["live"]["state"] == "published"
    clock.set(moment(2026, 11, 28, 0, 1))
    run_once(app)
    assert get(client, demo, item["id"])["state"] == "archived"


# --- c) playlists, screens ----------------------------------------------------------------


def test_a_playlist_keeps_a_running_notice_and_says_so(
    client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    notice = create(client, demo, **village_notice())
    publish_through(client, demo, notice["id"])
    relief = create(
        client,
        demo,
        title="集义村2026年第四季度低保发放情况",
        category="service",
        catalog_entry="MZ-01",
        department="村委会",
    )
    publish_through(client, demo, relief["id"])
    square = register(client, demo)
    headers = demo.headers("jiyi01_operator")
    created = client.post(
        "/api/v1/playlists",
        json={
            "org": "JIYI-01",
            "name": "惠民政策专题",
            "priority": 5,
            "entries": [{"category": "service"}],
            "screens": [square["id"]],
        },
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    manifest = client.get(f"/api/v1/screens/{square['id']}/manifest", headers=headers).get_json()
    now = moment(2026, 11, 23, 9)
    now_segment = next(
        s
        for s in manifest["schedule"]
        if dt.datetime.fromisoformat(s["from"]) <= now < dt.datetime.fromisoformat(s["until"])
    )
    played = [slot["item"] for slot in now_segment["sequence"]]
    assert notice["id"] in played and relief["id"] in played
    assert created.get_json()["kept"] == [
        {"item": notice["id"], "title": "集义村2026年道路硬化工程结算公示"}
    ]
    # After the minimum period the playlist narrows the rotation as asked.
    clock.set(moment(2026, 11, 30, 9))
    patched = client.patch(
        f"/api/v1/playlists/{created.get_json()['id']}", json={"priority": 6}, headers=headers
    )
    assert patched.get_json()["kept"] == []


def test_the_playlist_editor_warns_what_stays_in_rotation(client: FlaskClient, demo: Demo) -> None:
    from tests.http.playlists import save

    notice = create(client, demo, **village_notice())
    publish_through(client, demo, notice["id"])
    relief = create(client, demo, title="低保发放情况", category="service", catalog_entry="MZ-01")
    publish_through(client, demo, relief["id"])
    square = register(client, demo)
    demo.login(client, "jiyi01_operator")
    response = save(
        client,
        "/playlists/new?org=JIYI-01",
        {
            "name": "惠民政策专题",
            "priority": "5",
            "active": "y",
            "screens": str(square["id"]),
            "entry-0-what": "category:service",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "集义村2026年道路硬化工程结算公示" in page
    assert "Kept in rotation" in page or "仍保留在轮播中" in page


def test_a_screen_change_cannot_take_a_running_notice_off(client: FlaskClient, demo: Demo) -> None:
    # 发展党员公示: a party-scope notice on the party activity room's screen.
    notice = create(
        client,
        demo,
        **village_notice(
            title="关于确定李明同志为发展对象的公示",
            category="organisation",
            timing="immediate",
            scope="party",
            catalog_entry="FZ-01",
            department="村党支部",
        ),
    )
    publish_through(client, demo, notice["id"])
    room = register(client, demo, audience="party", name="党员活动室")
    headers = demo.headers("jiyi01_operator")
    refused = client.patch(
        f"/api/v1/screens/{room['id']}", json={"audience": "public"}, headers=headers
    )
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["error"]["code"] == "notice_running"
    assert "关于确定李明同志为发展对象的公示" in refused.get_json()["error"]["message"]
    # Other changes of the screen, and revoking a stolen token, stay allowed.
    renamed = client.patch(
        f"/api/v1/screens/{room['id']}", json={"name": "党员活动室（二楼）"}, headers=headers
    )
    assert renamed.status_code == 200
    assert client.post(f"/api/v1/screens/{room['id']}/revoke", headers=headers).status_code in (
        200,
        204,
    )


# --- d) separation of duties --------------------------------------------------------------


def test_the_reviewer_does_not_also_sign_off(app: Flask, client: FlaskClient, demo: Demo) -> None:
    grant(app, "jiyi01_reviewer", "JIYI-01", "approver")
    item = create(client, demo, **PARTY)
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    reviewed = ok(client, demo, "jiyi01_reviewer", item["id"], "review")
    assert "approve" not in reviewed["actions"]
    inbox = client.get("/api/v1/tasks", headers=demo.headers("jiyi01_reviewer")).get_json()
    assert item["id"] not in [i["id"] for tasks in inbox.values() for i in tasks]
    refused = act(client, demo, "jiyi01_reviewer", item["id"], "approve")
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["error"]["code"] == "separation_of_duties"
    assert ok(client, demo, "jiyi01_approver", item["id"], "approve")["state"] == "ready"


def test_the_approver_does_not_also_give_the_higher_review(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    grant(app, "jiyi_approver", "JIYI", "superior")
    item = create(
        client, demo, **{**PARTY, "major": True, "title": "集义村党支部关于村级活动场所改造的决定"}
    )
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    ok(client, demo, "jiyi01_reviewer", item["id"], "review")
    assert ok(client, demo, "jiyi_approver", item["id"], "approve")["state"] == "approved"
    refused = act(client, demo, "jiyi_approver", item["id"], "superior_approve")
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["error"]["code"] == "separation_of_duties"
    assert ok(client, demo, "jiyi_superior", item["id"], "superior_approve")["state"] == "ready"


def test_a_county_admin_lets_a_village_merge_review_and_sign_off(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    grant(app, "jiyi01_reviewer", "JIYI-01", "approver")
    grant(app, "jiyi01_reviewer", "JIYI", "superior")
    body = {"merge_review_approval": True, "merge_review_reason": "村干部仅三人，经县委组织部同意"}
    own = client.patch("/api/v1/orgs/JIYI-01", json=body, headers=demo.headers("jiyi01_admin"))
    assert own.status_code == 403, own.get_json()
    assert own.get_json()["error"]["code"] == "admin_above_required"
    no_reason = client.patch(
        "/api/v1/orgs/JIYI-01",
        json={"merge_review_approval": True},
        headers=demo.headers("xian_admin"),
    )
    assert no_reason.status_code == 422
    allowed = client.patch("/api/v1/orgs/JIYI-01", json=body, headers=demo.headers("xian_admin"))
    assert allowed.status_code == 200, allowed.get_json()
    assert allowed.get_json()["merge_review_approval"] is True

    item = create(
        client, demo, **{**PARTY, "major": True, "title": "集义村党支部关于村级活动场所改造的决定"}
    )
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    ok(client, demo, "jiyi01_reviewer", item["id"], "review")
    assert ok(client, demo, "jiyi01_reviewer", item["id"], "approve")["state"] == "approved"
    # Even so, the superior is never the approver.
    refused = act(client, demo, "jiyi01_reviewer", item["id"], "superior_approve")
    assert refused.get_json()["error"]["code"] == "separation_of_duties"

    # And the drafter never reviews.
    grant(app, "jiyi01_editor", "JIYI-01", "reviewer")
    other = create(client, demo)
    ok(client, demo, "jiyi01_editor", other["id"], "submit")
    assert act(client, demo, "jiyi01_editor", other["id"], "review").status_code == 422


# --- e) required fields -------------------------------------------------------------------


def test_accountable_person_and_department_are_required_before_submission(
    client: FlaskClient, demo: Demo
) -> None:
    item = create(client, demo, department="", accountable_person="")
    refused = act(client, demo, "jiyi01_editor", item["id"], "submit")
    assert refused.status_code == 422, refused.get_json()
    error = refused.get_json()["error"]
    assert error["code"] == "missing_fields"
    assert error["details"] == {"accountable_person": "required", "department": "required"}
    client.patch(
        f"/api/v1/items/{item['id']}",
        json={"accountable_person": "王建国"},
        headers=demo.headers("jiyi01_editor"),
    )
    only = act(client, demo, "jiyi01_editor", item["id"], "submit").get_json()["error"]
    assert only["details"] == {"department": "required"}
    client.patch(
        f"/api/v1/items/{item['id']}",
        json={"department": "村报账员"},
        headers=demo.headers("jiyi01_editor"),
    )
    assert ok(client, demo, "jiyi01_editor", item["id"], "submit")["state"] == "submitted"


def test_the_editor_marks_them_required_and_says_what_is_missing(
    client: FlaskClient, demo: Demo
) -> None:
    from tests.conftest import post_form

    demo.login(client, "jiyi01_editor")
    page = client.get("/items/new").get_data(as_text=True)
    assert page.count('data-required-for="submit"') == 2
    item = create(client, demo, department="村报账员", accountable_person="")
    response = post_form(
        client,
        f"/items/{item['id']}/transition",
        {"action": "submit"},
        page=f"/items/{item['id']}",
        follow_redirects=True,
    )
    alerts = re.findall(
        r'<div class="alert alert-danger" role="alert">(.*?)</div>', response.get_data(as_text=True)
    )
    assert len(alerts) == 1 and "第一责任人" in alerts[0], alerts
    assert get(client, demo, item["id"])["state"] == "draft"


def test_merged_review_in_the_org_form_is_for_admins_above_only(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    from signage_server.extensions import db
    from signage_server.orgs.services import get_by_code
    from tests.conftest import post_form

    form = {
        "name": "集义村",
        "kind": "village",
        "parent": "JIYI",
        "party_members": "42",
        "address": "",
        "active": "y",
        "merge_review": "y",
        "merge_review_reason": "村“两委”仅三人，经镇党委研究同意",
    }
    demo.login(client, "jiyi01_admin")
    own_page = client.get("/admin/orgs/JIYI-01").get_data(as_text=True)
    assert 'name="merge_review"' not in own_page
    post_form(client, "/admin/orgs/JIYI-01", form)
    with app.app_context():
        org = get_by_code(db.session, "JIYI-01")
        assert org is not None and not org.settings.get("merge_review_approval")
    above = app.test_client()
    demo.login(above, "jiyi_admin")
    assert 'name="merge_review"' in above.get("/admin/orgs/JIYI-01").get_data(as_text=True)
    response = post_form(above, "/admin/orgs/JIYI-01", form)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    with app.app_context():
        org = get_by_code(db.session, "JIYI-01")
        assert org is not None and org.settings["merge_review_approval"] is True
