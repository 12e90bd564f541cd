"""``signage bench compile`` and ``signage bench feedback`` end to end, on tiny runs: the
tools work, the reports hold.

This checks the tools, not the speed (docs/benchmarks.md has the figures).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SIGNAGE = str(Path(sys.executable).parent / "signage")

pytestmark = [pytest.mark.slow]


def _bench(*args: str) -> dict:  # type: ignore[type-arg]
    result = subprocess.run(
        [SIGNAGE, "bench", *args, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report: dict = json.loads(result.stdout)  # type: ignore[type-arg]
    return report


def test_compile_reports_json() -> None:
    """Every screen is compiled cold, nothing changes warm, the village's screens after one
    publish; queries are counted."""
    report = _bench("compile", "--screens", "30", "--items", "3")
    assert report["benchmark"] == "compile" and report["database"] == "sqlite"
    screens = report["installation"]["screens"]
    assert screens >= 30  # the demo's own and ours
    assert report["installation"]["published_items"] >= 3
    cold, warm, after = report["full_cold"], report["full_warm"], report["after_publish"]
    assert cold["screens"] == warm["screens"] == screens
    # The demo's three screens got their manifests when it was seeded.
    assert screens - 3 <= cold["changed_screens"] <= screens and warm["changed_screens"] == 0
    assert 1 <= cold["distinct_manifests"] == warm["distinct_manifests"] <= screens
    assert cold["queries"] > warm["queries"] > 0
    assert after["org"] == "JIYI-05" and 0 < after["screens"] < screens
    assert after["changed_screens"] == after["screens"]
    assert 1 <= after["distinct_manifests"] <= after["screens"]
    assert all(found["seconds"] > 0 for found in (cold, warm, after))


def test_feedback_reports_json() -> None:
    """Form posts reach one server process and are counted, with their latency."""
    report = _bench("feedback", "--seconds", "1", "--clients", "1", "--connections", "2")
    assert report["benchmark"] == "feedback" and report["clients"] == 1
    assert report["requests"] > 0 and report["created"] == report["requests"]
    assert report["errors"] == {}
    assert report["requests_per_s"] > 0
    latency = report["latency_ms"]
    assert 0 < latency["p50"] <= latency["p99"] <= latency["max"]
