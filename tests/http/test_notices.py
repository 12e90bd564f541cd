"""Public notices (公示) in Chinese working days, and their withdrawal rules."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from signage_server.clock import FixedClock
from signage_server.scheduler import run_once
from tests.conftest import Demo
from tests.factories import Factory
from tests.http.feedback import item_code
from tests.http.items import act
from tests.http.items import create
from tests.http.items import get
from tests.http.items import ok
from tests.http.items import publish_through
from tests.http.test_posters import board
from tests.http.test_posters import pages_of
from tests.realtime.screens import register

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 0) -> str:
    return dt.datetime(y, m, d, h, tzinfo=SHANGHAI).isoformat()


def notice(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "org": "JIYI",
        "title": "关于刘明同志拟任集义镇党委委员的任前公示",
        "category": "cadres",
        "timing": "immediate",
        "scope": "public",
        "catalog_entry": "GB-01",
        "notice": {"kind": "pre_appointment"},
        "department": "镇党委组织办",
        "accountable_person": "张建军",
        "body": {
            "type": "text",
            "text": "经镇党委研究，拟任命刘明同志为集义镇党委委员。公示期间，如有意见，请通过扫码或来信来电反映。",
        },
    }
    values.update(overrides)
    return values


def post(client: FlaskClient, demo: Demo, payload: dict[str, Any]) -> Any:
    return client.post("/api/v1/items", json=payload, headers=demo.headers("jiyi_editor"))


def test_notice_over_national_day_with_five_weekdays_is_refused(
    client: FlaskClient, demo: Demo
) -> None:
    # Monday 29 September to Friday 3 October 2025: five weekdays, but 1-8 October are the
    # National Day holiday: two working days.
    response = post(
        client, demo, notice(valid_from=at(2025, 9, 29, 9), valid_until=at(2025, 10, 4))
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "notice_too_short"
    assert "2" in error["message"]
    assert "5" in error["message"]


def test_the_same_length_in_an_ordinary_week_is_accepted(client: FlaskClient, demo: Demo) -> None:
    response = post(
        client, demo, notice(valid_from=at(2026, 11, 23, 9), valid_until=at(2026, 11, 28))
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["current"]["notice"] == {
        "kind": "pre_appointment",
        "min_working_days": 5,
        "working_days": 5,
    }


def test_adjusted_working_days_count(client: FlaskClient, demo: Demo) -> None:
    # Thursday 9 to Wednesday 15 October 2025 holds Saturday 11 October, a working day (调休).
    response = post(
        client, demo, notice(valid_from=at(2025, 10, 9, 9), valid_until=at(2025, 10, 15))
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["current"]["notice"]["working_days"] == 5


def test_pre_appointment_notice_cannot_ask_for_fewer_than_five_days(
    client: FlaskClient, demo: Demo
) -> None:
    payload = notice(
        notice={"kind": "pre_appointment", "min_working_days": 3},
        valid_from=at(2026, 11, 23, 9),
        valid_until=at(2026, 12, 5),
    )
    response = post(client, demo, payload)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "notice_too_short"


def test_notice_needs_its_window(client: FlaskClient, demo: Demo) -> None:
    response = post(client, demo, notice())
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "notice_needs_window"


def test_unknown_year_is_refused_loudly(client: FlaskClient, demo: Demo) -> None:
    response = post(
        client, demo, notice(valid_from=at(2027, 12, 27, 9), valid_until=at(2028, 1, 8))
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "calendar_unknown"
    assert "2027" in error["message"]


def test_loaded_year_is_used(app: Flask, client: FlaskClient, demo: Demo, tmp_path: Any) -> None:
    schedule = tmp_path / "2027.csv"
    schedule.write_text(
        "# 2027 official schedule (test copy)\n2027-01-01,holiday,元旦\n2027-12-31,holiday,test\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["calendar", "load", "2027", str(schedule)])
    assert result.exit_code == 0, result.output
    assert "Loaded 2027: 2 holidays" in result.output
    # Monday 27 to Friday 31 December 2027, the 31st off: four working days.
    short = post(client, demo, notice(valid_from=at(2027, 12, 27, 9), valid_until=at(2028, 1, 1)))
    assert short.status_code == 422
    assert short.get_json()["error"]["code"] == "notice_too_short"
    assert "4" in short.get_json()["error"]["message"]
    fine = post(client, demo, notice(valid_from=at(2027, 3, 1, 9), valid_until=at(2027, 3, 6)))
    assert fine.status_code == 201, fine.get_json()


def publish_notice(client: FlaskClient, demo: Demo, payload: dict[str, Any]) -> int:
    item = post(client, demo, payload).get_json()
    ok(client, demo, "jiyi_editor", item["id"], "submit")
    ok(client, demo, "jiyi_reviewer", item["id"], "review")
    ok(client, demo, "jiyi_approver", item["id"], "approve")
    ok(client, demo, "xian_superior", item["id"], "superior_approve")  # cadre matter
    ok(client, demo, "jiyi_operator", item["id"], "publish")
    return int(item["id"])


def test_only_the_superior_withdraws_during_the_notice_period(
    client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    item_id = publish_notice(
        client, demo, notice(valid_from=at(2026, 11, 23, 9), valid_until=at(2026, 12, 3))
    )
    refused = act(client, demo, "jiyi_approver", item_id, "withdraw", "候选人情况有变")
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "notice_running"
    # The minimum period (five working days: 23-27 November) has passed: the approver may.
    clock.set(dt.datetime(2026, 11, 28, 9, tzinfo=SHANGHAI))
    assert (
        act(client, demo, "jiyi_approver", item_id, "withdraw", "候选人情况有变").status_code == 200
    )


def test_superior_withdraws_with_a_written_reason(client: FlaskClient, demo: Demo) -> None:
    item_id = publish_notice(
        client, demo, notice(valid_from=at(2026, 11, 23, 9), valid_until=at(2026, 12, 3))
    )
    assert (
        act(client, demo, "xian_superior", item_id, "withdraw").get_json()["error"]["code"]
        == "reason_required"
    )
    withdrawn = ok(client, demo, "xian_superior", item_id, "withdraw", "经县委组织部复核，暂缓任用")
    assert withdrawn["live"]["state"] == "withdrawn"


def test_notice_leaves_by_itself_and_is_archived(
    app: Flask, client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    item_id = publish_notice(
        client, demo, notice(valid_from=at(2026, 11, 23, 9), valid_until=at(2026, 11, 28))
    )
    clock.set(dt.datetime(2026, 11, 28, 0, 0, 1, tzinfo=SHANGHAI))
    run_once(app)
    item = get(client, demo, item_id, user="jiyi_editor")
    assert item["state"] == "archived"
    actions = [
        r["action"]
        for r in client.get(
            f"/api/v1/items/{item_id}/audit", headers=demo.headers("jiyi_editor")
        ).get_json()["records"]
    ]
    assert actions[-2:] == ["expire", "archive"]


def test_publishing_late_counts_from_publication(
    client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    payload = notice(valid_from=at(2026, 11, 23, 9), valid_until=at(2026, 11, 28))
    item = post(client, demo, payload).get_json()
    for user, step in (
        ("jiyi_editor", "submit"),
        ("jiyi_reviewer", "review"),
        ("jiyi_approver", "approve"),
        ("xian_superior", "superior_approve"),
    ):
        ok(client, demo, user, item["id"], step)
    # Published on Wednesday: only three working days are left of the window.
    clock.set(dt.datetime(2026, 11, 25, 9, tzinfo=SHANGHAI))
    late = act(client, demo, "jiyi_operator", item["id"], "publish")
    assert late.status_code == 422
    assert late.get_json()["error"]["code"] == "notice_too_short"


def test_a_protected_notice_past_its_validity_is_current_on_every_surface(
    app: Flask, client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    """Valid until noon on Friday, a notice's five working days run to Friday midnight: the
    screen's manifest, the QR page, the public page and the board all keep it until then,
    and all drop it together (the audience rule asks the one notice and window rules)."""
    title = "集义村2026年道路硬化工程结算公示"
    created = create(
        client,
        demo,
        title=title,
        notice={"kind": "general", "min_working_days": 5},
        valid_from=at(2026, 11, 23, 9),
        valid_until=at(2026, 11, 27, 12),
    )
    item = publish_through(client, demo, created["id"])
    screen = register(client, demo, audience="public", name="集义村文化广场大屏")
    operator = demo.headers("jiyi01_operator")

    def surfaces() -> dict[str, bool]:
        """Whether each surface presents the notice as the current disclosure."""
        manifest = client.get(f"/api/v1/screens/{screen['id']}/manifest", headers=operator)
        assert manifest.status_code == 200, manifest.get_json()
        # A screen plays what its manifest carries until the entry's end (the player's clock).
        on_screen = [
            i
            for i in manifest.get_json()["items"]
            if i["id"] == item["id"] and clock.now() < dt.datetime.fromisoformat(i["valid_until"])
        ]
        qr_page = client.get(f"/f/{item_code(app, item)}").get_data(as_text=True)
        public = client.get("/p/JIYI-01").get_data(as_text=True)
        current = public.split('id="past"')[0]
        printed = board(client, demo)
        assert printed.status_code == 200
        return {
            "screen": bool(on_screen),
            "qr_page": "村内道路维修材料费" in qr_page and "已到期" not in qr_page,
            "public_page": f'id="item-{item["id"]}"' in current,
            "board": title in "".join(pages_of(printed.data)),
        }

    # Friday 15:00: past its valid_until, inside its protection.
    clock.set(dt.datetime(2026, 11, 27, 15, tzinfo=SHANGHAI))
    assert surfaces() == {"screen": True, "qr_page": True, "public_page": True, "board": True}
    manifest = client.get(f"/api/v1/screens/{screen['id']}/manifest", headers=operator).get_json()
    shown = next(i for i in manifest["items"] if i["id"] == item["id"])
    assert shown["valid_until"] == shown["notice"]["until"] == at(2026, 11, 28)
    public = client.get("/p/JIYI-01").get_data(as_text=True)
    assert "2026-11-27" in public.split('id="past"')[0]  # its last day, not the 26th
    # Saturday 00:01, before the expiry job has run: every surface has dropped it.
    clock.set(dt.datetime(2026, 11, 28, 0, 1, tzinfo=SHANGHAI))
    assert surfaces() == {"screen": False, "qr_page": False, "public_page": False, "board": False}
    assert "已到期" in client.get(f"/f/{item_code(app, item)}").get_data(as_text=True)


def test_a_screen_in_another_time_zone_keeps_a_notice_as_long_as_the_rule_says(
    app: Flask, make: Factory, clock: FixedClock
) -> None:
    """A notice's working days are counted in the installation's time zone (the one notice
    rule), whatever zone a screen displays its clock in: a screen set to Tokyo time (an hour
    ahead) does not drop a notice at its own midnight, an hour before the protection ends."""
    item = make.notice(
        "JIYI-01",
        days=5,
        valid_from=at(2026, 11, 23, 9),
        valid_until=at(2026, 11, 27, 12),
    )
    screen = make.screen("JIYI-01", timezone="Asia/Tokyo")
    client = app.test_client()
    operator = make.headers("jiyi01_operator")
    clock.set(dt.datetime(2026, 11, 27, 23, 30, tzinfo=SHANGHAI))  # Saturday 00:30 in Tokyo

    manifest = client.get(f"/api/v1/screens/{screen['id']}/manifest", headers=operator)
    assert manifest.status_code == 200, manifest.get_json()
    [shown] = [i for i in manifest.get_json()["items"] if i["id"] == item["id"]]
    ends = dt.datetime.fromisoformat(shown["valid_until"])
    assert ends == dt.datetime(2026, 11, 28, tzinfo=SHANGHAI), shown["valid_until"]
    assert ends.utcoffset() == dt.timedelta(hours=9)  # shown in the screen's own zone
    assert clock.now() < ends
    # The withdrawal rule agrees: still protected at this moment.
    refused = client.post(
        f"/api/v1/items/{item['id']}/transitions",
        json={"action": "withdraw", "reason": "情况有变"},
        headers=make.headers("jiyi01_approver"),
    )
    assert refused.get_json()["error"]["code"] == "notice_running"
