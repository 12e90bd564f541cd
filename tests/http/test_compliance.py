"""The catalog, compliance computed per org × entry, and 不便公开 exemptions, through HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient

from signage_server.clock import FixedClock
from tests.conftest import Demo
from tests.http.items import create
from tests.http.items import publish_through


def statuses(
    client: FlaskClient, demo: Demo, org: str = "JIYI-01", user: str = "jiyi01_approver"
) -> dict[str, dict[str, Any]]:
    response = client.get(f"/api/v1/compliance?org={org}", headers=demo.headers(user))
    assert response.status_code == 200, response.get_json()
    return {row["entry"]: row for row in response.get_json()}


def test_catalog_that_applies(client: FlaskClient, demo: Demo) -> None:
    body = client.get(
        "/api/v1/catalog?org=JIYI-01", headers=demo.headers("jiyi01_editor")
    ).get_json()
    assert body["template"]["owner"] == "XIAN"
    codes = [e["code"] for e in body["template"]["entries"]]
    assert codes[:3] == ["CW-01", "SZ-01", "DF-01"]
    township = client.get(
        "/api/v1/catalog?org=JIYI", headers=demo.headers("jiyi_editor")
    ).get_json()
    assert township["template"]["org_kind"] == "township"
    assert client.get("/api/v1/catalog", headers=demo.headers("jiyi_editor")).status_code == 400


def test_fresh_village_is_overdue_and_missing(client: FlaskClient, demo: Demo) -> None:
    rows = statuses(client, demo)
    # Today is 23 November 2026: the fourth quarter's items were due by 20 October.
    assert rows["CW-01"]["status"] == "missing"
    assert rows["ZD-01"]["status"] == "missing"
    assert rows["GB-01"]["status"] == "current"  # event-driven: nothing owed
    assert rows["CW-01"]["period"] == "2026-Q4"
    assert rows["CW-01"]["deadline"] == "2026-10-20"


def test_publishing_makes_it_current(client: FlaskClient, demo: Demo) -> None:
    item = create(client, demo)
    publish_through(client, demo, item["id"])
    row = statuses(client, demo)["CW-01"]
    assert (row["status"], row["item"]) == ("current", item["id"])


def test_last_quarter_only_is_overdue(client: FlaskClient, demo: Demo, clock: FixedClock) -> None:
    now = clock.now()
    clock.set(dt.datetime(2026, 7, 10, 9, tzinfo=now.tzinfo))
    item = create(client, demo, title="集义村2026年第三季度村级财务收支情况")
    publish_through(client, demo, item["id"])
    clock.set(now)
    row = statuses(client, demo)["CW-01"]
    assert (row["status"], row["since"], row["item"]) == ("overdue", "2026-10-20", item["id"])


def test_due_soon_inside_the_grace_days(client: FlaskClient, demo: Demo, clock: FixedClock) -> None:
    clock.set(dt.datetime(2026, 10, 12, 9, tzinfo=clock.now().tzinfo))
    row = statuses(client, demo)["CW-01"]
    assert (row["status"], row["since"]) == ("due_soon", "2026-10-20")


def test_compliance_needs_view_rights(client: FlaskClient, demo: Demo) -> None:
    assert (
        client.get("/api/v1/compliance?org=JIYI", headers=demo.headers("jiyi01_editor")).status_code
        == 403
    )
    assert (
        client.get(
            "/api/v1/compliance?org=JIYI-01", headers=demo.headers("xian_supervisor")
        ).status_code
        == 200
    )


def test_exemption_flow(client: FlaskClient, demo: Demo) -> None:
    missing = client.post(
        "/api/v1/exemptions",
        json={"org": "JIYI-01", "entry": "MZ-01", "explanation": "太短"},
        headers=demo.headers("jiyi01_approver"),
    )
    assert missing.status_code == 422
    assert missing.get_json()["error"]["code"] == "explanation_required"
    not_allowed = client.post(
        "/api/v1/exemptions",
        json={
            "org": "JIYI-01",
            "entry": "MZ-01",
            "explanation": "本村本季度无低保新增及调整，涉及个人隐私的名单不宜公开。",
        },
        headers=demo.headers("jiyi01_editor"),
    )
    assert not_allowed.status_code == 403
    created = client.post(
        "/api/v1/exemptions",
        json={
            "org": "JIYI-01",
            "entry": "MZ-01",
            "explanation": "本村本季度无低保新增及调整，涉及个人隐私的名单不宜公开。",
        },
        headers=demo.headers("jiyi01_approver"),
    )
    assert created.status_code == 201
    exemption = created.get_json()
    assert statuses(client, demo)["MZ-01"]["status"] == "pending_exemption"
    again = client.post(
        "/api/v1/exemptions",
        json={
            "org": "JIYI-01",
            "entry": "MZ-01",
            "explanation": "再次申请：本季度无变动，名单涉及个人隐私。",
        },
        headers=demo.headers("jiyi01_approver"),
    )
    assert again.status_code == 409
    # The village cannot decide its own exemption; the township's superior does.
    path = f"/api/v1/exemptions/{exemption['id']}/decision"
    assert (
        client.post(
            path, json={"approve": True}, headers=demo.headers("jiyi01_superior")
        ).status_code
        == 403
    )
    assert (
        client.post(
            path, json={"approve": True}, headers=demo.headers("jiyi01_approver")
        ).status_code
        == 403
    )
    refusal = client.post(path, json={"approve": False}, headers=demo.headers("jiyi_superior"))
    assert refusal.status_code == 422
    assert refusal.get_json()["error"]["code"] == "reason_required"
    decided = client.post(
        path,
        json={"approve": True, "reason": "同意，但应公开政策依据和办理流程。"},
        headers=demo.headers("jiyi_superior"),
    )
    assert decided.status_code == 200
    assert decided.get_json()["state"] == "approved"
    assert statuses(client, demo)["MZ-01"]["status"] == "exempted"
    assert (
        client.post(
            path, json={"approve": False, "reason": "x"}, headers=demo.headers("jiyi_superior")
        ).status_code
        == 409
    )
    listed = client.get(
        "/api/v1/exemptions?state=approved", headers=demo.headers("jiyi01_approver")
    ).get_json()
    assert [e["id"] for e in listed["exemptions"]] == [exemption["id"]]


def test_refused_exemption_leaves_the_entry_owed(client: FlaskClient, demo: Demo) -> None:
    created = client.post(
        "/api/v1/exemptions",
        json={
            "org": "JIYI-01",
            "entry": "SZ-01",
            "explanation": "集体资产清查尚未完成，数据暂不准确。",
        },
        headers=demo.headers("jiyi01_approver"),
    ).get_json()
    client.post(
        f"/api/v1/exemptions/{created['id']}/decision",
        json={"approve": False, "reason": "清查进度也应公开，不属于不便公开情形。"},
        headers=demo.headers("jiyi_superior"),
    )
    assert statuses(client, demo)["SZ-01"]["status"] == "missing"


def test_catalog_management_by_the_superior(client: FlaskClient, demo: Demo) -> None:
    created = client.post(
        "/api/v1/catalog/templates",
        json={"owner": "JIYI", "org_kind": "village", "name": "集义镇村级公开目录（补充）"},
        headers=demo.headers("jiyi_superior"),
    )
    assert created.status_code == 201
    template = created.get_json()
    refused = client.post(
        "/api/v1/catalog/templates",
        json={"owner": "JIYI", "org_kind": "school", "name": "x"},
        headers=demo.headers("jiyi_editor"),
    )
    assert refused.status_code == 403
    entry = client.post(
        f"/api/v1/catalog/templates/{template['id']}/entries",
        json={
            "code": "cw-01",
            "title": "村级财务收支明细（按月）",
            "category": "village_affairs",
            "scope": "public",
            "timing": "periodic",
            "cadence": "monthly",
            "grace_days": 9,
        },
        headers=demo.headers("jiyi_superior"),
    )
    assert entry.status_code == 201
    assert entry.get_json()["code"] == "CW-01"
    no_cadence = client.post(
        f"/api/v1/catalog/templates/{template['id']}/entries",
        json={
            "code": "X-1",
            "title": "x",
            "category": "other",
            "scope": "public",
            "timing": "periodic",
        },
        headers=demo.headers("jiyi_superior"),
    )
    assert no_cadence.status_code == 422
    # The township's catalog now applies to its villages instead of the county's.
    body = client.get("/api/v1/catalog?org=JIYI-05", headers=demo.headers("jiyi_editor")).get_json()
    assert body["template"]["owner"] == "JIYI"
    rows = statuses(client, demo, "JIYI-05", "jiyi_supervisor")
    assert list(rows) == ["CW-01"]
    assert rows["CW-01"]["cadence"] == "monthly"
    patched = client.patch(
        f"/api/v1/catalog/entries/{entry.get_json()['id']}",
        json={"grace_days": 14},
        headers=demo.headers("jiyi_superior"),
    )
    assert patched.get_json()["grace_days"] == 14
