"""The player-memory verdict: growth against the baseline after the warm-up, slopes, rotation."""

from __future__ import annotations

from dataclasses import replace

import pytest

from signage_server.bench.memory import Sample
from signage_server.bench.memory import judge
from signage_server.bench.memory import slope_per_hour

FLAT = Sample(
    sim_min=0,
    wall_s=0,
    heap_used_mib=10.0,
    heap_total_mib=20.0,
    blink_heap_mib=2.0,
    renderer_rss_mib=100.0,
    dom_elements=300,
    main_elements=40,
    nodes=900,
    listeners=50,
    documents=1,
    displays=1,
    pages_shown=1,
    websockets=1,
    item=1,
    page=1,
    online=True,
    queued=0,
    aligned=True,
)


def run(*changes: dict[str, float]) -> list[Sample]:
    """One sample an hour; sample ``i`` shows ``10 * i`` more pages than the first."""
    return [
        replace(FLAT, sim_min=60 * i, pages_shown=1 + 10 * i, **change)
        for i, change in enumerate(changes)
    ]


def verdict(samples: list[Sample]) -> tuple[bool, list[str]]:
    found = judge(samples, warmup_min=60, tolerance_mib=1.0, tolerance_pct=25, max_node_growth=50)
    return found.passed, found.problems


def test_flat_memory_passes_from_the_baseline_after_the_warm_up() -> None:
    # The warm-up hour may grow (caches fill); only what comes after is judged.
    samples = run({"heap_used_mib": 5.0}, {}, {}, {"heap_used_mib": 10.5})
    found = judge(samples, warmup_min=60, tolerance_mib=1.0, tolerance_pct=25, max_node_growth=50)
    assert found.passed and found.baseline_index == 1 and found.final_sim_h == 3
    heap = next(c for c in found.checks if c.metric == "heap_used_mib")
    assert heap.baseline == 10.0 and heap.growth == 0.5 and heap.allowed == 2.5


def test_a_growing_heap_fails_beyond_the_larger_tolerance() -> None:
    passed, problems = verdict(run({}, {}, {"heap_used_mib": 12.6}))
    assert not passed and problems[0].startswith("JS heap (V8) grew by 2.600 MiB")
    assert verdict(run({}, {}, {"heap_used_mib": 12.5}))[0]


def test_growing_nodes_fail_but_rss_is_only_reported() -> None:
    passed, problems = verdict(run({}, {}, {"nodes": 951, "renderer_rss_mib": 500.0}))
    assert not passed and len(problems) == 1 and "live DOM nodes grew by 51" in problems[0]


def test_a_player_that_stopped_rotating_fails() -> None:
    samples = [replace(s, pages_shown=11) for s in run({}, {}, {})]
    passed, problems = verdict(samples)
    assert not passed and "did not rotate" in problems[0]
    found = judge(
        samples,
        warmup_min=60,
        tolerance_mib=1.0,
        tolerance_pct=25,
        max_node_growth=50,
        rotates=False,
    )
    assert found.passed  # the ticker layout shows no pages


def test_slope_per_hour() -> None:
    assert slope_per_hour([]) == 0 and slope_per_hour([(0, 5)]) == 0
    assert slope_per_hour([(0, 1), (60, 2), (120, 3)]) == pytest.approx(1)
    assert slope_per_hour([(30, 1), (30, 2)]) == 0
