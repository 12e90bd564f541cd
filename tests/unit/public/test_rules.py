"""The public page's ordering and grouping rules."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from signage_server.disclosure import windows
from signage_server.disclosure.rules import Category
from signage_server.disclosure.windows import Window
from signage_server.public import rules

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=TZ)


def test_categories_follow_the_design_order() -> None:
    assert list(rules.CATEGORY_ORDER) == list(Category)
    order = list(Category)
    assert order[0] is Category.DECISIONS and order[-1] is Category.OTHER


def test_current_order_is_category_then_catalog_then_newest() -> None:
    items = {
        "village old": rules.current_order(Category.VILLAGE_AFFAIRS, 0, at(1)),
        "village new": rules.current_order(Category.VILLAGE_AFFAIRS, 0, at(20)),
        "village second entry": rules.current_order(Category.VILLAGE_AFFAIRS, 1, at(25)),
        "village outside": rules.current_order(Category.VILLAGE_AFFAIRS, None, at(26)),
        "decision": rules.current_order(Category.DECISIONS, 5, at(2)),
        "rules": rules.current_order(Category.RULES, 0, None),
    }
    assert sorted(items, key=items.__getitem__) == [
        "decision",
        "rules",
        "village new",
        "village old",
        "village second entry",
        "village outside",
    ]


def test_grouped_keeps_order_and_groups_neighbours() -> None:
    assert rules.grouped([1, 3, 2, 4, 6], lambda n: n % 2) == [(1, [1, 3]), (0, [2, 4, 6])]
    assert rules.grouped([], lambda n: n) == []


def test_a_period_ending_at_midnight_ends_the_day_before() -> None:
    # The page's days are the window rule's (``disclosure.windows``).
    midnight = dt.datetime(2026, 12, 8, tzinfo=TZ)
    assert windows.last_day(midnight, TZ) == dt.date(2026, 12, 7)
    assert windows.last_day(midnight + dt.timedelta(minutes=1), TZ) == dt.date(2026, 12, 8)
    # 2026-12-31 16:00 UTC is New Year's midnight in Beijing: the last day is in 2026.
    new_year = dt.datetime(2026, 12, 31, 16, tzinfo=dt.UTC)
    assert windows.last_day(new_year, TZ) == dt.date(2026, 12, 31)
    assert windows.first_day(new_year, TZ) == dt.date(2027, 1, 1)


def test_ended_at_prefers_the_recorded_end() -> None:
    assert windows.ended_at(at(3), Window(at(1), at(5)), at(1)) == at(3)
    assert windows.ended_at(None, Window(at(1), at(5)), at(1)) == at(5)
    assert windows.ended_at(None, Window(at(1), None), at(1)) == at(1)


def test_years_newest_first_and_which_are_shown() -> None:
    counts = rules.year_counts([2025, 2026, 2025, 2024])
    assert counts == [(2026, 1), (2025, 2), (2024, 1)]
    # A short history is shown whole; a year or all on request; nonsense is ignored.
    assert rules.years_shown(counts, None) == [2026, 2025, 2024]
    assert rules.years_shown(counts, "2025") == [2025]
    assert rules.years_shown(counts, "all") == [2026, 2025, 2024]
    assert rules.years_shown(counts, "1999") == [2026, 2025, 2024]
    assert rules.years_shown(counts, "20x5") == [2026, 2025, 2024]
    # A long one: the newest year only, unless asked.
    long = rules.year_counts([2026] * 50 + [2025] * 50)
    assert rules.years_shown(long, None) == [2026]
    assert rules.years_shown(long, "2025") == [2025]
    assert rules.years_shown(long, "all") == [2026, 2025]
    assert rules.years_shown([], None) == []
