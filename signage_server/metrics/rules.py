"""Who may read the metrics: the bearer of the configured token, compared in constant time.
Pure: no Flask, no SQLAlchemy."""

from __future__ import annotations

import hmac


def bearer_matches(authorization: str | None, token: str) -> bool:
    """Tell whether the ``Authorization`` header ``authorization`` is ``Bearer <token>``.

    An empty ``token`` (metrics not configured) matches nothing. The comparison takes the same
    time whatever the header holds, so the token cannot be guessed a character at a time.
    """
    if not token:
        return False
    scheme, _, given = (authorization or "").partition(" ")
    expected = token.encode("utf-8")
    presented = given.strip().encode("utf-8")
    same = hmac.compare_digest(presented, expected)
    return scheme.lower() == "bearer" and same
