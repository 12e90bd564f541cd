"""The signed code of an appraisal's public page (``/a/<code>``), the way the feedback box
signs its item and screen codes (:mod:`signage_server.feedback.codes`): the base32 of the
appraisal's id followed by a truncated HMAC-SHA256 under a key derived from the app's secret
(a key of its own, so that no feedback code is an appraisal code). Not guessable; no
personal data. Pure.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

#: Where the villagers' pages live (the public blueprint's URL prefix).
PREFIX = "/a"
_KIND = b"a"
_MAC_BYTES = 8


def derive_key(secret: str) -> bytes:
    """Return the appraisal-code key derived from the app's secret key."""
    return hashlib.sha256(b"signage appraisal codes\x00" + secret.encode()).digest()


def make(key: bytes, appraisal_id: int) -> str:
    """Return the code of appraisal ``appraisal_id``."""
    if appraisal_id < 0:
        raise ValueError("codes carry non-negative numbers")
    payload = _KIND + appraisal_id.to_bytes(8, "big").lstrip(b"\x00")
    mac = hmac.new(key, payload, hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.b32encode(payload + mac).decode().rstrip("=")


def read(key: bytes, code: str) -> int | None:
    """Return the appraisal id a code names, or ``None`` when it is malformed or forged."""
    text = code.strip().upper()
    if not 8 <= len(text) <= 40 or not text.isalnum():
        return None
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
    except (ValueError, binascii.Error):
        return None
    if base64.b32encode(raw).decode().rstrip("=") != text:
        return None  # one spelling per code (no variants in the unused bits)
    payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
    if len(payload) < 2 or len(payload) > 9 or payload[:1] != _KIND:
        return None
    expected = hmac.new(key, payload, hashlib.sha256).digest()[:_MAC_BYTES]
    if not hmac.compare_digest(mac, expected):
        return None
    return int.from_bytes(payload[1:], "big")


def page_url(public_url: str, code: str) -> str:
    """Return the address the QR code carries."""
    return f"{public_url.rstrip('/')}{PREFIX}/{code}"
