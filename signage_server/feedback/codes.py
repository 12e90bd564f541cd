"""Signed short codes for QR links, and the link a code opens: not guessable, no personal
data. Pure (the installation's key and public address: ``signage_server.feedback.links``).

A code names what was scanned: an item revision on a screen (``r``: item and revision), an
item on paper (``p``: item), or a screen (``s``); the democratic appraisal's page signs its
own (``a``: appraisal) with this scheme under a key of its own (``appraisal.codes``). It is
the base32 of the numbers, followed by a truncated HMAC-SHA256 under a key derived from the
app secret, so nobody can make up a valid code for an item they saw (or did not see). Codes
are case-insensitive, and each has exactly one spelling (no variants in the unused bits of
the last character).

The link is ``{public_url}/f/{code}``, with ``?s={screen code}`` when a screen's player shows
an item's code (DESIGN.md §5).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

_KINDS = {"r": 2, "p": 1, "s": 1, "a": 1}
#: The kinds that open the feedback form.
FORM_KINDS = frozenset({"r", "p", "s"})
#: Where the public feedback form lives (the blueprint's URL prefix).
FORM_PREFIX = "/f"
#: Bytes of HMAC kept: 2⁴⁸ possibilities per payload.
_MAC_BYTES = 6


@dataclass(frozen=True)
class Code:
    kind: str
    numbers: tuple[int, ...]


def _varint(value: int) -> bytes:
    if value < 0:
        raise ValueError("codes carry non-negative numbers")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _read_varints(data: bytes) -> list[int]:
    numbers, value, shift = [], 0, 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
            if shift > 63:
                raise ValueError("number too long")
            continue
        numbers.append(value)
        value, shift = 0, 0
    if shift:
        raise ValueError("truncated number")
    return numbers


def derive_key(secret: str) -> bytes:
    """Return the code-signing key derived from the app's secret key."""
    return hashlib.sha256(b"signage feedback codes\x00" + secret.encode()).digest()


def make(key: bytes, kind: str, *numbers: int) -> str:
    """Return the code of ``kind`` for ``numbers`` (e.g. ``make(key, "r", item, revision)``)."""
    if _KINDS.get(kind) != len(numbers):
        raise ValueError(f"a {kind!r} code takes {_KINDS.get(kind)} numbers")
    payload = kind.encode() + b"".join(_varint(n) for n in numbers)
    mac = hmac.new(key, payload, hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.b32encode(payload + mac).decode().rstrip("=")


def read(key: bytes, code: str) -> Code | None:
    """Return what a code names, or ``None`` when it is malformed or forged."""
    text = code.strip().upper()
    if not 8 <= len(text) <= 40 or not text.isalnum():
        return None
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
    except (ValueError, binascii.Error):
        return None
    if len(raw) <= _MAC_BYTES + 1:
        return None
    if base64.b32encode(raw).decode().rstrip("=") != text:
        # The unused low bits of the last character make several spellings of one code:
        # only the one ``make`` writes is valid.
        return None
    payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
    expected = hmac.new(key, payload, hashlib.sha256).digest()[:_MAC_BYTES]
    if not hmac.compare_digest(mac, expected):
        return None
    kind = chr(payload[0])
    try:
        numbers = _read_varints(payload[1:])
    except ValueError:
        return None
    if _KINDS.get(kind) != len(numbers):
        return None
    return Code(kind, tuple(numbers))


def form_path(code: str, screen_code: str = "") -> str:
    """Return the path of the feedback form behind ``code`` (``/f/<code>``), with the code
    of the screen it was scanned on (``?s=<screen code>``) if any."""
    path = f"{FORM_PREFIX}/{code}"
    return f"{path}?s={screen_code}" if screen_code else path


def track_path(receipt: str) -> str:
    """Return the path of the tracking page of a receipt (``/f/track/<receipt>``)."""
    return f"{FORM_PREFIX}/track/{receipt}"


def form_url(public_url: str, code: str, screen_code: str = "") -> str:
    """Return the address a QR code carries: :func:`form_path` under ``public_url``."""
    return public_url.rstrip("/") + form_path(code, screen_code)
