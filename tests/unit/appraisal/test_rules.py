"""The appraisal's pure rules: phases by the clock, numbers, one-time codes, the one-vote
HMAC, ballots, the tally and the results table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from signage_server.appraisal import codes
from signage_server.appraisal import rules
from signage_server.appraisal.rules import Answer
from signage_server.appraisal.rules import CodeCheck
from signage_server.appraisal.rules import CodePolicy
from signage_server.appraisal.rules import Phase
from signage_server.appraisal.rules import Rating
from signage_server.appraisal.rules import State
from signage_server.errors import Conflict
from signage_server.errors import RuleViolation

UTC = dt.UTC
OPENS = dt.datetime(2026, 11, 20, tzinfo=UTC)
CLOSES = dt.datetime(2026, 12, 1, tzinfo=UTC)
SECOND = dt.timedelta(seconds=1)


# --- open or closed by the clock ------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "now", "expected"),
    [
        (State.DRAFT, OPENS + SECOND, Phase.DRAFT),
        (State.OPEN, OPENS - SECOND, Phase.SCHEDULED),
        (State.OPEN, OPENS, Phase.VOTING),
        (State.OPEN, CLOSES - SECOND, Phase.VOTING),
        (State.OPEN, CLOSES, Phase.OVER),
        (State.CLOSED, OPENS + SECOND, Phase.OVER),
        (State.PUBLISHED, OPENS + SECOND, Phase.OVER),
    ],
)
def test_the_clock_decides_open_or_closed(state: State, now: dt.datetime, expected: Phase) -> None:
    assert rules.phase(state, OPENS, CLOSES, now) is expected


def test_votes_only_while_voting() -> None:
    rules.check_can_vote(Phase.VOTING)
    for phase, code in (
        (Phase.OVER, "appraisal_over"),
        (Phase.SCHEDULED, "appraisal_not_open"),
        (Phase.DRAFT, "appraisal_not_open"),
    ):
        with pytest.raises(Conflict) as raised:
            rules.check_can_vote(phase)
        assert raised.value.code == code


def test_the_states_move_forward_only() -> None:
    rules.check_can_open(State.DRAFT, CLOSES, OPENS)
    with pytest.raises(Conflict):
        rules.check_can_open(State.OPEN, CLOSES, OPENS)
    with pytest.raises(Conflict):
        rules.check_can_open(State.DRAFT, CLOSES, CLOSES)  # period over
    rules.check_can_close(State.OPEN)
    with pytest.raises(Conflict):
        rules.check_can_close(State.DRAFT)
    rules.check_can_publish(State.CLOSED, CLOSES, OPENS)
    rules.check_can_publish(State.OPEN, CLOSES, CLOSES)  # over: closed on the way
    for state, now in (
        (State.OPEN, CLOSES - SECOND),
        (State.DRAFT, CLOSES),
        (State.PUBLISHED, CLOSES),
    ):
        with pytest.raises(Conflict):
            rules.check_can_publish(state, CLOSES, now)


def test_the_period() -> None:
    rules.check_period(OPENS, CLOSES)
    with pytest.raises(RuleViolation):
        rules.check_period(CLOSES, OPENS)
    with pytest.raises(RuleViolation):
        rules.check_period(OPENS, OPENS)
    with pytest.raises(RuleViolation):
        rules.check_period(OPENS, OPENS + dt.timedelta(days=367))


# --- numbers ----------------------------------------------------------------------------------


def test_the_voter_hmac_is_keyed_and_per_appraisal() -> None:
    key = b"k" * 32
    one = rules.voter_digest(key, 1, "13812345678")
    assert one == rules.voter_digest(key, 1, "13812345678")
    assert len(one) == 64 and "13812345678" not in one
    assert one != rules.voter_digest(key, 2, "13812345678")  # appraisals are not linked
    assert one != rules.voter_digest(b"x" * 32, 1, "13812345678")
    assert one != rules.voter_digest(key, 1, "13812345679")


# --- one-time codes --------------------------------------------------------------------------


def test_codes_are_six_digits() -> None:
    drawn = {rules.new_code() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in drawn)
    assert len(drawn) > 150


def _check(tries: int = 0, typed: str = "123456", at: dt.timedelta = SECOND) -> CodeCheck:
    key = b"k" * 32
    return rules.check_code(
        policy=CodePolicy(),
        sent_at=OPENS,
        tries=tries,
        expected_digest=rules.code_digest(key, "ticket", "123456"),
        typed_digest=rules.code_digest(key, "ticket", typed),
        now=OPENS + at,
    )


def test_a_code_expires_after_ten_minutes_and_locks_after_five_tries() -> None:
    assert _check() is CodeCheck.OK
    assert _check(typed="654321") is CodeCheck.WRONG
    assert _check(at=dt.timedelta(minutes=10) - SECOND) is CodeCheck.OK
    assert _check(at=dt.timedelta(minutes=10)) is CodeCheck.EXPIRED
    assert _check(tries=4) is CodeCheck.OK
    assert _check(tries=5) is CodeCheck.LOCKED
    assert _check(tries=5, typed="654321") is CodeCheck.LOCKED


def test_a_code_digest_is_bound_to_its_ticket() -> None:
    key = b"k" * 32
    assert rules.code_digest(key, "a", "123456") != rules.code_digest(key, "b", "123456")


def test_sends_per_hour() -> None:
    policy = CodePolicy(sends_per_hour=3)
    assert [rules.may_send(policy, n) for n in range(5)] == [True, True, True, False, False]


# --- ballots and the tally -------------------------------------------------------------------


def test_a_ballot_rates_every_subject() -> None:
    answers = {1: Answer(1, Rating.SATISFIED), 2: Answer(2, Rating.BASIC, "好")}
    assert rules.check_ballot([1, 2], answers) == [answers[1], answers[2]]
    with pytest.raises(RuleViolation) as raised:
        rules.check_ballot([1, 2, 3], answers)
    assert raised.value.code == "unanswered"
    with pytest.raises(RuleViolation):
        rules.check_ballot([1], answers)


def test_the_tally() -> None:
    ballots = [
        [(1, "satisfied"), (2, "dissatisfied")],
        [(1, "basic"), (2, "dissatisfied")],
        [(1, "dissatisfied"), (2, "satisfied")],
        [(1, "satisfied"), (2, "nonsense"), (9, "satisfied")],
    ]
    found = rules.tally([1, 2], ballots)
    assert found.ballots == 4
    committee, member = found.subjects
    assert committee.counts == {Rating.SATISFIED: 2, Rating.BASIC: 1, Rating.DISSATISFIED: 1}
    assert committee.total == 4
    assert committee.share(Rating.SATISFIED) == Decimal("50.0")
    assert committee.satisfaction == Decimal("75.0")
    assert member.total == 3  # the unknown rating is not counted
    assert member.satisfaction == Decimal("33.3")
    assert member.share(Rating.DISSATISFIED) == Decimal("66.7")


def test_an_empty_tally() -> None:
    found = rules.tally([1], [])
    assert found.ballots == 0
    assert found.subjects[0].satisfaction == Decimal("0.0")


def test_percentages_round_half_up() -> None:
    assert rules.percent(1, 8) == Decimal("12.5")
    assert rules.percent(1, 3) == Decimal("33.3")
    assert rules.percent(2, 3) == Decimal("66.7")
    assert rules.percent(1, 16) == Decimal("6.3")


def test_the_results_table() -> None:
    found = rules.tally([1, 2], [[(1, "satisfied"), (2, "basic")]])
    body = rules.results_table(found, {1: "村民委员会（整体）", 2: "张三（主任）"})
    assert body["type"] == "table"
    assert body["columns"] == [
        "评议对象",
        "满意（票）",
        "基本满意（票）",
        "不满意（票）",
        "有效票",
        "满意率",
    ]
    assert body["rows"] == [
        ["村民委员会（整体）", 1, 0, 0, 1, "100.0%"],
        ["张三（主任）", 0, 1, 0, 1, "100.0%"],
    ]


def test_comments_are_cleaned() -> None:
    assert rules.clean_text("  好\u202e\x00的\r\n很好 ", 500) == "好的\n很好"
    assert rules.clean_text("长" * 600, 500) == "长" * 500


# --- the page's signed code ------------------------------------------------------------------


def test_page_codes_are_signed() -> None:
    key = codes.derive_key("secret")
    code = codes.make(key, 42)
    assert codes.read(key, code) == 42
    assert codes.read(key, code.lower()) == 42
    assert codes.read(codes.derive_key("other"), code) is None
    assert codes.read(key, code[:-1] + ("A" if code[-1] != "A" else "B")) is None
    assert codes.read(key, "") is None
    assert codes.read(key, "NOTACODE") is None
    assert codes.page_url("https://x.example/", code) == f"https://x.example/a/{code}"
    assert {codes.read(key, codes.make(key, n)) for n in (1, 255, 256, 10**9)} == {
        1,
        255,
        256,
        10**9,
    }
