"""The half-year assessment (考核) in the demo, entered through the real service: 集义镇's
superior (``jiyi_superior``) scores three of its villages on the six headings (六查六看) for the
current half year, with remarks, so that the township's ranking and the reports show
something. Each save is one audit record (three in all)."""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.assessment import rules
from signage_server.assessment import services
from signage_server.assessment.models import Assessment
from signage_server.assessment.rules import Heading
from signage_server.demo.content import TZ
from signage_server.demo.content import _principal
from signage_server.errors import DomainError
from signage_server.orgs.services import require_by_code

logger = logging.getLogger(__name__)

ASSESSOR = "jiyi_superior"
#: Village → the six scores in the order of :class:`Heading`, remarks, the overall remark.
SCORES: dict[str, tuple[tuple[int, ...], dict[Heading, str], str]] = {
    "JIYI-01": (
        (92, 88, 85, 90, 84, 90),
        {
            Heading.AWARENESS: "村两委把公开列入重要议事日程，主要负责人亲自审签。",
            Heading.MODELS: "“四议两公开”修路项目全过程公开，可在全镇推广。",
        },
        "公开内容全面、程序规范，群众意见答复及时；财务公开需在季度首月20日前完成。",
    ),
    "JIYI-02": (
        (80, 72, 70, 65, 75, 78),
        {Heading.ARRANGEMENT: "公开资料归档不全，部分季度财务公开缺少审核签字。"},
        "基本按目录公开，个别事项公开滞后，限期整改。",
    ),
    "JIYI-03": (
        (70, 65, 60, 60, 68, 70),
        {Heading.PROBLEMS: "群众反映的问题答复超期，原因分析不够。"},
        "公开意识有待加强，公开栏更新不及时。",
    ),
}


def seed_assessments(session: Session, now: dt.datetime) -> int:
    """Enter the demo's assessments once (nothing happens when assessments exist); return
    how many were saved."""
    if session.scalar(sa.select(sa.func.count()).select_from(Assessment)):
        return 0
    period = rules.period_of(now.astimezone(TZ).date())
    assessor = _principal(session, ASSESSOR)
    made = 0
    for code, (scores, remarks, remark) in SCORES.items():
        entry = services.Entry(
            scores=dict(zip(Heading, scores, strict=True)), remarks=remarks, remark=remark
        )
        try:
            org = require_by_code(session, code)
            services.save_scores(session, assessor, org, period, entry, now)
        except DomainError:
            logger.exception("demo assessment of %s", code)
            continue
        made += 1
    return made
