"""The list helper without a database: dates as 年-月-日, page numbers, windows, filters."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from signage_server import listing
from tests.unit.test_architecture import FRAMEWORKS
from tests.unit.test_architecture import PACKAGE
from tests.unit.test_architecture import transitive_imports

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_the_helper_needs_no_web_framework() -> None:
    reached = transitive_imports(PACKAGE / "listing.py")
    assert not [n for n in reached if n.startswith(("flask", "werkzeug", "jinja2"))]
    assert "sqlalchemy" in reached and FRAMEWORKS


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-01",
        "2026-3-1",
        "2026/3/1",
        "2026.03.01",
        "2026年3月1日",
        "2026 年 3 月 1 日",
        "20260301",
    ],
)
def test_dates_are_read_as_year_month_day(text: str) -> None:
    assert listing.parse_date(text) == dt.date(2026, 3, 1)


@pytest.mark.parametrize("text", ["03/01/2026", "2026-13-01", "2026-02-30", "昨天", "1.3.2026"])
def test_other_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        listing.parse_date(text)


@pytest.mark.parametrize(
    ("text", "number"), [(None, 1), ("", 1), ("0", 1), ("-3", 1), ("abc", 1), ("7", 7), (" 2 ", 2)]
)
def test_page_numbers(text: str | None, number: int) -> None:
    assert listing.page_number(text) == number


def page(number: int, total: int) -> listing.Page[int]:
    return listing.Page(rows=[0] * min(50, total), total=total, number=number)


def test_pages_of_a_total() -> None:
    assert page(1, 0).pages == 1
    assert page(1, 50).pages == 1
    assert page(1, 51).pages == 2
    assert page(7, 301).pages == 7
    assert (page(1, 51).previous, page(1, 51).next) == (None, 2)
    assert (page(2, 51).previous, page(2, 51).next) == (1, None)
    assert listing.clamp(99, 301) == 7
    assert listing.clamp(0, 301) == 1
    assert listing.clamp(3, 0) == 1


def test_the_window_of_page_links_keeps_first_and_last() -> None:
    assert page(1, 120).window() == [1, 2, 3]
    assert page(1, 1000).window() == [1, 2, 3, None, 20]
    assert page(10, 1000).window() == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert page(20, 1000).window() == [1, None, 18, 19, 20]
    assert page(4, 1000).window() == [1, 2, 3, 4, 5, 6, None, 20]


FIELDS = [
    listing.search(),
    listing.select("state", "State", [("draft", "Draft"), ("published", "Published")]),
    listing.date("from", "From"),
    listing.date("to", "To"),
    listing.check("overdue", "Overdue only"),
]


def test_filters_keep_what_is_valid_and_report_bad_dates() -> None:
    filters = listing.Filters(
        FIELDS,
        {
            "q": "  道路   硬化 ",
            "state": "hacked",
            "from": "2026年3月1日",
            "to": "2026-02-30",
            "overdue": "yes",
            "other": "x",
        },
    )
    assert filters.get("q") == "道路 硬化"
    assert filters.get("state") == ""
    assert filters.date("from") == dt.date(2026, 3, 1)
    assert filters.get("from") == "2026-03-01"
    assert filters.get("to") == "" and filters.shown("to") == "2026-02-30"
    assert filters.errors == {"to": listing.DATE_ERROR}
    assert not filters.flag("overdue")
    assert filters.link_args(2) == {"q": "道路 硬化", "from": "2026-03-01", "page": 2}
    assert filters.link_args(1) == {"q": "道路 硬化", "from": "2026-03-01"}


def test_a_range_ending_before_it_starts_is_an_error() -> None:
    filters = listing.Filters(FIELDS, {"from": "2026-03-05", "to": "2026-03-01"})
    assert filters.check_range("from", "to") == (dt.date(2026, 3, 5), None)
    assert filters.errors == {"to": listing.RANGE_ERROR}


def test_local_days_become_utc_moments() -> None:
    filters = listing.Filters(FIELDS, {"from": "2026-03-01", "to": "2026-03-02"})
    since, before = filters.moments("from", "to", SHANGHAI)
    assert since == dt.datetime(2026, 2, 28, 16, 0, tzinfo=dt.UTC)
    assert before == dt.datetime(2026, 3, 2, 16, 0, tzinfo=dt.UTC)


def test_kept_arguments_ride_along_and_can_be_changed() -> None:
    filters = listing.Filters(FIELDS, {"q": "x", "step": "ignored"}, keep={"step": "review"})
    assert filters.link_args(3) == {"step": "review", "q": "x", "page": 3}
    assert filters.link_args(step="drafts") == {"step": "drafts", "q": "x"}
    assert filters.active
    assert not listing.Filters(FIELDS, {}, keep={"step": "review"}).active


def test_like_patterns_take_wildcards_literally() -> None:
    assert listing.like_pattern("100%_完成\\") == "%100\\%\\_完成\\\\%"
