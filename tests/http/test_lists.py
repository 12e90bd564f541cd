"""Lists that scale, through HTTP: every list has pages with a total, search and filters that
the page links keep, and no filter shows anything the user may not see.

Rows are seeded straight into the tables (``tests/http/lists.py``); assertions read the
pager's ``data-total``/``data-page``/``data-pages`` and the rows' ``data-*`` ids.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import itertools
import re
import urllib.parse
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from signage_server.accounts.models import RoleGrant
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Role
from signage_server.audit import rules as audit_rules
from signage_server.audit import services as audit
from signage_server.disclosure import rules as item_rules
from signage_server.disclosure.presenters import task_query
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import State
from signage_server.disclosure.services import MERGE_REVIEW_SETTING
from signage_server.extensions import db
from signage_server.feedback import rules as feedback_rules
from signage_server.feedback.models import Case
from signage_server.feedback.rules import CaseState
from signage_server.feedback.rules import Kind
from signage_server.feedback.services import deadlines as feedback
from signage_server.workdays.services import load_calendar
from tests.conftest import NOW
from tests.conftest import Demo
from tests.http import lists

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PAGER = re.compile(
    r'<nav class="list-pager[^"]*"[^>]*data-total="(\d+)" data-page="(\d+)" data-pages="(\d+)"'
)


@contextmanager
def seeding(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield db.session
        db.session.commit()


def get(client: FlaskClient, url: str, **args: Any) -> str:
    response = client.get(url, query_string=args)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def pager(page: str) -> tuple[int, int, int]:
    """Return (total, page, pages) of the list on ``page``."""
    found = PAGER.search(page)
    assert found, "no pager"
    total, number, pages = (int(g) for g in found.groups())
    return total, number, pages


def ids(page: str, attr: str) -> list[int]:
    return [int(v) for v in re.findall(rf'data-{attr}="(\d+)"', page)]


def page_links(page: str) -> list[dict[str, list[str]]]:
    """Return the query arguments of the links of the first pager."""
    nav = page[page.index('<nav class="list-pager') :]
    nav = nav[: nav.index("</nav>")]
    hrefs = re.findall(r'<a class="page-link"[^>]*href="([^"]+)"', nav)
    return [urllib.parse.parse_qs(urllib.parse.urlsplit(html_lib.unescape(h)).query) for h in hrefs]


def every_page(client: FlaskClient, url: str, attr: str, **args: Any) -> list[int]:
    """Return the row ids of all pages of a list, following its page numbers."""
    first = get(client, url, **args)
    _total, _number, pages = pager(first)
    found = ids(first, attr)
    for number in range(2, pages + 1):
        found += ids(get(client, url, **args, page=number), attr)
    return found


def signed_in(app: Flask, demo: Demo, username: str) -> FlaskClient:
    """Return a client of its own, logged in as ``username``."""
    client = app.test_client()
    demo.login(client, username)
    return client


def local(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


# --- disclosure items ---------------------------------------------------------------------


def test_items_page_through_more_than_three_hundred(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    """The list used to stop at 300 rows without saying so: now every item has a page."""
    with seeding(app) as session:
        seeded = [i.id for i in lists.add_items(session, "JIYI-01", 301, title="分页测试事项")]
    demo.login(client, "jiyi01_editor")

    first = get(client, "/items", q="分页测试")
    assert pager(first) == (301, 1, 7)
    newest_first = list(reversed(seeded))
    assert ids(first, "item") == newest_first[:50]
    second = get(client, "/items", q="分页测试", page=2)
    assert pager(second) == (301, 2, 7)
    assert ids(second, "item") == newest_first[50:100]
    last = get(client, "/items", q="分页测试", page=7)
    assert ids(last, "item") == [seeded[0]]  # the oldest, once on page 301
    assert every_page(client, "/items", "item", q="分页测试") == newest_first

    # Past the end: the last page; nonsense: the first.
    assert pager(get(client, "/items", q="分页测试", page=99))[1] == 7
    assert pager(get(client, "/items", q="分页测试", page="abc"))[1] == 1
    assert pager(get(client, "/items", q="分页测试", page=-2))[1] == 1

    # Page links keep the search and go where they say.
    links = page_links(second)
    assert links and all(link["q"] == ["分页测试"] for link in links)
    assert {tuple(link.get("page", ["1"])) for link in links} >= {("1",), ("3",), ("7",)}

    # Without a search: a COUNT of every visible item.
    with app.app_context():
        everything = db.session.scalar(
            sa.text(
                "SELECT COUNT(*) FROM items JOIN orgs ON orgs.id = items.org_id"
                " WHERE orgs.path LIKE (SELECT path FROM orgs WHERE code = 'JIYI-01') || '%'"
            )
        )
    assert pager(get(client, "/items"))[0] == everything


def test_page_size_boundaries(app: Flask, client: FlaskClient, demo: Demo) -> None:
    with seeding(app) as session:
        lists.add_items(session, "JIYI-01", 50, title="甲组事项")
        lists.add_items(session, "JIYI-01", 51, title="乙组事项")
    demo.login(client, "jiyi01_editor")
    fifty = get(client, "/items", q="甲组")
    assert pager(fifty) == (50, 1, 1)
    assert len(ids(fifty, "item")) == 50
    assert 'class="pagination' not in fifty
    fifty_one = get(client, "/items", q="乙组")
    assert pager(fifty_one) == (51, 1, 2)
    assert len(ids(get(client, "/items", q="乙组", page=2), "item")) == 1
    nothing = get(client, "/items", q="没有这样的标题")
    assert pager(nothing) == (0, 1, 1)
    assert ids(nothing, "item") == []


def test_item_filters(app: Flask, client: FlaskClient, demo: Demo) -> None:
    with seeding(app) as session:
        days = lists.add_items(
            session,
            "JIYI-01",
            10,
            title="筛选测试",
            start=local("2026-10-01"),
            step=dt.timedelta(days=1),
        )
        other_org = lists.add_items(session, "JIYI-02", 4, title="筛选测试东王庄")
        finance = lists.add_items(
            session, "JIYI-01", 3, title="筛选测试财务", category=Category.DECISIONS
        )
        submitted = lists.add_items(
            session, "JIYI-01", 2, title="筛选测试待审", state=State.SUBMITTED
        )
        percent = lists.add_items(session, "JIYI-01", 1, title="筛选测试 完成100%")
        underscore = lists.add_items(session, "JIYI-01", 1, title="筛选测试 编号_7")
    every = {i.id for i in days + other_org + finance + submitted + percent + underscore}
    demo.login(client, "jiyi_editor")  # the township sees both villages

    def found(**args: Any) -> set[int]:
        return set(every_page(client, "/items", "item", q="筛选测试", **args))

    assert found() == every
    assert found(org="JIYI-02") == {i.id for i in other_org}
    assert found(category="decisions") == {i.id for i in finance}
    assert found(state="submitted") == {i.id for i in submitted}
    assert found(state="submitted", org="JIYI-02") == set()
    assert set(every_page(client, "/items", "item", q="筛选测试 财务")) == {i.id for i in finance}
    assert set(every_page(client, "/items", "item", q="100%")) == {i.id for i in percent}
    assert set(every_page(client, "/items", "item", q="_7")) == {i.id for i in underscore}

    # Dates as 年-月-日, both ends included, in local days.
    october = {i.id for i in days[2:5]}  # 3, 4 and 5 October
    assert found(**{"from": "2026-10-03", "to": "2026-10-05"}) == october
    assert found(**{"from": "2026年10月3日", "to": "2026/10/5"}) == october
    assert found(**{"to": "2026-10-01"}) == {days[0].id}
    page = get(client, "/items", q="筛选测试", **{"from": "2026-10-03", "to": "2026-10-05"})
    assert 'value="2026-10-03"' in page
    assert all(link["from"] == ["2026-10-03"] for link in page_links(page))

    # A date that is not one is marked and left out, never a failure.
    bad = get(client, "/items", q="筛选测试", **{"from": "2026-13-01"})
    assert 'id="f-from"' in bad and "is-invalid" in bad
    assert pager(bad)[0] == len(every)
    backwards = get(client, "/items", q="筛选测试", **{"from": "2026-10-05", "to": "2026-10-03"})
    assert "is-invalid" in backwards
    assert pager(backwards)[0] == len(every) - 4  # from 5 October on; the end is dropped
    # Unknown values of a choice are ignored.
    assert found(state="hacked", category="nope") == every


def test_item_filters_never_widen_what_is_visible(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    with seeding(app) as session:
        mine = lists.add_items(session, "JIYI-01", 3, title="越界测试")
        lists.add_items(session, "JIYI-02", 3, title="越界测试")
        lists.add_items(session, "CHENGGUAN-01", 3, title="越界测试")
    demo.login(client, "jiyi01_editor")  # sees JIYI-01 only
    assert set(every_page(client, "/items", "item", q="越界测试")) == {i.id for i in mine}
    for code in ("JIYI", "JIYI-02", "CHENGGUAN-01", "XIAN"):
        page = get(client, "/items", q="越界测试", org=code)
        assert f'value="{code}"' not in page  # not offered
        assert set(ids(page, "item")) == {i.id for i in mine}


# --- my tasks -----------------------------------------------------------------------------


def test_tasks_in_pages_with_counts_per_step(app: Flask, client: FlaskClient, demo: Demo) -> None:
    with seeding(app) as session:
        waiting = lists.add_items(
            session,
            "JIYI-01",
            60,
            title="待审分页",
            state=State.SUBMITTED,
            author="jiyi01_editor",
            start=local("2026-11-01"),
            step=dt.timedelta(hours=3),
        )
        # Drafted with the reviewer's help: four eyes keep them off the reviewer's list.
        lists.add_items(
            session,
            "JIYI-01",
            3,
            title="待审分页协助",
            state=State.SUBMITTED,
            author="jiyi01_editor",
            contributors=["jiyi01_reviewer"],
        )
        sent_back = lists.add_items(
            session,
            "JIYI-01",
            2,
            title="待审分页退回",
            author="jiyi01_editor",
            returned_reason="数字有误",
        )
        lists.add_items(session, "JIYI-02", 5, title="待审分页", state=State.SUBMITTED)
    demo.login(client, "jiyi01_reviewer")
    page = get(client, "/tasks", q="待审分页")
    assert 'id="task-review"' in page  # the first step with something waiting
    assert 'id="step-review" data-count="60"' in page
    assert 'id="step-drafts" data-count="0"' in page
    assert pager(page) == (60, 1, 2)
    oldest_first = [i.id for i in waiting]
    assert ids(page, "item") == oldest_first[:50]
    second = get(client, "/tasks", q="待审分页", page=2)
    assert ids(second, "item") == oldest_first[50:]
    links = page_links(page)
    assert links and all(link["step"] == ["review"] and link["q"] == ["待审分页"] for link in links)
    tab = re.search(r'id="step-approve" data-count="0" href="([^"]+)"', page)
    assert tab and urllib.parse.parse_qs(
        urllib.parse.urlsplit(html_lib.unescape(tab.group(1))).query
    ) == {
        "step": ["approve"],
        "q": ["待审分页"],
    }

    # Filters apply to every step's count.
    day = get(client, "/tasks", q="待审分页", **{"from": "2026-11-02", "to": "2026-11-02"})
    assert 'id="step-review" data-count="8"' in day  # 8 submissions, every third hour
    assert pager(get(client, "/tasks", q="待审分页", category="decisions"))[0] == 0
    assert pager(get(client, "/tasks", q="待审分页", org="JIYI-02"))[0] == 60  # not offered

    # The drafter finds the ones sent back to them.
    editor = signed_in(app, demo, "jiyi01_editor")
    returned = get(editor, "/tasks", q="待审分页", step="returned")
    assert set(ids(returned, "item")) == {i.id for i in sent_back}
    assert "数字有误" in returned


@pytest.mark.parametrize("merged", [False, True])
def test_task_lists_apply_the_separation_of_duties_rule(
    app: Flask, demo: Demo, merged: bool
) -> None:
    """The SQL of the task lists agrees with ``rules.separation_conflict`` on every case."""
    steps = {
        State.SUBMITTED: ("review", Action.REVIEW),
        State.REVIEWED: ("approve", Action.APPROVE),
        State.APPROVED: ("superior_approve", Action.SUPERIOR_APPROVE),
    }
    with seeding(app) as session:
        village = lists.org(session, "JIYI-01")
        village.settings = {**(village.settings or {}), MERGE_REVIEW_SETTING: merged}
        me = lists.add_users(session, "JIYI", 1, prefix="dutyperson", role=None)[0]
        other = lists.user(session, "jiyi01_approver")
        me.grants += [
            RoleGrant(org=village, role=Role.REVIEWER),
            RoleGrant(org=village, role=Role.APPROVER),
            RoleGrant(org=lists.org(session, "JIYI"), role=Role.SUPERIOR),
        ]
        expected: dict[str, set[int]] = {name: set() for name, _action in steps.values()}
        people = [None, me.id, other.id]
        for state, (name, action) in steps.items():
            for drafter, reviewed, approved in itertools.product([False, True], people, people):
                item = lists.add_items(
                    session,
                    "JIYI-01",
                    1,
                    title=f"职责分离{state.value}",
                    state=state,
                    author="jiyi01_editor",
                    contributors=["dutyperson001"] if drafter else [],
                    reviewed_by_id=reviewed,
                    approved_by_id=approved,
                )[0]
                conflict = item_rules.separation_conflict(
                    action,
                    is_drafter=drafter,
                    actor_id=me.id,
                    reviewed_by=reviewed,
                    approved_by=approved,
                    merged_review=merged,
                )
                if conflict is None:
                    expected[name].add(item.id)
        session.flush()
        principal = Principal.of(me)
        for name, _action in steps.values():
            found = {
                i.id
                for i in session.scalars(task_query(principal, name))
                if i.current.title.startswith("职责分离")
            }
            assert found == expected[name], name
        assert all(expected.values()) and not all(len(v) == 18 for v in expected.values())


# --- the feedback inbox ---------------------------------------------------------------------


def test_feedback_inbox_pages_search_and_filters(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    with seeding(app) as session:
        lamps = lists.add_cases(
            session,
            "JIYI-01",
            70,
            text="路灯分页",
            start=local("2026-11-10"),
            step=dt.timedelta(hours=2),
        )
        questions = lists.add_cases(session, "JIYI-01", 4, kind=Kind.QUESTION, text="路灯分页咨询")
        answered = lists.add_cases(
            session, "JIYI-01", 2, text="路灯分页已答", state=CaseState.ANSWERED
        )
        receipt = lamps[9].receipt
    seeded = {c.id for c in lamps + questions + answered}
    demo.login(client, "jiyi01_handler")

    first = get(client, "/feedback", q="路灯分页")
    assert pager(first) == (76, 1, 2)
    assert set(every_page(client, "/feedback", "case", q="路灯分页")) == seeded
    assert all(link["q"] == ["路灯分页"] for link in page_links(first))
    assert pager(get(client, "/feedback", q="路灯分页", page=2))[1:] == (2, 2)

    def found(**args: Any) -> set[int]:
        return set(every_page(client, "/feedback", "case", q="路灯分页", **args))

    assert found(kind="question") == {c.id for c in questions}
    assert found(state="answered") == {c.id for c in answered}
    assert found(**{"from": "2026-11-10", "to": "2026-11-10"}) == {c.id for c in lamps[:8]}
    # A receipt as people type it: small letters, without the dash.
    only = get(client, "/feedback", q=receipt.lower().replace("-", ""))
    assert ids(only, "case") == [lamps[9].id]
    # The export takes the same filters.
    export = re.search(r'href="(/feedback/export\.csv[^"]*)"', first)
    assert export and "q=" in export.group(1)
    csv = client.get(html_lib.unescape(export.group(1))).get_data(as_text=True)
    assert csv.count("路灯分页") == 76


def test_feedback_inbox_never_shows_reports_about_the_handlers_own_org(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    with seeding(app) as session:
        reports = lists.add_cases(session, "JIYI-01", 3, kind=Kind.REPORT, text="举报分页")
    demo.login(client, "jiyi01_handler")
    for args in ({"q": "举报分页"}, {"q": "举报分页", "kind": "report"}, {"q": reports[0].receipt}):
        page = get(client, "/feedback", **args)
        assert pager(page)[0] == 0 and ids(page, "case") == []
    discipline = signed_in(app, demo, "jiyi_discipline")
    assert set(every_page(discipline, "/feedback", "case", q="举报分页")) == {c.id for c in reports}


def _deadline_terms(session: Session) -> feedback_rules.DeadlineTerms:
    return feedback_rules.DeadlineTerms(
        calendar=load_calendar(session), tz=SHANGHAI, days=feedback_rules.DEFAULT_DAYS
    )


def test_overdue_feedback_is_selected_by_the_database_as_the_deadlines_say(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    """``overdue_condition`` (SQL) and ``overdue`` (the deadline rules) agree on cases of every
    kind received from 45 days ago to today, with and without the duty done (requests with and
    without their time to decide extended)."""
    with seeding(app) as session:
        made: list[Case] = []
        for back in range(0, 46, 1):
            received = NOW - dt.timedelta(days=back, hours=back % 5)
            for kind in Kind:
                made += lists.add_cases(
                    session, "JIYI-01", 1, kind=kind, text="逾期测试", start=received
                )
        for n, case in enumerate(made):
            if n % 7 == 1:
                case.name, case.phone = "张三", "13812345678"  # real name: acknowledge reports
            if n % 11 == 2:
                case.answered_at = case.received_at + dt.timedelta(days=2)
                case.decided_at = case.answered_at
                case.acknowledged_at = case.answered_at
            if n % 13 == 3 and case.kind is Kind.REPORT:
                case.concluded_at = case.received_at + dt.timedelta(days=3)
            if n % 3 == 0 and case.kind is Kind.REQUEST:
                case.extended_at = case.received_at + dt.timedelta(days=1)  # 3 → 10 days
            if n % 17 == 4:
                case.state = CaseState.CLOSED
            if n % 19 == 5:
                case.hidden_at = NOW
        session.flush()
        terms = _deadline_terms(session)
        expected = {c.id for c in made if feedback.overdue(c, terms, NOW)}
        selected = set(
            session.scalars(
                sa.select(Case.id).where(
                    Case.text.like("逾期测试%"), feedback.overdue_condition(terms, NOW)
                )
            )
        )
        assert selected == expected
        assert 0 < len(expected) < len(made)
        visible_to_handler = {c.id for c in made if c.kind is not Kind.REPORT and c.id in expected}
    demo.login(client, "jiyi01_handler")
    shown = set(every_page(client, "/feedback", "case", q="逾期测试", overdue="1"))
    assert shown == visible_to_handler
    page = get(client, "/feedback", q="逾期测试", overdue="1")
    assert 'id="f-overdue" name="overdue" value="1" checked' in page
    assert all(link["overdue"] == ["1"] for link in page_links(page))


# --- the screen wall ----------------------------------------------------------------------


def test_screen_wall_pages_and_filters(app: Flask, client: FlaskClient, demo: Demo) -> None:
    with seeding(app) as session:
        screens = lists.add_screens(session, "JIYI-01", 60, name="分页屏", location="村委会门口")
        for screen in screens[:10]:  # reported a minute ago
            screen.online, screen.last_seen_at = True, NOW - dt.timedelta(minutes=1)
        for screen in screens[10:15]:  # said hello, then fell silent
            screen.online, screen.last_seen_at = True, NOW - dt.timedelta(minutes=10)
        for screen in screens[:20]:
            screen.manifest_version = screen.acked_version = "a" * 64
        for screen in screens[50:]:
            screen.layout = "portrait"
        lists.add_screens(session, "CHENGGUAN-01", 3, name="分页屏")
    seeded = {s.id for s in screens}
    demo.login(client, "jiyi01_operator")
    first = get(client, "/screens", q="分页屏")
    assert pager(first) == (60, 1, 2)
    assert set(every_page(client, "/screens", "screen", q="分页屏")) == seeded
    assert all(link["q"] == ["分页屏"] for link in page_links(first))

    def found(**args: Any) -> set[int]:
        return set(every_page(client, "/screens", "screen", q="分页屏", **args))

    assert found(online="yes") == {s.id for s in screens[:10]}
    assert found(online="no") == {s.id for s in screens[10:]}
    assert found(content="current") == {s.id for s in screens[:20]}
    assert found(content="behind", online="yes") == set()
    assert found(layout="portrait") == {s.id for s in screens[50:]}
    assert found(audience="party") == set()
    assert set(every_page(client, "/screens", "screen", q="村委会门口 010")) == {screens[9].id}
    assert found(org="CHENGGUAN-01") == seeded  # not offered: ignored


# --- users ----------------------------------------------------------------------------------


def test_users_list_pages_and_filters(app: Flask, client: FlaskClient, demo: Demo) -> None:
    with seeding(app) as session:
        people = lists.add_users(session, "JIYI-02", 55)
        handlers = lists.add_users(session, "JIYI-02", 3, prefix="pagingh", role=Role.HANDLER)
        gone = lists.add_users(session, "JIYI-02", 2, prefix="pagingx", active=False)
    usernames = {u.username for u in people + handlers + gone}
    demo.login(client, "admin")

    def found(**args: Any) -> set[str]:
        first = get(client, "/admin/users", q="分页测试用户", **args)
        _total, _number, pages = pager(first)
        names = re.findall(r'data-user="([^"]+)"', first)
        for number in range(2, pages + 1):
            page = get(client, "/admin/users", q="分页测试用户", page=number, **args)
            names += re.findall(r'data-user="([^"]+)"', page)
        return set(names)

    first = get(client, "/admin/users", q="分页测试用户")
    assert pager(first) == (60, 1, 2)
    assert all(link["q"] == ["分页测试用户"] for link in page_links(first))
    assert found() == usernames
    assert found(role="handler") == {u.username for u in handlers}
    assert found(active="no") == {u.username for u in gone}
    assert found(org="JIYI-01") == set()
    assert found(org="JIYI-02", active="yes") == usernames - {u.username for u in gone}
    # A village's administrator never finds another village's people.
    client = signed_in(app, demo, "jiyi01_admin")
    assert found() == set()
    assert found(org="JIYI-02") == set()


# --- the audit log --------------------------------------------------------------------------


def test_audit_log_pages_search_and_visibility(app: Flask, client: FlaskClient, demo: Demo) -> None:
    with seeding(app) as session:
        mine = lists.add_items(
            session,
            "JIYI-01",
            55,
            title="审计分页",
            start=local("2026-11-01"),
            step=dt.timedelta(hours=4),
        )
        lists.audit_items(session, mine, "jiyi01_editor")
        theirs = lists.add_items(session, "CHENGGUAN-01", 3, title="审计分页")
        lists.audit_items(session, theirs, "admin", role="admin")
        report = lists.add_cases(session, "JIYI-01", 1, kind=Kind.REPORT, text="审计分页举报")[0]
        audit.record_event(
            session,
            subject=audit_rules.CASE,
            subject_id=report.id,
            actor="jiyi_discipline",
            role="discipline",
            action="acknowledge",
            reason="",
            at=NOW,
            state=report.state.value,
        )
        village = lists.org(session, "JIYI-01")
        audit.record_event(
            session,
            subject=audit_rules.ORG,
            subject_id=village.id,
            actor="jiyi_admin",
            role="admin",
            action="merge_review",
            reason="人手不足",
            at=NOW,
            state="review_merged",
        )
    demo.login(client, "jiyi01_editor")
    first = get(client, "/audit", q="审计分页")
    assert pager(first) == (55, 1, 2)
    assert "王小红" in first  # the actor's real name, not the login name
    assert all(link["q"] == ["审计分页"] for link in page_links(first))
    seqs = every_page(client, "/audit", "seq", q="审计分页")
    assert len(seqs) == 55 and seqs == sorted(seqs, reverse=True)

    by_name = get(
        client, "/audit", q="王小红 审计分页", **{"from": "2026-11-02", "to": "2026-11-02"}
    )
    assert pager(by_name)[0] == 6  # every fourth hour of one day
    orgs = get(client, "/audit", subject="org")
    assert "人手不足" in orgs and pager(orgs)[0] >= 1
    # Records of what the user may not see stay out, whatever the search.
    assert pager(get(client, "/audit", q="审计分页", org="CHENGGUAN-01"))[0] == 55
    assert pager(get(client, "/audit", subject="case"))[0] == 0
    assert "审计分页举报" not in get(client, "/audit", subject="case")

    cases = get(signed_in(app, demo, "jiyi_discipline"), "/audit", subject="case")
    assert f'href="/feedback/{report.id}"' in cases
