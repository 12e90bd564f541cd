"""Signed short codes: round trip, forgery, tampering, case."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signage_server.feedback.codes import derive_key
from signage_server.feedback.codes import make
from signage_server.feedback.codes import read

KEY = derive_key("test-secret")


@given(st.integers(0, 10**9), st.integers(0, 10**6))
def test_round_trip(item: int, revision: int) -> None:
    code = make(KEY, "r", item, revision)
    found = read(KEY, code)
    assert found is not None
    assert (found.kind, found.numbers) == ("r", (item, revision))
    assert read(KEY, code.lower()) == found


def test_short_enough_for_a_qr_code() -> None:
    assert len(make(KEY, "r", 123456, 12)) <= 20
    assert len(make(KEY, "s", 9999)) <= 16


def test_other_key_or_changed_code_is_refused() -> None:
    code = make(KEY, "r", 12, 3)
    assert read(derive_key("another"), code) is None
    for i in range(len(code)):
        changed = code[:i] + ("A" if code[i] != "A" else "B") + code[i + 1 :]
        assert read(KEY, changed) is None, changed


@given(st.text(max_size=40))
def test_garbage_is_refused_not_crashing(text: str) -> None:
    assert read(KEY, text) is None or text.strip().isalnum()


def test_kinds_and_arity() -> None:
    assert read(KEY, make(KEY, "s", 7)).numbers == (7,)  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="takes"):
        make(KEY, "r", 1)
    with pytest.raises(ValueError, match="non-negative"):
        make(KEY, "s", -1)
