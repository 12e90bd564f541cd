"""Villagers' feedback in the demo: an answered question, an overdue comment, a request whose
refusal awaits the township's review, a real-name report with the township's discipline
commission, a fresh question, and cases staff recorded for villagers without a smartphone
(a call to the hotline, a letter, a reception day). Told once, through the real services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.accounts.permissions import Principal
from signage_server.demo.content import TZ
from signage_server.demo.content import _principal
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.rules import State
from signage_server.feedback.models import Case
from signage_server.feedback.rules import Channel
from signage_server.feedback.rules import Kind
from signage_server.feedback.rules import Source
from signage_server.feedback.services import handling
from signage_server.feedback.services.intake import Submission
from signage_server.feedback.services.intake import submit_case
from signage_server.feedback.services.recording import Heard
from signage_server.feedback.services.recording import record_case
from signage_server.feedback.services.scanning import Target
from signage_server.orgs.models import Org
from signage_server.orgs.services import require_by_code
from signage_server.screens.models import Screen


def _published(session: Session, org_id: int, title_part: str) -> tuple[Item, Revision] | None:
    revision = session.scalar(
        sa.select(Revision)
        .join(Item, Item.id == Revision.item_id)
        .where(Item.org_id == org_id, Revision.state == State.PUBLISHED)
        .where(Revision.title.contains(title_part))
        .order_by(Revision.id.desc())
        .limit(1)
    )
    return (revision.item, revision) if revision is not None else None


def seed_feedback(session: Session, now: dt.datetime) -> int:
    """Create the demo cases once (nothing happens when cases exist); return how many."""
    if session.scalar(sa.select(sa.func.count()).select_from(Case)):
        return 0
    village = require_by_code(session, "JIYI-01")
    screen = session.scalar(
        sa.select(Screen).where(Screen.org_id == village.id, Screen.audience == "public").limit(1)
    )
    handler = _principal(session, "jiyi01_handler")
    # A question on the village finances is village affairs: the village affairs supervision
    # committee (the village's reviewer) answers it.
    committee = _principal(session, "jiyi01_reviewer")
    discipline = _principal(session, "jiyi_discipline")
    local = now.astimezone(TZ)

    def ago(days: int, hour: int = 10) -> dt.datetime:
        day = (local - dt.timedelta(days=days)).replace(hour=hour, minute=12, second=0)
        return min(day, now - dt.timedelta(minutes=30))

    def case(
        found: tuple[Item, Revision] | None,
        kind: Kind,
        text: str,
        at: dt.datetime,
        name: str = "",
        phone: str = "",
    ) -> Case | None:
        if found is None:
            if screen is None:
                return None
            target = Target(Source.SCREEN_GENERAL, village, screen=screen)
        else:
            item, revision = found
            target = Target(Source.SCREEN, village, item=item, revision=revision, screen=screen)
        submission = Submission(kind=kind, text=text, name=name, phone=phone)
        return submit_case(session, target, submission, at)

    made = 0
    finance = _published(session, village.id, "村级财务收支")
    road = _published(session, village.id, "通组道路")
    relief = _published(session, village.id, "低保")

    answered = case(
        finance,
        Kind.QUESTION,
        "上季度“道路维修材料费”一万二千多元，买的是什么材料？用在哪段路上？",
        ago(6),
        phone="13912345678",
    )
    if answered is not None:
        made += 1
        handling.assign_case(session, answered, committee, committee.user.id, ago(5))
        handling.reply_to_case(
            session,
            answered,
            committee,
            "材料为水泥42吨、碎石60方，用于三组至五组通组道路的破损路面修补，"
            "票据和验收单可到村党群服务站查阅。",
            True,
            ago(4),
        )
        handling.close_case(session, answered, committee, ago(4, 15))

    overdue = case(
        road,
        Kind.COMMENT,
        "建议施工期间在路口设置警示牌，晚上路边的沙堆看不清，老人孩子容易摔倒。",
        ago(30),
    )
    made += overdue is not None

    request = case(
        None,
        Kind.REQUEST,
        "请公开村集体机动地的承包合同和承包费收取情况。",
        ago(8),
        name="赵建民",
        phone="13687654321",
    )
    if request is not None:
        made += 1
        handling.refuse_request(
            session,
            request,
            handler,
            "承包合同含承包人身份证号和银行账号等个人信息，拟不予公开全文；承包费收取情况将在下季度财务公开中列明。",
            ago(3),
        )

    report = case(
        relief,
        Kind.REPORT,
        "公示的低保户名单里有村干部的亲属，家里有小汽车和门面房，不符合条件。",
        ago(2),
        name="李桂兰",
        phone="13511112222",
    )
    if report is not None:
        made += 1
        handling.acknowledge_case(session, report, discipline, ago(1))

    fresh = case(
        road,
        Kind.QUESTION,
        "第二阶段什么时候完工？完工后谁负责验收？",
        now - dt.timedelta(hours=2),
    )
    made += fresh is not None
    made += _recorded(session, village, relief, road, ago)
    session.flush()
    return made


def _recorded(
    session: Session,
    village: Org,
    relief: tuple[Item, Revision] | None,
    road: tuple[Item, Revision] | None,
    ago: Callable[..., dt.datetime],
) -> int:
    """Cases heard without a smartphone (代录): a call to the hotline the village's desk
    recorded and answered, a letter reporting the village (recorded at the village, handled
    by the township's discipline commission: the village's desk does not see it), a comment
    from the township's reception day. Return how many."""
    desk = _principal(session, "jiyi01_handler")
    township_desk = _principal(session, "jiyi_handler")
    made = 0

    def record(
        who: Principal,
        channel: Channel,
        received: dt.datetime,
        at: dt.datetime,
        found: tuple[Item, Revision] | None,
        submission: Submission,
    ) -> Case:
        heard = Heard(
            org=village.code,
            channel=channel,
            received_on=received.astimezone(TZ).date(),
            submission=submission,
            item_id=found[0].id if found is not None else None,
        )
        return record_case(session, who, heard, at)

    call = record(
        desk,
        Channel.PHONE,
        ago(3, 9),
        ago(3, 9),
        relief,
        Submission(
            kind=Kind.QUESTION,
            text="我家老伴今年做了大手术，花了六万多，能不能申请临时救助？要带什么材料？",
            name="王德福",
            phone="13787651234",
        ),
    )
    handling.reply_to_case(
        session,
        call,
        desk,
        "可以申请。请带户口簿、身份证、医院费用清单和发票复印件到村党群服务站填表，"
        "村里审核后报镇民政办，一般十五个工作日内有结果。",
        True,
        ago(2, 15),
    )
    made += 1
    record(
        desk,
        Channel.LETTER,
        ago(6),
        ago(4, 11),
        road,
        Submission(
            kind=Kind.REPORT,
            text="通组道路第一阶段的碎石是村主任亲戚的料场供的，价格比市场高，没有比价。",
        ),
    )
    made += 1
    record(
        township_desk,
        Channel.VISIT,
        ago(1, 10),
        ago(1, 10),
        None,
        Submission(
            kind=Kind.COMMENT,
            text="希望村里公开栏的字再大一些，老年人看不清；最好在村口也放一块。",
            name="刘秀芳",
        ),
    )
    return made + 1
