"""The prepare step of ``signage bench push``: run as ``python -m
signage_server.bench.pushprep SCREENS`` in a seeded demo installation.

It registers ``SCREENS`` public screens spread over the villages of the demo township in
one transaction (service calls, not one HTTP request each), drafts two township items that every
one of them shows once published and takes them up to approval, and prints JSON:
``{"warm_item": id, "item": id, "tokens": [...]}``. The benchmark publishes both through the
API: the first warms the server's path (its caches of compiled statements, as after any
first publish), the second is measured.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import zoneinfo
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server import create_app
from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.services import get_user
from signage_server.disclosure import services as items
from signage_server.disclosure.audience import Audience
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import Timing
from signage_server.extensions import db
from signage_server.orgs.models import Org
from signage_server.orgs.services import require_by_code
from signage_server.screens.layouts import design_sizes
from signage_server.screens.services.registration import ScreenFields
from signage_server.screens.services.registration import register
from signage_server.workdays.services import load_calendar

TOWNSHIP = "JIYI"
PEOPLE = "jiyi"


def prepare(count: int, now: dt.datetime) -> dict[str, object]:
    session = db.session
    township = require_by_code(session, TOWNSHIP)
    villages = list(
        session.scalars(
            sa.select(Org).where(Org.parent_id == township.id, Org.code.like(TOWNSHIP + "-0%"))
        )
    ) or [township]
    sizes = design_sizes()
    tokens = []
    for n in range(count):
        screen = ScreenFields(name=f"bench {n + 1}", audience=Audience.PUBLIC)
        _screen, token = register(session, villages[n % len(villages)], screen, layouts=sizes)
        assert token is not None
        tokens.append(token)
    session.commit()

    def person(role: str, people: str = PEOPLE) -> Principal:
        user = get_user(session, f"{people}_{role}")
        assert user is not None
        return Principal.of(user)

    env = items.Env(now, load_calendar(session), zoneinfo.ZoneInfo("Asia/Shanghai"))
    warm, measured = (approved(session, township, person, env, title) for title in TITLES)
    return {
        "warm_item": warm,
        "item": measured,
        "operator": f"{PEOPLE}_operator",
        "tokens": tokens,
    }


#: The titles of the items published: the first warms the path, the second is measured.
TITLES = ("推送测试：镇村公告（预热）", "推送测试：镇村公告")


def approved(
    session: Session,
    township: Org,
    person: Callable[..., Principal],
    env: items.Env,
    title: str,
) -> int:
    """Draft a township item every bench screen shows and take it up to approval."""
    fields = items.Fields(
        title=title,
        category=Category.VILLAGE_AFFAIRS,
        timing=Timing.IMMEDIATE,
        scope=Scope.PUBLIC,
        body={"type": "text", "text": "本条用于测量发布到每块屏幕的时间。" * 20},
        department="镇党政办",
        accountable="王建国",
    )
    item = items.create_item(session, township, person("editor"), fields, env)
    for action, role in (
        (Action.SUBMIT, "editor"),
        (Action.REVIEW, "reviewer"),
        (Action.APPROVE, "approver"),
    ):
        items.transition(session, item, person(role), action, "", env)
    # The township's items are approved above it too (the county's superior).
    items.transition(session, item, person("superior", "xian"), Action.SUPERIOR_APPROVE, "", env)
    session.commit()
    return item.id


def main(argv: list[str]) -> None:
    app = create_app()
    with app.app_context():
        sys.stdout.write(json.dumps(prepare(int(argv[0]), registry.now())) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
