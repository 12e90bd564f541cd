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
