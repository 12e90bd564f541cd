"""What ``signage bench compile`` measures, run inside a throw-away demo installation.

``signage bench compile`` (:mod:`signage_server.bench.compile`) seeds the demo, then runs this
module in fresh processes::

    python -m signage_server.bench.compiling prepare SCREENS ITEMS   # adds screens and items
    python -m signage_server.bench.compiling measure                 # one JSON line

``prepare`` adds ``SCREENS`` screens (bulk SQL: most in the demo's villages, a few at the
townships and the county; mixed audiences, layouts and a second time zone; some in screen
groups with playlists) and ``ITEMS`` published items of mixed scopes and organisations,
through the procedure's services in one transaction (so each is sealed in the audit chain as
every published item is). ``measure`` times ``manifests.refresh`` over every active screen,
as the daily refresh does (cold: the first in the process, no manifest stored; warm: again,
nothing changed), then publishes one item of one village and times what the push dispatcher
does after that commit (``push.recompile`` with the transaction's ``Changes``). Each figure
comes with the SQL statements issued (a ``before_cursor_execute`` listener).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
import zoneinfo
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from signage_server import create_app
from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Role
from signage_server.accounts.services import get_user
from signage_server.bench import procedure
from signage_server.demo import data
from signage_server.disclosure import services as items
from signage_server.disclosure.audience import Audience
from signage_server.disclosure.models import Revision
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import State
from signage_server.disclosure.rules import Timing
from signage_server.extensions import db
from signage_server.orgs.models import Org
from signage_server.schedule.models import Playlist
from signage_server.schedule.models import PlaylistEntry
from signage_server.schedule.models import playlist_groups
from signage_server.schedule.models import playlist_screens
from signage_server.screens import changes
from signage_server.screens import manifests
from signage_server.screens.context import manifest_context
from signage_server.screens.layouts import design_sizes
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenGroup
from signage_server.screens.models import screen_group_members
from signage_server.screens.services import push
from signage_server.workdays.services import load_calendar

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
#: Where the published item of the "one publish" measurement goes.
PUBLISH_ORG = "JIYI-05"
#: Who carries each step of the procedure: the county's demo users (their roles reach every
#: organisation below the county).
NEXT_STEP = {
    State.DRAFT: (Action.SUBMIT, "editor"),
    State.SUBMITTED: (Action.REVIEW, "reviewer"),
    State.REVIEWED: (Action.APPROVE, "approver"),
    State.APPROVED: (Action.SUPERIOR_APPROVE, "superior"),
    State.READY: (Action.PUBLISH, "operator"),
}
AUDIENCES = (Audience.PUBLIC, Audience.PUBLIC, Audience.PUBLIC, Audience.PARTY, Audience.UNIT)
SCOPES = (Scope.PUBLIC, Scope.PUBLIC, Scope.PARTY, Scope.UNIT)
CATEGORIES = (Category.VILLAGE_AFFAIRS, Category.SERVICE, Category.RULES, Category.OTHER)


def _person(session: Session, role: str) -> Principal:
    user = get_user(session, data.demo_username("XIAN", Role(role)))
    assert user is not None, role
    return Principal.of(user)


def _orgs(session: Session) -> dict[str, Org]:
    return {org.code: org for org in session.scalars(sa.select(Org))}


def _publish(session: Session, org: Org, n: int, now: dt.datetime) -> None:
    env = items.Env(now, load_calendar(session), TZ)
    fields = items.Fields(
        title=f"{org.name}公开事项第{n}号",
        category=CATEGORIES[n % len(CATEGORIES)],
        timing=Timing.IMMEDIATE,
        scope=SCOPES[n % len(SCOPES)],
        body={"type": "text", "text": f"{org.name}第{n}号公开内容。" * 4},
        department="党政办",
        accountable="王建国",
        catalog_entry=None,
    )
    item = items.create_item(session, org, _person(session, "editor"), fields, env)
    while (state := item.revisions[-1].state) is not State.PUBLISHED:
        action, _role = NEXT_STEP[state]
        if state is State.REVIEWED:
            # Sign it off as its procedure has it (village affairs: joint meeting and seal).
            procedure.take(session, item, lambda role: _person(session, role), env, [action])
            continue
        items.transition(session, item, _person(session, procedure.ROLES[action]), action, "", env)


def prepare(session: Session, now: dt.datetime, screens: int, published: int) -> None:
    """Add ``screens`` screens and ``published`` published items (see the module's text)."""
    orgs = _orgs(session)
    villages = [o for code, o in sorted(orgs.items()) if o.kind.value == "village"]
    upper = [orgs["JIYI"], orgs["CHENGGUAN"], orgs["XIAN"]]
    layouts = sorted(design_sizes())
    few = max(1, screens // 100)
    placed = [upper[i % len(upper)] for i in range(min(few, screens))]
    placed += [villages[i % len(villages)] for i in range(screens - len(placed))]
    rows = [
        {
            "org_id": org.id,
            "name": f"屏{i:04d}",
            "location": "",
            "audience": AUDIENCES[i % len(AUDIENCES)],
            "layout": layouts[(i // 7) % len(layouts)],
            "resolution": "1920x1080",
            "timezone": "Asia/Urumqi" if i % 97 == 0 else "Asia/Shanghai",
            "active": True,
        }
        for i, org in enumerate(placed)
    ]
    if rows:
        session.execute(sa.insert(Screen), rows)
    # Published items over the villages and the townships (the demo has the county's: the
    # superior approval some need is the county's own, which no demo user above it holds).
    # Chinese-only ones: a bilingual org's items need their translation to be submitted.
    owners = [o for o in villages + upper[:2] if o.second_language is None]
    for n in range(published):
        _publish(session, owners[n % len(owners)], n, now)
    session.flush()
    # A screen group with a playlist in a few villages (a tenth of their screens).
    for village in villages[:5]:
        group = ScreenGroup(org_id=village.id, name="广场屏组")
        playlist = Playlist(org_id=village.id, name="广场轮播", priority=1, dayparts=[])
        playlist.entries = [
            PlaylistEntry(position=0, category=Category.VILLAGE_AFFAIRS.value, duration_s=20),
            PlaylistEntry(position=1, category=Category.SERVICE.value, duration_s=10),
        ]
        session.add_all([group, playlist])
        session.flush()
        members = list(
            session.scalars(sa.select(Screen.id).where(Screen.org_id == village.id).limit(5))
        )
        if members:
            session.execute(
                sa.insert(screen_group_members),
                [{"group_id": group.id, "screen_id": sid} for sid in members],
            )
        session.execute(
            sa.insert(playlist_groups), [{"playlist_id": playlist.id, "group_id": group.id}]
        )
        direct = session.scalar(
            sa.select(Screen.id).where(Screen.org_id == village.id).order_by(Screen.id.desc())
        )
        if direct is not None:
            session.execute(
                sa.insert(playlist_screens), [{"playlist_id": playlist.id, "screen_id": direct}]
            )
    # Nothing to push here: the measurement compiles.
    changes.take(session)
    session.commit()


@contextmanager
def counting(engine: sa.Engine) -> Iterator[list[int]]:
    """Count the SQL statements issued on ``engine`` inside the block (into ``found[0]``)."""
    found = [0]

    def count(*_args: Any) -> None:
        found[0] += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield found
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def _timed(engine: sa.Engine, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    with counting(engine) as queries:
        started = time.perf_counter()
        found = work()
        seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 4), "queries": queries[0], **found}


def _full(app: Flask, now: dt.datetime) -> dict[str, Any]:
    """Refresh every active screen's manifest, as the daily refresh does, in a new session."""
    with Session(bind=db.engine, expire_on_commit=False) as session:
        screens = manifests.affected_screens(session, [], [], everything=True)
        changed = manifests.refresh(session, screens, manifest_context(app, now))
        session.commit()
        versions = set(session.scalars(sa.select(Screen.manifest_version).where(Screen.active)))
        return {
            "screens": len(screens),
            "changed_screens": sum(len(ids) for _m, ids in changed.values()),
            "distinct_manifests": len(versions),
        }


def measure(app: Flask, now: dt.datetime) -> dict[str, Any]:
    engine = db.engine
    cold = _timed(engine, lambda: _full(app, now))
    warm = _timed(engine, lambda: _full(app, now))
    session = db.session
    orgs = _orgs(session)
    _publish(session, orgs[PUBLISH_ORG], 10_000, now)
    marks = changes.take(session)
    session.commit()

    def recompile() -> dict[str, Any]:
        done = push.recompile(marks, manifest_context(app, now))
        return {
            "changed_screens": sum(len(ids) for _m, ids in done.manifests),
            "distinct_manifests": len(done.manifests),
        }

    after = _timed(engine, recompile) | {
        "org": PUBLISH_ORG,
        "screens": len(manifests.affected_screens(session, marks.orgs, [], everything=False)),
    }
    totals = {
        "screens": session.scalar(sa.select(sa.func.count()).select_from(Screen)),
        "published_items": session.scalar(
            sa.select(sa.func.count())
            .select_from(Revision)
            .where(Revision.state == State.PUBLISHED)
        ),
    }
    return {"installation": totals, "full_cold": cold, "full_warm": warm, "after_publish": after}


def main(argv: list[str]) -> None:
    """``prepare SCREENS ITEMS`` or ``measure`` in the installation of the environment."""
    app = create_app()
    with app.app_context():
        now = registry.now()
        if argv[:1] == ["prepare"] and len(argv) == 3:
            prepare(db.session, now, int(argv[1]), int(argv[2]))
            return
        if argv != ["measure"]:
            raise SystemExit("usage: prepare SCREENS ITEMS | measure")
        sys.stdout.write(json.dumps(measure(app, now)) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
