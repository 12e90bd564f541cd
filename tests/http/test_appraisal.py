"""The democratic appraisal (民主评议) through HTTP, as the approver and the villagers use it:
draft and open an appraisal, print its QR poster; on the phone: number → code (read off the
log backend) → ballot → receipt; one vote per number; closed appraisals refuse; wrong codes
lock; the tables keep no number; the tally; the results drafted as a disclosure item."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server import services as registry
from signage_server.accounts.rules import Role
from signage_server.appraisal import links
from signage_server.appraisal.models import Appraisal
from signage_server.appraisal.models import Ballot
from signage_server.appraisal.models import CodeRequest
from signage_server.appraisal.models import Voter
from signage_server.appraisal.sms import SMS
from signage_server.appraisal.sms import LogSender
from signage_server.audit.models import AuditRecord
from signage_server.clock import FixedClock
from signage_server.disclosure.models import Item
from signage_server.extensions import db
from tests.conftest import NOW
from tests.conftest import post_form
from tests.factories import Factory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
VILLAGE = "JIYI-01"
APPROVER = "jiyi01_approver"
PHONE = "13812345678"
OTHER_PHONE = "+86 139-0000-1111"


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    # Many requests from the test client's one address: the flood limits have their own test.
    return {
        "appraisal_code_rate_limit": "1000 per minute",
        "appraisal_rate_limit": "1000 per minute",
    }


@pytest.fixture
def people(make: Factory) -> dict[Role, str]:
    found = make.procedure(VILLAGE)
    make.user("jiyi_supervisor", "JIYI", Role.SUPERVISOR)
    make.user("jiyi02_approver", "JIYI-02", Role.APPROVER)
    return found


def create(
    client: FlaskClient,
    make: Factory,
    *,
    members: str = "张建华 村委会主任\n李秀英，村委会委员",
    opens: str = "2026-11-20",
    closes: str = "2026-11-30",
    year: int = 2026,
) -> int:
    make.login(client, APPROVER)
    response = post_form(
        client,
        "/appraisals",
        {
            "org": VILLAGE,
            "year": str(year),
            "title": f"集义村{year}年度村民委员会民主评议",
            "opens_on": opens,
            "closes_on": closes,
            "members": members,
        },
        page="/appraisals",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    match = re.search(r"/appraisals/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def step(client: FlaskClient, appraisal_id: int, action: str) -> str:
    page = f"/appraisals/{appraisal_id}"
    response = post_form(client, f"{page}/{action}", {}, page=page)
    assert response.status_code == 302
    return client.get(page).get_data(as_text=True)


def opened(app: Flask, client: FlaskClient, make: Factory, **kwargs: Any) -> tuple[int, str]:
    """Draft and open an appraisal as the approver; return its id and public code."""
    appraisal_id = create(client, make, **kwargs)
    html = step(client, appraisal_id, "open")
    assert 'data-state="open"' in html
    with app.app_context():
        return appraisal_id, links.page_code(appraisal_id)


def outbox(app: Flask) -> LogSender:
    sender = registry.get(SMS, app)
    assert isinstance(sender, LogSender)
    return sender


TICKET_RE = re.compile(r'name="ticket"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="ticket"')


def ticket_of(html: str) -> str:
    match = TICKET_RE.search(html)
    assert match, html[:3000]
    return match.group(1) or match.group(2)


def request_code(app: Flask, phone: str, code: str) -> tuple[str, str]:
    """As a villager's phone: send the number; return the ticket and the code the SMS had."""
    client = app.test_client()
    response = client.post(f"/a/{code}/code", data={"phone": phone, "consent": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:3000]
    _phone, text = outbox(app).outbox[-1]
    sent = re.search(r"验证码 (\d{6})", text)
    assert sent, text
    return ticket_of(html), sent.group(1)


def ballot(app: Flask, appraisal_id: int, ratings: list[str]) -> dict[str, str]:
    with app.app_context():
        subjects = [s.id for s in db.session.get(Appraisal, appraisal_id).subjects]
    data = {f"rating-{s}": r for s, r in zip(subjects, ratings, strict=True)}
    data[f"comment-{subjects[0]}"] = "<script>alert(1)</script>希望多公开财务"
    return data


def vote(
    app: Flask, appraisal_id: int, code: str, phone: str, ratings: list[str]
) -> tuple[int, str]:
    """The whole phone flow: number, code, ballot; return the last status and page."""
    client = app.test_client()
    ticket, sms = request_code(app, phone, code)
    checked = client.post(f"/a/{code}/verify", data={"ticket": ticket, "code": sms})
    if checked.status_code != 200:
        return checked.status_code, checked.get_data(as_text=True)
    assert ticket_of(checked.get_data(as_text=True)) == ticket
    data = {"ticket": ticket, **ballot(app, appraisal_id, ratings)}
    response = client.post(f"/a/{code}/vote", data=data)
    return response.status_code, response.get_data(as_text=True)


# --- the approver ---------------------------------------------------------------------------


def test_draft_open_poster_and_the_public_page(
    app: Flask, client: FlaskClient, make: Factory, people: dict[Role, str]
) -> None:
    appraisal_id = create(client, make)
    page = client.get(f"/appraisals/{appraisal_id}").get_data(as_text=True)
    assert 'data-state="draft"' in page
    assert "张建华（村委会主任）" in page and "李秀英（村委会委员）" in page
    with app.app_context():
        code = links.page_code(appraisal_id)
    # A draft is not public.
    assert app.test_client().get(f"/a/{code}").status_code == 404
    step(client, appraisal_id, "open")
    public = app.test_client().get(f"/a/{code}")
    assert public.status_code == 200
    html = public.get_data(as_text=True)
    assert "集义村2026年度村民委员会民主评议" in html
    assert 'name="website"' in html  # the honeypot
    assert public.headers["Cache-Control"] == "no-store"
    poster = client.get(f"/appraisals/{appraisal_id}/poster")
    assert poster.status_code == 200
    assert "<svg" in poster.get_data(as_text=True)
    assert f"/a/{code}" in poster.get_data(as_text=True)
    qr = app.test_client().get(f"/a/{code}/qr.svg")
    assert qr.status_code == 200 and qr.headers["Content-Type"].startswith("image/svg+xml")
    # Forged and unknown codes.
    assert app.test_client().get(f"/a/{code[:-1]}A").status_code == 404
    assert app.test_client().get("/a/NOTACODE1").status_code == 404
    with app.app_context():
        records = db.session.scalars(
            sa.select(AuditRecord).where(AuditRecord.subject == "appraisal")
        ).all()
        assert [r.action for r in records] == ["create_appraisal", "open_appraisal"]
        assert all(r.role == "approver" for r in records)
        # Ids and states only: no personal data in the chain.
        assert [r.details for r in records] == [{"org": VILLAGE, "year": 2026}] * 2
    # The audit log lists them, with a link to the appraisal; the subject filter finds them.
    log = client.get("/audit?subject=appraisal")
    assert log.status_code == 200
    html = log.get_data(as_text=True)
    assert html.count(f'href="/appraisals/{appraisal_id}"') == 2
    assert "Appraisal opened for voting" in html or "民主评议已开始投票" in html
    other = app.test_client()
    make.login(other, "jiyi02_approver")
    assert f"/appraisals/{appraisal_id}" not in other.get("/audit").get_data(as_text=True)


def test_only_the_approver_or_the_township_superior_manages(
    app: Flask, client: FlaskClient, make: Factory, people: dict[Role, str]
) -> None:
    appraisal_id = create(client, make)
    for username, status in (
        (people[Role.EDITOR], 403),
        ("jiyi02_approver", 403),
        (people[Role.REVIEWER], 403),
    ):
        other = app.test_client()
        make.login(other, username)
        if username == people[Role.REVIEWER]:
            # The reviewer sees the tally, but may not open it.
            assert other.get(f"/appraisals/{appraisal_id}").status_code == 200
            page = f"/appraisals/{appraisal_id}"
            post_form(other, f"{page}/open", {}, page=page)
            assert 'data-state="draft"' in other.get(page).get_data(as_text=True)
        else:
            assert other.get(f"/appraisals/{appraisal_id}").status_code == status
    superior = app.test_client()
    make.login(superior, people[Role.SUPERIOR])
    assert 'data-state="open"' in step(superior, appraisal_id, "open")


def test_an_appraisal_is_for_a_village_once_a_year(
    app: Flask, client: FlaskClient, make: Factory, people: dict[Role, str]
) -> None:
    create(client, make)
    response = post_form(
        client,
        "/appraisals",
        {
            "org": VILLAGE,
            "year": "2026",
            "title": "again",
            "opens_on": "2026-11-20",
            "closes_on": "2026-11-30",
        },
        page="/appraisals",
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Appraisal)) == 1


# --- the villagers ---------------------------------------------------------------------------


def test_a_villager_votes_once_and_the_tables_keep_no_number(
    app: Flask, client: FlaskClient, make: Factory, people: dict[Role, str]
) -> None:
    appraisal_id, code = opened(app, client, make)
    status, html = vote(app, appraisal_id, code, PHONE, ["satisfied", "basic", "dissatisfied"])
    assert status == 201, html[:3000]
    assert "谢谢！您的评议票已记录。" in html
    assert outbox(app).outbox[-1][0] == PHONE

    # The same number again (typed differently): refused politely, nothing counted.
    status, html = vote(app, appraisal_id, code, "+86 138 1234 5678", ["dissatisfied"] * 3)
    assert status == 409
    assert "已参加过本次评议" in html

    # Digits of another script (a phone's full-width keyboard, Arabic-Indic) are the same
    # number: no second vote by typing one digit differently.
    status, html = vote(app, appraisal_id, code, "138123456７8", ["dissatisfied"] * 3)
    assert status == 409
    assert outbox(app).outbox[-1][0] == PHONE  # the code went to the number itself
    # Nor a fourth code this hour (the quota is the number's, however it is typed).
    fourth = app.test_client().post(
        f"/a/{code}/code", data={"phone": "1381234567٨", "consent": "y"}
    )
    assert fourth.status_code == 409
    assert "该号码获取验证码次数过多" in fourth.get_data(as_text=True)

    status, _html = vote(app, appraisal_id, code, OTHER_PHONE, ["basic", "basic", "basic"])
    assert status == 201

    with app.app_context():
        ballots = db.session.scalars(sa.select(Ballot)).all()
        voters = db.session.scalars(sa.select(Voter)).all()
        assert len(ballots) == 2 and len(voters) == 2
        digests = {v.voter for v in voters}
        for row in db.session.execute(sa.select(Ballot.__table__)).mappings():
            text = repr(dict(row))
            assert "13812345678" not in text and "13900001111" not in text
            assert not any(d in text for d in digests), "a ballot carries a voter's HMAC"
            assert set(row.keys()) == {"id", "appraisal_id", "answers"}
        for voter in voters:
            assert PHONE not in voter.voter and len(voter.voter) == 64
        if db.engine.dialect.name == "sqlite":
            # No rowid follows the order of the votes from one table to the other.
            schema = db.session.execute(
                sa.text(
                    "SELECT sql FROM sqlite_master"
                    " WHERE name IN ('appraisal_voters', 'appraisal_ballots')"
                )
            ).scalars()
            assert all("WITHOUT ROWID" in sql for sql in schema)
        # The code requests are used up by the vote (kept for their hour: see below).
        assert not any(db.session.scalars(sa.select(CodeRequest.code_digest)))
        # Nothing of the number anywhere in the database.
        for table in ("appraisal_voters", "appraisal_ballots", "audit_records"):
            dump = repr(db.session.execute(sa.text(f"SELECT * FROM {table}")).all())  # noqa: S608
            assert "13812345678" not in dump and "13900001111" not in dump

    # The approver sees the tally live, and the comment escaped.
    page = client.get(f"/appraisals/{appraisal_id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;希望多公开财务" in page
    committee = re.search(r'<tr data-subject="\d+">(.*?)</tr>', page, re.S)
    assert committee
    cells = re.sub(r"\s+", " ", committee.group(1))
    assert '1 <small class="text-secondary">(50.0%)</small>' in cells
    assert "<strong>100.0%</strong>" in cells


def test_nothing_in_the_tables_pairs_a_ballot_with_its_voter(
    app: Flask, client: FlaskClient, make: Factory, people: dict[Role, str]
) -> None:
    """A reader of the database learns who voted, and the ballots, but not whose ballot is
    whose: each vote writes the ballots afresh (new ids, in the order of the ids), so no
    ballot keeps an id, a place in the table or (PostgreSQL) a transaction of its own."""
    appraisal_id, code = opened(app, client, make)
    ratings = ["satisfied", "basic", "dissatisfied"]
    seen: set[str] = set()
    for n, phone in enumerate(["13800000001", "13800000002", "13800000003", "13800000004"]):
        status, html = vote(app, appraisal_id, code, phone, ratings[n % 3 :] + ratings[: n % 3])
        assert status == 201, html[:2000]
        with app.app_context():
            ids = set(db.session.scalars(sa.select(Ballot.id)))
        assert len(ids) == n + 1
        assert not ids & seen, "a ballot kept its id from an earlier vote"
        seen |= ids

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            # The order the rows sit in (ctid) and the transaction that wrote each (xmin).
            ballots = db.session.execute(
                sa.text("SELECT id, xmin::text FROM appraisal_ballots ORDER BY ctid")
            ).all()
            voters = (
                db.session.execute(sa.text("SELECT xmin::text FROM appraisal_voters ORDER BY ctid"))
                .scalars()
                .all()
            )
            assert len(set(voters)) == 4, "each vote is its own transaction"
            # Every ballot carries the last vote's transaction: none points at its voter.
            assert {xmin for _id, xmin in ballots} == {voters[-1]}
            physical = [ballot_id for ballot_id, _xmin in ballots]
        else:
            # SQLite keeps a table without rowid in the order of its key.
            physical = list(db.session.scalars(sa.text("SELECT id FROM appraisal_ballots")))
        assert physical == sorted(physical), "the ballots sit in the order of the votes"
        assert set(physical) == ids


def test_a_vote_rewrites_a_bounded_random_group_of_ballots(
    app: Flask,
    client: FlaskClient,
    make: Factory,
    people: dict[Role, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With many ballots, a vote writes its own with :data:`MIX` earlier ones (here 2): the
    group shares one transaction and a new id each; the rest stay as they were."""
    from signage_server.appraisal import services  # lazy: one test changes the group's size

    monkeypatch.setattr(services, "MIX", 2)
    appraisal_id, code = opened(app, client, make)
    before: set[str] = set()
    for n in range(6):
        assert vote(app, appraisal_id, code, f"1380000001{n}", ["basic"] * 3)[0] == 201
        with app.app_context():
            ids = set(db.session.scalars(sa.select(Ballot.id)))
            assert len(ids) == n + 1
            assert len(ids - before) == min(n, 2) + 1, "the group is the new ballot and 2 more"
            if db.engine.dialect.name == "postgresql":
                voter = (
                    db.session.execute(
                        sa.text(
                            "SELECT xmin::text FROM appraisal_voters ORDER BY xmin::text::bigint DESC"
                        )
                    )
                    .scalars()
                    .first()
                )
                group = (
                    db.session.execute(
                        sa.text(
                            "SELECT id FROM appraisal_ballots WHERE xmin::text = :x ORDER BY ctid"
                        ),
                        {"x": voter},
                    )
                    .scalars()
                    .all()
                )
                assert set(group) == ids - before
                assert group == sorted(group)
        before = ids


def test_closed_and_not_yet_open_appraisals_refuse_votes(
    app: Flask, client: FlaskClient, make: Factory, people: dict[Role, str], clock: FixedClock
) -> None:
    appraisal_id, code = opened(app, client, make, opens="2026-11-25", closes="2026-11-30")
    villager = app.test_client()
    assert "投票尚未开始" in villager.get(f"/a/{code}").get_data(as_text=True)
    refused = villager.post(f"/a/{code}/code", data={"phone": PHONE, "consent": "y"})
    assert refused.status_code == 409
    clock.set(dt.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI))
    ticket, sms = request_code(app, PHONE, code)
    # The period ends (the clock decides): the checked code no longer leads to a ballot.
    clock.set(dt.datetime(2026, 12, 1, 0, 0, tzinfo=SHANGHAI))
    late = villager.post(f"/a/{code}/verify", data={"ticket": ticket, "code": sms})
    assert late.status_code == 409
    assert "本次评议已结束。" in late.get_data(as_text=True)
    # Closed by the approver: refused too.
    clock.set(dt.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI))
    step(client, appraisal_id, "close")
    assert (
        villager.post(f"/a/{code}/code", data={"phone": PHONE, "consent": "y"}).status_code == 409
    )


def test_five_wrong_codes_lock_and_codes_expire(
    app: Flask, client: FlaskClient, make: Factory, people: dict[Role, str], clock: FixedClock
) -> None:
    _appraisal_id, code = opened(app, client, make)
    villager = app.test_client()
    ticket, sms = request_code(app, PHONE, code)
    wrong = f"{(int(sms) + 1) % 1_000_000:06d}"
    statuses = [
        villager.post(f"/a/{code}/verify", data={"ticket": ticket, "code": wrong}).status_code
        for _ in range(5)
    ]
    assert statuses == [422, 422, 422, 422, 429]
    # Locked: even the right code is refused now.
    right = villager.post(f"/a/{code}/verify", data={"ticket": ticket, "code": sms})
    assert right.status_code == 429
    # A new code expires after 10 minutes.
    ticket, sms = request_code(app, PHONE, code)
    clock.advance(minutes=10)
    late = villager.post(f"/a/{code}/verify", data={"ticket": ticket, "code": sms})
    assert late.status_code == 409
    assert "验证码已过期。" in late.get_data(as_text=True)
    # The third code this hour is the last one.
    request_code(app, PHONE, code)
    fourth = villager.post(f"/a/{code}/code", data={"phone": PHONE, "consent": "y"})
    assert fourth.status_code == 409
    assert "该号码获取验证码次数过多" in fourth.get_data(as_text=True)


def test_nobody_learns_from_the_code_quota_that_a_number_voted(
    app: Flask, client: FlaskClient, make: Factory, people: dict[Role, str]
) -> None:
    """Someone asking for codes to two numbers, before and after one of them votes, meets
    the same answers for both: the vote does not give the number its quota back."""
    appraisal_id, code = opened(app, client, make)
    voted, other = "13800000001", "13800000002"
    prober = app.test_client()

    def ask(phone: str) -> int:
        return prober.post(f"/a/{code}/code", data={"phone": phone, "consent": "y"}).status_code

    assert [ask(voted), ask(other)] == [200, 200]
    assert vote(app, appraisal_id, code, voted, ["satisfied"] * 3)[0] == 201  # its second code
    assert ask(other) == 200
    # Two codes each so far; three an hour for each number: the fourth is refused alike.
    assert [ask(voted), ask(other)] == [200, 200]
    assert [ask(voted), ask(other)] == [409, 409]


def test_bad_numbers_missing_consent_and_the_honeypot(
    app: Flask, client: FlaskClient, make: Factory, people: dict[Role, str]
) -> None:
    _appraisal_id, code = opened(app, client, make)
    villager = app.test_client()
    for phone in ("12812345678", "1381234567", "0571-8888888", ""):
        response = villager.post(f"/a/{code}/code", data={"phone": phone, "consent": "y"})
        assert response.status_code == 400, phone
    assert villager.post(f"/a/{code}/code", data={"phone": PHONE}).status_code == 400
    sent = len(outbox(app).outbox)
    robot = villager.post(
        f"/a/{code}/code", data={"phone": PHONE, "consent": "y", "website": "http://spam"}
    )
    assert robot.status_code == 200
    assert len(outbox(app).outbox) == sent  # nothing sent to a robot
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CodeRequest)) == 0


def test_an_unrated_subject_keeps_the_ballot_open(
    app: Flask, client: FlaskClient, make: Factory, people: dict[Role, str]
) -> None:
    appraisal_id, code = opened(app, client, make)
    villager = app.test_client()
    ticket, sms = request_code(app, PHONE, code)
    assert (
        villager.post(f"/a/{code}/verify", data={"ticket": ticket, "code": sms}).status_code == 200
    )
    data = ballot(app, appraisal_id, ["satisfied", "basic", "dissatisfied"])
    first = next(iter(k for k in data if k.startswith("rating-")))
    partial = {k: v for k, v in data.items() if k != first}
    response = villager.post(f"/a/{code}/vote", data={"ticket": ticket, **partial})
    assert response.status_code == 422
    assert "checked" in response.get_data(as_text=True)  # the other choices are kept
    # Without a checked code no ballot is taken.
    forged = villager.post(f"/a/{code}/vote", data={"ticket": "made-up", **data})
    assert forged.status_code == 409
    done = villager.post(f"/a/{code}/vote", data={"ticket": ticket, **data})
    assert done.status_code == 201
    # The ticket is used up.
    again = villager.post(f"/a/{code}/vote", data={"ticket": ticket, **data})
    assert again.status_code == 409


@pytest.mark.parametrize("app_overrides", [{"appraisal_code_rate_limit": "3 per minute"}])
def test_code_requests_are_rate_limited_per_address(
    app: Flask, client: FlaskClient, make: Factory, people: dict[Role, str]
) -> None:
    _appraisal_id, code = opened(app, client, make)
    villager = app.test_client()
    statuses = [
        villager.post(
            f"/a/{code}/code", data={"phone": f"1380000000{n}", "consent": "y"}
        ).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


# --- the results ----------------------------------------------------------------------------


def test_close_seals_the_tally_and_publishing_drafts_an_item(
    app: Flask, client: FlaskClient, make: Factory, people: dict[Role, str], clock: FixedClock
) -> None:
    appraisal_id, code = opened(app, client, make)
    for phone, ratings in (
        ("13800000001", ["satisfied", "satisfied", "basic"]),
        ("13800000002", ["basic", "dissatisfied", "basic"]),
        ("13800000003", ["dissatisfied", "satisfied", "satisfied"]),
        ("13800000004", ["satisfied", "basic", "basic"]),
    ):
        assert vote(app, appraisal_id, code, phone, ratings)[0] == 201
    # Nobody may draft the results while voting is open; the editor does not even see it.
    editor = app.test_client()
    make.login(editor, people[Role.EDITOR])
    page = f"/appraisals/{appraisal_id}"
    assert editor.get(page).status_code == 403
    assert page not in editor.get("/appraisals").get_data(as_text=True)
    post_form(editor, f"{page}/publish", {}, page=page)
    with app.app_context():
        assert db.session.get(Appraisal, appraisal_id).item_id is None
    # The period ends: the editor drafts the results (the open appraisal is closed on the way).
    clock.set(dt.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))
    assert page in editor.get("/appraisals").get_data(as_text=True)
    assert "希望多公开财务" not in editor.get(page).get_data(as_text=True)  # no comments
    html = step(editor, appraisal_id, "publish")
    assert 'data-state="published"' in html
    with app.app_context():
        appraisal = db.session.get(Appraisal, appraisal_id)
        assert appraisal.item_id is not None
        item = db.session.get(Item, appraisal.item_id)
        revision = item.current
        assert revision.state.value == "draft"
        assert revision.scope.value == "public"
        assert revision.category.value == "village_affairs"
        assert revision.timing.value == "periodic"
        assert revision.catalog_entry_id is None  # the demo catalog has no such entry
        body = revision.body
        assert body["type"] == "table"
        assert body["columns"][0] == "评议对象"
        assert body["rows"][0] == ["村民委员会（整体）", 2, 1, 1, 4, "75.0%"]
        assert body["rows"][1] == ["张建华（村委会主任）", 2, 1, 1, 4, "75.0%"]
        assert body["rows"][2] == ["李秀英（村委会委员）", 1, 3, 0, 4, "100.0%"]
        assert "4" in body["caption"]
        assert "希望" not in repr(body)  # comments are never published
        actions = [
            r.action
            for r in db.session.scalars(
                sa.select(AuditRecord)
                .where(AuditRecord.subject == "appraisal")
                .order_by(AuditRecord.seq)
            )
        ]
        assert actions == [
            "create_appraisal",
            "open_appraisal",
            "close_appraisal",
            "publish_appraisal",
        ]
        item_id = item.id
    # The item goes through the procedure like any other: the editor names the accountable
    # person (第一责任人) and submits it.
    edited = app.test_client().patch(
        f"/api/v1/items/{item_id}",
        json={"accountable_person": "王建国"},
        headers=make.headers(people[Role.EDITOR]),
    )
    assert edited.status_code == 200, edited.get_json()
    submitted = make.act(item_id, people[Role.EDITOR], "submit")
    assert submitted["state"] == "submitted"
    # Publishing twice is refused.
    post_form(editor, f"{page}/publish", {}, page=page)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Item)) == 1


def test_the_audit_chain_verifies_and_finds_a_changed_ballot(
    app: Flask, client: FlaskClient, make: Factory, people: dict[Role, str]
) -> None:
    from signage_server.appraisal.services import appraisal_states  # lazy: one test needs it
    from signage_server.audit.services import verify

    appraisal_id, code = opened(app, client, make)
    assert vote(app, appraisal_id, code, PHONE, ["satisfied"] * 3)[0] == 201
    step(client, appraisal_id, "close")
    with app.app_context():
        assert verify(db.session, [appraisal_states]).ok
        row = db.session.scalars(sa.select(Ballot)).one()
        row.answers = [{**a, "rating": "dissatisfied"} for a in row.answers]
        db.session.commit()
        report = verify(db.session, [appraisal_states])
        assert not report.ok
        assert "tally_sha256" in report.problem.message


def test_anonymous_and_other_villages_see_no_results(
    app: Flask, client: FlaskClient, make: Factory, people: dict[Role, str]
) -> None:
    appraisal_id, _code = opened(app, client, make)
    assert app.test_client().get(f"/appraisals/{appraisal_id}").status_code in (302, 401)
    other = app.test_client()
    make.login(other, "jiyi02_approver")
    assert other.get(f"/appraisals/{appraisal_id}").status_code == 403
    assert "集义村2026" not in other.get("/appraisals").get_data(as_text=True)
    township = app.test_client()
    make.login(township, "jiyi_supervisor")
    assert township.get(f"/appraisals/{appraisal_id}").status_code == 200
    assert NOW.year == 2026
