"""The signed code of an appraisal's public page (``/a/<code>``), signed as the feedback box
signs its item and screen codes (:mod:`signage_server.feedback.codes`, kind ``a``): the base32
of the appraisal's id followed by a truncated HMAC-SHA256, under a key derived from the app's
secret for appraisals only (no feedback code is an appraisal code, nor the other way). Not
guessable; no personal data. Pure.
"""

from __future__ import annotations

import hashlib

from signage_server.feedback import codes as signed

#: Where the villagers' pages live (the public blueprint's URL prefix).
PREFIX = "/a"
KIND = "a"


def derive_key(secret: str) -> bytes:
    """Return the appraisal-code key derived from the app's secret key."""
    return hashlib.sha256(b"signage appraisal codes\x00" + secret.encode()).digest()


def make(key: bytes, appraisal_id: int) -> str:
    """Return the code of appraisal ``appraisal_id``."""
    return signed.make(key, KIND, appraisal_id)


def read(key: bytes, code: str) -> int | None:
    """Return the appraisal id a code names, or ``None`` when it is malformed or forged."""
    named = signed.read(key, code)
    if named is None or named.kind != KIND:
        return None
    return named.numbers[0]


def page_url(public_url: str, code: str) -> str:
    """Return the address the QR code carries."""
    return f"{public_url.rstrip('/')}{PREFIX}/{code}"
