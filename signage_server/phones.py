"""Mainland mobile numbers as villagers type them: one reading for every form that takes one
(the feedback form's real name, the appraisal's one vote per number).

Read by ``phonenumbers`` (Google's libphonenumber data), which folds digits of any script
(full-width ``１３８``, Arabic-Indic, …) to ASCII and knows the allocated ranges: two
spellings of one number are one number, so nobody gets a second vote or a second quota of
text messages by typing a digit differently.
"""

from __future__ import annotations

import phonenumbers


def normalise_phone(value: str) -> str | None:
    """Return a mainland mobile number as 11 digits, or ``None`` when it is not one.

    Accepts spaces, dashes, brackets and a ``+86``/``0086``/``86`` prefix (what people type),
    in digits of any script; refuses letters (``phonenumbers`` would read ``ABC`` as the
    keypad's ``222``, and ``x`` as an extension) and landlines (a case may need a text
    message; an appraisal sends its code by one).
    """
    raw = value.strip()
    if any(ch.isalpha() for ch in raw):
        return None
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        return None
    kind = phonenumbers.number_type(number)
    if kind not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return None
    return str(number.national_number)
