"""What ``signage bench print`` measures, run inside a throw-away demo installation.

``signage bench print`` (:mod:`signage_server.bench.print`) seeds the installation, then runs
this module in fresh processes::

    python -m signage_server.bench.documents prepare          # adds the long and wide tables
    python -m signage_server.bench.documents measure KIND N   # one JSON line

``measure`` times the first rendering of document ``KIND`` in the process (cold: WeasyPrint's
import, fontconfig's scan of the system fonts, the first use of each face) and then ``N``
more (warm), each from the database to the PDF bytes (gathering, template, rendering), and
reports the pages and bytes of the file. The documents are :data:`DOCUMENTS`.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import time
import zoneinfo
from collections.abc import Callable
from dataclasses import asdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server import create_app
from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.services import get_user
from signage_server.bench import procedure
from signage_server.catalog.services import require_entry_for
from signage_server.demo import bilingual
from signage_server.disclosure import services as items
from signage_server.disclosure.audience import Audience
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import State
from signage_server.disclosure.rules import Timing
from signage_server.disclosure.services import get_item
from signage_server.extensions import db
from signage_server.orgs.models import Org
from signage_server.orgs.services import require_by_code
from signage_server.paper.archive import dossier_pdf
from signage_server.paper.posters import board_pdf
from signage_server.paper.posters import poster_pdf
from signage_server.paper.render import page_count
from signage_server.workdays.services import load_calendar

#: A document to measure: given the session and the time, a function that prints it anew
#: (``None``: not available in this installation).
Render = Callable[[], bytes]
Maker = Callable[[Session, dt.datetime], Render | None]

#: Titles of what ``prepare`` adds to the demo.
LONG_TABLE = "集义村2026年1-10月村级财务收支明细账"
WIDE_TABLE = "集义村2026年1-10月村集体收支分月明细"
BOARD_ORG = "JIYI-01"


@dataclass
class Measured:
    kind: str
    label: str
    pages: int
    bytes: int
    cold_s: float
    warm_s: list[float]

    @property
    def warm_median_s(self) -> float:
        return statistics.median(self.warm_s) if self.warm_s else self.cold_s

    def as_json(self) -> dict[str, object]:
        return {**asdict(self), "warm_median_s": self.warm_median_s}


# --- the demo's documents -------------------------------------------------------------------


def _published(
    session: Session,
    title: str | None = None,
    body_type: str | None = None,
    org: str = BOARD_ORG,
) -> int:
    """Return the id of a current public item of a demo village (by title or body type)."""
    query = (
        sa.select(Item.id, Revision.title, Revision.body)
        .join(Revision, (Revision.item_id == Item.id) & (Revision.number == Item.live_number))
        .join(Org, Item.org_id == Org.id)
        .where(Org.code == org, Revision.state == State.PUBLISHED)
        .where(Revision.scope == Scope.PUBLIC)
        .order_by(Item.id)
    )
    for item_id, found_title, body in session.execute(query):
        if (title is None or found_title == title) and (
            body_type is None or body.get("type") == body_type
        ):
            return int(item_id)
    raise LookupError(f"no current item {title or body_type!r} at {org}")


def _poster(
    title: str | None, body_type: str | None, size: str, orientation: str, org: str = BOARD_ORG
) -> Maker:
    def make(session: Session, now: dt.datetime) -> Render:
        item_id = _published(session, title, body_type, org)
        return lambda: poster_pdf(
            session, get_item(session, item_id), size=size, orientation=orientation, now=now
        )

    return make


def _board(session: Session, now: dt.datetime) -> Render:
    org = require_by_code(session, BOARD_ORG)
    return lambda: board_pdf(session, org, audience=Audience.PUBLIC, now=now)


def dossier_document(session: Session, now: dt.datetime) -> Render | None:
    """The archive dossier of the demo village's quarterly finances (an interim one: what
    ``GET /api/v1/items/<id>/archive.pdf`` renders for an item still published; the chain
    check, the audit trail, proof of play and feedback gathered each time)."""
    item_id = _published(session, "集义村2026年第三季度村级财务收支情况")
    return lambda: dossier_pdf(session, get_item(session, item_id), now=now)


#: Kind → (what it is, how to make it), in the order of the report.
DOCUMENTS: dict[str, tuple[str, Maker]] = {
    "poster": (
        "1-page poster, A4 (text: 三会一课制度)",
        _poster("集义村党支部“三会一课”制度", "text", "A4", "portrait"),
    ),
    "table-poster": (
        "1-page poster, A4 (table: 村级财务收支)",
        _poster("集义村2026年第三季度村级财务收支情况", None, "A4", "portrait"),
    ),
    "long-table-poster": (
        "multi-page poster, A4 (table of 120 rows)",
        _poster(LONG_TABLE, None, "A4", "portrait"),
    ),
    "wide-poster": (
        "poster, A3 landscape (table of 11 columns)",
        _poster(WIDE_TABLE, None, "A3", "landscape"),
    ),
    "uyghur-poster": (
        "poster, A4 (the table in Chinese and in Uyghur, right to left)",
        _poster(bilingual.FINANCE_TITLE_ZH, None, "A4", "portrait", "YUEPUHU-01"),
    ),
    "mongolian-poster": (
        "poster, A4 (text in Chinese and in Mongolian, in vertical columns)",
        _poster(bilingual.NOTICE_TITLE_ZH, None, "A4", "portrait", "BAYAN-01"),
    ),
    "board": ("board of 集义村 (public)", _board),
    "dossier": ("archive dossier (interim) of 村级财务收支", dossier_document),
}


# --- preparing and measuring -----------------------------------------------------------------


def prepare(session: Session, now: dt.datetime) -> None:
    """Add a long table (multi-page poster) and a wide one (A3 landscape) to the demo village,
    through the procedure of its demo users."""
    org = require_by_code(session, BOARD_ORG)
    env = items.Env(now, load_calendar(session), zoneinfo.ZoneInfo("Asia/Shanghai"))

    def person(role: str) -> Principal:
        user = get_user(session, f"jiyi01_{role}")
        assert user is not None
        return Principal.of(user)

    long_rows: list[list[object]] = [
        [
            f"{1 + i // 12}月{1 + i % 28}日",
            f"第{i + 1}笔 村内公共设施维修及材料费",
            None,
            120 + i,
            "赵磊",
        ]
        for i in range(120)
    ]
    wide_rows: list[list[object]] = [
        [name] + [round(1000 + 37.5 * r * m, 2) for m in range(1, 11)]
        for r, name in enumerate(
            [
                "村级组织运转经费",
                "集体机动地承包费",
                "光伏发电收益",
                "鱼塘租赁收入",
                "道路维修支出",
            ],
            start=1,
        )
    ]
    bodies = {
        LONG_TABLE: {
            "type": "table",
            "columns": ["日期", "摘要", "收入（元）", "支出（元）", "经手人"],
            "rows": long_rows,
        },
        WIDE_TABLE: {
            "type": "table",
            "columns": ["项目"] + [f"{m}月金额" for m in range(1, 11)],
            "rows": wide_rows,
        },
    }
    for title, body in bodies.items():
        fields = items.Fields(
            title=title,
            category=Category.VILLAGE_AFFAIRS,
            timing=Timing.PERIODIC,
            scope=Scope.PUBLIC,
            body=body,
            department="村报账员",
            accountable="王建国",
            catalog_entry=require_entry_for(session, org, "CW-01"),
        )
        item = items.create_item(session, org, person("editor"), fields, env)
        actions = (Action.SUBMIT, Action.REVIEW, Action.APPROVE, Action.PUBLISH)
        procedure.take(session, item, person, env, actions)
    session.commit()


def measure(session: Session, kind: str, runs: int, now: dt.datetime) -> Measured | None:
    """Print document ``kind`` once cold (the first in this process) and ``runs`` times warm."""
    label, make = DOCUMENTS[kind]
    render = make(session, now)
    if render is None:
        return None
    started = time.perf_counter()
    pdf = render()
    cold = time.perf_counter() - started
    warm = []
    for _ in range(runs):
        session.expire_all()  # read from the database every time, as a request does
        started = time.perf_counter()
        render()
        warm.append(time.perf_counter() - started)
    return Measured(kind, label, page_count(pdf), len(pdf), cold, warm)


def main(argv: list[str]) -> None:
    """``prepare`` or ``measure KIND RUNS`` in the installation of the environment."""
    app = create_app()
    with app.app_context():
        now = registry.now()
        if argv[:1] == ["prepare"]:
            prepare(db.session, now)
            return
        if len(argv) != 3 or argv[0] != "measure" or argv[1] not in DOCUMENTS:
            raise SystemExit(f"usage: prepare | measure {{{','.join(DOCUMENTS)}}} RUNS")
        found = measure(db.session, argv[1], int(argv[2]), now)
        sys.stdout.write(json.dumps(found.as_json() if found else {"kind": argv[1]}) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
