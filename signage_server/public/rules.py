"""The public page of an organisation: how its disclosures are ordered and grouped. Pure.

Current items are grouped by category, categories in the order of DESIGN.md §2 (the order of
:class:`~signage_server.disclosure.rules.Category`); within a category in the order of the
disclosure catalog (items outside it last), then newest first. Past items are grouped by the
year their publication ended, newest year first; a long history is read one year at a time.
When an item is shown and its days are the window rule's
(:mod:`signage_server.disclosure.windows`).
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from typing import TypeVar

from signage_server.disclosure.rules import Category

T = TypeVar("T")
K = TypeVar("K")


def page_path(org_code: str) -> str:
    """Return the path of the public page of the organisation with ``org_code``."""
    return "/p/" + urllib.parse.quote(org_code.strip().upper(), safe="")


#: The position of each category on the page.
CATEGORY_ORDER = {category: index for index, category in enumerate(Category)}
#: ``?year=`` value that shows every year at once.
ALL_YEARS = "all"
#: Ended items shown at once without asking for a year (a village discloses about 50 a year).
ALL_AT_ONCE = 60


def current_order(
    category: Category, entry_position: int | None, shown_from: dt.datetime | None
) -> tuple[int, int, int, float]:
    """Return the sort key of a current item: category, catalog entry (outside the catalog
    last), newest first."""
    newest = -shown_from.timestamp() if shown_from is not None else 0.0
    outside = entry_position is None
    return (CATEGORY_ORDER[category], int(outside), entry_position or 0, newest)


def grouped(entries: Iterable[T], key: Callable[[T], K]) -> list[tuple[K, list[T]]]:
    """Group consecutive ``entries`` with equal ``key`` (sort them first), keeping their order."""
    groups: list[tuple[K, list[T]]] = []
    for entry in entries:
        value = key(entry)
        if groups and groups[-1][0] == value:
            groups[-1][1].append(entry)
        else:
            groups.append((value, [entry]))
    return groups


def year_counts(years: Iterable[int]) -> list[tuple[int, int]]:
    """Return ``(year, number of ended items)``, newest year first."""
    counts: dict[int, int] = {}
    for year in years:
        counts[year] = counts.get(year, 0) + 1
    return sorted(counts.items(), reverse=True)


def years_shown(counts: Sequence[tuple[int, int]], asked: str | None) -> list[int]:
    """Return the years whose ended items the page lists for ``?year=asked``.

    A year that has ended items, or every year (``all``); without a (valid) choice, every
    year when the history is short, else the newest year only.
    """
    years = [year for year, _count in counts]
    if asked == ALL_YEARS:
        return years
    if asked is not None and asked.strip().isdigit() and int(asked) in years:
        return [int(asked)]
    if sum(count for _year, count in counts) <= ALL_AT_ONCE:
        return years
    return years[:1]
