"""The push benchmarks' figures: percentiles, summaries, ratios, the players' backoff."""

from __future__ import annotations

import pytest

from signage_server.bench.latency import backoff
from signage_server.bench.latency import percentile
from signage_server.bench.latency import ratio
from signage_server.bench.latency import summary


def test_percentile_by_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]  # 1 … 100
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile(values, 0) == 1
    assert percentile([3.0, 1.0, 2.0], 50) == 2
    assert percentile([7.0], 99) == 7


@pytest.mark.parametrize("p", [-1, 101])
def test_percentile_refuses_outside_range(p: float) -> None:
    with pytest.raises(ValueError, match="outside"):
        percentile([1.0], p)


def test_percentile_refuses_no_values() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_summary_counts_from_the_start_and_reports_misses() -> None:
    found = summary(10.0, [10.5, 10.1, 11.0], expected=4)
    assert found == {"received": 3, "missed": 1, "p50_s": 0.5, "p99_s": 1.0, "max_s": 1.0}
    assert summary(10.0, [], expected=2) == {"received": 0, "missed": 2}


def test_ratio() -> None:
    assert ratio({"p99_s": 0.5}, {"p99_s": 0.4}, "p99_s") == 1.25
    assert ratio({"received": 0}, {"p99_s": 0.4}, "p99_s") is None
    assert ratio({"p99_s": 0.5}, {"p99_s": 0}, "p99_s") is None


def test_backoff_doubles_to_a_cap_with_half_jitter() -> None:
    assert backoff(0, 0.5) == 1.0
    assert backoff(1, 0.5) == 2.0
    assert backoff(3, 0.5) == 8.0
    assert backoff(0, 0.0) == 0.5 and backoff(0, 0.999) == pytest.approx(1.5, abs=0.01)
    assert backoff(10, 0.5) == 60.0, "capped at reconnectionDelayMax"
    assert backoff(10, 0.999) == 60.0 and backoff(10, 0.0) == 30.0
