"""Helpers to drive disclosure items through the HTTP API in tests."""

from __future__ import annotations

import zoneinfo
from typing import Any

from flask.testing import FlaskClient

from signage_server import services as registry
from tests.conftest import Demo

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

FINANCE = {
    "type": "table",
    "caption": "2026年第四季度村级财务收支情况",
    "columns": ["日期", "摘要", "收入（元）", "支出（元）", "经手人"],
    "rows": [
        ["2026-10-08", "上级转移支付（村级运转经费）", 45000, None, "王小红"],
        ["2026-10-21", "村内道路维修材料费", None, 12680.5, "赵磊"],
        ["2026-11-05", "村党群服务站水电费", None, 1320, "王小红"],
    ],
    "note": "数据来源：集义村报账员；审核：村务监督委员会",
}


#: Overrides making :func:`item_payload` a party-affairs item of 集义村 (its own procedure:
#: review, sign-off), for tests of that procedure; the default item is village affairs, which
#: a village discloses through the village-affairs procedure (joint meeting, committee's seal).
PARTY = {
    "title": "集义村党支部2026年第四季度重大事项决策及执行情况",
    "category": "decisions",
    "catalog_entry": "JC-01",
}


def item_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "org": "JIYI-01",
        "title": "集义村2026年第四季度村级财务收支情况",
        "category": "village_affairs",
        "timing": "periodic",
        "scope": "public",
        "catalog_entry": "CW-01",
        "body": FINANCE,
        "department": "村报账员",
        "accountable_person": "王建国",
    }
    payload.update(overrides)
    return payload


def create(
    client: FlaskClient, demo: Demo, user: str = "jiyi01_editor", **overrides: Any
) -> dict[str, Any]:
    response = client.post(
        "/api/v1/items", json=item_payload(**overrides), headers=demo.headers(user)
    )
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def act(
    client: FlaskClient, demo: Demo, user: str, item_id: int, action: str, reason: str = ""
) -> Any:
    return client.post(
        f"/api/v1/items/{item_id}/transitions",
        json={"action": action, "reason": reason},
        headers=demo.headers(user),
    )


def ok(
    client: FlaskClient, demo: Demo, user: str, item_id: int, action: str, reason: str = ""
) -> dict[str, Any]:
    response = act(client, demo, user, item_id, action, reason)
    assert response.status_code == 200, (action, user, response.get_json())
    body: dict[str, Any] = response.get_json()
    return body


def meeting(demo: Demo, **overrides: Any) -> dict[str, Any]:
    """A quorate 两委 joint meeting held today (the app's clock), for ``decide``."""
    with demo.app.app_context():
        today = registry.now().astimezone(SHANGHAI).date()
    record: dict[str, Any] = {
        "held_on": today.isoformat(),
        "present": 7,
        "members": 9,
        "resolution": "同意按审核稿公开",
    }
    record.update(overrides)
    return record


def decide(
    client: FlaskClient, demo: Demo, user: str, item_id: int, **meeting_overrides: Any
) -> Any:
    """Record the joint meeting's decision on a village-affairs item as ``user``."""
    return client.post(
        f"/api/v1/items/{item_id}/transitions",
        json={"action": "decide", "meeting": meeting(demo, **meeting_overrides)},
        headers=demo.headers(user),
    )


def sign_off(
    client: FlaskClient,
    demo: Demo,
    item_id: int,
    *,
    approver: str = "jiyi01_approver",
    sealer: str = "jiyi01_reviewer",
) -> dict[str, Any]:
    """Take the reviewed item's sign-off as its procedure has it: the approver's 审签; for
    village affairs of a village the joint meeting's decision (recorded by the approver) and
    the supervision committee's seal (``sealer``)."""
    if get(client, demo, item_id, approver)["procedure"] != "village":
        return ok(client, demo, approver, item_id, "approve")
    response = decide(client, demo, approver, item_id)
    assert response.status_code == 200, response.get_json()
    return ok(client, demo, sealer, item_id, "seal")


def publish_through(
    client: FlaskClient, demo: Demo, item_id: int, *, superior: str | None = None
) -> dict[str, Any]:
    """Run an item through the whole procedure of JIYI-01 (as its category and the org have
    it) and publish it."""
    ok(client, demo, "jiyi01_editor", item_id, "submit")
    ok(client, demo, "jiyi01_reviewer", item_id, "review")
    body = sign_off(client, demo, item_id)
    if superior:
        assert body["state"] == "approved"
        ok(client, demo, superior, item_id, "superior_approve")
    return ok(client, demo, "jiyi01_operator", item_id, "publish")


def get(
    client: FlaskClient, demo: Demo, item_id: int, user: str = "jiyi01_editor"
) -> dict[str, Any]:
    response = client.get(f"/api/v1/items/{item_id}", headers=demo.headers(user))
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body
