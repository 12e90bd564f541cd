"""The table-cell rule (content/numbers.py) against the vectors the player's mirror also runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from content import numbers

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "table_cells.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize(("value", "expected"), VECTORS["money"])
def test_money_is_written_one_way(value: Any, expected: str | None) -> None:
    assert numbers.format_money(value) == expected


@pytest.mark.parametrize(("value", "expected"), VECTORS["numeric"])
def test_numeric_cells(value: Any, expected: bool) -> None:
    assert numbers.is_numeric(value) is expected


@pytest.mark.parametrize(("value", "expected"), VECTORS["text"])
def test_cells_as_text(value: Any, expected: str) -> None:
    assert numbers.number_text(value) == expected


@pytest.mark.parametrize(("value", "expected"), VECTORS["short"])
def test_short_cells(value: Any, expected: bool) -> None:
    assert numbers.is_short(value) is expected


@pytest.mark.parametrize(("header", "expected"), VECTORS["money_headers"])
def test_money_headers(header: str, expected: bool) -> None:
    assert numbers.is_money_header(header) is expected


@pytest.mark.parametrize("table", VECTORS["columns"], ids=lambda t: t["columns"][0])
def test_column_kinds_and_display(table: dict[str, Any]) -> None:
    kinds = numbers.column_kinds(table["columns"], table["rows"])
    assert kinds == table["kinds"]
    shown = [
        [numbers.cell_display(cell, kinds[i]) for i, cell in enumerate(row)]
        for row in table["rows"]
    ]
    assert shown == table["display"]


@pytest.mark.parametrize(("row", "expected"), VECTORS["total_rows"])
def test_total_rows(row: list[Any], expected: bool) -> None:
    assert numbers.is_total_row(row) is expected


@pytest.mark.parametrize(("caption", "title", "expected"), VECTORS["captions"])
def test_caption_repeating_the_title(caption: str, title: str, expected: bool) -> None:
    assert numbers.caption_repeats_title(caption, title) is expected
