"""Signed short codes: round trip, forgery, tampering, case."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signage_server.feedback.codes import derive_key
from signage_server.feedback.codes import form_path
from signage_server.feedback.codes import form_url
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


BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


@given(
    st.sampled_from([("r", 2), ("p", 1), ("s", 1)]).flatmap(
        lambda kind: st.tuples(
            st.just(kind[0]), st.lists(st.integers(0, 2**40), min_size=kind[1], max_size=kind[1])
        )
    )
)
def test_each_code_has_exactly_one_spelling(case: tuple[str, list[int]]) -> None:
    kind, numbers = case
    code = make(KEY, kind, *numbers)
    found = read(KEY, code)
    assert found is not None and (found.kind, list(found.numbers)) == (kind, numbers)
    assert read(KEY, code.lower()) == found
    # Any other last character (some only differ in bits base32 does not use) is refused.
    accepted = [c for c in BASE32 if read(KEY, code[:-1] + c) is not None]
    assert accepted == [code[-1]]


def test_the_form_address_of_a_code() -> None:
    code = make(KEY, "r", 12, 3)
    screen = make(KEY, "s", 4)
    assert form_path(code) == f"/f/{code}"
    assert form_path(code, screen) == f"/f/{code}?s={screen}"
    assert form_url("https://gk.example.cn/", code) == f"https://gk.example.cn/f/{code}"
    assert form_url("https://gk.example.cn", code, screen) == (
        f"https://gk.example.cn/f/{code}?s={screen}"
    )
