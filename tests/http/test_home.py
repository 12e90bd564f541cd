"""The home page (工作台: is everything all right?) and the compliance of a whole subtree
(公开情况: one row per organisation, sortable, down to the entry), through HTTP."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections import Counter
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server import services as registry
from signage_server.catalog import services as catalog
from signage_server.disclosure.context import local_tz
from signage_server.extensions import db
from signage_server.orgs.models import Org
from signage_server.orgs.services import tree_order
from signage_server.screens.models import Screen
from tests.conftest import NOW
from tests.conftest import Demo
from tests.http.feedback import case_of
from tests.http.feedback import item_code
from tests.http.feedback import receipt_of
from tests.http.feedback import submit
from tests.http.items import create
from tests.http.items import ok
from tests.http.items import publish_through
from tests.realtime.screens import register

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
ROW_RE = re.compile(r'<tr data-org="([^"]+)"[^>]*>(.*?)</tr>', re.S)
CELL_RE = re.compile(r'tally-(\w+)" data-count="(\d+)"')

#: Every organisation of the demo county with a catalog: all but the county itself.
COUNTY_ORGS = 30


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def logged_in(app: Flask, demo: Demo, user: str) -> FlaskClient:
    web = app.test_client()
    demo.login(web, user)
    return web


def rows(html: str) -> list[tuple[str, dict[str, int]]]:
    """The subtree table's rows, in order: ``(org code, {status: count})``."""
    return [
        (code, {name: int(n) for name, n in CELL_RE.findall(body)})
        for code, body in ROW_RE.findall(html)
    ]


def api_counts(client: FlaskClient, demo: Demo, org: str, user: str) -> dict[str, int]:
    response = client.get(f"/api/v1/compliance?org={org}", headers=demo.headers(user))
    assert response.status_code == 200
    found = Counter(row["status"] for row in response.get_json())
    return {
        "overdue": found["overdue"],
        "missing": found["missing"],
        "due_soon": found["due_soon"],
        "current": found["current"],
        "exempted": found["exempted"] + found["pending_exemption"],
    }


def tile(html: str, name: str) -> int:
    found = re.search(rf'id="tile-{name}" data-count="(\d+)"', html)
    assert found, f"no tile {name}"
    return int(found.group(1))


def healthy(html: str) -> bool:
    found = re.search(r'id="health-summary" data-healthy="(yes|no)"', html)
    assert found
    return found.group(1) == "yes"


def problems(html: str) -> list[str]:
    return re.findall(r'data-problem="(\w+)"', html)


# --- compliance of a subtree ------------------------------------------------------------


def test_the_county_sees_every_organisation_beneath_it(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    for user in ("admin", "xian_superior", "xian_supervisor"):
        html = page(logged_in(app, demo, user), "/compliance")
        found = rows(html)
        assert len(found) == COUNTY_ORGS, user
        assert "XIAN" not in dict(found)  # the county sets catalogs, it has none itself
        assert "该组织没有适用的公开目录" not in html, user
    counted = dict(found)
    for org in ("JIYI", "JIYI-01", "JIYI-EDU", "CHENGGUAN-02", "XIAN-SLJ"):
        assert counted[org] == api_counts(client, demo, org, "xian_supervisor"), org
    total = re.search(r'<tr class="subtree-total">(.*?)</tr>', html, re.S)
    assert total
    sums = [int(n) for n in re.findall(r'data-count="(\d+)"', total.group(1))]
    assert sums == [sum(c[k] for c in counted.values()) for k in counted["JIYI"]]


def test_a_township_sees_its_22_organisations_and_not_the_neighbours(
    app: Flask, demo: Demo
) -> None:
    web = logged_in(app, demo, "jiyi_superior")
    found = dict(rows(page(web, "/compliance?org=JIYI")))
    assert len(found) == 22
    assert "JIYI" in found and "JIYI-19" in found and "JIYI-JG" in found
    assert not [code for code in found if code.startswith(("CHENGGUAN", "XIAN"))]
    page(web, "/compliance?org=CHENGGUAN", 403)
    page(web, "/compliance?org=XIAN", 403)


def test_a_village_sees_only_its_own_entries(app: Flask, demo: Demo) -> None:
    web = logged_in(app, demo, "jiyi01_editor")
    html = page(web, "/compliance")
    assert rows(html) == []  # no subtree table: the entries of 集义村 itself
    assert 'class="row-missing"' in html
    page(web, "/compliance?org=JIYI", 403)
    page(web, "/compliance?org=JIYI-02", 403)


def test_rows_sort_on_the_server(app: Flask, demo: Demo) -> None:
    web = logged_in(app, demo, "jiyi_superior")
    default = rows(page(web, "/compliance?org=JIYI"))
    overdue = [c["overdue"] for _code, c in default]
    assert overdue == sorted(overdue, reverse=True)
    html = page(web, "/compliance?org=JIYI&sort=missing&dir=asc")
    missing = [c["missing"] for _code, c in rows(html)]
    assert missing == sorted(missing) and missing[0] < missing[-1]
    # The clicked column's link turns the order round; the others start largest first.
    assert 'sort=missing&amp;dir=desc#subtree" data-sort="missing"' in html
    assert 'sort=overdue&amp;dir=desc#subtree" data-sort="overdue"' in html
    by_tree = [code for code, _c in rows(page(web, "/compliance?org=JIYI&sort=org"))]
    with app.app_context():
        tree = [o.code for _d, o in tree_order(db.session.scalars(sa.select(Org)))]
    assert by_tree == [code for code in tree if code in by_tree]
    assert by_tree[0] == "JIYI"
    reverse = [code for code, _c in rows(page(web, "/compliance?org=JIYI&sort=org&dir=desc"))]
    assert reverse == by_tree[::-1]
    assert rows(page(web, "/compliance?org=JIYI&sort=nonsense&dir=up")) == default


def test_publishing_moves_the_count_and_the_entry_shows_the_title(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    web = logged_in(app, demo, "jiyi_superior")
    before = dict(rows(page(web, "/compliance?org=JIYI")))["JIYI-01"]
    item = create(client, demo)
    publish_through(client, demo, item["id"])
    after = dict(rows(page(web, "/compliance?org=JIYI")))["JIYI-01"]
    assert after["missing"] == before["missing"] - 1
    assert after["current"] == before["current"] + 1
    # Drilling down: the row links to the organisation's entries, item links show titles.
    assert 'href="/compliance?org=JIYI-01"' in page(web, "/compliance?org=JIYI")
    entries = page(web, "/compliance?org=JIYI-01")
    link = re.search(rf'class="entry-item" href="/items/{item["id"]}">([^<]+)</a>', entries)
    assert link and link.group(1) == "集义村2026年第四季度村级财务收支情况"
    assert "事项 " + str(item["id"]) not in entries
    # ... and the way back up.
    trail = re.search(r'id="compliance-trail">(.*?)</ol>', entries, re.S)
    assert trail and 'href="/compliance?org=JIYI"' in trail.group(1)
    assert 'href="/compliance?org=XIAN"' not in trail.group(1)  # beyond the superior's reach


def test_a_subtree_costs_the_same_queries_as_one_organisation(app: Flask, demo: Demo) -> None:
    with app.app_context():
        orgs = [o for _d, o in tree_order(db.session.scalars(sa.select(Org)))]
        village = next(o for o in orgs if o.code == "JIYI-01")
        statements: list[str] = []

        def count(*args: Any) -> None:
            statements.append(args[2])

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            one = catalog.compliance_of(db.session, [village], registry.now(), local_tz())
            single = len(statements)
            statements.clear()
            every = catalog.compliance_of(db.session, orgs, registry.now(), local_tz())
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        assert len(statements) == single <= 4
        assert [line.result for line in every[village.id]] == [
            line.result for line in one[village.id]
        ]
        assert sum(1 for o in orgs if every[o.id]) == COUNTY_ORGS


# --- the home page ----------------------------------------------------------------------


def empty_village_catalog(client: FlaskClient, demo: Demo) -> None:
    """The township sets its villages a catalog without entries: nothing is owed there."""
    response = client.post(
        "/api/v1/catalog/templates",
        json={"owner": "JIYI", "org_kind": "village", "name": "集义镇村级公开目录（试行）"},
        headers=demo.headers("jiyi_superior"),
    )
    assert response.status_code == 201


def set_screen(app: Flask, screen_id: int, **values: Any) -> None:
    with app.app_context():
        screen = db.session.get(Screen, screen_id)
        assert screen is not None
        if values.pop("holds_newest", False):
            values["acked_version"] = screen.manifest_version
        for key, value in values.items():
            setattr(screen, key, value)
        db.session.commit()


def test_healthy_reads_healthy_and_a_fault_is_named_with_its_link(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    empty_village_catalog(client, demo)
    web = logged_in(app, demo, "jiyi01_approver")
    html = page(web, "/")
    assert healthy(html) and problems(html) == []
    assert 'id="nothing-to-do"' in html
    assert (tile(html, "screens"), tile(html, "catalog"), tile(html, "tasks")) == (0, 0, 0)
    assert 'id="tile-catalog" data-count="0" href="/compliance?org=JIYI-01&amp;sort=overdue"' in (
        html
    )

    screen = register(client, demo)
    html = page(web, "/")
    assert not healthy(html) and problems(html) == ["offline"]
    assert 'id="nothing-to-do"' not in html
    offline = re.search(r'id="screens-offline".*?</section>', html, re.S)
    assert offline and f'href="/screens/{screen["id"]}"' in offline.group(0)
    # The tile opens the screen wall filtered to what it counts.
    assert re.search(r'id="tile-screens" data-count="1" href="/screens\?online=no"', html)
    assert f'data-screen="{screen["id"]}"' in page(web, "/screens?online=no")
    assert 'id="screens-stale"' not in html  # never connected: listed once, as offline

    set_screen(app, screen["id"], online=True, last_seen_at=NOW, holds_newest=True)
    html = page(web, "/")
    assert healthy(html) and tile(html, "screens") == 0
    assert 'id="screens-offline"' not in html

    set_screen(app, screen["id"], acked_version="0" * 64)
    html = page(web, "/")
    assert problems(html) == ["stale"] and tile(html, "stale") == 1
    assert f'data-screen="{screen["id"]}"' in html

    since = NOW - dt.timedelta(days=2)
    set_screen(app, screen["id"], online=False, last_seen_at=since)
    html = page(web, "/")
    assert problems(html) == ["offline", "stale"]
    assert "2026-11-21 09:00" in html  # offline since, in local time
    # Another village's screen is none of 集义村's business.
    other = register(client, demo, org="JIYI-02", user="jiyi_operator", name="东王庄村广场屏")
    assert f'data-screen="{other["id"]}"' not in page(web, "/")
    assert f'data-screen="{other["id"]}"' in page(logged_in(app, demo, "jiyi_approver"), "/")


def test_overdue_catalog_entries_of_the_subtree_are_counted(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    web = logged_in(app, demo, "admin")
    html = page(web, "/")
    counted = dict(rows(page(web, "/compliance?org=XIAN")))
    owed = sum(c["overdue"] + c["missing"] for c in counted.values())
    assert tile(html, "catalog") == owed > 0
    assert "catalog" in problems(html)
    assert 'href="/compliance?org=XIAN&amp;sort=overdue"' in html
    listed = re.findall(r'<li class="list-group-item[^"]*" data-org="([^"]+)"', html)
    assert len(listed) == 8  # the worst eight; "and 18 more" on the full page
    worst = [(counted[code]["overdue"], counted[code]["missing"]) for code in listed]
    assert worst == sorted(worst, reverse=True)
    village = page(logged_in(app, demo, "jiyi01_editor"), "/")
    assert tile(village, "catalog") == counted["JIYI-01"]["overdue"] + counted["JIYI-01"]["missing"]


def test_tasks_waiting_for_me_link_to_my_tasks(app: Flask, client: FlaskClient, demo: Demo) -> None:
    item = create(client, demo)
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    html = page(logged_in(app, demo, "jiyi01_reviewer"), "/")
    assert tile(html, "tasks") == 1
    assert 'id="tile-tasks" data-count="1" href="/tasks"' in html
    assert 'href="/tasks" id="summary-tasks"' in html
    assert tile(page(logged_in(app, demo, "jiyi_editor"), "/"), "tasks") == 0


def publish_notice(client: FlaskClient, demo: Demo, until: dt.datetime) -> int:
    item = client.post(
        "/api/v1/items",
        json={
            "org": "JIYI",
            "title": f"关于刘明同志拟任集义镇党委委员的任前公示（至{until:%m月%d日}）",
            "category": "cadres",
            "timing": "immediate",
            "scope": "public",
            "catalog_entry": "GB-01",
            "notice": {"kind": "pre_appointment"},
            "department": "镇党委组织办",
            "accountable_person": "张建军",
            "valid_from": NOW.isoformat(),
            "valid_until": until.isoformat(),
            "body": {"type": "text", "text": "经镇党委研究，拟任命刘明同志为集义镇党委委员。"},
        },
        headers=demo.headers("jiyi_editor"),
    ).get_json()
    for user, step in (
        ("jiyi_editor", "submit"),
        ("jiyi_reviewer", "review"),
        ("jiyi_approver", "approve"),
        ("xian_superior", "superior_approve"),
        ("jiyi_operator", "publish"),
    ):
        ok(client, demo, user, item["id"], step)
    return int(item["id"])


def test_notices_ending_soon(app: Flask, client: FlaskClient, demo: Demo) -> None:
    soon = publish_notice(client, demo, dt.datetime(2026, 11, 28, tzinfo=SHANGHAI))
    later = publish_notice(client, demo, dt.datetime(2026, 12, 12, tzinfo=SHANGHAI))
    html = page(logged_in(app, demo, "jiyi_approver"), "/")
    assert tile(html, "notices") == 1
    assert f'data-item="{soon}"' in html and f'data-item="{later}"' not in html
    assert f'href="/items/{soon}"' in html
    assert "2026-11-28 00:00" in html
    assert healthy(html) is False  # the catalog is owed; notices alone spoil nothing
    assert "notices" not in problems(html)
    # The village below does not see its township's items.
    assert tile(page(logged_in(app, demo, "jiyi01_approver"), "/"), "notices") == 0


def test_a_notice_ends_where_its_protection_ends_not_before(
    app: Flask, client: FlaskClient, demo: Demo, clock: Any
) -> None:
    """The home page says when a notice really ends: the one window rule keeps a notice
    protected past its ``valid_until`` on the screens, so "ends" is the protection's end."""
    # Five working days from Monday 23rd end at Saturday 28th 00:00; valid_until is earlier.
    short = publish_notice(client, demo, dt.datetime(2026, 11, 27, 12, tzinfo=SHANGHAI))
    html = page(logged_in(app, demo, "jiyi_approver"), "/")
    assert f'data-item="{short}"' in html
    assert "2026-11-28 00:00" in html and "2026-11-27 12:00" not in html
    # Past its valid_until, still protected: still shown as ending, still on the list.
    clock.set(dt.datetime(2026, 11, 27, 18, tzinfo=SHANGHAI))
    html = page(logged_in(app, demo, "jiyi_approver"), "/")
    assert tile(html, "notices") == 1 and f'data-item="{short}"' in html
    clock.set(dt.datetime(2026, 11, 28, 0, 1, tzinfo=SHANGHAI))
    assert tile(page(logged_in(app, demo, "jiyi_approver"), "/"), "notices") == 0


def test_overdue_feedback_counts_and_reports_never_leak(
    app: Flask, client: FlaskClient, demo: Demo, clock: Any
) -> None:
    item = create(client, demo)
    item = publish_through(client, demo, item["id"])
    code = item_code(app, item)
    report = receipt_of(
        submit(client, code, kind="report", name="李四", consent="y", text="虚假公示")
    )
    question = receipt_of(submit(client, code, address="10.0.0.2"))
    case_of(client, demo, "jiyi_discipline", report)
    clock.set(dt.datetime(2027, 1, 11, 9, tzinfo=SHANGHAI))  # both far past their deadlines
    handler = page(logged_in(app, demo, "jiyi01_handler"), "/")
    assert tile(handler, "feedback") == 1  # the question; the report is not theirs to see
    assert question in handler and report not in handler
    assert "feedback" in problems(handler)
    assert 'id="tile-feedback" data-count="1" href="/feedback?overdue=1"' in handler
    for user in ("jiyi01_discipline", "jiyi01_approver", "jiyi01_editor"):
        html = page(logged_in(app, demo, user), "/")
        assert report not in html, user
        assert 'id="tile-feedback" data-count="1"' not in html, user
    township = page(logged_in(app, demo, "jiyi_discipline"), "/")
    assert tile(township, "feedback") == 1 and report in township and question not in township
