"""Lists that scale: pages with totals, search and filters, for every operator list.

One helper for every list page (items, tasks, feedback, screens, users, audit log):

* :class:`Filters` reads a list's search and filter fields from the query string (a GET
  form: everything works without JavaScript) and gives the arguments that page links
  carry, so that paging keeps the filters;
* :func:`paginate` counts the rows of a query with one ``COUNT`` query and loads only the
  rows of the page asked for;
* :func:`text_match` and :func:`date_range` turn what a user typed into SQL conditions.

The caller builds its query with the permission and audience conditions first; filters only
ever add conditions to it, so that they never widen what the user may see. No Flask here:
the pager and the filter bar are the macros ``pager`` and ``filter_bar`` of
``templates/_macros.html``. Labels are message ids, translated by the macros.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import Generic
from typing import Literal
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.i18n import N_

T = TypeVar("T")

#: Rows per page of every list.
PAGE_SIZE = 50
#: The longest search text taken (longer input is cut).
SEARCH_MAX = 100

DATE_ERROR = N_("Write the date as year-month-day, e.g. 2026-03-01.")
RANGE_ERROR = N_("The end date is before the start date.")

FieldKind = Literal["search", "select", "date", "check"]


# --- fields and their values --------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Field:
    """One input of a list's filter bar.

    :param label: a message id (translated by the macro).
    :param options: of a ``select``; their labels are message ids when ``translate``,
        else shown as they are (organisation names).
    """

    name: str
    label: str
    kind: FieldKind
    options: tuple[Option, ...] = ()
    translate: bool = True
    placeholder: str = ""
    #: Label of the empty choice of a ``select`` (a message id).
    any_label: str = N_("All")
    #: Bootstrap column classes of the field in the bar.
    width: str = "col-6 col-md-4 col-xl"


def search(name: str = "q", label: str = N_("Search"), placeholder: str = "") -> Field:
    return Field(name, label, "search", placeholder=placeholder, width="col-12 col-md-8 col-xl-3")


def select(
    name: str,
    label: str,
    options: Iterable[tuple[str, str]],
    *,
    translate: bool = True,
    any_label: str = N_("All"),
) -> Field:
    return Field(
        name,
        label,
        "select",
        tuple(Option(v, lbl) for v, lbl in options),
        translate=translate,
        any_label=any_label,
    )


def date(name: str, label: str) -> Field:
    return Field(name, label, "date", width="col-6 col-md-4 col-xl")


def check(name: str, label: str) -> Field:
    return Field(name, label, "check", width="col-auto")


def parse_date(text: str) -> dt.date | None:
    """Read a date typed as 年-月-日: ``2026-03-01``, ``2026-3-1``, ``2026/3/1``,
    ``2026.3.1``, ``2026年3月1日`` or ``20260301``.

    :raise ValueError: not such a date.
    """
    value = text.strip()
    if not value:
        return None
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", value)
    if match is None:
        match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", value)
    if match is None:
        raise ValueError(value)
    year, month, day = (int(part) for part in match.groups())
    return dt.date(year, month, day)


class Filters:
    """The values of a list's filter fields, read from the query string.

    Unknown select values and malformed dates are dropped (a malformed date is reported in
    :attr:`errors`), so that a hand-edited address never fails and never filters on garbage.
    """

    def __init__(
        self,
        fields: Sequence[Field],
        args: Mapping[str, str],
        *,
        keep: Mapping[str, str] | None = None,
    ) -> None:
        """:param keep: more arguments the page's links carry (e.g. the chosen tab)."""
        self.fields = tuple(fields)
        self.keep = {k: v for k, v in (keep or {}).items() if v}
        self.values: dict[str, str] = {}
        self.dates: dict[str, dt.date] = {}
        self.errors: dict[str, str] = {}
        for f in self.fields:
            raw = str(args.get(f.name, "") or "").strip()
            if not raw:
                continue
            if f.kind == "search":
                self.values[f.name] = " ".join(raw.split())[:SEARCH_MAX]
            elif f.kind == "select":
                if raw in {o.value for o in f.options}:
                    self.values[f.name] = raw
            elif f.kind == "check":
                if raw == "1":
                    self.values[f.name] = "1"
            else:
                self.values[f.name] = raw[:20]
                try:
                    day = parse_date(raw)
                except ValueError:
                    self.errors[f.name] = DATE_ERROR
                else:
                    if day is not None:
                        self.dates[f.name] = day
                        self.values[f.name] = day.isoformat()

    def get(self, name: str) -> str:
        """Return the field's value (``""`` when empty or not valid)."""
        if name in self.errors:
            return ""
        return self.values.get(name, "")

    def shown(self, name: str) -> str:
        """Return what the field shows: the value, or what was typed when it is not valid."""
        return self.values.get(name, "")

    def flag(self, name: str) -> bool:
        return self.get(name) == "1"

    def date(self, name: str) -> dt.date | None:
        return self.dates.get(name)

    def check_range(self, start: str, end: str) -> tuple[dt.date | None, dt.date | None]:
        """Return the dates of a range; an end before the start is an error (both dropped)."""
        first, last = self.date(start), self.date(end)
        if first is not None and last is not None and last < first:
            self.errors[end] = RANGE_ERROR
            del self.dates[end]
            return first, None
        return first, last

    def moments(
        self, start: str, end: str, tz: dt.tzinfo
    ) -> tuple[dt.datetime | None, dt.datetime | None]:
        """Return the range of local days ``start``–``end`` (both included) as the moments
        (UTC) ``since`` (included) and ``before`` (excluded); either may be open."""
        first, last = self.check_range(start, end)
        return (
            day_start(first, tz) if first is not None else None,
            day_start(last + dt.timedelta(days=1), tz) if last is not None else None,
        )

    @property
    def active(self) -> bool:
        """Tell whether any filter is set (the bar then offers to clear them)."""
        return any(self.get(f.name) for f in self.fields)

    def link_args(self, page: int | None = None, **keep: str) -> dict[str, str | int]:
        """Return the query arguments of a link to ``page`` of the same filtered list
        (``keep``: other values of the kept arguments, e.g. another tab)."""
        args: dict[str, str | int] = {**self.keep, **keep}
        args.update({f.name: self.get(f.name) for f in self.fields if self.get(f.name)})
        if page is not None and page > 1:
            args["page"] = page
        return args


def page_number(text: str | None) -> int:
    """Read the ``page`` argument: a positive number, else 1."""
    try:
        number = int(str(text or "1").strip())
    except ValueError:
        return 1
    return max(number, 1)


# --- pages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows, which page it is, and how many rows there are in all."""

    rows: list[T]
    total: int
    number: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(math.ceil(self.total / self.size), 1)

    @property
    def first(self) -> int:
        """Position (from 1) of the first row of the page; 0 when the list is empty."""
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return (self.number - 1) * self.size + len(self.rows)

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None

    def window(self, around: int = 2) -> list[int | None]:
        """Return the page numbers to link: the first, the last, and ``around`` either side
        of this one; ``None`` stands for the pages left out (shown as …)."""
        wanted = {1, self.pages, *range(self.number - around, self.number + around + 1)}
        numbers = sorted(n for n in wanted if 1 <= n <= self.pages)
        out: list[int | None] = []
        for n in numbers:
            if numbers and n > 1 and (n - 1) not in numbers:
                out.append(None)
            out.append(n)
        return out


def count(session: Session, query: sa.Select[Any]) -> int:
    """Return how many rows ``query`` has, with one ``COUNT`` query."""
    counted = sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    return int(session.scalar(counted) or 0)


def clamp(number: int, total: int, size: int = PAGE_SIZE) -> int:
    """Return ``number`` within the pages of ``total`` rows (past the end: the last page)."""
    return min(max(number, 1), max(math.ceil(total / size), 1))


def paginate(
    session: Session, query: sa.Select[Any], number: int, size: int = PAGE_SIZE
) -> Page[Any]:
    """Return page ``number`` of ``query`` (which must be ordered, to a unique key).

    The total is one ``COUNT`` query; only the page's rows are loaded. A page past the end
    gives the last page, so that a link kept from a longer list still shows something.
    """
    total = count(session, query)
    number = clamp(number, total, size)
    rows = list(session.scalars(query.limit(size).offset((number - 1) * size)))
    return Page(rows=rows, total=total, number=number, size=size)


# --- conditions from what the user typed ----------------------------------------------------


def like_pattern(text: str) -> str:
    """Return ``%text%`` for ``LIKE … ESCAPE '\\'``, with ``%`` and ``_`` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def text_match(text: str, *columns: Any) -> sa.ColumnElement[bool]:
    """Return a condition: every word of ``text`` appears in at least one of ``columns``
    (ignoring case). Columns may also be conditions-building callables of a pattern."""
    conditions = []
    for word in text.split():
        pattern = like_pattern(word)
        conditions.append(
            sa.or_(*(c(pattern) if callable(c) else c.ilike(pattern, escape="\\") for c in columns))
        )
    return sa.and_(sa.true(), *conditions)


def day_start(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """Return the moment (UTC) at which the local ``day`` begins."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz).astimezone(dt.UTC)


def date_range(
    column: Any, first: dt.date | None, last: dt.date | None, tz: dt.tzinfo
) -> sa.ColumnElement[bool]:
    """Return a condition: the timestamp ``column`` falls on a local day from ``first`` to
    ``last`` (both included; either may be open)."""
    conditions = []
    if first is not None:
        conditions.append(column >= day_start(first, tz))
    if last is not None:
        conditions.append(column < day_start(last + dt.timedelta(days=1), tz))
    return sa.and_(sa.true(), *conditions)
