"""Routing as the rules say, in the demo: an election in 集义村 (JIYI-01) with its voter list
(选民名单) published more than 20 days before the election day, one villager's objection to
it answered within 3 days, and one complaint about the village committee with the township
(集义镇). Told once, through the real services."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.demo.content import PUBLISH_HIGHER
from signage_server.demo.content import TZ
from signage_server.demo.content import Story
from signage_server.demo.content import V
from signage_server.demo.content import _principal
from signage_server.demo.content import _tell
from signage_server.demo.feedback import _published
from signage_server.disclosure.models import Revision
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import NoticeKind
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import Timing
from signage_server.feedback.rules import Kind
from signage_server.feedback.rules import Source
from signage_server.feedback.services import handling
from signage_server.feedback.services.intake import Submission
from signage_server.feedback.services.intake import submit_case
from signage_server.feedback.services.scanning import Target
from signage_server.orgs.services import require_by_code
from signage_server.workdays.services import load_calendar

VOTER_LIST_TITLE = "集义村第十二届村民委员会选举选民名单"


def seed_routing(session: Session, now: dt.datetime) -> int:
    """Create the election's voter list and the two cases once (nothing happens when a voter
    list exists); return how many cases were made."""
    if session.scalar(
        sa.select(sa.func.count())
        .select_from(Revision)
        .where(Revision.notice_kind == NoticeKind.VOTER_LIST)
    ):
        return 0
    local = now.astimezone(TZ)
    start = (local - dt.timedelta(days=4)).replace(hour=8, minute=30, second=0, microsecond=0)
    election = local.date() + dt.timedelta(days=26)
    story = Story(
        start,
        "JIYI-01",
        V["editor"],
        {
            "title": VOTER_LIST_TITLE,
            "category": Category.VILLAGE_AFFAIRS,
            "timing": Timing.IMMEDIATE,
            "scope": Scope.PUBLIC,
            "notice_kind": NoticeKind.VOTER_LIST,
            "election_on": election,
            "department": "集义村村民选举委员会",
            "accountable": "王建国",
            "body": {
                "type": "table",
                "caption": f"集义村第十二届村民委员会选举选民名单（选举日：{election:%Y年%m月%d日}）",
                "columns": ["村民小组", "姓名", "性别", "出生年月", "备注"],
                "rows": [
                    ["一组", "王德福", "男", "1958-03", ""],
                    ["一组", "李秀英", "女", "1962-11", ""],
                    ["二组", "赵磊", "男", "1990-07", ""],
                    ["三组", "刘小梅", "女", "2008-05", "新增：年满十八周岁"],
                    ["五组", "陈有田", "男", "1949-01", "委托投票"],
                ],
                "note": "对选民名单有不同意见的，请自公布之日起五日内向村民选举委员会提出（扫码即可），"
                "村民选举委员会在三日内作出解释或者补正。",
            },
        },
        PUBLISH_HIGHER,
    )
    if not _tell(session, story, load_calendar(session), now):
        return 0
    village = require_by_code(session, "JIYI-01")
    made = 0
    voter_list = _published(session, village.id, VOTER_LIST_TITLE)
    if voter_list is not None:
        item, revision = voter_list
        objection = submit_case(
            session,
            Target(Source.POSTER, village, item=item, revision=revision),
            Submission(
                kind=Kind.OBJECTION,
                text="我家女儿刘小燕2008年3月出生，已满十八周岁，户籍在三组，名单上没有她。",
                name="刘长林",
                phone="13907310001",
            ),
            min(local - dt.timedelta(days=2), now - dt.timedelta(hours=3)),
        )
        handler = _principal(session, "jiyi01_handler")
        answer_at = min(local - dt.timedelta(days=1), now - dt.timedelta(hours=2))
        handling.reply_to_case(
            session,
            objection,
            handler,
            "经村民选举委员会核实，刘小燕符合选民条件，已补入三组选民名单，补正后的名单同时公布。",
            True,
            answer_at,
        )
        handling.close_case(session, objection, handler, answer_at + dt.timedelta(minutes=30))
        made += 1
    finance = _published(session, village.id, "村级财务收支")
    if finance is not None:
        item, revision = finance
        complaint = submit_case(
            session,
            Target(Source.POSTER, village, item=item, revision=revision),
            Submission(
                kind=Kind.COMPLAINT,
                text="村委会三个月没有按时公开财务，去问也说没空，请镇里督促。",
            ),
            min(local - dt.timedelta(days=1), now - dt.timedelta(hours=1)),
        )
        handling.acknowledge_case(session, complaint, _principal(session, "jiyi_handler"), now)
        made += 1
    session.flush()
    return made
