"""Latency figures of the push benchmarks (pure)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100) of ``values`` by the nearest-rank method: the smallest
    value that at least ``p`` % of the values do not exceed.

    :raise ValueError: no values, or ``p`` outside 0-100.
    """
    if not values:
        raise ValueError("no values")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} outside 0-100")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(start: float, receipts: Sequence[float], expected: int) -> dict[str, float | int]:
    """p50, p99 and max (seconds) of the delays from ``start`` to each receipt, how many of
    the ``expected`` clients received and how many missed it (a miss counts as no figure,
    never as a fast one)."""
    delays = [t - start for t in receipts]
    if not delays:
        return {"received": 0, "missed": expected}
    return {
        "received": len(delays),
        "missed": expected - len(delays),
        "p50_s": round(percentile(delays, 50), 4),
        "p99_s": round(percentile(delays, 99), 4),
        "max_s": round(max(delays), 4),
    }


def ratio(push: dict[str, float | int], floor: dict[str, float | int], key: str) -> float | None:
    """``push[key] / floor[key]`` (rounded), or None when either lacks it."""
    if key not in push or key not in floor or not floor[key]:
        return None
    return round(float(push[key]) / float(floor[key]), 2)


#: The web player's reconnection (``player/static/socket.js``, socket.io-client's options):
#: ``reconnectionDelay``, ``reconnectionDelayMax`` (seconds) and ``randomizationFactor``.
DELAY_S = 1.0
DELAY_MAX_S = 60.0
JITTER = 0.5


def backoff(attempt: int, rand: float) -> float:
    """socket.io-client's reconnection delay for attempt ``attempt`` (0, 1, …): ``1 s · 2ⁿ``
    capped at 60 s, randomised by ±50 % (``rand`` in [0, 1)), never above the cap."""
    delay = min(DELAY_S * 2.0**attempt, DELAY_MAX_S)
    return min(delay + (rand * 2 - 1) * JITTER * delay, DELAY_MAX_S)
