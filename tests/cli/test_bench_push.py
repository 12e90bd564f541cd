"""``signage bench push`` and ``signage bench storm`` end to end, on a tiny run: the tools
work and the reports hold. This checks the tools, not the speed (docs/benchmarks.md has the
figures).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import need_service
from tests.conftest import postgres_problem
from tests.conftest import redis_problem

SIGNAGE = str(Path(sys.executable).parent / "signage")

pytestmark = [pytest.mark.slow]


def bench(*args: str) -> dict[str, Any]:
    result = subprocess.run(
        [SIGNAGE, "bench", *args, "--timeout", "60", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def check_latency(found: dict[str, Any], players: int) -> None:
    assert found["received"] == players and found["missed"] == 0
    assert 0 <= found["p50_s"] <= found["p99_s"] <= found["max_s"]


def check_push(report: dict[str, Any], players: int, servers: int) -> None:
    assert report["benchmark"] == "push"
    assert report["clock"].startswith("time.monotonic")
    assert report["machine"]["cpus"] >= 1 and len(report["machine"]["load_average"]) == 3
    [run] = report["runs"]
    assert run["players"] == players and run["servers"] == servers
    check_latency(run["floor"], players)
    check_latency(run["push"], players)
    assert run["manifest_bytes"] > 1000
    # A player whose acknowledgement the server has stored is pushed a delta (what changed),
    # the others the whole manifest (an ack may still be on its way when the bench publishes);
    # the floor broadcasts as many bytes as the largest push.
    assert 0 <= run["deltas"] <= players and run["pushed_bytes"] > 0
    # The screens sit in a few villages: a few distinct manifests, not one per screen.
    assert 1 <= run["distinct_manifests"] < players
    assert run["ratio_p99"] == round(run["push"]["p99_s"] / run["floor"]["p99_s"], 2)
    assert run["server_errors"] == 0


def test_push_reports_floor_and_push() -> None:
    check_push(bench("push", "--players", "20"), 20, 1)


def test_push_on_two_servers_with_redis() -> None:
    need_service("PostgreSQL", postgres_problem())
    need_service("Redis", redis_problem())
    check_push(bench("push", "--players", "20", "--processes", "2", "--redis"), 20, 2)


def test_push_refuses_two_servers_without_redis() -> None:
    result = subprocess.run(
        [SIGNAGE, "bench", "push", "--processes", "2"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and "--redis" in result.stderr


def test_storm_reports_everyone_back() -> None:
    report = bench("storm", "--players", "20")
    assert report["benchmark"] == "storm"
    [run] = report["runs"]
    assert run["players"] == 20
    check_latency(run["back"], 20)
    assert run["all_back_s"] == run["back"]["max_s"]
    assert run["server_up_again_s"] > 0
    assert run["reconnect_attempts"] >= 20, "every player lost its connection and retried"
    assert run["server_running"] is True and run["server_errors"] == 0
