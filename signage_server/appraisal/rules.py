"""Pure rules of the annual democratic appraisal (民主评议) of a village committee. No Flask, no
database: plain values in, values or shared errors out.

* An appraisal moves ``draft → open → closed → published``; while it is ``open`` the clock
  decides whether ballots are taken (:func:`phase`: before ``opens_at`` it is scheduled, from
  ``closes_at`` on it is over, whatever the stored state).
* One vote per villager: the villager proves a mainland mobile number with a one-time code
  (:class:`CodePolicy`: 6 digits, 10 minutes, 5 tries); the number itself is never stored,
  only a keyed HMAC per appraisal (:func:`voter_digest`), in a table apart from the ballots.
* The tally (:func:`tally`): counts and percentages per subject, and the satisfaction rate
  ``(满意 + 基本满意) / total``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP
from decimal import Decimal
from enum import StrEnum

from signage_server.errors import Conflict
from signage_server.errors import RuleViolation
from signage_server.i18n import N_


class State(StrEnum):
    """Where an appraisal stands (stored)."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    PUBLISHED = "published"


STATE_LABELS: dict[State, str] = {
    State.DRAFT: N_("Draft"),
    State.OPEN: N_("Open"),
    State.CLOSED: N_("Closed"),
    State.PUBLISHED: N_("Results drafted as a disclosure item"),
}


class Phase(StrEnum):
    """What the clock makes of an appraisal now (what the villagers' page says)."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    VOTING = "voting"
    OVER = "over"


PHASE_LABELS: dict[Phase, str] = {
    Phase.DRAFT: N_("Not opened yet"),
    Phase.SCHEDULED: N_("Voting has not started yet"),
    Phase.VOTING: N_("Voting is open"),
    Phase.OVER: N_("Voting has ended"),
}


class Rating(StrEnum):
    """The three answers of the rating scale."""

    SATISFIED = "satisfied"
    BASIC = "basic"
    DISSATISFIED = "dissatisfied"


RATING_LABELS: dict[Rating, str] = {
    Rating.SATISFIED: N_("Satisfied"),
    Rating.BASIC: N_("Basically satisfied"),
    Rating.DISSATISFIED: N_("Dissatisfied"),
}
#: The Chinese words of the scale, as the published table prints them (the disclosure item is
#: a Chinese document whatever the operator's interface language).
RATING_ZH: dict[Rating, str] = {
    Rating.SATISFIED: "满意",
    Rating.BASIC: "基本满意",
    Rating.DISSATISFIED: "不满意",
}


class Action(StrEnum):
    """The steps of an appraisal sealed in the audit chain."""

    CREATE = "create_appraisal"
    OPEN = "open_appraisal"
    CLOSE = "close_appraisal"
    PUBLISH = "publish_appraisal"


ACTION_LABELS: dict[Action, str] = {
    Action.CREATE: N_("Appraisal drafted"),
    Action.OPEN: N_("Appraisal opened for voting"),
    Action.CLOSE: N_("Appraisal closed, tally sealed"),
    Action.PUBLISH: N_("Appraisal results drafted as a disclosure item"),
}

TITLE_MAX = 200
NAME_MAX = 40
POST_MAX = 40
COMMENT_MAX = 500
MEMBERS_MAX = 15
#: The subject every appraisal has first: the committee as a whole.
COMMITTEE = "村民委员会（整体）"


def phase(state: State, opens_at: dt.datetime, closes_at: dt.datetime, now: dt.datetime) -> Phase:
    """Return what the clock makes of an appraisal in ``state`` at ``now``."""
    if state is State.DRAFT:
        return Phase.DRAFT
    if state is not State.OPEN or now >= closes_at:
        return Phase.OVER
    if now < opens_at:
        return Phase.SCHEDULED
    return Phase.VOTING


def check_period(opens_at: dt.datetime, closes_at: dt.datetime) -> None:
    """:raise RuleViolation: the period is empty or longer than a year."""
    if closes_at <= opens_at:
        raise RuleViolation(
            N_("The voting period must end after it starts."), code="invalid_period"
        )
    if closes_at - opens_at > dt.timedelta(days=366):
        raise RuleViolation(N_("The voting period may last at most a year."), code="invalid_period")


def check_can_open(state: State, closes_at: dt.datetime, now: dt.datetime) -> None:
    """:raise Conflict: only a draft opens, and not once its period is over."""
    if state is not State.DRAFT:
        raise Conflict(N_("Only a draft appraisal can be opened."), code="invalid_state")
    if now >= closes_at:
        raise Conflict(
            N_("The voting period is over: change it before opening."), code="period_over"
        )


def check_can_close(state: State) -> None:
    """:raise Conflict: only an open appraisal closes."""
    if state is not State.OPEN:
        raise Conflict(N_("Only an open appraisal can be closed."), code="invalid_state")


def check_can_publish(state: State, closes_at: dt.datetime, now: dt.datetime) -> None:
    """:raise Conflict: the results are drafted once, after voting ended (an open appraisal
    whose period is over is closed on the way)."""
    if state is State.CLOSED or (state is State.OPEN and now >= closes_at):
        return
    if state is State.PUBLISHED:
        raise Conflict(N_("The results were drafted as an item already."), code="invalid_state")
    raise Conflict(N_("Close the appraisal before publishing its results."), code="invalid_state")


def check_can_vote(current: Phase) -> None:
    """:raise Conflict: ballots are taken only while voting is open."""
    if current is Phase.VOTING:
        return
    if current is Phase.OVER:
        raise Conflict(N_("This appraisal has ended."), code="appraisal_over")
    raise Conflict(N_("Voting has not started yet."), code="appraisal_not_open")


# --- mobile numbers and one-time codes --------------------------------------------------


def voter_digest(key: bytes, appraisal_id: int, phone: str) -> str:
    """Return the keyed HMAC that stands for a (normalised) number in one appraisal: whoever
    reads the database without the key cannot tell the number, nor link two appraisals."""
    message = f"appraisal:{appraisal_id}:phone:{phone}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def code_digest(key: bytes, ticket: str, code: str) -> str:
    """Return the keyed digest of a one-time code as sent under ``ticket``."""
    return hmac.new(key, f"otp:{ticket}:{code}".encode(), hashlib.sha256).hexdigest()


def ticket_digest(ticket: str) -> str:
    """Return how a ticket (the random handle the villager's page carries) is stored."""
    return hashlib.sha256(ticket.encode()).hexdigest()


def new_code() -> str:
    """Return a fresh 6-digit one-time code."""
    return f"{secrets.randbelow(1_000_000):06d}"


def new_ticket() -> str:
    return secrets.token_urlsafe(24)


def new_ballot_id() -> str:
    """Return a random ballot id: ballots carry no sequence that could follow the voters'."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class CodePolicy:
    """How one-time codes are handed out and checked."""

    lifetime: dt.timedelta = dt.timedelta(minutes=10)
    tries: int = 5
    #: Codes sent to one number for one appraisal within an hour.
    sends_per_hour: int = 3
    #: How long a checked code lets the villager fill in the ballot.
    ballot_time: dt.timedelta = dt.timedelta(minutes=30)


class CodeCheck(StrEnum):
    """What became of a code typed in."""

    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    LOCKED = "locked"


def check_code(
    *,
    policy: CodePolicy,
    sent_at: dt.datetime,
    tries: int,
    expected_digest: str,
    typed_digest: str,
    now: dt.datetime,
) -> CodeCheck:
    """Decide a typed code: too late, too many tries already, wrong, or right."""
    if tries >= policy.tries:
        return CodeCheck.LOCKED
    if now >= sent_at + policy.lifetime:
        return CodeCheck.EXPIRED
    if not hmac.compare_digest(expected_digest, typed_digest):
        return CodeCheck.WRONG
    return CodeCheck.OK


def may_send(policy: CodePolicy, sent_within_hour: int) -> bool:
    """Tell whether another code may go to a number that had ``sent_within_hour`` codes."""
    return sent_within_hour < policy.sends_per_hour


def sms_text(code: str, title: str) -> str:
    """Return the text message carrying a code (Chinese: it goes to villagers' phones)."""
    return f"【阳光公开屏】您正在参加“{title}”，验证码 {code}，10分钟内有效。请勿告诉他人。"


def clean_text(value: str, limit: int) -> str:
    """Strip control characters and surrounding blanks; keep at most ``limit`` characters."""
    kept = "".join(
        ch for ch in (value or "").replace("\r\n", "\n") if ch == "\n" or ch.isprintable()
    )
    return kept.strip()[:limit]


# --- ballots and the tally ---------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    subject: int
    rating: Rating
    comment: str = ""


def check_ballot(subjects: Iterable[int], answers: Mapping[int, Answer]) -> list[Answer]:
    """Return the ballot's answers in subject order.

    :raise RuleViolation: a subject is unanswered, or an answer names no subject of the appraisal.
    """
    wanted = list(subjects)
    if set(answers) - set(wanted):
        raise RuleViolation(N_("The ballot names an unknown subject."), code="unknown_subject")
    missing = [s for s in wanted if s not in answers]
    if missing:
        raise RuleViolation(
            N_("Rate every subject of the appraisal."),
            code="unanswered",
            details={str(s): "required" for s in missing},
        )
    return [answers[s] for s in wanted]


def percent(part: int, whole: int) -> Decimal:
    """Return ``part / whole`` in percent, rounded half up to one decimal (0 when empty)."""
    if whole == 0:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class SubjectTally:
    subject: int
    counts: Mapping[Rating, int]
    total: int

    def share(self, rating: Rating) -> Decimal:
        return percent(self.counts[rating], self.total)

    @property
    def satisfaction(self) -> Decimal:
        """``(满意 + 基本满意) / total`` in percent."""
        return percent(self.counts[Rating.SATISFIED] + self.counts[Rating.BASIC], self.total)


@dataclass(frozen=True)
class Tally:
    ballots: int
    subjects: tuple[SubjectTally, ...]

    def as_json(self) -> dict[str, object]:
        """The tally as plain data (what the close record seals, by its hash)."""
        return {
            "ballots": self.ballots,
            "subjects": [
                {
                    "subject": s.subject,
                    "counts": {r.value: s.counts[r] for r in Rating},
                    "total": s.total,
                }
                for s in self.subjects
            ],
        }


def tally(subjects: Iterable[int], ballots: Iterable[Iterable[tuple[int, str]]]) -> Tally:
    """Count ``ballots`` (each: pairs of subject id and rating value) per subject.

    A rating outside the scale or an answer about another subject is not counted.
    """
    order = list(subjects)
    counts: dict[int, dict[Rating, int]] = {s: dict.fromkeys(Rating, 0) for s in order}
    total = 0
    for ballot in ballots:
        total += 1
        for subject, rating in ballot:
            if subject in counts and rating in Rating._value2member_map_:
                counts[subject][Rating(rating)] += 1
    return Tally(
        ballots=total,
        subjects=tuple(
            SubjectTally(subject=s, counts=counts[s], total=sum(counts[s].values())) for s in order
        ),
    )


def results_table(tally_: Tally, names: Mapping[int, str]) -> dict[str, object]:
    """Return the tally as a disclosure item's ``table`` body (Chinese column names)."""
    columns = ["评议对象", *(f"{RATING_ZH[r]}（票）" for r in Rating), "有效票", "满意率"]
    rows: list[list[str | int | float | None]] = []
    for s in tally_.subjects:
        rows.append(
            [
                names.get(s.subject, str(s.subject)),
                *(s.counts[r] for r in Rating),
                s.total,
                f"{s.satisfaction}%",
            ]
        )
    return {
        "type": "table",
        "columns": columns,
        "rows": rows,
        "caption": f"共收回有效评议票 {tally_.ballots} 张",
        "note": "满意率 =（满意 + 基本满意）÷ 有效票。评议意见不公开，已转村委会研究。",
    }
