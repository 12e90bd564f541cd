"""四议两公开: the procedure of a village's major matters, as pure rules.

A major matter of a village goes through four deliberations, strictly in this order, each a
meeting with its date, attendance and vote:

1. 党支部提议 — the village party branch (its committee) proposes;
2. 两委商议 — the joint meeting of the party branch committee and the villagers' committee
   (村"两委") consults;
3. 党员大会审议 — the branch's party assembly deliberates;
4. 村民会议或村民代表会议决议 — the villagers' assembly or the villagers' representative
   assembly resolves.

Then two disclosures, as disclosure items linked to the matter: the resolution (决议公开), and
later the result of carrying it out (实施结果公开). A matter cannot reach 决议公开 with a
stage missing or failed; a vote that fails ends the matter (不通过).

The meeting rules (:data:`QUORUMS`), with their sources:

* 村民会议: 《村民委员会组织法》第二十二条 — 应当有本村十八周岁以上村民的过半数，
  或者本村三分之二以上的户的代表参加，所作决定应当经到会人员的过半数通过。
* 村民代表会议: 同法第二十六条 — 有三分之二以上的组成人员参加方可召开，
  所作决定应当经到会人员的过半数同意。
* 党员大会: 《中国共产党支部工作条例（试行）》— 须有半数以上有表决权的党员到会方可进行，赞成人数超过
  应到会有表决权的党员的半数为通过 (a majority of all voting members, not only of those
  present).
* 党支部委员会, 村"两委"联席会议: the same majority rule for their members (少数服从多数:
  more than half of the members present, more than half of all members for).

"以上" includes the number itself (exactly two thirds is enough); "过半数"/"超过半数" does not
(exactly half is not enough). Plain values in, values or :class:`RuleViolation` out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from signage_server.errors import Conflict
from signage_server.errors import RuleViolation
from signage_server.i18n import N_


class StageKind(StrEnum):
    """The four deliberations, in their order."""

    PROPOSAL = "proposal"
    CONSULTATION = "consultation"
    DELIBERATION = "deliberation"
    RESOLUTION = "resolution"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def position(self) -> int:
        return ORDER.index(self)


#: The stages in the order they must be held.
ORDER: tuple[StageKind, ...] = tuple(StageKind)

STAGE_LABELS: dict[StageKind, str] = {
    StageKind.PROPOSAL: N_("Proposal by the party branch (党支部提议)"),
    StageKind.CONSULTATION: N_("Consultation of the two committees (两委商议)"),
    StageKind.DELIBERATION: N_("Deliberation by the party assembly (党员大会审议)"),
    StageKind.RESOLUTION: N_("Resolution by the villagers (村民会议或村民代表会议决议)"),
}


#: What a stage is called where space is short (the QR page, the screens).
SHORT_LABELS: dict[StageKind, str] = {
    StageKind.PROPOSAL: N_("Party branch proposed"),
    StageKind.CONSULTATION: N_("Two committees consulted"),
    StageKind.DELIBERATION: N_("Party assembly deliberated"),
    StageKind.RESOLUTION: N_("Villagers resolved"),
}


class Body(StrEnum):
    """The meeting that holds a stage."""

    BRANCH_COMMITTEE = "branch_committee"
    TWO_COMMITTEES = "two_committees"
    PARTY_ASSEMBLY = "party_assembly"
    VILLAGERS_ASSEMBLY = "villagers_assembly"
    REPRESENTATIVES = "representatives"

    @property
    def label(self) -> str:
        return BODY_LABELS[self]


BODY_LABELS: dict[Body, str] = {
    Body.BRANCH_COMMITTEE: N_("Village party branch committee (村党支部委员会)"),
    Body.TWO_COMMITTEES: N_("Joint meeting of the two village committees (村“两委”联席会议)"),
    Body.PARTY_ASSEMBLY: N_("Party assembly (党员大会)"),
    Body.VILLAGERS_ASSEMBLY: N_("Villagers' assembly (村民会议)"),
    Body.REPRESENTATIVES: N_("Villagers' representative assembly (村民代表会议)"),
}

#: Which meetings may hold each stage.
BODIES: dict[StageKind, tuple[Body, ...]] = {
    StageKind.PROPOSAL: (Body.BRANCH_COMMITTEE,),
    StageKind.CONSULTATION: (Body.TWO_COMMITTEES,),
    StageKind.DELIBERATION: (Body.PARTY_ASSEMBLY,),
    StageKind.RESOLUTION: (Body.VILLAGERS_ASSEMBLY, Body.REPRESENTATIVES),
}


class Counting(StrEnum):
    """What ``present`` and ``expected`` count: people (members, adult villagers), or, for a
    villagers' assembly, households represented (本村三分之二以上的户的代表)."""

    MEMBERS = "members"
    HOUSEHOLDS = "households"


class Base(StrEnum):
    """Of whom a vote needs more than half for it: those present, or all who should be."""

    PRESENT = "present"
    EXPECTED = "expected"


@dataclass(frozen=True)
class Quorum:
    """When a meeting is validly held and when its vote carries.

    It is held when ``present / expected`` reaches ``attendance`` (at least it when
    ``inclusive``: "以上"; more than it otherwise: "过半数"). Its vote carries when the votes
    for are more than half of ``base`` (those present, or all expected).
    """

    attendance: Fraction
    inclusive: bool
    base: Base
    #: Where the rule comes from (a message id, for the operator's page).
    source: str

    def held(self, present: int, expected: int) -> bool:
        share = Fraction(present, expected)
        return share >= self.attendance if self.inclusive else share > self.attendance

    def carried(self, votes_for: int, present: int, expected: int) -> bool:
        base = present if self.base is Base.PRESENT else expected
        return 2 * votes_for > base


HALF = Fraction(1, 2)
TWO_THIRDS = Fraction(2, 3)

_PARTY = N_("Rules of party branch work: more than half present, more than half of all members for")
#: The meeting rule of each body and way of counting (only a villagers' assembly may count
#: households).
QUORUMS: dict[tuple[Body, Counting], Quorum] = {
    (Body.BRANCH_COMMITTEE, Counting.MEMBERS): Quorum(HALF, False, Base.EXPECTED, _PARTY),
    (Body.TWO_COMMITTEES, Counting.MEMBERS): Quorum(HALF, False, Base.EXPECTED, _PARTY),
    (Body.PARTY_ASSEMBLY, Counting.MEMBERS): Quorum(HALF, False, Base.EXPECTED, _PARTY),
    (Body.VILLAGERS_ASSEMBLY, Counting.MEMBERS): Quorum(
        HALF,
        False,
        Base.PRESENT,
        N_("Organic Law of Villagers' Committees, art. 22: more than half of the adult villagers"),
    ),
    (Body.VILLAGERS_ASSEMBLY, Counting.HOUSEHOLDS): Quorum(
        TWO_THIRDS,
        True,
        Base.PRESENT,
        N_("Organic Law of Villagers' Committees, art. 22: two thirds of the households or more"),
    ),
    (Body.REPRESENTATIVES, Counting.MEMBERS): Quorum(
        TWO_THIRDS,
        True,
        Base.PRESENT,
        N_("Organic Law of Villagers' Committees, art. 26: two thirds of the representatives"),
    ),
}


class MatterState(StrEnum):
    """Where a matter stands."""

    #: Deliberations under way (fewer than four recorded, all passed).
    DELIBERATING = "deliberating"
    #: A vote failed (不通过): the matter ends there.
    REJECTED = "rejected"
    #: All four passed; the resolution is to be disclosed.
    RESOLVED = "resolved"
    #: The 决议公开 item is linked.
    DECISION_DISCLOSED = "decision_disclosed"
    #: The 实施结果公开 item is linked too.
    RESULT_DISCLOSED = "result_disclosed"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS: dict[MatterState, str] = {
    MatterState.DELIBERATING: N_("Under deliberation"),
    MatterState.REJECTED: N_("Not passed"),
    MatterState.RESOLVED: N_("Resolved, to be disclosed"),
    MatterState.DECISION_DISCLOSED: N_("Resolution disclosed"),
    MatterState.RESULT_DISCLOSED: N_("Result disclosed"),
}


@dataclass(frozen=True)
class Meeting:
    """One stage as it is to be recorded."""

    kind: StageKind
    held_on: dt.date
    body: Body
    present: int
    expected: int
    votes_for: int
    votes_against: int
    abstained: int
    counting: Counting = Counting.MEMBERS


@dataclass(frozen=True)
class Held:
    """A stage already recorded: what the next one is checked against."""

    kind: StageKind
    held_on: dt.date
    passed: bool


def next_stage(held: list[Held]) -> StageKind | None:
    """Return the stage to record next, or ``None`` when all four are recorded or one failed."""
    if any(not h.passed for h in held) or len(held) >= len(ORDER):
        return None
    return ORDER[len(held)]


def state_of(
    held: list[Held], decision_linked: bool = False, result_linked: bool = False
) -> MatterState:
    """Return the state of a matter from its stages (in order) and its links."""
    if any(not h.passed for h in held):
        return MatterState.REJECTED
    if len(held) < len(ORDER):
        return MatterState.DELIBERATING
    if result_linked:
        return MatterState.RESULT_DISCLOSED
    if decision_linked:
        return MatterState.DECISION_DISCLOSED
    return MatterState.RESOLVED


def withdrawable(held: list[Held], decision_linked: bool) -> bool:
    """Whether the last recorded stage may be withdrawn (see :func:`check_withdraw`)."""
    return bool(held) and not decision_linked


def check_withdraw(held: list[Held], decision_linked: bool, reason: str) -> None:
    """Check that the last recorded stage may be withdrawn, to be recorded again (a wrong
    date, count or text): only before the resolution's disclosure is linked (what the
    villagers were shown stays as it was), and with the reason written down.

    :raise Conflict: ``no_stage``; ``disclosure_linked``.
    :raise RuleViolation: ``reason_required``.
    """
    if not held:
        raise Conflict(N_("No stage is recorded yet."), code="no_stage")
    if decision_linked:
        raise Conflict(
            N_("The resolution is linked to its disclosure: its stages stay as recorded."),
            code="disclosure_linked",
        )
    if not reason.strip():
        raise RuleViolation(N_("Write down why the stage is withdrawn."), code="reason_required")


def complete(held: list[Held]) -> bool:
    """Whether all four stages are recorded, in order, and passed."""
    return [h.kind for h in held] == list(ORDER) and all(h.passed for h in held)


def quorum_of(body: Body, counting: Counting) -> Quorum:
    """Return the meeting rule of ``body`` counted by ``counting``.

    :raise RuleViolation: ``bad_counting`` — only a villagers' assembly counts households.
    """
    rule = QUORUMS.get((body, counting))
    if rule is None:
        raise RuleViolation(
            N_("Only a villagers' assembly may count the households represented."),
            code="bad_counting",
        )
    return rule


#: A stage is recorded as the matter goes, or soon after: not a year or more later.
RECORD_WITHIN = dt.timedelta(days=365)


def check_meeting(meeting: Meeting, held: list[Held], today: dt.date) -> bool:
    """Check that ``meeting`` may be recorded after the stages ``held`` (in order); return
    whether its vote carried.

    :raise Conflict: ``matter_closed`` — a vote failed, or all four are recorded.
    :raise RuleViolation: ``stage_order`` (not the next stage), ``wrong_body`` (that meeting
        does not hold this stage), ``date_order`` (before the previous stage),
        ``future_date``, ``too_old`` (a year or more ago), ``bad_numbers`` (counts that do
        not add up), ``no_quorum`` (too few present: the meeting was not validly held),
        ``bad_counting``.
    """
    expected_kind = next_stage(held)
    if expected_kind is None:
        raise Conflict(
            N_("This matter takes no more stages: a vote failed, or all four are recorded."),
            code="matter_closed",
        )
    if meeting.kind is not expected_kind:
        raise RuleViolation(
            N_("The four deliberations are recorded in order, one after the other."),
            code="stage_order",
            details={"next": expected_kind.value},
        )
    if meeting.body not in BODIES[meeting.kind]:
        raise RuleViolation(N_("That meeting does not hold this stage."), code="wrong_body")
    if held and meeting.held_on < held[-1].held_on:
        raise RuleViolation(
            N_("A stage cannot be held before the previous one (%(date)s)."),
            code="date_order",
            date=held[-1].held_on.isoformat(),
        )
    if meeting.held_on > today:
        raise RuleViolation(
            N_("A meeting cannot be recorded before it is held."), code="future_date"
        )
    if meeting.held_on < today - RECORD_WITHIN:
        raise RuleViolation(
            N_("A meeting is recorded within a year of being held."), code="too_old"
        )
    counts = (
        meeting.present,
        meeting.expected,
        meeting.votes_for,
        meeting.votes_against,
        meeting.abstained,
    )
    if (
        min(counts) < 0
        or meeting.expected < 1
        or meeting.present > meeting.expected
        or meeting.votes_for + meeting.votes_against + meeting.abstained > meeting.present
    ):
        raise RuleViolation(
            N_(
                "The numbers do not add up: no more present than expected, no more votes than"
                " people present."
            ),
            code="bad_numbers",
        )
    rule = quorum_of(meeting.body, meeting.counting)
    if not rule.held(meeting.present, meeting.expected):
        raise RuleViolation(
            N_(
                "Too few were present for this meeting to be validly held (%(present)d of"
                " %(expected)d); it cannot be recorded as a stage."
            ),
            code="no_quorum",
            present=meeting.present,
            expected=meeting.expected,
        )
    return rule.carried(meeting.votes_for, meeting.present, meeting.expected)


def check_decision_link(held: list[Held], already_linked: bool) -> None:
    """Refuse to link the 决议公开 item unless all four stages are recorded and passed.

    :raise RuleViolation: ``stages_missing``, ``matter_rejected``.
    :raise Conflict: ``already_linked``.
    """
    if already_linked:
        raise Conflict(N_("The resolution's disclosure is already linked."), code="already_linked")
    if any(not h.passed for h in held):
        raise RuleViolation(
            N_("The matter was not passed: its resolution cannot be disclosed."),
            code="matter_rejected",
        )
    if not complete(held):
        raise RuleViolation(
            N_("All four deliberations must be recorded and passed first."),
            code="stages_missing",
            details={"missing": [k.value for k in ORDER[len(held) :]]},
        )


def check_result_link(
    decision_linked: bool, decision_published: bool, already_linked: bool
) -> None:
    """Refuse to link the 实施结果公开 item before the 决议公开 item was published.

    :raise RuleViolation: ``decision_unpublished``.
    :raise Conflict: ``already_linked``.
    """
    if already_linked:
        raise Conflict(N_("The result's disclosure is already linked."), code="already_linked")
    if not decision_linked or not decision_published:
        raise RuleViolation(
            N_("The result can be linked only after the resolution's disclosure was published."),
            code="decision_unpublished",
        )


#: What each audit action on a matter is called (message ids).
ACTION_LABELS: dict[str, str] = {
    "open_matter": N_("Major matter opened (四议两公开)"),
    "stage_proposal": N_("Proposal by the party branch recorded"),
    "stage_consultation": N_("Consultation of the two committees recorded"),
    "stage_deliberation": N_("Deliberation by the party assembly recorded"),
    "stage_resolution": N_("Resolution by the villagers recorded"),
    "withdraw_stage": N_("Last stage withdrawn to be recorded again"),
    "link_decision": N_("Resolution's disclosure linked (决议公开)"),
    "link_result": N_("Result's disclosure linked (实施结果公开)"),
}
