"""Pure rules of the archive dossier: gaps in proof of play, how a publication ended, and
what changed between revisions (text by character, tables row by row)."""

from __future__ import annotations

import datetime as dt

from signage_server.disclosure.rules import State
from signage_server.paper.rules import GAP
from signage_server.paper.rules import Ending
from signage_server.paper.rules import Play
from signage_server.paper.rules import Span
from signage_server.paper.rules import ending_of
from signage_server.paper.rules import gaps
from signage_server.paper.rules import merge
from signage_server.paper.rules import summarise
from signage_server.paper.rules import table_diff
from signage_server.paper.rules import text_diff

T0 = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


def rotation(start: dt.datetime, end: dt.datetime, every: dt.timedelta = 10 * M) -> list[Play]:
    """A play of 30 s every ``every`` from ``start`` until ``end``."""
    found = []
    moment = start
    while moment < end:
        found.append(Play(moment, 30.0, 1))
        moment += every
    return found


# --- gaps ---------------------------------------------------------------------------------


def test_an_item_in_rotation_has_no_gap() -> None:
    window = Span(T0, T0 + 10 * H)
    assert gaps(rotation(T0, T0 + 10 * H), [window]) == []


def test_a_screen_offline_for_longer_than_the_threshold_has_a_gap_there() -> None:
    window = Span(T0, T0 + 10 * H)
    plays = rotation(T0, T0 + 3 * H) + rotation(T0 + 6 * H, T0 + 10 * H)
    [gap] = gaps(plays, [window])
    last_before = plays[[p.start for p in plays].index(T0 + 3 * H - 10 * M)]
    assert gap == Span(last_before.end, T0 + 6 * H)
    # Just under the threshold: no gap.
    short = rotation(T0, T0 + 3 * H) + rotation(last_before.end + GAP, T0 + 10 * H)
    assert gaps(short, [window]) == []


def test_gaps_at_the_start_and_the_end_of_the_window_count() -> None:
    window = Span(T0, T0 + 10 * H)
    plays = rotation(T0 + 2 * H, T0 + 8 * H)
    found = gaps(plays, [window])
    assert [g.start for g in found] == [T0, plays[-1].end]
    assert [g.end for g in found] == [T0 + 2 * H, T0 + 10 * H]


def test_a_screen_that_never_showed_the_item_has_one_gap_per_window() -> None:
    windows = [Span(T0, T0 + 5 * H), Span(T0 + 20 * H, T0 + 30 * H)]
    assert gaps([], windows) == windows
    # Time between the windows (withdrawn, then published again) is no gap.
    plays = rotation(T0, T0 + 5 * H) + rotation(T0 + 20 * H, T0 + 30 * H)
    assert gaps(plays, windows) == []


def test_plays_outside_the_window_and_overlapping_plays_do_not_confuse_the_gaps() -> None:
    window = Span(T0, T0 + 4 * H)
    plays = [
        Play(T0 - 3 * H, 60, 1),  # before the publication (clock skew)
        Play(T0 + 30 * M, 2 * 3600, 1),  # a long one
        Play(T0 + 40 * M, 60, 1),  # inside the long one
        Play(T0 + 5 * H, 60, 1),  # after the end
    ]
    assert gaps(plays, [window]) == [Span(T0 + 30 * M + 2 * H, T0 + 4 * H)]


def test_windows_are_merged_and_a_custom_threshold_is_honoured() -> None:
    assert merge([Span(T0 + H, T0 + 2 * H), Span(T0, T0 + H), Span(T0 + 5 * H, T0 + 5 * H)]) == [
        Span(T0, T0 + 2 * H)
    ]
    plays = rotation(T0, T0 + H) + rotation(T0 + H + 20 * M, T0 + 2 * H)
    assert gaps(plays, [Span(T0, T0 + 2 * H)], threshold=15 * M) != []
    assert gaps(plays, [Span(T0, T0 + 2 * H)]) == []


def test_summary_of_a_screen() -> None:
    plays = [*rotation(T0, T0 + 2 * H), Play(T0 + 5 * H, 30.0, 2)]
    shown = summarise(plays, [Span(T0, T0 + 6 * H)])
    assert (shown.plays, shown.seconds, shown.revisions) == (13, 390.0, (1, 2))
    assert (shown.first, shown.last) == (T0, T0 + 5 * H + dt.timedelta(seconds=30))
    assert len(shown.gaps) == 1 and shown.gap_seconds == shown.gaps[0].seconds
    assert abs(shown.hours - 390 / 3600) < 1e-9
    nothing = summarise([], [Span(T0, T0 + 6 * H)])
    assert (nothing.plays, nothing.first, len(nothing.gaps)) == (0, None, 1)


def test_the_longest_gaps_are_listed_in_time_order() -> None:
    windows = [Span(T0, T0 + 100 * H)]
    plays = [Play(T0 + k * 5 * H + (k % 3) * H, 60, 1) for k in range(20)]
    shown = summarise(plays, windows)
    listed = shown.longest_gaps
    assert len(listed) == 8 < len(shown.gaps)
    assert listed == sorted(listed, key=lambda g: g.start)
    assert min(g.seconds for g in listed) >= max(g.seconds for g in shown.gaps if g not in listed)


# --- endings ------------------------------------------------------------------------------


def test_how_a_publication_ended() -> None:
    assert ending_of(State.EXPIRED, withdrawn=False, notice=False) == Ending.EXPIRED
    assert ending_of(State.WITHDRAWN, withdrawn=True, notice=False) == Ending.WITHDRAWN
    assert ending_of(State.ARCHIVED, withdrawn=True, notice=True) == Ending.WITHDRAWN
    assert ending_of(State.ARCHIVED, withdrawn=False, notice=True) == Ending.ARCHIVED
    assert ending_of(State.ARCHIVED, withdrawn=False, notice=False) == Ending.EXPIRED
    assert ending_of(State.PUBLISHED, withdrawn=False, notice=False) == Ending.MANUAL


# --- diffs --------------------------------------------------------------------------------

COLUMNS = ["日期", "摘要", "支出（元）"]
ROWS = [
    ["2026-10-08", "上级转移支付", "45,000.00"],
    ["2026-10-21", "道路维修材料费", "12,680.50"],
    ["2026-11-05", "水电费", "1,320.00"],
    ["2026-11-06", "办公用品", "860.00"],
    ["2026-11-07", "报刊费", "300.00"],
]


def test_a_table_is_compared_row_by_row() -> None:
    new = [list(r) for r in ROWS]
    new[1][2] = "12,860.50"  # changed in place
    del new[2]  # removed
    new.append(["2026-11-12", "村委会办公用品", "860.00"])  # added
    diff = table_diff(COLUMNS, ROWS, COLUMNS, new)
    ops = [(r.op, r.cells[1].text) for r in diff.rows]
    assert ("~", "道路维修材料费") in ops and ("-", "水电费") in ops
    assert ops[-1] == ("+", "村委会办公用品")
    changed = next(r for r in diff.rows if r.op == "~")
    assert [c.changed for c in changed.cells] == [False, False, True]
    assert (changed.cells[2].old, changed.cells[2].text) == ("12,680.50", "12,860.50")
    assert diff.old_columns is None and diff.changed
    # Unchanged rows far from any change are counted, not listed.
    assert diff.kept + len(diff.rows) == len(ROWS) + 1


def test_a_table_without_changes_and_a_new_header() -> None:
    same = table_diff(COLUMNS, ROWS, COLUMNS, ROWS)
    assert not same.changed and same.rows == () and same.kept == len(ROWS)
    renamed = table_diff(COLUMNS, ROWS, ["日期", "摘要", "金额（元）"], ROWS)
    assert renamed.changed and renamed.old_columns == tuple(COLUMNS)


def test_rows_of_different_lengths_are_padded() -> None:
    diff = table_diff(["a", "b"], [["1"]], ["a", "b"], [["1", "2"]])
    [row] = diff.rows
    assert row.op == "~" and [c.text for c in row.cells] == ["1", "2"]
    assert row.cells[1].old == ""


def test_text_is_compared_by_character_and_long_unchanged_text_shortened() -> None:
    old = "本季度村级收入合计四万五千元。" + "其余事项不变。" * 20 + "支出一万二千元。"
    new = "本季度村级收入合计四万六千元。" + "其余事项不变。" * 20 + "支出一万二千元整。"
    diff = text_diff(old, new)
    assert diff.changed
    assert ("-", "五") in diff.ops and ("+", "六") in diff.ops and ("+", "整") in diff.ops
    unchanged = [text for op, text in diff.ops if op == "="]
    assert any("…" in text for text in unchanged)
    assert sum(len(t) for t in unchanged) < len(old)
    assert not text_diff("同样", "同样").changed


def test_a_second_language_is_compared_by_word() -> None:
    from signage_server.paper.dossier import translation_changes

    old = {"lang": "ug", "title": "ھېسابات", "body": {"type": "text", "text": "سانلىق مەلۇمات"}}
    new = {**old, "body": {"type": "text", "text": "يېڭى مەلۇمات"}}
    changes = translation_changes(old, new)
    assert changes is not None and changes.text is not None
    # Whole words, never letters cut out of one (they would lose their joining).
    assert ("-", "سانلىق") in changes.text.ops and ("+", "يېڭى") in changes.text.ops
