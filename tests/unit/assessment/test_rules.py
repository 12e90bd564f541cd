"""The pure rules of the assessment: periods, part scores, the weighting, the ranking."""

from __future__ import annotations

import datetime as dt

import pytest

from signage_server.assessment import rules
from signage_server.assessment.rules import Heading
from signage_server.assessment.rules import Part
from signage_server.assessment.rules import PartKind
from signage_server.catalog import rules as catalog_rules
from signage_server.disclosure.rules import Timing


def test_periods_parse_with_their_days_and_labels() -> None:
    h1 = rules.parse_period("2026H1")
    assert (h1.start, h1.end, h1.last_day) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 7, 1),
        dt.date(2026, 6, 30),
    )
    h2 = rules.parse_period("2026h2")
    assert (h2.code, h2.start, h2.end) == ("2026H2", dt.date(2026, 7, 1), dt.date(2027, 1, 1))
    year = rules.parse_period("2026Y")
    assert year.year_end and (year.start, year.end) == (dt.date(2026, 1, 1), dt.date(2027, 1, 1))
    assert [p.label_zh for p in (h1, h2, year)] == ["2026年上半年", "2026年下半年", "2026年度总评"]


def test_a_year_alone_is_the_whole_year() -> None:
    assert rules.parse_period("2026") == rules.parse_period("2026Y")
    assert rules.parse_period("2026").code == "2026Y"


@pytest.mark.parametrize("text", ["", None, "26", "2026H3", "26H1", "2026-H1", "2026Q1", "1999"])
def test_bad_periods_are_refused(text: str | None) -> None:
    with pytest.raises(rules.PeriodError):
        rules.parse_period(text)


def test_a_period_is_assessed_once_it_has_begun() -> None:
    h1 = rules.parse_period("2027H1")
    rules.check_begun(h1, dt.date(2027, 1, 1))
    for today in (dt.date(2026, 12, 31), dt.date(2026, 11, 23)):
        with pytest.raises(rules.PeriodError):
            rules.check_begun(h1, today)


def test_a_period_not_ended_is_counted_so_far() -> None:
    h2 = rules.parse_period("2026H2")
    today = dt.date(2026, 11, 23)
    assert not h2.ended(today)
    assert h2.cutoff(today) == dt.date(2026, 11, 24)
    assert h2.ended(dt.date(2027, 1, 1)) and h2.cutoff(dt.date(2027, 3, 1)) == h2.end
    assert rules.period_of(today).code == "2026H2"
    assert rules.period_of(dt.date(2026, 6, 30)).code == "2026H1"


def test_part_scores() -> None:
    assert Part(PartKind.COMPLIANCE, 17, 20).score == 85.0
    assert Part(PartKind.COMPLIANCE, 0, 0).score is None
    assert rules.ratio_score(2, 3) == 66.7


def test_duties_kept_count_those_due_or_done() -> None:
    cutoff = dt.date(2026, 11, 24)
    duties = [
        rules.Duty(dt.date(2026, 8, 1), dt.date(2026, 7, 30)),  # kept
        rules.Duty(dt.date(2026, 8, 1), dt.date(2026, 8, 3)),  # late
        rules.Duty(dt.date(2026, 9, 1), None),  # overdue
        rules.Duty(dt.date(2026, 12, 1), None),  # not due yet: not counted
        rules.Duty(dt.date(2026, 12, 1), dt.date(2026, 11, 20)),  # done early: counted
    ]
    assert rules.kept(duties, cutoff) == (2, 4)


def test_notices_ended_early_by_the_superior_count_as_held() -> None:
    until = dt.datetime(2026, 9, 10, tzinfo=dt.UTC)
    part = rules.notices_held(
        [
            rules.NoticeHold(until, None),
            rules.NoticeHold(until, until + dt.timedelta(days=3)),
            rules.NoticeHold(until, until - dt.timedelta(days=2), by_superior=True),
            rules.NoticeHold(until, until - dt.timedelta(days=2), by_superior=False),
        ]
    )
    assert (part.good, part.total, part.score) == (3, 4, 75.0)
    assert part.figures == {"ended_early_by_superior": 1, "ended_early": 1}


def test_screen_coverage_counts_screen_days() -> None:
    part = rules.screen_coverage({1: 10, 2: 0}, {1: 10, 2: 10, 3: 20})
    assert (part.good, part.total, part.score) == (10, 40, 25.0)


def test_periodic_entries_on_time_ask_the_catalog_rule() -> None:
    quarterly = catalog_rules.Requirement(Timing.PERIODIC, catalog_rules.Cadence.QUARTERLY, 19)
    h2 = rules.parse_period("2026H2")

    def pub(day: dt.date) -> catalog_rules.Publication:
        return catalog_rules.Publication(1, day, live=True)

    # Q3 by 2026-07-20 on time; Q4 published 2026-10-25, after the 20th: late.
    made = rules.on_time(
        quarterly, [pub(dt.date(2026, 7, 15)), pub(dt.date(2026, 10, 25))], h2, h2.end
    )
    assert made == (1, 2)
    # So far on 2026-08-01: only Q3 was due.
    assert rules.on_time(quarterly, [], h2, dt.date(2026, 8, 1)) == (0, 1)


def test_heading_weighting() -> None:
    assert rules.heading_score(80.0, 100) == 88.0  # 0.6 × 80 + 0.4 × 100
    assert rules.heading_score(None, 70) == 70.0
    assert rules.heading_score(55.0, None) == 55.0
    assert rules.heading_score(None, None) is None


def test_assess_maps_parts_to_headings_and_averages_them() -> None:
    parts = [
        Part(PartKind.COMPLIANCE, 8, 10),  # 80
        Part(PartKind.ON_TIME, 1, 2),  # 50
        Part(PartKind.NOTICES, 1, 1),  # 100
        Part(PartKind.FEEDBACK, 0, 0),  # none: left out
        Part(PartKind.SCREENS, 3, 4),  # 75
        Part(PartKind.FINDINGS, 1, 1),  # 100
    ]
    scores = {h: 90 for h in Heading}
    result = rules.assess(parts, scores)
    by = {h.heading: h for h in result.headings}
    assert by[Heading.ARRANGEMENT].computed == 65.0  # (80 + 50) / 2
    assert by[Heading.ARRANGEMENT].score == 75.0  # 0.6 × 65 + 0.4 × 90
    assert by[Heading.WORK].computed == 50.0
    assert by[Heading.PROBLEMS].computed == 100.0  # feedback had nothing to count
    assert by[Heading.RESULTS].computed == 87.5  # (75 + 100) / 2
    assert by[Heading.AWARENESS].computed is None and by[Heading.AWARENESS].score == 90.0
    assert by[Heading.MODELS].score == 90.0
    assert result.total == round((90 + 75 + 66 + 90 + 96 + 88.5) / 6, 1)
    assert not result.provisional
    assert rules.assess(parts, {}).provisional


def test_every_heading_is_mapped_and_printed_in_chinese() -> None:
    assert set(rules.HEADING_PARTS) == set(Heading) == set(rules.HEADING_ZH)
    assert rules.HEADING_ZH[Heading.ARRANGEMENT] == "查安排看资料"
    assert rules.HEADING_PARTS[Heading.AWARENESS] == rules.HEADING_PARTS[Heading.MODELS] == ()


def test_ranking_by_total_ties_by_name_shared_rank() -> None:
    ranked = rules.rank(
        [
            ("乙村", "B", 80.0, False),
            ("甲村", "A", 90.0, False),
            ("丙村", "C", 80.0, True),
            ("丁村", "D", None, True),
            ("戊村", "E", 70.0, False),
        ]
    )
    assert [(r.code, r.rank) for r in ranked] == [
        ("A", 1),
        ("C", 2),  # 丙 sorts before 乙 by code point
        ("B", 2),
        ("E", 4),
        ("D", None),
    ]
    # Stable: the same input in another order gives the same ranking.
    assert rules.rank(
        list(reversed([("乙村", "B", 80.0, False), ("甲村", "A", 90.0, False)]))
    ) == rules.rank([("乙村", "B", 80.0, False), ("甲村", "A", 90.0, False)])


def test_scores_are_0_to_100() -> None:
    assert rules.check_score(0) == 0 and rules.check_score(100) == 100
    with pytest.raises(rules.ScoreError):
        rules.check_score(101)
    with pytest.raises(rules.ScoreError):
        rules.check_score(-1)
