"""Democratic appraisals (民主评议) in the demo, told once through the real services:

* 集义村 (``JIYI-01``), last year: closed, its results drafted as a disclosure item by the
  village's editor (a draft waiting for the editor to name the accountable person and submit
  it, as the procedure wants);
* 集义村, this year: open now for another week, with a dozen ballots.

The ballots are cast the way a phone casts them (code requested, checked, ballot sent) with
a sender that keeps the code in memory, and under a demo key of their own (random, not the
installation's): the demo numbers ``1380000xxxx`` are not reserved for the real appraisals.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.appraisal import services
from signage_server.appraisal.models import Appraisal
from signage_server.appraisal.rules import Answer
from signage_server.appraisal.rules import CodePolicy
from signage_server.appraisal.rules import Rating
from signage_server.demo.content import TZ
from signage_server.demo.content import _principal
from signage_server.disclosure.services import Env
from signage_server.errors import DomainError
from signage_server.orgs.services import require_by_code
from signage_server.workdays.services import load_calendar

logger = logging.getLogger(__name__)

VILLAGE = "JIYI-01"
MEMBERS = (("张建华", "村委会主任"), ("李秀英", "村委会委员、妇女主任"), ("赵德明", "村委会委员"))

S, B, D = Rating.SATISFIED, Rating.BASIC, Rating.DISSATISFIED
#: Each ballot: the committee, then the members in order.
LAST_YEAR = [
    (S, S, B, S),
    (S, B, S, S),
    (B, S, S, B),
    (S, S, S, S),
    (D, B, S, D),
    (S, S, B, S),
    (B, B, S, B),
    (S, S, S, B),
    (S, D, S, S),
    (B, S, B, S),
    (S, S, S, S),
    (D, B, D, B),
    (S, B, S, S),
    (S, S, B, S),
    (B, S, S, S),
    (S, S, S, D),
]
THIS_YEAR = [
    (S, S, S, B),
    (B, S, B, S),
    (S, B, S, S),
    (S, S, S, S),
    (D, B, S, B),
    (S, S, B, S),
    (B, S, S, S),
    (S, S, S, B),
    (S, B, D, S),
    (S, S, S, S),
    (B, B, S, B),
    (S, S, B, S),
]
COMMENTS = {0: "希望村务公开栏按时更新，财务收支写得再细一些。", 3: "村道路灯修得及时，点赞。"}


class CodeKeeper:
    """A text-message sender that keeps the last code (the demo's phones)."""

    delivers = True
    demo_notice = False

    def __init__(self) -> None:
        self.last = ""

    def send(self, phone: str, text: str) -> None:
        self.last = text.split("验证码 ", 1)[1][:6]


def _vote(
    session: Session,
    appraisal: Appraisal,
    phone: str,
    ratings: tuple[Rating, ...],
    comment: str,
    at: dt.datetime,
    key: bytes,
) -> None:
    keeper, policy = CodeKeeper(), CodePolicy()
    ticket = services.request_code(
        session, appraisal, phone, key=key, sender=keeper, policy=policy, now=at
    )
    services.verify_code(session, appraisal, ticket, keeper.last, key=key, policy=policy, now=at)
    subjects = [s.id for s in appraisal.subjects]
    answers = {
        s: Answer(s, rating, comment if i == 0 else "")
        for i, (s, rating) in enumerate(zip(subjects, ratings, strict=True))
    }
    services.cast_ballot(session, appraisal, ticket, answers, policy=policy, now=at)


def _appraisal(
    session: Session,
    year: int,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    ballots: Sequence[tuple[Rating, ...]],
    key: bytes,
    now: dt.datetime,
) -> Appraisal:
    village = require_by_code(session, VILLAGE)
    approver = _principal(session, "jiyi01_approver")
    draft = services.Draft(
        year=year,
        title=f"集义村{year}年度村民委员会民主评议",
        opens_at=opens_at,
        closes_at=closes_at,
        members=MEMBERS,
    )
    appraisal = services.create_appraisal(
        session, approver, village, draft, opens_at - dt.timedelta(days=2)
    )
    services.open_appraisal(session, approver, appraisal, opens_at - dt.timedelta(days=1))
    # Spread over the period (up to ``now`` for the open one).
    span = (min(closes_at, now) - opens_at) / (len(ballots) + 1)
    for n, ratings in enumerate(ballots):
        phone = f"1380000{year % 100:02d}{n:02d}"
        _vote(
            session, appraisal, phone, ratings, COMMENTS.get(n, ""), opens_at + span * (n + 1), key
        )
    return appraisal


def seed_appraisals(session: Session, now: dt.datetime) -> int:
    """Create the demo appraisals once (nothing happens when appraisals exist); return how
    many were created."""
    if session.scalar(sa.select(sa.func.count()).select_from(Appraisal)):
        return 0
    key = secrets.token_bytes(32)
    local = now.astimezone(TZ)
    made = 0
    try:
        last = local.year - 1
        opens = dt.datetime(last, 12, 10, 8, 0, tzinfo=TZ)
        closes = dt.datetime(last, 12, 25, 0, 0, tzinfo=TZ)
        closed = _appraisal(session, last, opens, closes, LAST_YEAR, key, now)
        services.close_appraisal(session, _principal(session, "jiyi01_approver"), closed, closes)
        env = Env(now=closes + dt.timedelta(days=2), calendar=load_calendar(session), tz=TZ)
        services.publish_results(session, _principal(session, "jiyi01_editor"), closed, env)
        made += 1
        today = local.replace(hour=8, minute=0, second=0, microsecond=0)
        _appraisal(
            session,
            local.year,
            today - dt.timedelta(days=3),
            today + dt.timedelta(days=7),
            THIS_YEAR,
            key,
            now,
        )
        made += 1
    except DomainError as error:
        logger.warning("demo appraisals left out: %s", error)
        session.rollback()
    return made
