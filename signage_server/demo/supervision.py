"""Supervision in the demo: the roster of 集义村 (two appointed villagers besides the
supervisors with accounts), the township supervisor's inspection of 集义村 with two findings
(one rectified and accepted, one overdue), this month's supervisors' meeting, and the
township's accountability record about the overdue one. Told once, through the real
services (each change sealed in the audit chain)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.demo.content import TZ
from signage_server.demo.content import _principal
from signage_server.disclosure.models import Item
from signage_server.orgs.services import require_by_code
from signage_server.supervision import services
from signage_server.supervision.models import Inspection
from signage_server.supervision.rules import Breach
from signage_server.supervision.rules import FindingAction
from signage_server.supervision.rules import Measure
from signage_server.supervision.rules import MeetingKind
from signage_server.supervision.rules import Point


def seed_supervision(session: Session, now: dt.datetime) -> int:
    """Create the demo's supervision records once (nothing when an inspection exists);
    return how many findings were recorded."""
    if session.scalar(sa.select(sa.func.count()).select_from(Inspection)):
        return 0
    village = require_by_code(session, "JIYI-01")
    township_supervisor = _principal(session, "jiyi_supervisor")
    approver = _principal(session, "jiyi01_approver")
    superior = _principal(session, "jiyi_superior")
    today = now.astimezone(TZ).date()

    def at(days_ago: int, hour: int = 10) -> dt.datetime:
        moment = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(hour), TZ)
        return min(moment, now - dt.timedelta(minutes=30))

    for name, post, appointed in (
        ("李德胜", "老党员、退休教师", today.replace(month=1, day=8)),
        ("孙桂英", "村民代表", today.replace(month=1, day=8)),
    ):
        services.appoint(
            session,
            approver,
            village,
            name=name,
            post=post,
            phone="",
            appointed_on=appointed,
            term_until=appointed.replace(year=appointed.year + 3) - dt.timedelta(days=1),
        )

    inspected = at(45)
    inspection = services.record_inspection(
        session,
        township_supervisor,
        village,
        inspected_on=inspected.astimezone(TZ).date(),
        results={
            "content": ("finding", "三季度村级财务收支未逐笔公开"),
            "procedure": ("ok", ""),
            "form": ("ok", ""),
            "rules": ("ok", ""),
            "execution": ("ok", ""),
            "results": ("finding", "意见箱群众意见未见回复"),
        },
        summary="按照“六查六看”要求，对集义村党务村务公开情况进行检查，发现问题两项，限期整改。",
        inspector_ids=[],
        now=inspected,
    )
    item_id = session.scalar(
        sa.select(Item.id).where(Item.org_id == village.id).order_by(Item.id).limit(1)
    )
    overdue = services.add_finding(
        session,
        township_supervisor,
        inspection,
        point=Point.CONTENT,
        description="三季度村级财务收支只公开了汇总数，未逐笔公开明细，群众看不明白。",
        owner_id=approver.user.id,
        deadline=None,  # 20 working days from the inspection: past by now
        item_id=item_id,
        now=inspected,
        tz=TZ,
    )
    answered = services.add_finding(
        session,
        township_supervisor,
        inspection,
        point=Point.RESULTS,
        description="意见箱收到的两条群众意见超过一个月未答复。",
        owner_id=approver.user.id,
        deadline=None,
        item_id=None,
        now=inspected,
        tz=TZ,
    )
    services.act(
        session,
        approver,
        answered,
        FindingAction.RECTIFY,
        text="已逐条答复并在公开栏公布答复情况，建立意见箱每周开箱登记制度。",
        evidence="意见箱开箱登记簿第3-5页；公开栏照片存村委会档案。",
        now=at(35),
        tz=TZ,
    )
    services.act(
        session,
        township_supervisor,
        answered,
        FindingAction.ACCEPT,
        now=at(33),
        tz=TZ,
    )

    services.record_meeting(
        session,
        approver,
        village,
        kind=MeetingKind.MONTHLY,
        held_on=min(today.replace(day=1) + dt.timedelta(days=4), today),
        attendees_count=4,
        attendees="周玉兰、李德胜、孙桂英等",
        topics="通报三季度财务公开整改进展；听取监督员对公开栏内容的意见。",
        conclusions="财务明细本月底前逐笔补公开；下月会议复查。",
        now=at(0, 9),
    )

    services.open_accountability(
        session,
        superior,
        village,
        breach=Breach.NOT_DISCLOSED,
        persons="集义村党支部书记（第一责任人）",
        facts="三季度村级财务收支明细应公开而未逐笔公开，检查后逾期未整改。",
        measure=Measure.ADMONITION_TALK,
        decision="由镇党委对第一责任人进行诫勉谈话，责令五个工作日内完成整改。",
        decided_on=at(1).astimezone(TZ).date(),
        item_ids=[],
        finding_ids=[overdue.id],
        now=at(1),
    )
    return 2
