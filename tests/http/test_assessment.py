"""The assessment (考核) through HTTP, as the township's superior and the villages use it: the
superior scores a village on the six headings (六查六看), the report comes back as a PDF with
the village, the period, the headings and the rank; who may see it; bad periods; the computed
figures follow the data (an entry published raises compliance, a late feedback case lowers
the deadlines kept)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from flask_babel import gettext

from signage_server.accounts.rules import Role
from signage_server.assessment.models import Assessment
from signage_server.assessment.rules import HEADING_ZH
from signage_server.audit.models import AuditRecord
from signage_server.clock import FixedClock
from signage_server.extensions import db
from signage_server.screens.models import PlayRecord
from tests.conftest import post_form
from tests.factories import Factory
from tests.http.items import item_payload
from tests.pdfs import compact
from tests.pdfs import pdf_text as read_pdf

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
VILLAGE = "JIYI-01"
OTHER = "JIYI-02"
SUPERIOR = "jiyi_superior"
PAGE = f"/assessments?org={VILLAGE}&period=2026H2"
PDF = "/api/v1/reports/assessment.pdf"

SCORES = {
    "score_awareness": "90",
    "score_arrangement": "80",
    "score_work": "85",
    "score_models": "70",
    "score_problems": "75",
    "score_results": "88",
    "remark_awareness": "村两委重视公开工作",
    "remark": "2026年下半年公开及时，财务公开栏需按季度更新。",
}


def pdf_text(data: bytes) -> str:
    return compact(read_pdf(data))


def printed(app: Flask, message: str, **values: object) -> str:
    """What the report prints for ``message`` (reports are in Chinese), without blanks."""
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        return str(gettext(message, **values)).replace(" ", "")


def people(make: Factory) -> None:
    make.catalog("XIAN")
    make.procedure(VILLAGE)
    make.procedure(OTHER)
    make.user(SUPERIOR, "JIYI", Role.SUPERIOR)


def part(html: str, kind: str) -> tuple[int, int]:
    """(met, counted) of a computed figure on the page."""
    row = re.search(rf'<tr class="part-{kind}">(.*?)</tr>', html, re.S)
    assert row, kind
    numbers = re.findall(r'<td class="text-end">(\d+)</td>', row.group(1))
    return int(numbers[0]), int(numbers[1])


def test_the_superior_scores_a_village_and_the_report_prints(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    people(make)
    make.login(client, SUPERIOR)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "score_awareness" in page.get_data(as_text=True)
    assert 'href="/assessments"' in page.get_data(as_text=True)  # in the menu
    saved = post_form(client, PAGE, SCORES, page=PAGE)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:500]
    with app.app_context():
        assessment = db.session.scalar(sa.select(Assessment))
        assert assessment is not None
        assert assessment.scores["awareness"] == 90 and assessment.period == "2026H2"
        record = db.session.scalar(
            sa.select(AuditRecord).where(AuditRecord.subject == "assessment")
        )
        assert record is not None and record.action == "score"
        # No personal data in the chain: the remarks only as a hash.
        assert "村两委" not in str(record.details)

    response = client.get(f"{PDF}?org={VILLAGE}&period=2026H2", headers=make.headers(SUPERIOR))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "集义村" in text
    assert "2026年下半年" in text
    for heading in HEADING_ZH.values():
        assert heading in text
    # Scored, JIYI-01 ranks first of the two villages made (the other has no assessor's
    # scores and lower computed figures).
    assert printed(app, "%(rank)s of %(count)s", rank=1, count=2) in text

    # The township's report ranks its villages.
    township = client.get(f"{PDF}?org=JIYI&period=2026H2", headers=make.headers(SUPERIOR))
    assert township.status_code == 200
    assert printed(app, "Ranking of the villages") in pdf_text(township.data)


def test_who_may_see_an_assessment(client: FlaskClient, make: Factory) -> None:
    people(make)
    url = f"{PDF}?org={VILLAGE}&period=2026H2"
    # A village editor: not another village's, not even their own (the approver's).
    assert client.get(url, headers=make.headers("jiyi02_editor")).status_code == 403
    assert client.get(url, headers=make.headers("jiyi01_editor")).status_code == 403
    assert client.get(url, headers=make.headers("jiyi02_approver")).status_code == 403
    assert client.get(url, headers=make.headers("jiyi01_approver")).status_code == 200
    assert (
        client.get(f"{PDF}?org=NOPE&period=2026H2", headers=make.headers(SUPERIOR)).status_code
        == 404
    )
    # The whole year, as the API was first written (period=2026), is 2026Y.
    year = client.get(f"{PDF}?org={VILLAGE}&period=2026", headers=make.headers(SUPERIOR))
    assert year.status_code == 200
    assert "2026年度总评" in pdf_text(year.data)
    for bad in ("2026H3", "26", "H2"):
        answer = client.get(f"{PDF}?org={VILLAGE}&period={bad}", headers=make.headers(SUPERIOR))
        assert answer.status_code == 400
        assert answer.get_json()["error"]["code"] == "invalid_period"
    # Only the superior scores: the village's approver sees the page without the form.
    make.login(client, "jiyi01_approver")
    page = client.get(PAGE)
    assert page.status_code == 200 and "score_awareness" not in page.get_data(as_text=True)
    # Its rank, but not the other villages' totals.
    assert f"/assessments?org={OTHER}" not in page.get_data(as_text=True)
    refused = post_form(client, PAGE, SCORES, page=PAGE)
    assert refused.status_code == 403


def test_final_assessments_do_not_change(app: Flask, client: FlaskClient, make: Factory) -> None:
    people(make)
    make.login(client, SUPERIOR)
    assert post_form(client, PAGE, {**SCORES, "finalise": "y"}, page=PAGE).status_code == 302
    page = client.get(PAGE).get_data(as_text=True)
    assert "score_awareness" not in page
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditRecord.action).where(AuditRecord.subject == "assessment")
        ).all()
        assert actions == ["finalise"]


def test_out_of_range_scores_are_refused(app: Flask, client: FlaskClient, make: Factory) -> None:
    people(make)
    make.login(client, SUPERIOR)
    answer = post_form(client, PAGE, {**SCORES, "score_work": "120"}, page=PAGE)
    assert answer.status_code == 200  # the form again, with the error
    with app.app_context():
        assert db.session.scalar(sa.select(Assessment)) is None


def test_a_period_that_has_not_begun_cannot_be_assessed(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    people(make)
    make.login(client, SUPERIOR)
    for period in ("2027H1", "2099Y"):
        page = f"/assessments?org={VILLAGE}&period={period}"
        answer = post_form(client, page, SCORES, page=PAGE)
        assert "该考核期尚未开始，暂不能考核。" in answer.get_data(as_text=True), period
    with app.app_context():
        assert db.session.scalar(sa.select(Assessment)) is None


def test_compliance_follows_the_catalog(client: FlaskClient, make: Factory) -> None:
    people(make)
    make.login(client, SUPERIOR)
    met, counted = part(client.get(PAGE).get_data(as_text=True), "compliance")
    assert counted > 0
    # The fourth quarter's finances (CW-01, overdue since 20 October) published: one more met.
    first_half = f"/assessments?org={VILLAGE}&period=2026H1"
    before = part(client.get(first_half).get_data(as_text=True), "compliance")
    make.item(state="published", **item_payload())
    assert part(client.get(PAGE).get_data(as_text=True), "compliance") == (met + 1, counted)
    # The first half year, as it stood at its end, does not change with a later publication.
    assert part(client.get(first_half).get_data(as_text=True), "compliance") == before


def test_a_late_feedback_case_lowers_the_deadlines_kept(
    client: FlaskClient, make: Factory, clock: FixedClock
) -> None:
    people(make)
    make.case(make.item(VILLAGE, "published"))
    make.login(client, SUPERIOR)
    # Received today: nothing due yet.
    assert part(client.get(PAGE).get_data(as_text=True), "feedback") == (0, 0)
    clock.advance(days=30)  # 23 December: the answer is overdue
    assert part(client.get(PAGE).get_data(as_text=True), "feedback") == (0, 1)


def test_screen_coverage_follows_the_proof_of_play(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    people(make)
    item = make.item(state="published", **item_payload())
    screen = make.screen(VILLAGE)
    make.login(client, SUPERIOR)
    assert part(client.get(PAGE).get_data(as_text=True), "screens") == (0, 0)
    # Plays on 20, 21 and 23 November (not on the 22nd), as the player reports them.
    with app.app_context():
        for day in (20, 21, 23):
            db.session.add(
                PlayRecord(
                    screen_id=screen["id"],
                    item_id=item["id"],
                    revision=item["revision"],
                    started_at=dt.datetime(2026, 11, day, 8, 30, tzinfo=SHANGHAI),
                    duration_s=20.0,
                )
            )
        db.session.commit()
    # From its first play (the 20th) to today (the 23rd): four days, three with plays.
    assert part(client.get(PAGE).get_data(as_text=True), "screens") == (3, 4)


def test_findings_closed_by_their_deadline(
    client: FlaskClient, make: Factory, clock: FixedClock
) -> None:
    people(make)
    make.user("jiyi_supervisor")
    supervisor = make.headers("jiyi_supervisor")
    inspection = client.post(
        "/api/v1/inspections",
        json={"org": VILLAGE, "inspected_on": "2026-11-23"},
        headers=supervisor,
    ).get_json()
    url = f"/api/v1/inspections/{inspection['id']}/findings"
    made = [
        client.post(
            url,
            json={
                "point": "form",
                "description": text,
                "owner": "jiyi01_approver",
                "deadline": deadline,
            },
            headers=supervisor,
        ).get_json()
        for text, deadline in (("公开栏字号过小", "2026-12-01"), ("财务公开缺少签字", "2026-11-30"))
    ]
    make.login(client, SUPERIOR)
    assert part(client.get(PAGE).get_data(as_text=True), "findings") == (0, 0)  # none due yet
    act = f"/api/v1/findings/{made[0]['id']}/actions"
    owner = make.headers("jiyi01_approver")
    assert (
        client.post(act, json={"action": "rectify", "text": "已换大字"}, headers=owner).status_code
        == 200
    )
    assert client.post(act, json={"action": "accept"}, headers=supervisor).status_code == 200
    assert part(client.get(PAGE).get_data(as_text=True), "findings") == (1, 1)  # closed early
    clock.advance(days=12)  # 5 December: the second one is past its deadline, still open
    assert part(client.get(PAGE).get_data(as_text=True), "findings") == (1, 2)


def test_notices_of_the_period_are_counted(client: FlaskClient, make: Factory) -> None:
    people(make)
    make.notice(VILLAGE)
    make.login(client, SUPERIOR)
    assert part(client.get(PAGE).get_data(as_text=True), "notices") == (1, 1)
    # Not a notice of the first half year.
    first_half = client.get(f"/assessments?org={VILLAGE}&period=2026H1").get_data(as_text=True)
    assert part(first_half, "notices") == (0, 0)
    assert "The period has not ended" not in first_half  # 2026H1 is over


def test_the_page_opens_on_the_callers_organisation(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    people(make)
    make.login(client, SUPERIOR)
    page = client.get("/assessments", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # The township (whose villages the superior assesses), this half year, with its ranking.
    assert 'value="2026H2" selected' in html
    assert "Ranking of the villages" in html or "各村排名" in html
    editor = app.test_client()
    make.login(editor, "jiyi01_editor")
    assert editor.get("/assessments").status_code == 403


def test_the_audit_log_shows_assessments_to_those_who_see_them(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    people(make)
    make.login(client, SUPERIOR)
    assert post_form(client, PAGE, SCORES, page=PAGE).status_code == 302
    log = client.get("/audit?subject=assessment").get_data(as_text=True)
    assert f"/assessments?org={VILLAGE}&amp;period=2026H2" in log
    editor = app.test_client()
    make.login(editor, "jiyi01_editor")
    assert "/assessments?org=" not in editor.get("/audit?subject=assessment").get_data(as_text=True)
