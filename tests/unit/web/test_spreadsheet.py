"""The one helper every CSV of the app goes through."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signage_server.web.spreadsheet import FORMULA_STARTS
from signage_server.web.spreadsheet import csv_text
from signage_server.web.spreadsheet import safe_cell


@pytest.mark.parametrize("start", sorted(FORMULA_STARTS))
def test_formula_starts_are_neutralised(start: str) -> None:
    assert safe_cell(start + "1+cmd|' /C calc'!A0") == "'" + start + "1+cmd|' /C calc'!A0"
    assert safe_cell("  " + start + "A1") == "'  " + start + "A1"
    assert safe_cell("\u3000" + start + "A1") == "'\u3000" + start + "A1"


@pytest.mark.parametrize(
    "value", ["13800138000", "-5", "+86", "12.5", "2026-11-23 09:00", "7KQ4M-XH2PT", "", "村务"]
)
def test_ordinary_values_are_unchanged(value: str) -> None:
    assert safe_cell(value) == value


def test_non_text_values() -> None:
    assert safe_cell(None) == ""
    assert safe_cell(42) == "42"
    assert safe_cell(-3.5) == "-3.5"


@given(st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=4), max_size=4))
def test_no_cell_of_a_document_starts_a_formula(rows: list[list[str]]) -> None:
    text = csv_text(["a", "b", "c", "d"], rows)
    assert text.startswith("\ufeff")
    for row in list(csv.reader(io.StringIO(text[1:], newline="")))[1:]:
        for cell in row:
            stripped = cell.lstrip(" \u3000")
            if stripped[:1] in FORMULA_STARTS or cell[:1] in FORMULA_STARTS:
                assert cell.startswith("'") or _is_number(cell), cell


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
