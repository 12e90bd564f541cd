"""The demo's major village matter (四议两公开): 集义村's road project (村道硬化), its four
deliberations, the disclosure of the resolution (published) and, later, the disclosure of
the result (published), dated relative to the day of seeding.

Called once from :func:`signage_server.demo.seed.seed` with the content; idempotent (nothing
happens when the matter exists).
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.accounts.permissions import Principal
from signage_server.accounts.services import get_user
from signage_server.disclosure import services as items
from signage_server.disclosure.models import Item
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import Timing
from signage_server.errors import DomainError
from signage_server.matters import services as matters
from signage_server.matters.models import Matter
from signage_server.matters.rules import Body
from signage_server.matters.rules import Meeting
from signage_server.matters.rules import StageKind
from signage_server.orgs.services import require_by_code
from signage_server.workdays.services import load_calendar

logger = logging.getLogger(__name__)
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")

ORG = "JIYI-01"
TITLE = "集义村村东至村西道路硬化工程"
SUMMARY = (
    "村东至村西通组道路长1.2公里，现为砂石路，雨天泥泞、群众出行不便。拟硬化为4.5米宽水泥路面，"
    "估算投资42万元，其中上级“一事一议”财政奖补30万元，村集体经济收入12万元。"
)
EDITOR = "jiyi01_editor"
#: The procedure of a 三重一大 item of the village: the township reviews it too.
PROCEDURE = [
    ("submit", "jiyi01_editor"),
    ("review", "jiyi01_reviewer"),
    ("approve", "jiyi01_approver"),
    ("superior_approve", "jiyi_superior"),
    ("publish", "jiyi01_operator"),
]

#: The four meetings: days before seeding, meeting, expected, present, for, against,
#: abstained, what it proposed, agreed or resolved.
MEETINGS: list[tuple[StageKind, int, Body, int, int, int, int, int, str]] = [
    (
        StageKind.PROPOSAL,
        75,
        Body.BRANCH_COMMITTEE,
        5,
        5,
        5,
        0,
        0,
        "村党支部在走访党员群众、征求意见基础上，提议对村东至村西1.2公里通组道路实施硬化，"
        "申报“一事一议”财政奖补项目。",
    ),
    (
        StageKind.CONSULTATION,
        71,
        Body.TWO_COMMITTEES,
        7,
        7,
        7,
        0,
        0,
        "村“两委”联席会议商议同意：路面宽4.5米、厚18厘米，估算投资42万元；"
        "施工单位通过镇招投标平台公开比选确定，村务监督委员会全程监督。",
    ),
    (
        StageKind.DELIBERATION,
        66,
        Body.PARTY_ASSEMBLY,
        26,
        22,
        21,
        0,
        1,
        "党员大会审议通过村“两委”提出的道路硬化方案。",
    ),
    (
        StageKind.RESOLUTION,
        62,
        Body.REPRESENTATIVES,
        35,
        31,
        29,
        1,
        1,
        "村民代表会议决议：实施村东至村西道路硬化工程，村集体出资12万元，不向村民摊派。",
    ),
]


def _principal(session: Session, username: str) -> Principal:
    user = get_user(session, username)
    if user is None:
        raise LookupError(f"demo user {username} is missing")
    return Principal.of(user)


def _at(now: dt.datetime, days: int, hour: int = 9) -> dt.datetime:
    day = now.astimezone(TZ).date() - dt.timedelta(days=days)
    return min(dt.datetime.combine(day, dt.time(hour), TZ), now - dt.timedelta(hours=1))


def _item(
    session: Session, matter: Matter, which: str, fields: items.Fields, at: dt.datetime
) -> Item:
    """Draft the item, link it to the matter as ``which``, take it through the procedure."""
    org = require_by_code(session, ORG)
    calendar = load_calendar(session)
    item = items.create_item(
        session,
        org,
        _principal(session, EDITOR),
        fields,
        items.Env(now=at, calendar=calendar, tz=TZ),
    )
    link = matters.link_decision if which == "decision" else matters.link_result
    link(session, matter, item, _principal(session, EDITOR), at)
    for number, (action, username) in enumerate(PROCEDURE, start=1):
        step_at = at + dt.timedelta(hours=2 * number)
        items.transition(
            session,
            item,
            _principal(session, username),
            Action(action),
            "",
            items.Env(now=step_at, calendar=calendar, tz=TZ),
        )
    for revision in item.revisions:
        revision.created_at = min(revision.created_at or at, at)
    item.created_at = at
    return item


def _body(lines: list[str]) -> dict[str, Any]:
    return {"type": "text", "format": "plain", "text": "\n".join(lines)}


def seed_matters(session: Session, now: dt.datetime) -> int:
    """Tell the road project's 四议两公开 once; return how many matters were created."""
    org = require_by_code(session, ORG)
    if session.scalar(sa.select(Matter.id).where(Matter.org_id == org.id, Matter.title == TITLE)):
        return 0
    editor = _principal(session, EDITOR)
    try:
        matter = matters.create_matter(session, org, TITLE, SUMMARY, editor, _at(now, 80))
        for kind, days, body, expected, present, votes_for, against, abstained, text in MEETINGS:
            held = _at(now, days, 15)
            meeting = Meeting(
                kind, held.date(), body, present, expected, votes_for, against, abstained
            )
            matters.record_stage(
                session, matter, meeting, text, editor, held, now.astimezone(TZ).date()
            )
        decided = MEETINGS[-1]
        _item(
            session,
            matter,
            "decision",
            items.Fields(
                title="集义村村东至村西道路硬化工程决议公开",
                category=Category.DECISIONS,
                timing=Timing.STAGED,
                scope=Scope.PUBLIC,
                major=True,
                stage="决议公开",
                department="村民委员会",
                accountable="王建国",
                body=_body(
                    [
                        "经村党支部提议、村“两委”商议、党员大会审议、村民代表会议决议，"
                        "决定实施村东至村西道路硬化工程。",
                        "建设内容：道路长1.2公里，宽4.5米，水泥混凝土路面厚18厘米。",
                        "资金来源：“一事一议”财政奖补30万元，村集体经济收入12万元，不向村民摊派。",
                        f"村民代表会议应到{decided[3]}人，实到{decided[4]}人；"
                        f"赞成{decided[5]}人，反对{decided[6]}人，弃权{decided[7]}人。",
                        "施工单位经镇招投标平台公开比选确定，村务监督委员会全程监督。",
                    ]
                ),
            ),
            _at(now, 60),
        )
        _item(
            session,
            matter,
            "result",
            items.Fields(
                title="集义村村东至村西道路硬化工程实施结果公开",
                category=Category.DECISIONS,
                timing=Timing.STAGED,
                scope=Scope.PUBLIC,
                major=True,
                stage="实施结果公开",
                department="村民委员会",
                accountable="王建国",
                body=_body(
                    [
                        "村东至村西道路硬化工程已完工，经镇农业农村办公室组织验收合格。",
                        "实际完成道路1.2公里，决算金额40.6万元：财政奖补30万元，村集体支出10.6万元。",
                        "村务监督委员会全程参与监督，工程款支付凭证已在村务公开栏公开。",
                        "对工程质量有意见或建议的，请扫码反映。",
                    ]
                ),
            ),
            _at(now, 6),
        )
    except (DomainError, LookupError) as error:
        logger.warning("demo matter %r left out: %s", TITLE, error)
        session.rollback()
        return 0
    return 1
