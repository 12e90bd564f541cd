"""``signage bench player-memory`` end to end, on a tiny run: the tool works, the report holds.

This checks the tool, not the player's memory (docs/benchmarks.md has the real 24 h figures).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import chromium_problem
from tests.conftest import need_service

SIGNAGE = str(Path(sys.executable).parent / "signage")

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_player_memory_reports_json() -> None:
    need_service("Chromium", chromium_problem())
    result = subprocess.run(
        [
            SIGNAGE,
            "bench",
            "player-memory",
            "--hours",
            "1",
            "--step-minutes",
            "30",
            "--sample-minutes",
            "30",
            "--warmup-hours",
            "0.5",
            "--settle-seconds",
            "1",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["benchmark"] == "player-memory"
    assert report["layout"] == "landscape" and report["hours"] == 1
    assert report["items_in_manifest"] > 0
    assert report["machine"]["cpus"] >= 1 and report["machine"]["chromium"]
    samples = report["samples"]
    assert len(samples) >= 3, "a sample at the start and every 30 simulated minutes"
    assert samples[0]["sim_min"] == 0 and samples[-1]["sim_min"] >= 60
    for sample in samples:
        assert sample["heap_used_mib"] > 0 and sample["blink_heap_mib"] > 0
        assert sample["dom_elements"] > 0 and sample["nodes"] > 0
    assert samples[-1]["pages_shown"] > samples[0]["pages_shown"], "the player rotated"
    assert samples[-1]["displays"] > 1
    verdict = report["verdict"]
    assert {c["metric"] for c in verdict["checks"]} >= {
        "heap_used_mib",
        "blink_heap_mib",
        "dom_elements",
        "nodes",
        "listeners",
    }
    assert verdict["passed"] == (result.returncode == 0) == (not verdict["problems"])
    assert report["wall_s"] > 0 and report["run_wall_s"] > 0
