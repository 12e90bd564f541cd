"""One reading of a mainland mobile number for every form (signage_server/phones.py)."""

from __future__ import annotations

import pytest

from signage_server.phones import normalise_phone


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("13812345678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("(138)1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("19912345678", "19912345678"),
        # Digits of other scripts are the same digits: one number, one vote, one quota.
        ("１３８１２３４５６７８", "13812345678"),
        ("138123456７8", "13812345678"),
        ("13812345٦78", "13812345678"),
        ("13812345६78", "13812345678"),
        # Letters are not digits (the keypad's ABC, an extension's x).
        ("1381234ABCD", None),
        ("13812345678x1", None),
        ("12812345678", None),
        ("10812345678", None),
        ("1381234567", None),
        ("138123456789", None),
        ("0571-88888888", None),
        ("010-62345678", None),
        ("+1 202 555 0143", None),
        ("abcdefghijk", None),
        ("", None),
    ],
)
def test_mainland_mobile_numbers(typed: str, number: str | None) -> None:
    assert normalise_phone(typed) == number
