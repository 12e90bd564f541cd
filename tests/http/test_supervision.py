"""Supervision at the users' level: a supervisor inspects a village and records findings,
the village's approver rectifies, the supervisor accepts or sends back; overdue findings on
the owner's home page; accountability records read one level up only; the daily digest."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import smtplib
from typing import Any
from typing import ClassVar

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server import services as registry
from signage_server.accounts import services as accounts
from signage_server.audit.models import AuditRecord
from signage_server.config import Settings
from signage_server.extensions import db
from signage_server.supervision.models import Accountability
from signage_server.supervision.models import Finding
from signage_server.supervision.models import Inspection
from tests.conftest import NOW
from tests.conftest import Demo
from tests.conftest import csrf_token
from tests.conftest import post_form

VILLAGE = "JIYI-01"
SUPERVISOR = "jiyi_supervisor"
OWNER = "jiyi01_approver"


def user_id(app: Flask, username: str) -> int:
    with app.app_context():
        user = accounts.get_user(db.session, username)
        assert user is not None
        return user.id


def logged_in(app: Flask, demo: Demo, username: str) -> FlaskClient:
    client = app.test_client()
    demo.login(client, username)
    return client


def record_inspection(client: FlaskClient, org: str = VILLAGE, **fields: Any) -> Any:
    data = {
        "inspected_on": NOW.date().isoformat(),
        "summary": "",
        **{f"{p}_result": "ok" for p in ("content", "form", "rules", "execution", "results")},
        "procedure_result": "finding",
        "procedure_note": "三季度财务未经审核即公开",
        **fields,
    }
    url = f"/supervision/inspections/new?org={org}"
    return post_form(client, url, data)


def inspection_id(response: Any) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    found = re.search(r"/supervision/inspections/(\d+)$", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def add_finding(
    client: FlaskClient, inspection: int, owner: int, point: str, deadline: str = ""
) -> Any:
    page = f"/supervision/inspections/{inspection}"
    data = {
        "point": point,
        "description": "三季度财务收支明细未公开到户",
        "owner": str(owner),
        "deadline": deadline,
        "item": "",
    }
    return post_form(client, page + "/findings", data, page=page)


def act(client: FlaskClient, finding: int, action: str, text: str = "", **more: str) -> Any:
    page = f"/supervision/findings/{finding}"
    data = {"action": action, "text": text, "evidence": "", "deadline": "", **more}
    return post_form(client, page + "/action", data, page=page)


def findings(app: Flask) -> list[Finding]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Finding).order_by(Finding.id)).all()
        db.session.expunge_all()
        return list(rows)


def test_anonymous_callers_are_sent_to_log_in(client: FlaskClient, demo: Demo) -> None:
    for url in ("/supervision", "/supervision/accountability", "/supervision/findings/1"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_a_supervisor_inspects_and_the_owner_rectifies(app: Flask, demo: Demo) -> None:
    supervisor = logged_in(app, demo, SUPERVISOR)
    owner = user_id(app, OWNER)
    inspection = inspection_id(record_inspection(supervisor))
    assert add_finding(supervisor, inspection, owner, "content").status_code == 302
    assert add_finding(supervisor, inspection, owner, "results").status_code == 302
    first, second = findings(app)
    assert (first.state.value, second.state.value) == ("open", "open")
    # The default deadline: 20 working days after Monday 23 November 2026.
    assert first.deadline == dt.date(2026, 12, 21)
    with app.app_context():
        stored = db.session.get(Inspection, inspection)
        assert stored is not None
        checks = {p: c["result"] for p, c in stored.checks.items()}
    assert checks == {
        "content": "finding",
        "procedure": "finding",
        "form": "ok",
        "rules": "ok",
        "execution": "ok",
        "results": "finding",
    }
    page = supervisor.get(f"/supervision/inspections/{inspection}").get_data(as_text=True)
    assert f'data-finding="{first.id}"' in page and f'data-finding="{second.id}"' in page

    # The supervisor cannot rectify for the owner; the owner rectifies both.
    assert act(supervisor, first.id, "rectify", "已补公开").status_code == 403
    approver = logged_in(app, demo, OWNER)
    assert act(approver, first.id, "rectify", "已在村务公开栏补公开三季度明细").status_code == 302
    assert act(approver, second.id, "rectify", "已召开群众评议会").status_code == 302
    # The owner cannot accept their own rectification.
    assert act(approver, first.id, "accept").status_code == 403
    assert [f.state.value for f in findings(app)] == ["rectified", "rectified"]

    # The supervisor closes the first and sends the second back, with a reason.
    assert act(supervisor, first.id, "accept").status_code == 302
    assert act(supervisor, second.id, "reopen", "").status_code == 302  # refused: no reason
    assert findings(app)[1].state.value == "rectified"
    assert act(supervisor, second.id, "reopen", "评议记录未附签名").status_code == 302
    first, second = findings(app)
    assert (first.state.value, second.state.value) == ("closed", "open")
    assert second.reopened_count == 1

    # Every change is sealed, without the texts.
    with app.app_context():
        sealed = db.session.scalars(
            sa.select(AuditRecord).where(AuditRecord.subject == "finding").order_by(AuditRecord.seq)
        ).all()
        actions = [(r.subject_id, r.action, r.state) for r in sealed]
        assert all("未附签名" not in str(r.details) for r in sealed)
    assert actions == [
        (first.id, "record", "open"),
        (second.id, "record", "open"),
        (first.id, "rectify", "rectified"),
        (second.id, "rectify", "rectified"),
        (first.id, "accept", "closed"),
        (second.id, "reopen", "open"),
    ]


def test_an_overdue_finding_is_on_the_owners_home_page(app: Flask, demo: Demo, clock: Any) -> None:
    supervisor = logged_in(app, demo, SUPERVISOR)
    inspection = inspection_id(record_inspection(supervisor))
    deadline = (NOW.date() + dt.timedelta(days=2)).isoformat()
    add_finding(supervisor, inspection, user_id(app, OWNER), "content", deadline)
    (finding,) = findings(app)
    approver = logged_in(app, demo, OWNER)
    home = approver.get("/").get_data(as_text=True)
    assert 'data-alert="owned-due"' in home  # due within five working days
    clock.set(NOW + dt.timedelta(days=3))
    home = approver.get("/").get_data(as_text=True)
    assert f'data-finding="{finding.id}" data-alert="owned-overdue"' in home
    # Past its rectification deadline it is a fault, not only work to do: the verdict says so.
    summary = home[home.index('id="health-summary"') :]
    summary = summary[: summary.index("</section>")]
    assert "1 个问题整改逾期" in summary and '#supervision-alerts"' in summary
    # The supervisor sees it overdue in their reach.
    assert 'data-alert="overdue"' in supervisor.get("/").get_data(as_text=True)
    # Someone else of the village does not own it.
    editor = logged_in(app, demo, "jiyi01_editor")
    assert 'data-alert="owned-overdue"' not in editor.get("/").get_data(as_text=True)


def test_a_rectified_finding_awaits_the_supervisors_acceptance_on_the_home_page(
    app: Flask, demo: Demo
) -> None:
    supervisor = logged_in(app, demo, SUPERVISOR)
    inspection = inspection_id(record_inspection(supervisor))
    add_finding(supervisor, inspection, user_id(app, OWNER), "content")
    (finding,) = findings(app)
    act(logged_in(app, demo, OWNER), finding.id, "rectify", "已整改完毕")
    home = supervisor.get("/").get_data(as_text=True)
    assert f'data-finding="{finding.id}" data-alert="to-accept"' in home


def test_who_is_no_supervisor_records_no_inspection(app: Flask, demo: Demo) -> None:
    editor = logged_in(app, demo, "jiyi01_editor")
    assert editor.get(f"/supervision/inspections/new?org={VILLAGE}").status_code == 403
    # The village's own supervisor inspects the village, not the township above (unseen).
    village_supervisor = logged_in(app, demo, "jiyi01_supervisor")
    assert village_supervisor.get(f"/supervision/inspections/new?org={VILLAGE}").status_code == 200
    assert village_supervisor.get("/supervision/inspections/new?org=JIYI").status_code == 404
    # Nor does anyone record findings on someone else's inspection without the role.
    supervisor = logged_in(app, demo, SUPERVISOR)
    inspection = inspection_id(record_inspection(supervisor))
    token_page = f"/supervision/inspections/{inspection}"
    response = post_form(
        editor,
        token_page + "/findings",
        {"point": "content", "description": "自己给自己记问题", "owner": "1"},
        page=token_page,
    )
    assert response.status_code == 403
    assert findings(app) == []


def test_a_finding_owner_must_hold_a_role_at_the_village(app: Flask, demo: Demo) -> None:
    supervisor = logged_in(app, demo, SUPERVISOR)
    inspection = inspection_id(record_inspection(supervisor))
    add_finding(supervisor, inspection, user_id(app, "jiyi_editor"), "content")
    assert findings(app) == []


def accountability(client: FlaskClient, **fields: str) -> Any:
    data = {
        "org": VILLAGE,
        "breach": "not_disclosed",
        "persons": "王建国（村党支部书记）",
        "facts": "三季度村级财务收支应公开而未公开，经督促仍未整改。",
        "measure": "circulated_criticism",
        "decision": "在全镇范围内通报批评。",
        "decided_on": NOW.date().isoformat(),
        "item_ids": "",
        "finding_ids": "",
        **fields,
    }
    return post_form(client, "/supervision/accountability/new", data)


def test_accountability_is_read_above_the_village_only(app: Flask, demo: Demo) -> None:
    supervisor = logged_in(app, demo, SUPERVISOR)
    inspection = inspection_id(record_inspection(supervisor))
    add_finding(supervisor, inspection, user_id(app, OWNER), "content")
    (finding,) = findings(app)

    superior = logged_in(app, demo, "jiyi_superior")
    response = accountability(superior, finding_ids=str(finding.id))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        record = db.session.scalars(sa.select(Accountability)).one()
        assert record.finding_ids == [finding.id]
        sealed = db.session.scalars(
            sa.select(AuditRecord).where(AuditRecord.subject == "accountability")
        ).one()
        assert "王建国" not in str(sealed.details) and sealed.action == "open_accountability"
    url = f"/supervision/accountability/{record.id}"

    discipline = logged_in(app, demo, "jiyi_discipline")
    assert "三季度村级财务" in discipline.get(url).get_data(as_text=True)
    listing = discipline.get("/supervision/accountability").get_data(as_text=True)
    assert f'data-record="{record.id}"' in listing
    for username in ("jiyi01_editor", "jiyi01_approver", "jiyi01_discipline", SUPERVISOR):
        outsider = logged_in(app, demo, username)
        assert outsider.get(url).status_code == 404, username
        listed = outsider.get("/supervision/accountability")
        # The village's discipline member holds a role that reads records of the orgs below
        # the village (none): an empty list; the others may not open the list at all.
        assert listed.status_code == (200 if username == "jiyi01_discipline" else 403)
        assert f'data-record="{record.id}"' not in listed.get_data(as_text=True)
        assert "三季度村级财务" not in outsider.get("/").get_data(as_text=True)
    # The audit log shows its sealed record to the same people only.
    marker = f'href="/supervision/accountability/{record.id}"'
    assert marker in discipline.get("/audit?subject=accountability").get_data(as_text=True)
    editor = logged_in(app, demo, "jiyi01_editor")
    assert marker not in editor.get("/audit?subject=accountability").get_data(as_text=True)
    assert f'href="/supervision/findings/{finding.id}"' in editor.get("/audit").get_data(
        as_text=True
    )
    # Discipline reads them; the superior reviewer opens them.
    assert accountability(logged_in(app, demo, "jiyi_discipline")).status_code == 403


def test_an_accountability_record_links_only_the_villages_findings(app: Flask, demo: Demo) -> None:
    superior = logged_in(app, demo, "jiyi_superior")
    response = accountability(superior, finding_ids="999")
    assert response.status_code == 200  # the form again, with the refusal
    with app.app_context():
        assert db.session.scalars(sa.select(Accountability)).all() == []


def test_meetings_are_recorded_and_the_missing_one_is_on_the_home_page(
    app: Flask, demo: Demo
) -> None:
    approver = logged_in(app, demo, OWNER)
    # JIYI-01 has a supervisor of its own: its meetings are owed.
    home = approver.get("/").get_data(as_text=True)
    assert 'data-alert="meeting-monthly-due"' in home
    response = post_form(
        approver,
        f"/supervision/meetings?org={VILLAGE}",
        {
            "org": VILLAGE,
            "kind": "monthly",
            "held_on": NOW.date().isoformat(),
            "attendees_count": "5",
            "attendees": "周玉兰等5名监督员",
            "topics": "三季度财务公开情况",
            "conclusions": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    home = approver.get("/").get_data(as_text=True)
    assert 'data-alert="meeting-monthly-due"' not in home
    page = approver.get(f"/supervision/meetings?org={VILLAGE}").get_data(as_text=True)
    assert "三季度财务公开情况" in page
    # An editor of the village records none.
    editor = logged_in(app, demo, "jiyi01_editor")
    response = post_form(
        editor,
        f"/supervision/meetings?org={VILLAGE}",
        {"org": VILLAGE, "kind": "forum", "held_on": NOW.date().isoformat(), "topics": "x"},
    )
    assert response.status_code == 403


def test_the_roster_lists_supervisors_and_appointed_ones(app: Flask, demo: Demo) -> None:
    approver = logged_in(app, demo, OWNER)
    url = f"/supervision/roster?org={VILLAGE}"
    page = approver.get(url).get_data(as_text=True)
    assert 'data-user="jiyi01_supervisor"' in page and 'data-user="jiyi_supervisor"' in page
    response = post_form(
        approver,
        url,
        {"name": "李大爷", "post": "老党员", "phone": "", "appointed_on": "2026-01-05"},
    )
    assert response.status_code == 302
    assert "李大爷" in approver.get(url).get_data(as_text=True)
    editor = logged_in(app, demo, "jiyi01_editor")
    assert "李大爷" in editor.get(url).get_data(as_text=True)
    response = post_form(editor, url, {"name": "张三", "appointed_on": "2026-01-05"})
    assert response.status_code == 403


# --- the daily digest ---------------------------------------------------------------------


class FakeSMTP:
    """Stands in for :class:`smtplib.SMTP`: records what would have been sent."""

    sent: ClassVar[list[Any]] = []
    calls: ClassVar[list[str]] = []

    def __init__(self, host: str, port: int, timeout: float = 0) -> None:
        self.calls.append(f"connect {host}:{port}")

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *exc: object) -> None:
        self.calls.append("quit")

    def starttls(self) -> None:
        self.calls.append("starttls")

    def login(self, user: str, password: str) -> None:
        self.calls.append(f"login {user}")

    def send_message(self, message: Any) -> None:
        self.sent.append(message)


def overdue_finding_with_mail(app: Flask, demo: Demo, clock: Any) -> int:
    supervisor = logged_in(app, demo, SUPERVISOR)
    inspection = inspection_id(record_inspection(supervisor))
    deadline = (NOW.date() + dt.timedelta(days=1)).isoformat()
    add_finding(supervisor, inspection, user_id(app, OWNER), "content", deadline)
    with app.app_context():
        user = accounts.get_user(db.session, OWNER)
        assert user is not None
        user.email = "wangjianguo@example.cn"
        db.session.commit()
    clock.set(NOW + dt.timedelta(days=3))
    return findings(app)[0].id


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"mail_host": "smtp.example.cn", "mail_port": 587, "mail_sender": "gk@example.cn"}


def test_the_digest_mails_the_owner_of_an_overdue_finding(
    app: Flask, demo: Demo, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    finding = overdue_finding_with_mail(app, demo, clock)
    FakeSMTP.sent, FakeSMTP.calls = [], []
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    result = app.test_cli_runner().invoke(args=["supervision", "digest", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "To: wangjianguo@example.cn" in result.output
    assert f"第{finding}号问题" in result.output and "（已逾期）" in result.output
    assert FakeSMTP.sent == []  # a dry run sends nothing

    result = app.test_cli_runner().invoke(args=["supervision", "digest"])
    assert result.exit_code == 0, result.output
    assert "1 digest(s) sent" in result.output
    assert FakeSMTP.calls[0] == "connect smtp.example.cn:587"
    (message,) = FakeSMTP.sent
    assert message["To"] == "wangjianguo@example.cn"
    assert message["From"] == "gk@example.cn"
    assert "党务公开监督待办提醒" in message["Subject"]
    body = message.get_content()
    assert "【您负责整改的问题】" in body
    assert f"/supervision/findings/{finding}" in body


def test_without_mail_settings_nothing_is_sent(
    app: Flask, demo: Demo, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    overdue_finding_with_mail(app, demo, clock)
    settings = registry.get(Settings, app)
    registry.register(app, Settings, dataclasses.replace(settings, mail_host=""))
    monkeypatch.setattr(smtplib, "SMTP", None)  # would fail if called
    result = app.test_cli_runner().invoke(args=["supervision", "digest"])
    assert result.exit_code == 0, result.output
    assert "Mail is not configured" in result.output and "1 digest(s) not sent" in result.output


def test_the_overview_lists_open_findings_and_inspections_in_reach(app: Flask, demo: Demo) -> None:
    supervisor = logged_in(app, demo, SUPERVISOR)
    inspection = inspection_id(record_inspection(supervisor))
    add_finding(supervisor, inspection, user_id(app, OWNER), "content")
    (finding,) = findings(app)
    for username in (SUPERVISOR, OWNER, "jiyi_superior"):
        page = logged_in(app, demo, username).get("/supervision").get_data(as_text=True)
        assert f'data-finding="{finding.id}"' in page, username
        assert f'data-inspection="{inspection}"' in page, username
    page = logged_in(app, demo, "xian_supervisor").get("/supervision").get_data(as_text=True)
    assert f'data-finding="{finding.id}"' in page  # the county reaches the village


def test_an_administrator_gives_a_user_the_digests_address(app: Flask, demo: Demo) -> None:
    admin = logged_in(app, demo, "jiyi_admin")
    page = "/admin/users/jiyi01_approver"
    token = csrf_token(admin, page)
    fields = {
        "ed-display_name": "王建国（村党支部书记）",
        "ed-active": "y",
        "ed-csrf_token": token,
    }
    response = post_form(admin, page, {**fields, "ed-email": "not an address"})
    assert response.status_code == 400
    response = post_form(admin, page, {**fields, "ed-email": " wjg@example.cn "})
    assert response.status_code == 302
    with app.app_context():
        user = accounts.get_user(db.session, "jiyi01_approver")
        assert user is not None and user.email == "wjg@example.cn" and user.active
    post_form(admin, page, {**fields, "ed-email": ""})
    with app.app_context():
        user = accounts.get_user(db.session, "jiyi01_approver")
        assert user is not None and user.email is None
