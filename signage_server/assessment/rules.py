"""The half-yearly and year-end assessment (考核) of an organisation: periods, the computed
parts, the six headings of 六查六看, the total and the ranking. Pure: plain values in, values out.

The county assesses every half year and gives an overall grade at the end of the year (县委每半年
进行一次考核，年底进行总评), on six headings (六查六看): 查认识看态度, 查安排看资料, 查工作看进度,
查典型看经验, 查问题看原因, 查实绩看效果.

**Periods** (:func:`parse_period`): ``2026H1`` (January to June), ``2026H2`` (July to
December), ``2026Y`` or ``2026`` (the whole year: the year-end overall assessment, 总评; kept
as ``2026Y``). Days are local
(Asia/Shanghai). A period not yet ended is assessed *so far*: the figures count up to today
and the report says so.

**Computed parts** (:class:`Part`), each a score 0-100 with the figures behind it:

* catalog compliance — the catalog entries not owed (up to date, due soon, exempted) out of all
  entries, at the end of the period (or today);
* on time — the periods of periodic entries whose deadline fell in the period, published
  within their grace days;
* notices held — public notices that went public in the period and were not ended before
  their minimum (ended early by the superior's decision with a reason counts as held);
* feedback kept — the duties of villagers' cases received in the period (acknowledge, answer,
  decide) done by their last working day;
* screen coverage — screen-days of the period on which the screen recorded plays (proof of
  play; there is no uptime history);
* findings closed — inspection findings due in the period closed by their deadline.

A part with nothing to count has no score (``None``) and is left out of the averages.

**Headings** (:data:`HEADING_PARTS`): each heading is informed by some computed parts (the
average of their scores) and by the assessor's score (0-100, entered by the superior
organisation). A heading's score is ``COMPUTED_WEIGHT`` (60 %) of its computed average plus
``ASSESSOR_WEIGHT`` (40 %) of the assessor's score; a heading with no computed part
(查认识看态度, 查典型看经验) is the assessor's score alone; with no assessor's score yet, the
computed average alone (and the total is marked provisional).

**Total**: the average of the six headings' scores, rounded to one decimal.

**Ranking** (:func:`rank`): by total, highest first, ties by name; equal totals share a rank
(1, 2, 2, 4); organisations without a total come last, unranked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from enum import StrEnum

from signage_server.catalog.rules import Publication
from signage_server.catalog.rules import Requirement
from signage_server.catalog.rules import Status
from signage_server.catalog.rules import period_of as catalog_period_of
from signage_server.catalog.rules import status as catalog_status
from signage_server.i18n import N_

#: The weighting of a heading's score: computed parts and the assessor's score.
COMPUTED_WEIGHT = 0.6
ASSESSOR_WEIGHT = 0.4

#: ``2026`` alone is the whole year too (as the API was first written: ``period=2026``).
PERIOD_RE = re.compile(r"^(?P<year>20\d\d)(?P<half>H1|H2|Y)?$")


class PeriodError(ValueError):
    """Not a period: ``2026H1``, ``2026H2`` or ``2026Y``."""


@dataclass(frozen=True)
class Period:
    code: str
    year: int
    #: ``1`` or ``2`` for a half year, ``None`` for the whole year (总评).
    half: int | None
    start: dt.date
    #: Exclusive.
    end: dt.date

    @property
    def year_end(self) -> bool:
        return self.half is None

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def label_zh(self) -> str:
        """The period as printed: ``2026年上半年``, ``2026年下半年``, ``2026年度总评``."""
        if self.half == 1:
            return f"{self.year}年上半年"
        if self.half == 2:
            return f"{self.year}年下半年"
        return f"{self.year}年度总评"

    def days(self) -> int:
        return (self.end - self.start).days

    def ended(self, today: dt.date) -> bool:
        return today >= self.end

    def cutoff(self, today: dt.date) -> dt.date:
        """The first day not counted: the end of the period, or today's end when it runs."""
        return min(self.end, today + dt.timedelta(days=1))

    def start_at(self, tz: dt.tzinfo) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), tz)

    def end_at(self, tz: dt.tzinfo) -> dt.datetime:
        return dt.datetime.combine(self.end, dt.time(), tz)


def parse_period(text: str | None) -> Period:
    """Return the period ``text`` names (``2026H1``, ``2026H2``, ``2026Y`` or ``2026``).

    :raise PeriodError: anything else.
    """
    found = PERIOD_RE.match((text or "").strip().upper())
    if not found:
        raise PeriodError(text)
    year = int(found["year"])
    half = found["half"]
    if half == "H1":
        return Period(f"{year}H1", year, 1, dt.date(year, 1, 1), dt.date(year, 7, 1))
    if half == "H2":
        return Period(f"{year}H2", year, 2, dt.date(year, 7, 1), dt.date(year + 1, 1, 1))
    return Period(f"{year}Y", year, None, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))


def check_begun(period: Period, today: dt.date) -> None:
    """:raise PeriodError: ``period`` has not begun (nobody assesses what has not happened)."""
    if today < period.start:
        raise PeriodError(period.code)


def period_of(today: dt.date) -> Period:
    """Return the half year containing ``today`` (the default period of the pages)."""
    return parse_period(f"{today.year}H{1 if today.month <= 6 else 2}")


def period_choices(today: dt.date) -> list[Period]:
    """The periods offered on the page: this year's and last year's, newest first."""
    result = []
    for year in (today.year, today.year - 1):
        for code in ("Y", "H2", "H1"):
            period = parse_period(f"{year}{code}")
            if period.start <= today:
                result.append(period)
    return result


# --- computed parts ---------------------------------------------------------------------


class PartKind(StrEnum):
    COMPLIANCE = "compliance"
    ON_TIME = "on_time"
    NOTICES = "notices"
    FEEDBACK = "feedback"
    SCREENS = "screens"
    FINDINGS = "findings"

    @property
    def label(self) -> str:
        return PART_LABELS[self]

    @property
    def basis(self) -> str:
        return PART_BASES[self]


PART_LABELS = {
    PartKind.COMPLIANCE: N_("Catalog compliance"),
    PartKind.ON_TIME: N_("Periodic items on time"),
    PartKind.NOTICES: N_("Notices held their minimum"),
    PartKind.FEEDBACK: N_("Feedback deadlines kept"),
    PartKind.SCREENS: N_("Screens playing (proof of play)"),
    PartKind.FINDINGS: N_("Inspection findings closed in time"),
}

PART_BASES = {
    PartKind.COMPLIANCE: N_(
        "Catalog entries up to date, due soon or exempted, out of all entries, at the end of"
        " the period."
    ),
    PartKind.ON_TIME: N_(
        "Periods of periodic catalog entries due in the period, published within the grace days."
    ),
    PartKind.NOTICES: N_(
        "Public notices that went public in the period and stayed up for their minimum of"
        " working days (ended early by the superior's decision counts as held)."
    ),
    PartKind.FEEDBACK: N_(
        "Duties of villagers' cases received in the period (acknowledge, answer, decide) done"
        " by their last working day."
    ),
    PartKind.SCREENS: N_(
        "Days of the period on which each screen recorded plays (proof of play); there is no"
        " uptime history, so a screen that was on but played nothing counts as down."
    ),
    PartKind.FINDINGS: N_(
        "Inspection findings whose rectification deadline fell in the period, closed by the"
        " deadline."
    ),
}


@dataclass(frozen=True)
class Part:
    """A computed part: ``good`` out of ``total`` (e.g. 17 of 20 entries), scored 0-100."""

    kind: PartKind
    good: int
    total: int
    #: Extra figures to show (e.g. ``{"overdue": 2, "missing": 1}``).
    figures: Mapping[str, int] = field(default_factory=dict)

    @property
    def score(self) -> float | None:
        return ratio_score(self.good, self.total)


def ratio_score(good: int, total: int) -> float | None:
    """Return ``good`` out of ``total`` as a score 0-100 (one decimal), ``None`` when nothing
    was counted."""
    if total <= 0:
        return None
    return round(100.0 * max(0, min(good, total)) / total, 1)


@dataclass(frozen=True)
class CategoryCompliance:
    """Catalog compliance of one category (for the chart)."""

    category: str
    label: str
    good: int
    total: int

    @property
    def score(self) -> float | None:
        return ratio_score(self.good, self.total)


@dataclass(frozen=True)
class Duty:
    """A deadline that fell in the period: done in time, late, or still overdue."""

    due: dt.date
    #: The local day it was done, if it was.
    done_on: dt.date | None


def kept(duties: Sequence[Duty], cutoff: dt.date) -> tuple[int, int]:
    """Return (kept, counted) of ``duties``: a duty counts once its last day is before
    ``cutoff`` or it was done; it is kept when done by its last day."""
    counted = [d for d in duties if d.done_on is not None or d.due < cutoff]
    good = [d for d in counted if d.done_on is not None and d.done_on <= d.due]
    return len(good), len(counted)


def on_time(
    requirement: Requirement,
    publications: Sequence[Publication],
    period: Period,
    cutoff: dt.date,
) -> tuple[int, int]:
    """Return (on time, due) for a periodic catalog entry: each of its periods (the catalog's
    :func:`~signage_server.catalog.rules.period_of`) whose deadline (start + grace days) fell
    in ``period`` before ``cutoff``; on time when the catalog's rule, asked on the deadline
    with what was published by then, says it was up to date."""
    if requirement.cadence is None:
        return 0, 0
    made = due = 0
    day = period.start - dt.timedelta(days=requirement.grace_days)
    seen: set[str] = set()
    while day < period.end:
        sub = catalog_period_of(requirement.cadence, day)
        deadline = sub.start + dt.timedelta(days=requirement.grace_days)
        if sub.label not in seen and period.start <= deadline < min(period.end, cutoff):
            seen.add(sub.label)
            due += 1
            by_then = [p for p in publications if p.published_at <= deadline]
            result = catalog_status(requirement, by_then, deadline)
            made += result.status is Status.CURRENT
        day = sub.end
    return made, due


@dataclass(frozen=True)
class NoticeHold:
    """A notice that went public in the period."""

    #: When its protection (minimum) ends; ``None``: unknown (counted as held).
    protected_until: dt.datetime | None
    #: When it stopped being public, if it did.
    ended_at: dt.datetime | None
    #: It was ended by the superior's decision (with a written reason).
    by_superior: bool = False


def notices_held(notices: Sequence[NoticeHold]) -> Part:
    """Return the part *notices held their minimum*."""
    early = [
        n
        for n in notices
        if n.ended_at is not None
        and n.protected_until is not None
        and n.ended_at < n.protected_until
    ]
    with_reason = sum(1 for n in early if n.by_superior)
    broken = len(early) - with_reason
    return Part(
        PartKind.NOTICES,
        len(notices) - broken,
        len(notices),
        {"ended_early_by_superior": with_reason, "ended_early": broken},
    )


def screen_coverage(days_played: Mapping[int, int], days_counted: Mapping[int, int]) -> Part:
    """Return the part *screens playing*: per screen, the days with plays out of its days in
    the period (from when it was registered)."""
    total = sum(days_counted.values())
    good = sum(min(days_played.get(s, 0), n) for s, n in days_counted.items())
    return Part(PartKind.SCREENS, good, total, {"screens": len(days_counted)})


# --- headings ---------------------------------------------------------------------------


class Heading(StrEnum):
    """六查六看."""

    AWARENESS = "awareness"  # 查认识看态度
    ARRANGEMENT = "arrangement"  # 查安排看资料
    WORK = "work"  # 查工作看进度
    MODELS = "models"  # 查典型看经验
    PROBLEMS = "problems"  # 查问题看原因
    RESULTS = "results"  # 查实绩看效果

    @property
    def label(self) -> str:
        return HEADING_LABELS[self]


HEADING_LABELS = {
    Heading.AWARENESS: N_("Check awareness, see the attitude"),
    Heading.ARRANGEMENT: N_("Check arrangements, see the records"),
    Heading.WORK: N_("Check the work, see the progress"),
    Heading.MODELS: N_("Check good examples, see the experience"),
    Heading.PROBLEMS: N_("Check problems, see the causes"),
    Heading.RESULTS: N_("Check achievements, see the effect"),
}

#: The six headings in Chinese, as printed on the report whatever the UI language.
HEADING_ZH = {
    Heading.AWARENESS: "查认识看态度",
    Heading.ARRANGEMENT: "查安排看资料",
    Heading.WORK: "查工作看进度",
    Heading.MODELS: "查典型看经验",
    Heading.PROBLEMS: "查问题看原因",
    Heading.RESULTS: "查实绩看效果",
}

#: Which computed parts inform each heading.
HEADING_PARTS: dict[Heading, tuple[PartKind, ...]] = {
    Heading.AWARENESS: (),
    Heading.ARRANGEMENT: (PartKind.COMPLIANCE, PartKind.ON_TIME),
    Heading.WORK: (PartKind.ON_TIME,),
    Heading.MODELS: (),
    Heading.PROBLEMS: (PartKind.FINDINGS, PartKind.FEEDBACK),
    Heading.RESULTS: (PartKind.SCREENS, PartKind.NOTICES, PartKind.FEEDBACK),
}

MIN_SCORE = 0
MAX_SCORE = 100


class ScoreError(ValueError):
    """A score outside 0-100."""


def check_score(value: int | None) -> int | None:
    """:raise ScoreError: a score outside 0-100."""
    if value is None:
        return None
    if not MIN_SCORE <= value <= MAX_SCORE:
        raise ScoreError(value)
    return value


@dataclass(frozen=True)
class HeadingScore:
    heading: Heading
    computed: float | None
    assessor: int | None
    score: float | None
    parts: tuple[PartKind, ...]


def heading_score(computed: float | None, assessor: int | None) -> float | None:
    """Weigh a heading's computed average and the assessor's score (see the module)."""
    if computed is None and assessor is None:
        return None
    if computed is None:
        return float(assessor)  # type: ignore[arg-type]
    if assessor is None:
        return round(computed, 1)
    return round(COMPUTED_WEIGHT * computed + ASSESSOR_WEIGHT * assessor, 1)


def average(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    if not known:
        return None
    return round(sum(known) / len(known), 1)


@dataclass(frozen=True)
class Result:
    headings: tuple[HeadingScore, ...]
    total: float | None
    #: Some heading lacks the assessor's score: the total is provisional.
    provisional: bool


def assess(parts: Sequence[Part], scores: Mapping[Heading, int | None]) -> Result:
    """Return the six headings' scores and the total from the computed ``parts`` and the
    assessor's ``scores``."""
    by_kind = {p.kind: p.score for p in parts}
    headings = []
    for heading in Heading:
        kinds = HEADING_PARTS[heading]
        computed = average([by_kind.get(k) for k in kinds])
        assessor = scores.get(heading)
        headings.append(
            HeadingScore(heading, computed, assessor, heading_score(computed, assessor), kinds)
        )
    total = average([h.score for h in headings])
    provisional = any(h.assessor is None for h in headings)
    return Result(tuple(headings), total, provisional)


# --- ranking ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    name: str
    code: str
    total: float | None
    #: 1 = best; equal totals share a rank; ``None``: no total.
    rank: int | None
    provisional: bool = False


def rank(rows: Sequence[tuple[str, str, float | None, bool]]) -> list[Ranked]:
    """Rank ``rows`` of (name, code, total, provisional): by total, highest first, ties by
    name then code; equal totals share the rank (1, 2, 2, 4); no total last, unranked."""
    scored = sorted((r for r in rows if r[2] is not None), key=lambda r: (-(r[2] or 0), r[0], r[1]))
    unscored = sorted((r for r in rows if r[2] is None), key=lambda r: (r[0], r[1]))
    result: list[Ranked] = []
    for position, (name, code, total, provisional) in enumerate(scored, start=1):
        place = position
        if result and result[-1].total == total:
            place = result[-1].rank or position
        result.append(Ranked(name, code, total, place, provisional))
    result.extend(
        Ranked(name, code, None, None, provisional) for name, code, _, provisional in unscored
    )
    return result


# --- audit --------------------------------------------------------------------------------


class Action(StrEnum):
    SCORE = "score"
    FINALISE = "finalise"


ACTION_LABELS = {
    Action.SCORE: N_("Assessment scores saved"),
    Action.FINALISE: N_("Assessment finalised"),
}


class State(StrEnum):
    DRAFT = "draft"
    FINAL = "final"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {State.DRAFT: N_("Draft"), State.FINAL: N_("Final")}
