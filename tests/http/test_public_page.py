"""The organisations' public pages (``/p/<org code>``): what the audience rule lets anybody
see — current public items with their body and publication record, ended ones by year — and
nothing else: no party or staff item, no draft, nothing scheduled, no tampered content."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.audit.models import AuditRecord
from signage_server.clock import FixedClock
from signage_server.disclosure.models import Revision
from signage_server.extensions import db
from signage_server.orgs.models import Org
from tests.conftest import NOW
from tests.conftest import Demo
from tests.conftest import make_app
from tests.conftest import wipe
from tests.http.feedback import item_code
from tests.http.items import create
from tests.http.items import ok
from tests.http.items import publish_through
from tests.http.items import sign_off
from tests.http.test_audience import DUES_TITLE
from tests.http.test_audience import LIMITED_NOTICE
from tests.http.test_audience import party_item
from tests.http.test_audience import party_secrets
from tests.realtime.test_integrity import FORGED
from tests.realtime.test_integrity import tamper

FINANCE_TITLE = "集义村2026年第四季度村级财务收支情况"
D = dt.timedelta(days=1)


def page(client: FlaskClient, path: str = "/p/JIYI-01") -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def sections(html: str) -> tuple[str, str]:
    """Return the current part of a page and its past part."""
    current, _sep, past = html.partition('id="past"')
    return current, past


def published(
    client: FlaskClient, demo: Demo, *, superior: str | None = None, **fields: Any
) -> dict[str, Any]:
    item = create(client, demo, **fields)
    return publish_through(client, demo, item["id"], superior=superior)


RULES = {
    "title": "集义村党支部“三会一课”制度",
    "category": "rules",
    "timing": "standing",
    "catalog_entry": "ZD-01",
    "body": {"type": "text", "text": "支部党员大会一般每季度召开一次。"},
}


def township_item(client: FlaskClient, demo: Demo) -> dict[str, Any]:
    item = create(
        client,
        demo,
        user="jiyi_editor",
        org="JIYI",
        title="集义镇2026年下半年党风廉政建设情况",
        category="conduct",
        catalog_entry="ZF-01",
        body={"type": "text", "text": "镇纪委开展专项检查3次。"},
    )
    for user, action in (
        ("jiyi_editor", "submit"),
        ("jiyi_reviewer", "review"),
        ("jiyi_approver", "approve"),
        ("jiyi_operator", "publish"),
    ):
        ok(client, demo, user, item["id"], action)
    return item


def test_current_public_items_with_body_and_publication_record(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published(client, demo)
    response = client.get("/p/JIYI-01")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    current, _past = sections(html)
    # Under its category's heading, with the body rendered as on the screens.
    category = current.index('id="cat-village_affairs"')
    assert category < current.index(FINANCE_TITLE)
    assert "村务（三资管理、财务收支）" in current
    assert "村内道路维修材料费" in current and "12,680.50" in current
    # Who proposed, reviewed, signed off and published it, by name and post, with the seal.
    for who in ("王小红（村报账员）", "刘长顺（村务监督委员会主任）", "王建国（村党支部书记）"):
        assert who in current
    with app.app_context():
        sealed = db.session.scalar(
            sa.select(AuditRecord.content_sha256)
            .where(AuditRecord.item_id == item["id"], AuditRecord.action == "publish")
            .order_by(AuditRecord.seq.desc())
        )
        head = db.session.scalar(sa.select(sa.func.max(AuditRecord.seq)))
    assert sealed and sealed[:16] in current
    assert f"第 {head} 条" in html  # the audit chain's head, as on the QR page
    # Its feedback link names the live revision, like the QR code on the screen.
    assert f'href="/f/{item_code(app, item)}"' in current
    assert html.count('class="about item"') == 1


def test_the_page_is_light_cacheable_and_has_nothing_personal(
    client: FlaskClient, demo: Demo
) -> None:
    published(client, demo)
    response = client.get("/p/JIYI-01")
    html = response.get_data(as_text=True)
    # One script, a module that only adds the 朗读 buttons (hidden without it).
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == ['<script type="module" src="/player/static/read-aloud.js">']
    assert " on" + "click=" not in html
    assert '<p class="read-aloud" hidden>' in html
    # No form but the 大字 switch (a GET form without a token: nothing personal).
    assert html.count("<form") == 1 and '<form class="text-size" method="get"' in html
    assert "csrf" not in html
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in response.headers.get("Vary", "")
    assert "Set-Cookie" not in response.headers
    assert 'name="viewport"' in html and "/static/css/public.css" in html
    # A visitor with a session (a chosen language, a login) is not kept by shared caches.
    with client.session_transaction() as session:
        session["locale"] = "zh_Hans_CN"
    assert client.get("/p/JIYI-01").headers["Cache-Control"] == "private, max-age=60"


def test_party_and_staff_items_never_appear(
    app: Flask, client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    party = party_item(client, demo)
    staff = published(
        client,
        demo,
        title="集义村委会内部考勤制度",
        scope="unit",
        department="村委会办公室甲",
        accountable_person="村委会主任乙",
        body={"type": "text", "text": "工作人员每日签到两次。"},
    )
    for html in (page(client), page(client, "/p/JIYI"), page(client, "/p/JIYI-01?year=all")):
        assert not party_secrets(html)
        assert LIMITED_NOTICE not in html
        for secret in ("集义村委会内部考勤制度", "村委会办公室甲", "村委会主任乙", "每日签到"):
            assert secret not in html
        for item in (party, staff):
            assert f"/f/{item_code(app, item)}" not in html
    # Ended, they are not among the past items either.
    clock.advance(hours=1)
    ok(client, demo, "jiyi01_approver", party["id"], "withdraw", "第三党小组金额有误")
    ok(client, demo, "jiyi01_approver", staff["id"], "withdraw", "考勤办法调整")
    html = page(client, "/p/JIYI-01?year=all")
    assert not party_secrets(html) and "考勤" not in html and "第三党小组金额有误" not in html
    assert DUES_TITLE not in html


def test_drafts_unpublished_and_scheduled_items_are_not_current(
    client: FlaskClient, demo: Demo
) -> None:
    create(client, demo, title="集义村草稿甲")
    ready = create(client, demo, title="集义村待发布乙")
    ok(client, demo, "jiyi01_editor", ready["id"], "submit")
    ok(client, demo, "jiyi01_reviewer", ready["id"], "review")
    sign_off(client, demo, ready["id"])
    scheduled = published(
        client, demo, title="集义村下周公开丙", valid_from=(NOW + 2 * D).isoformat()
    )
    assert scheduled["state"] == "published"
    html = page(client)
    for title in ("集义村草稿甲", "集义村待发布乙", "集义村下周公开丙"):
        assert title not in html


def test_a_scheduled_item_appears_when_its_day_comes(
    client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    published(client, demo, title="集义村下周公开丙", valid_from=(NOW + 2 * D).isoformat())
    clock.advance(days=3)
    current, _past = sections(page(client))
    assert "集义村下周公开丙" in current


def test_expired_and_withdrawn_items_are_past_items_by_year(
    app: Flask, client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    expiring = published(
        client, demo, title="集义村秋收临时用工公示", valid_until=(NOW + 2 * D).isoformat()
    )
    withdrawn = published(client, demo, title="集义村低保对象名单")
    clock.advance(hours=2)
    ok(client, demo, "jiyi01_approver", withdrawn["id"], "withdraw", "名单中有1户信息待核实")
    clock.advance(days=3)  # the first is past its validity (the expiry job has not run)
    current, past = sections(page(client))
    assert "集义村秋收临时用工公示" not in current and "集义村低保对象名单" not in current
    assert "集义村秋收临时用工公示" in past and "集义村低保对象名单" in past
    assert len(re.findall(r'<h3 class="year-title">[^<]*2026[^<]*</h3>', past)) == 1
    # How each ended: expired, or withdrawn when, by whom and why.
    assert "已到期" in past and "已撤回" in past
    assert "名单中有1户信息待核实" in past and "王建国（村党支部书记）" in past
    assert "2026-11-23 11:00" in past  # the withdrawal, Beijing time
    # Shown from when to when; the body is no longer presented.
    assert "2026-11-23" in past and "2026-11-25" in past
    assert "村内道路维修材料费" not in past
    # Each links to its QR page, which keeps the record and says how it ended.
    assert f"/f/{item_code(app, withdrawn)}" in past and f"/f/{item_code(app, expiring)}" in past


def test_past_items_are_grouped_by_year_newest_first(
    client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    old = published(client, demo, title="集义村2026年旧事项")
    clock.advance(days=1)
    ok(client, demo, "jiyi01_approver", old["id"], "withdraw", "已过时")
    clock.set(dt.datetime(2027, 2, 1, 9, 0, tzinfo=NOW.tzinfo))
    new = published(client, demo, title="集义村2027年新事项")
    clock.advance(hours=1)
    ok(client, demo, "jiyi01_approver", new["id"], "withdraw", "另行公开")
    _current, past = sections(page(client))
    assert past.index("2027年新事项") < past.index("2026年旧事项")
    headings = re.findall(r'<h3 class="year-title">([^<]*)</h3>', past)
    assert len(headings) == 2 and "2027" in headings[0] and "2026" in headings[1]
    # One year at a time on request; the others are links.
    _current, only = sections(page(client, "/p/JIYI-01?year=2026"))
    assert "2026年旧事项" in only and "2027年新事项" not in only
    assert 'href="/p/JIYI-01?year=2027#past"' in only
    # A year without ended items, or nonsense, shows the default.
    _current, default = sections(page(client, "/p/JIYI-01?year=1999"))
    assert "2026年旧事项" in default and "2027年新事项" in default


def test_a_tampered_body_is_not_presented(app: Flask, client: FlaskClient, demo: Demo) -> None:
    item = published(client, demo)
    published(client, demo, **RULES)
    assert "村内道路维修材料费" in page(client)
    tamper(app, item["id"])
    html = page(client)
    assert FORGED not in html and "村内道路维修材料费" not in html
    # Nothing of the revision is presented, not even its title (it may be forged too) ...
    assert FINANCE_TITLE not in html
    # ... but it is said, and villagers may still write (or report) about it.
    assert 'class="status tampered"' in html
    assert f"/f/{item_code(app, item)}" in html
    # The other items are shown as before.
    assert "集义村党支部“三会一课”制度" in html


def test_a_tampered_past_item_is_not_listed(
    app: Flask, client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    item = published(client, demo, title="集义村低保对象名单")
    clock.advance(hours=1)
    ok(client, demo, "jiyi01_approver", item["id"], "withdraw", "待核实")
    assert "集义村低保对象名单" in sections(page(client))[1]
    with app.app_context():
        revision = db.session.scalar(sa.select(Revision).where(Revision.item_id == item["id"]))
        assert revision is not None
        revision.title = "集义村低保对象名单（已全部核实无误）"
        db.session.commit()
    _current, past = sections(page(client))
    assert "低保对象名单" not in past and "待核实" not in past


def test_township_page_links_its_organisations_and_shows_its_own_items(
    client: FlaskClient, demo: Demo
) -> None:
    township_item(client, demo)
    published(client, demo, **RULES)
    html = page(client, "/p/JIYI")
    assert "集义镇2026年下半年党风廉政建设情况" in html and "镇纪委开展专项检查3次" in html
    assert "集义村党支部“三会一课”制度" not in html  # a village's items are on its own page
    for code in ("JIYI-01", "JIYI-19", "JIYI-EDU", "JIYI-JG"):
        assert f'href="/p/{code}"' in html
    assert 'href="/p/XIAN"' in html  # the county above
    village = page(client, "/p/JIYI-01")
    assert 'href="/p/JIYI"' in village and 'href="/p/XIAN"' in village
    assert "集义村党支部“三会一课”制度" in village
    assert "集义镇2026年下半年党风廉政建设情况" not in village


def test_categories_in_catalog_order_then_newest_first(
    client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    def text(words: str) -> dict[str, Any]:
        return {"type": "text", "text": words}

    made = [
        ("集义村第三季度财务", {"catalog_entry": "CW-01"}),
        ("集义村三资管理", {"catalog_entry": "SZ-01"}),
        ("集义村党支部决策", {"category": "decisions", "catalog_entry": "JC-01"}),
        ("集义村党支部制度", {**RULES, "title": "集义村党支部制度"}),
        ("集义村廉政建设", {"category": "conduct", "catalog_entry": "LZ-01"}),
        ("集义村第四季度财务", {"catalog_entry": "CW-01"}),
    ]
    for title, fields in made:
        published(client, demo, **{"body": text(title), **fields, "title": title})
        clock.advance(hours=1)
    published(client, demo, title="集义村目录外事项", catalog_entry=None, superior="jiyi_superior")
    current, _past = sections(page(client))
    titles = re.findall(r'class="item-title"[^>]*>([^<]*)<', current)
    assert titles == [
        "集义村党支部决策",
        "集义村廉政建设",
        "集义村党支部制度",
        "集义村第四季度财务",
        "集义村第三季度财务",
        "集义村三资管理",
        "集义村目录外事项",
    ]
    categories = re.findall(r'<li><a href="#cat-([a-z_]+)"', current)
    assert categories == ["decisions", "conduct", "rules", "village_affairs"]


def test_directory_lists_every_active_organisation(client: FlaskClient, demo: Demo) -> None:
    html = page(client, "/p/")
    for code in ("XIAN", "JIYI", "JIYI-01", "JIYI-19", "CHENGGUAN"):
        assert f'href="/p/{code}"' in html
    assert "<script" not in html


def test_page_url_is_the_address_phones_reach(app: Flask, client: FlaskClient, demo: Demo) -> None:
    from signage_server.public.links import page_url

    with app.app_context():
        org = db.session.scalar(sa.select(Org).where(Org.code == "JIYI-01"))
        assert org is not None
        url = page_url(org)
    assert url.endswith("/p/JIYI-01") and url.startswith("http")
    assert client.get(urllib.parse.urlsplit(url).path).status_code == 200


def test_codes_are_read_in_any_case(client: FlaskClient, demo: Demo) -> None:
    response = client.get("/p/jiyi-01?year=all")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/p/JIYI-01?year=all")


def test_unknown_or_dissolved_organisation_gets_the_villagers_404(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    for path in ("/p/NOPE-99", "/p/JIYI-01-X"):
        response = client.get(path)
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert 'data-status="404"' in html and 'href="/p/"' in html
        assert "<script" not in html and "navbar" not in html
    with app.app_context():
        org = db.session.scalar(sa.select(Org).where(Org.code == "JIYI-19"))
        assert org is not None
        org.active = False
        db.session.commit()
    assert client.get("/p/JIYI-19").status_code == 404
    assert 'href="/p/JIYI-19"' not in page(client, "/p/JIYI")
    assert 'href="/p/JIYI-19"' not in page(client, "/p/")
    # JSON clients get the JSON error of every other page.
    response = client.get("/p/NOPE-99", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "org_not_found"


def test_english_follows_the_visitors_choice(client: FlaskClient, demo: Demo) -> None:
    published(client, demo)
    with client.session_transaction() as session:
        session["locale"] = "en"
    html = page(client)
    assert '<html lang="en" dir="ltr">' in html
    assert "Currently disclosed" in html and "Publication record" in html


def test_the_public_page_is_rate_limited(database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url, tmp_path / "data", public_page_rate_limit="2 per minute")
    try:
        client = app.test_client()
        assert client.get("/p/").status_code == 200
        assert client.get("/p/NOPE").status_code == 404
        response = client.get("/p/")
        assert response.status_code == 429
        html = response.get_data(as_text=True)
        assert 'data-status="429"' in html and "navbar" not in html
        # Another address is served.
        other = client.get("/p/", environ_base={"REMOTE_ADDR": "10.0.0.9"})
        assert other.status_code == 200
    finally:
        with app.app_context():
            db.session.rollback()
            wipe(db.engine)
        db.dispose(app)
