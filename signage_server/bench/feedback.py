"""``signage bench feedback``: villagers' feedback form posts per second on one server
process (results in docs/benchmarks.md).

It serves a throw-away demo installation with the real ``signage serve`` (one gevent
process; :func:`signage_server.bench.installation.demo_installation`) and posts the form
behind a demo item's QR code from ``--clients`` load-generator processes
(:mod:`signage_server.bench.feedback_load`), each with ``--connections`` keep-alive
connections, for ``--seconds``. All posts come from 127.0.0.1: the per-address limit of the
form (``SIGNAGE_FEEDBACK_RATE_LIMIT``, 5 per minute by default) is raised for this
installation only; no forwarded address is trusted or faked.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import subprocess
import sys
import time
from typing import Any

import click

from signage_server.bench.installation import demo_installation
from signage_server.bench.installation import machine_load
from signage_server.bench.installation import run_module

#: The issue's target: form posts per second on one process.
TARGET_RPS = 300
#: The per-address limit of the throw-away installation (nobody else posts to it).
BENCH_RATE_LIMIT = "1000000 per minute"


def _load(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - this interpreter, our own module
        [sys.executable, "-m", "signage_server.bench.feedback_load", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run_feedback(seconds: float, clients: int, connections: int) -> dict[str, Any]:
    started = time.perf_counter()
    with demo_installation(feedback_rate_limit=BENCH_RATE_LIMIT) as installation:
        code = run_module(installation.env, "feedback_load", "code", timeout=120).strip()
        loads = [
            _load(installation.env, "post", installation.base, code, str(seconds), str(connections))
            for _ in range(clients)
        ]
        results = []
        for load in loads:
            out, err = load.communicate(timeout=seconds + 120)
            if load.returncode != 0:
                raise click.ClickException(f"load generator failed:\n{err[-2000:]}")
            results.append(json.loads(out))
        load_average = machine_load()
    latencies = [x for r in results for x in r["latencies_ms"]]
    errors: dict[str, int] = {}
    for result in results:
        for key, count in result["errors"].items():
            errors[key] = errors.get(key, 0) + count
    elapsed = max(r["seconds"] for r in results)
    ok = len(latencies) - sum(v for k, v in errors.items() if k.isdigit())
    return {
        "benchmark": "feedback",
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": load_average,
        "server": "signage serve (one gevent process), SQLite",
        "clients": clients,
        "connections_per_client": connections,
        "seconds": round(elapsed, 2),
        "requests": len(latencies),
        "created": ok,
        "errors": errors,
        "requests_per_s": round(ok / elapsed, 1) if elapsed else 0,
        "latency_ms": {
            "p50": _percentile(latencies, 0.5),
            "p99": _percentile(latencies, 0.99),
            "mean": round(statistics.fmean(latencies), 2) if latencies else None,
            "max": max(latencies) if latencies else None,
        },
        "target_rps": TARGET_RPS,
        "wall_s": round(time.perf_counter() - started, 1),
    }


@click.command("feedback")
@click.option("--seconds", default=20.0, show_default=True, type=click.FloatRange(0.5, 600))
@click.option(
    "--clients",
    default=2,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Load-generator processes.",
)
@click.option(
    "--connections",
    default=8,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Keep-alive connections of each load generator.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def feedback_bench(seconds: float, clients: int, connections: int, as_json: bool) -> None:
    """Post the villagers' feedback form to one server process for --seconds: requests per
    second, latency (p50, p99) and errors. Results and method: docs/benchmarks.md."""
    report = run_feedback(seconds, clients, connections)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    latency = report["latency_ms"]
    click.echo(
        f"{report['requests_per_s']} req/s (target {TARGET_RPS}), p50 {latency['p50']} ms,"
        f" p99 {latency['p99']} ms, {report['created']} created, errors {report['errors']}"
    )
    machine = report["machine"]
    click.echo(f"{machine['cpus']} CPUs, load {machine['load_average']}; {report['wall_s']} s.")
