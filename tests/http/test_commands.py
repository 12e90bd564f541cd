"""Remote commands as operators meet them: the API, the command menu's forms on the screen
page and the wall, permissions, the audit record, agent-only kinds, cancelling, the list."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.accounts.rules import Role
from signage_server.audit.models import AuditRecord
from signage_server.clock import FixedClock
from signage_server.extensions import db
from signage_server.fleet.commands.models import ScreenCommand
from signage_server.screens.models import Screen
from tests.conftest import NOW
from tests.conftest import csrf_token
from tests.factories import Factory

OPERATOR = "jiyi01_operator"


@pytest.fixture
def screen(make: Factory) -> dict[str, Any]:
    """集义村's screen (registered by its operator), and 城关镇's 东关村 with its own operator."""
    made = make.screen("JIYI-01")
    make.user("dongguan_operator", "DONGGUAN-01", Role.OPERATOR)
    return made


def issue(
    client: FlaskClient, make: Factory, screen_id: int, kind: str, user: str = OPERATOR
) -> Any:
    return client.post(
        f"/api/v1/screens/{screen_id}/commands", json={"kind": kind}, headers=make.headers(user)
    )


def set_agent(app: Flask, screen_id: int, seen_at: dt.datetime | None) -> None:
    with app.app_context():
        db.session.get(Screen, screen_id).agent_seen_at = seen_at  # type: ignore[union-attr]
        db.session.commit()


def audit_records(app: Flask) -> list[tuple[str, int, str, str, dict[str, Any]]]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(AuditRecord).where(AuditRecord.subject == "screen").order_by(AuditRecord.seq)
        )
        return [(r.actor, r.subject_id, r.action, r.state, dict(r.details)) for r in rows]


def test_issue_by_api_queues_it_for_an_offline_screen_and_audits_it(
    app: Flask, client: FlaskClient, make: Factory, screen: dict[str, Any]
) -> None:
    response = issue(client, make, screen["id"], "reload")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["kind"], body["state"]) == ("reload", "queued")
    assert dt.datetime.fromisoformat(body["expires_at"]) == NOW + dt.timedelta(hours=24)
    [(actor, subject_id, action, state, details)] = audit_records(app)
    assert (actor, subject_id, action, state) == (
        OPERATOR,
        screen["id"],
        "command_reload",
        "queued",
    )
    assert details["command"] == body["id"] and details["kind"] == "reload"


def test_the_scheduler_marks_a_command_expired_for_a_box_that_never_returns(
    app: Flask, client: FlaskClient, make: Factory, screen: dict[str, Any], clock: FixedClock
) -> None:
    from signage_server.scheduler import run_once

    body = issue(client, make, screen["id"], "identify").get_json()
    run_once(app, NOW + dt.timedelta(minutes=9))
    with app.app_context():
        assert db.session.get(ScreenCommand, body["id"]).state.value == "queued"
    # The next housekeeping round (every 10 minutes), past the identify's 10 minutes.
    clock.set(NOW + dt.timedelta(minutes=20))
    run_once(app, NOW + dt.timedelta(minutes=20))
    with app.app_context():
        assert db.session.get(ScreenCommand, body["id"]).state.value == "expired"


def test_a_second_identical_pending_command_is_the_same_one(
    app: Flask, client: FlaskClient, make: Factory, screen: dict[str, Any]
) -> None:
    first = issue(client, make, screen["id"], "identify").get_json()
    again = issue(client, make, screen["id"], "identify")
    assert again.status_code == 200
    assert again.get_json()["id"] == first["id"]
    assert issue(client, make, screen["id"], "reload").status_code == 201
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ScreenCommand)) == 2
    assert len(audit_records(app)) == 2


def test_unknown_kind_and_other_villages_screens_are_refused(
    client: FlaskClient, make: Factory, screen: dict[str, Any]
) -> None:
    bad = issue(client, make, screen["id"], "format_disk")
    assert bad.status_code == 400
    assert bad.get_json()["error"]["code"] == "unknown_command"
    assert issue(client, make, screen["id"], "reload", user="dongguan_operator").status_code == 403
    assert issue(client, make, 999999, "reload").status_code == 404
    anonymous = client.post(f"/api/v1/screens/{screen['id']}/commands", json={"kind": "reload"})
    assert anonymous.status_code == 401


def test_agent_only_kinds_need_the_agent(
    app: Flask, client: FlaskClient, make: Factory, screen: dict[str, Any], clock: FixedClock
) -> None:
    for kind in ("reboot", "snapshot"):
        refused = issue(client, make, screen["id"], kind)
        assert refused.status_code == 422
        assert refused.get_json()["error"]["code"] == "no_agent"
        assert (
            "snapshot agent" in refused.get_json()["error"]["message"]
            or "截屏代理" in (refused.get_json()["error"]["message"])
        )
    # An agent heard 20 minutes ago counts as gone (fleet.agents.SILENT_AFTER is 15 minutes).
    set_agent(app, screen["id"], NOW - dt.timedelta(minutes=20))
    assert issue(client, make, screen["id"], "reboot").status_code == 422
    set_agent(app, screen["id"], NOW - dt.timedelta(minutes=2))
    for kind in ("reboot", "snapshot"):
        assert issue(client, make, screen["id"], kind).status_code == 201
    assert [a for _, _, a, _, _ in audit_records(app)] == ["command_reboot", "command_snapshot"]


def test_a_revoked_screen_gets_no_command(
    client: FlaskClient, make: Factory, screen: dict[str, Any]
) -> None:
    headers = make.headers(OPERATOR)
    assert client.post(f"/api/v1/screens/{screen['id']}/revoke", headers=headers).status_code == 200
    refused = issue(client, make, screen["id"], "reload")
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "screen_not_paired"


def test_cancel_a_queued_command_and_list(
    app: Flask, client: FlaskClient, make: Factory, screen: dict[str, Any], clock: FixedClock
) -> None:
    headers = make.headers(OPERATOR)
    reload_ = issue(client, make, screen["id"], "reload").get_json()
    identify = issue(client, make, screen["id"], "identify").get_json()
    url = f"/api/v1/screens/{screen['id']}/commands"
    cancelled = client.post(f"{url}/{reload_['id']}/cancel", headers=headers)
    assert cancelled.status_code == 200
    assert cancelled.get_json()["state"] == "cancelled"
    again = client.post(f"{url}/{reload_['id']}/cancel", headers=headers)
    assert again.status_code == 409
    other = client.post(f"{url}/{reload_['id']}/cancel", headers=make.headers("dongguan_operator"))
    assert other.status_code == 403
    # Eleven minutes on, the identify (10 minutes) has expired unsent.
    clock.advance(minutes=11)
    listed = client.get(url, headers=headers).get_json()["commands"]
    assert [(c["id"], c["state"], c["issued_by"]) for c in listed] == [
        (identify["id"], "expired", OPERATOR),
        (reload_["id"], "cancelled", OPERATOR),
    ]
    assert [a for _, _, a, _, _ in audit_records(app)] == [
        "command_reload",
        "command_identify",
        "cancel_command",
    ]


def test_the_screen_page_menu_issues_by_form_and_lists_the_commands(
    app: Flask, client: FlaskClient, make: Factory, screen: dict[str, Any]
) -> None:
    make.login(client, OPERATOR)
    page = f"/screens/{screen['id']}"
    html = client.get(page).get_data(as_text=True)
    assert 'name="kind" value="identify"' in html
    # Without an agent the agent-only buttons are disabled and say why.
    assert 'value="reboot" class="btn btn-sm btn-outline-secondary command-reboot" disabled' in html
    assert "无截屏代理" in html
    token = csrf_token(client, page)
    response = client.post(
        f"/screens/{screen['id']}/commands",
        data={"kind": "identify", "back": "screen", "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/screens/{screen['id']}#commands")
    html = client.get(page).get_data(as_text=True)
    assert "识别屏幕" in html and "排队中" in html and OPERATOR in html
    # Without the CSRF token nothing is issued.
    refused = client.post(f"/screens/{screen['id']}/commands", data={"kind": "reload"})
    assert refused.status_code == 400
    with app.app_context():
        kinds = db.session.scalars(sa.select(ScreenCommand.kind)).all()
    assert [k.value for k in kinds] == ["identify"]


def test_the_wall_tile_has_the_menu_and_returns_to_the_wall(
    client: FlaskClient, make: Factory, screen: dict[str, Any]
) -> None:
    make.login(client, OPERATOR)
    html = client.get("/screens").get_data(as_text=True)
    assert f'action="/screens/{screen["id"]}/commands"' in html
    assert "重新加载" in html and "清除缓存并重新加载" in html and "立即截屏" in html
    token = csrf_token(client, "/screens")
    response = client.post(
        f"/screens/{screen['id']}/commands",
        data={"kind": "snapshot", "back": "wall", "csrf_token": token},
    )
    assert response.headers["Location"].endswith(f"/screens#screen-{screen['id']}")
    shown = client.get("/screens").get_data(as_text=True)
    assert "无截屏代理" in shown  # the refusal, flashed


def test_an_operator_of_another_village_sees_no_menu(
    client: FlaskClient, make: Factory, screen: dict[str, Any]
) -> None:
    make.login(client, "dongguan_operator")
    assert client.get(f"/screens/{screen['id']}").status_code in (403, 404)
    token = csrf_token(client, "/screens")
    refused = client.post(
        f"/screens/{screen['id']}/commands", data={"kind": "reload", "csrf_token": token}
    )
    assert refused.status_code == 403


def test_the_administrator_issues_a_command_from_the_command_line(
    app: Flask, make: Factory, screen: dict[str, Any]
) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["screen", "command", str(screen["id"]), "identify"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert (body["kind"], body["state"], body["issued_by"]) == ("identify", "queued", "cli")
    refused = runner.invoke(args=["screen", "command", str(screen["id"]), "reboot"])
    assert refused.exit_code != 0
    assert "no snapshot agent" in refused.output
    assert [(a, r) for a, _, r, _, _ in audit_records(app)] == [("cli", "command_identify")]


def test_the_audit_log_shows_commands_to_those_who_see_the_screen(
    client: FlaskClient, make: Factory, screen: dict[str, Any]
) -> None:
    issue(client, make, screen["id"], "identify")
    make.login(client, OPERATOR)
    html = client.get("/audit").get_data(as_text=True)
    assert "远程指令：识别屏幕" in html
    assert f'href="/screens/{screen["id"]}"' in html
    other = client.application.test_client()
    make.login(other, "dongguan_operator")
    assert "远程指令：识别屏幕" not in other.get("/audit").get_data(as_text=True)
