"""Pure rules of the archive dossier (归档卷宗): how a publication ended, where and how long a
screen showed an item (proof of play, gaps), and what changed from one revision to the next,
tables row by row. No Flask, no database.

**Gaps.** An item in a screen's rotation comes back every few minutes, so a screen that did not
show it for longer than :data:`GAP` while it was published was off, offline, or had the item
left out of its playlists. Gaps are measured inside the item's publication windows only (from
publication or ``valid_from``, whichever is later, to the end), and a window's start and end
count as shown-until and shown-from: a screen that never showed the item has one gap per window.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass

from signage_server.disclosure.rules import State
from signage_server.disclosure.rules import text_ops
from signage_server.i18n import N_

#: A screen that did not show an item for longer than this, while the item was published,
#: has a gap (see the module's docstring).
GAP = dt.timedelta(hours=1)
#: The gaps a dossier lists per screen, longest first (the others are counted).
GAPS_LISTED = 8


# --- how a publication ended ------------------------------------------------------------


class Ending:
    """How an item's publication ended, as :class:`~signage_server.paper.models.Dossier`
    records it."""

    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    ARCHIVED = "archived"
    #: Not ended: an operator asked for a dossier of an item still on the screens.
    MANUAL = "manual"


ENDING_LABELS = {
    Ending.EXPIRED: N_("Expired at the end of its validity"),
    Ending.WITHDRAWN: N_("Withdrawn"),
    Ending.ARCHIVED: N_("Public notice ended and archived"),
    Ending.MANUAL: N_("Made on request while still published"),
}

#: States of a live revision whose publication has ended.
ENDED = frozenset({State.EXPIRED, State.WITHDRAWN, State.ARCHIVED})


def ending_of(state: State, *, withdrawn: bool, notice: bool) -> str:
    """Return how the publication of a live revision in ``state`` ended.

    :param withdrawn: the revision was withdrawn (its audit trail has a withdrawal).
    :param notice: it is a public notice (公示), archived by the notice rule at its end.
    """
    if state not in ENDED:
        return Ending.MANUAL
    if withdrawn:
        return Ending.WITHDRAWN
    if state is State.ARCHIVED and notice:
        return Ending.ARCHIVED
    return Ending.EXPIRED


# --- proof of play ----------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A stretch of time: a publication window, or a gap."""

    start: dt.datetime
    end: dt.datetime

    @property
    def seconds(self) -> float:
        return max((self.end - self.start).total_seconds(), 0.0)


@dataclass(frozen=True)
class Play:
    """One proof-of-play record: a screen showed a revision from ``start`` for ``seconds``."""

    start: dt.datetime
    seconds: float
    revision: int = 0

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=self.seconds)


@dataclass(frozen=True)
class Shown:
    """What one screen showed of an item."""

    plays: int = 0
    seconds: float = 0.0
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    #: Revision numbers it showed, ascending.
    revisions: tuple[int, ...] = ()
    #: Every gap longer than the threshold, in time order.
    gaps: tuple[Span, ...] = ()

    @property
    def hours(self) -> float:
        return self.seconds / 3600

    @property
    def gap_seconds(self) -> float:
        return sum(g.seconds for g in self.gaps)

    @property
    def longest_gaps(self) -> list[Span]:
        """The gaps a dossier lists: the longest :data:`GAPS_LISTED`, in time order."""
        longest = sorted(self.gaps, key=lambda g: g.seconds, reverse=True)[:GAPS_LISTED]
        return sorted(longest, key=lambda g: g.start)


def merge(spans: Iterable[Span]) -> list[Span]:
    """Return ``spans`` sorted, overlapping and touching ones joined, empty ones dropped."""
    merged: list[Span] = []
    for span in sorted((s for s in spans if s.end > s.start), key=lambda s: s.start):
        if merged and span.start <= merged[-1].end:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    return merged


def gaps(
    plays: Iterable[Play], windows: Iterable[Span], threshold: dt.timedelta = GAP
) -> list[Span]:
    """Return the stretches longer than ``threshold`` inside ``windows`` during which none of
    ``plays`` was on the screen, in time order."""
    shown = merge(Span(p.start, p.end) for p in plays)
    found: list[Span] = []
    for window in merge(windows):
        cursor = window.start
        for span in shown:
            if span.end <= cursor:
                continue
            if span.start >= window.end:
                break
            if span.start - cursor > threshold:
                found.append(Span(cursor, span.start))
            cursor = max(cursor, span.end)
        if window.end - cursor > threshold:
            found.append(Span(cursor, window.end))
    return found


def summarise(
    plays: Sequence[Play], windows: Sequence[Span], threshold: dt.timedelta = GAP
) -> Shown:
    """Return how often and how long one screen showed an item, and its gaps."""
    if not plays:
        return Shown(gaps=tuple(gaps([], windows, threshold)))
    return Shown(
        plays=len(plays),
        seconds=sum(p.seconds for p in plays),
        first=min(p.start for p in plays),
        last=max(p.end for p in plays),
        revisions=tuple(sorted({p.revision for p in plays})),
        gaps=tuple(gaps(plays, windows, threshold)),
    )


# --- what changed between revisions ---------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    #: The old text, when this cell of a changed row differs from it.
    old: str | None = None

    @property
    def changed(self) -> bool:
        return self.old is not None


@dataclass(frozen=True)
class RowChange:
    """One row of a table diff: ``=`` kept, ``-`` removed, ``+`` added, ``~`` changed
    (its cells say which)."""

    op: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class TableDiff:
    columns: tuple[str, ...]
    #: The old header, when it changed.
    old_columns: tuple[str, ...] | None
    rows: tuple[RowChange, ...]
    #: Rows kept unchanged and not listed.
    kept: int = 0
    #: What each (new) column holds (``content.numbers.column_kinds``: money, number, …).
    kinds: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.old_columns is not None or any(r.op != "=" for r in self.rows)


def _cells(row: Sequence[str]) -> tuple[Cell, ...]:
    return tuple(Cell(text) for text in row)


def table_diff(
    old_columns: Sequence[str],
    old_rows: Sequence[Sequence[str]],
    new_columns: Sequence[str],
    new_rows: Sequence[Sequence[str]],
    *,
    context: int = 1,
    kinds: Sequence[str] = (),
) -> TableDiff:
    """Compare two tables row by row (cells as text): rows removed, added, and rows changed
    in place with the cells that changed. Unchanged rows are left out except ``context`` rows
    around each change (``kept`` counts the others)."""
    old = [tuple(r) for r in old_rows]
    new = [tuple(r) for r in new_rows]
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    rows: list[RowChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(RowChange("=", _cells(r)) for r in old[i1:i2])
            continue
        if tag == "replace":
            pairs = min(i2 - i1, j2 - j1)
            for a, b in zip(old[i1 : i1 + pairs], new[j1 : j1 + pairs], strict=True):
                width = max(len(a), len(b))
                a_full = a + ("",) * (width - len(a))
                b_full = b + ("",) * (width - len(b))
                rows.append(
                    RowChange(
                        "~",
                        tuple(
                            Cell(y, None if x == y else x)
                            for x, y in zip(a_full, b_full, strict=True)
                        ),
                    )
                )
            i1 += pairs
            j1 += pairs
        rows.extend(RowChange("-", _cells(r)) for r in old[i1:i2])
        rows.extend(RowChange("+", _cells(r)) for r in new[j1:j2])
    near = {
        k for i, r in enumerate(rows) if r.op != "=" for k in range(i - context, i + context + 1)
    }
    shown = tuple(r for i, r in enumerate(rows) if r.op != "=" or i in near)
    kept = len(rows) - len(shown)
    return TableDiff(
        columns=tuple(new_columns),
        old_columns=tuple(old_columns) if tuple(old_columns) != tuple(new_columns) else None,
        rows=shown,
        kept=kept,
        kinds=tuple(kinds),
    )


@dataclass(frozen=True)
class TextDiff:
    """A character-level diff (``[op, text]`` pairs, see ``disclosure.rules.text_ops``) with
    long unchanged stretches shortened around the changes."""

    ops: tuple[tuple[str, str], ...]

    @property
    def changed(self) -> bool:
        return any(op != "=" for op, _text in self.ops)


#: Unchanged text longer than this is shortened to its ends around a change.
CONTEXT_CHARS = 40


def text_diff(old: str, new: str, *, context: int = CONTEXT_CHARS, words: bool = False) -> TextDiff:
    """Return what changed from ``old`` to ``new``, by character (Chinese has no spaces);
    ``words``: by word (a second language's text: see ``disclosure.rules.text_ops``)."""
    ops: list[tuple[str, str]] = []
    raw = text_ops(old, new, words=words)
    for index, (op, text) in enumerate(raw):
        if op == "=" and len(text) > 2 * context + 1:
            head = text[:context] if index > 0 else ""
            tail = text[-context:] if index < len(raw) - 1 else ""
            text = f"{head}…{tail}"
        ops.append((op, text))
    return TextDiff(tuple(ops))


@dataclass(frozen=True)
class FieldChange:
    """A field of a revision that changed (``label`` a message id)."""

    name: str
    label: str
    old: str
    new: str
    diff: TextDiff | None = None


@dataclass(frozen=True)
class TranslationChanges:
    """What changed of a bilingual item's second text (its title, then its body as a table
    row by row or as text); ``presence`` says when one of the two revisions has none."""

    #: The language (``content.languages`` code) of the newer text (the older when removed).
    lang: str
    #: ``added`` or ``removed`` when only one of the revisions has a translation, else empty.
    presence: str = ""
    title: TextDiff | None = None
    table: TableDiff | None = None
    text: TextDiff | None = None
    kinds: tuple[str, str] | None = None

    @property
    def changed(self) -> bool:
        return bool(
            self.presence
            or (self.title and self.title.changed)
            or (self.table and self.table.changed)
            or (self.text and self.text.changed)
            or self.kinds
        )


@dataclass(frozen=True)
class Changes:
    """What changed from one revision to the next: fields, then the body, then the
    translation of a bilingual item."""

    fields: tuple[FieldChange, ...] = ()
    #: Of a body that stayed a table.
    table: TableDiff | None = None
    #: Of any other body (as text), or of a table's caption and note.
    text: TextDiff | None = None
    #: The body's kind changed (e.g. from text to a table): ``(old, new)``.
    kinds: tuple[str, str] | None = None
    translation: TranslationChanges | None = None

    @property
    def any(self) -> bool:
        return bool(
            self.fields
            or (self.table and self.table.changed)
            or (self.text and self.text.changed)
            or self.kinds
            or (self.translation and self.translation.changed)
        )
