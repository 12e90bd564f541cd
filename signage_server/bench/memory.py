"""The verdict of ``signage bench player-memory``: samples, growth and slopes. Pure.

A run records a :class:`Sample` after each forced garbage collection; :func:`judge` compares
the last one with the baseline (the first after the warm-up) for every measure of
:data:`MEASURES` and says whether the player's memory stayed flat.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any


@dataclass
class Sample:
    """One measurement, after a forced garbage collection."""

    sim_min: float  #: simulated minutes since the player started playing
    wall_s: float  #: real seconds since the player started playing
    heap_used_mib: float  #: V8 heap in use (Runtime.getHeapUsage)
    heap_total_mib: float  #: V8 heap reserved
    blink_heap_mib: float  #: Blink's garbage-collected heap: DOM, styles (embedderHeapUsedSize)
    renderer_rss_mib: float | None  #: resident memory of the page's renderer process (Linux)
    dom_elements: int  #: elements in the document
    main_elements: int  #: of which in the main region (the page on screen)
    nodes: int  #: live DOM nodes in the renderer, attached or not (Performance.getMetrics)
    listeners: int  #: live event listeners (Performance.getMetrics JSEventListeners)
    documents: int  #: live documents (the page, DOMParser documents not yet collected)
    displays: int  #: displays (items) started so far
    pages_shown: int  #: pages put on screen so far
    websockets: int  #: WebSocket connections opened so far (first connection and reconnects)
    item: Any  #: item on screen
    page: int  #: its page on screen (1-based)
    online: bool  #: Socket.IO connected at that moment
    queued: int  #: proof-of-play records waiting in the player's storage
    aligned: bool  #: the reference display was on screen (like-for-like comparison)


@dataclass
class Check:
    """Growth of one measure from the baseline sample to the last one."""

    metric: str  #: field of :class:`Sample`
    label: str
    unit: str
    baseline: float
    final: float
    growth: float
    allowed: float | None  #: None: reported, not judged
    slope_per_h: float  #: least-squares slope from the baseline on, in ``unit`` per hour
    passed: bool


@dataclass
class Verdict:
    baseline_index: int
    baseline_sim_h: float
    final_sim_h: float
    checks: list[Check]
    passed: bool
    problems: list[str] = field(default_factory=list)


def slope_per_hour(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (minutes, value) points, per hour; 0 for fewer than two."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return 0.0
    sxy = sum((x - mx) * (y - my) for x, y in points)
    return sxy / sxx * 60


#: (metric, label, unit, judged as memory (MiB) or as a count); RSS is only reported: it
#: holds allocator caches and DevTools' own buffers, and moves by megabytes either way.
MEASURES: tuple[tuple[str, str, str, str], ...] = (
    ("heap_used_mib", "JS heap (V8)", "MiB", "memory"),
    ("blink_heap_mib", "Blink heap (DOM, styles)", "MiB", "memory"),
    ("renderer_rss_mib", "renderer RSS", "MiB", "reported"),
    ("dom_elements", "DOM elements", "", "count"),
    ("nodes", "live DOM nodes", "", "count"),
    ("listeners", "event listeners", "", "count"),
)


def judge(
    samples: list[Sample],
    *,
    warmup_min: float,
    tolerance_mib: float,
    tolerance_pct: float,
    max_node_growth: int,
    rotates: bool = True,
) -> Verdict:
    """Compare the last sample with the baseline (the first one after the warm-up).

    Each heap may end at most ``max(tolerance_mib, tolerance_pct % of its baseline)`` above
    the baseline; DOM elements, live nodes and listeners at most ``max_node_growth`` above.
    ``rotates``: pages must have been shown after the baseline (not in the ticker layout).
    """
    index = next((i for i, s in enumerate(samples) if s.sim_min >= warmup_min), 0)
    base = samples[index]
    last = samples[-1]
    checks: list[Check] = []
    problems: list[str] = []
    for metric, label, unit, kind in MEASURES:
        points = [(s.sim_min, getattr(s, metric)) for s in samples[index:]]
        if any(value is None for _, value in points):
            continue
        start, end = float(points[0][1]), float(points[-1][1])
        growth = end - start
        allowed: float | None = None
        if kind == "memory":
            allowed = max(tolerance_mib, start * tolerance_pct / 100)
        elif kind == "count":
            allowed = max_node_growth
        passed = allowed is None or growth <= allowed
        checks.append(
            Check(
                metric=metric,
                label=label,
                unit=unit,
                baseline=start,
                final=end,
                growth=round(growth, 3),
                allowed=None if allowed is None else round(allowed, 3),
                slope_per_h=round(slope_per_hour(points), 4),
                passed=passed,
            )
        )
        if not passed:
            problems.append(
                f"{label} grew by {growth:.3f} {unit} ({start:g} -> {end:g}),"
                f" more than the {allowed:g} {unit} allowed".replace("  ", " ")
            )
    if rotates and last.pages_shown <= base.pages_shown and last.sim_min > base.sim_min:
        problems.append("no page was shown after the baseline: the player did not rotate")
    return Verdict(
        baseline_index=index,
        baseline_sim_h=round(base.sim_min / 60, 2),
        final_sim_h=round(last.sim_min / 60, 2),
        checks=checks,
        passed=not problems,
        problems=problems,
    )
