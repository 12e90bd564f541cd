"""Who may read the metrics: the bearer of the configured token only."""

from __future__ import annotations

from signage_server.metrics.rules import bearer_matches

TOKEN = "metrics-token-0123456789abcdef"


def test_the_bearer_rule() -> None:
    assert bearer_matches(f"Bearer {TOKEN}", TOKEN)
    assert bearer_matches(f"bearer {TOKEN}", TOKEN)
    assert not bearer_matches(f"Bearer {TOKEN}", "")
    assert not bearer_matches("Bearer ", "")
    assert not bearer_matches(None, TOKEN)
    assert not bearer_matches(f"Token {TOKEN}", TOKEN)
    assert not bearer_matches(f"Bearer {TOKEN[:-1]}", TOKEN)
