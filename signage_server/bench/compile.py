"""``signage bench compile``: manifests compiled for many screens (results in
docs/benchmarks.md).

It seeds a throw-away demo installation (:func:`signage_server.bench.installation.seeded`;
SQLite in its data folder, or ``--database-url``), then runs
:mod:`signage_server.bench.compiling` in fresh processes: once to add the screens and the
published items, once to measure the full refresh (cold and warm) and the recompile after one
publish, each with the SQL statements it issued.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import click

from signage_server.bench.installation import machine_load
from signage_server.bench.installation import run_module
from signage_server.bench.installation import seeded

#: The issue's targets, in seconds.
TARGETS = {"full_warm": 2.0, "full_cold": 2.0, "after_publish": 0.05}


def _compiling(env: dict[str, str], *args: str) -> str:
    return run_module(env, "compiling", *args, timeout=1800)


def run_compile(screens: int, published: int, database_url: str | None) -> dict[str, Any]:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="signage-bench-compile-") as folder:
        env = seeded(Path(folder), database_url=database_url)
        click.echo(f"adding {screens} screens and {published} published items …", err=True)
        prepared = time.perf_counter()
        _compiling(env, "prepare", str(screens), str(published))
        prepare_s = time.perf_counter() - prepared
        click.echo("measuring …", err=True)
        found = json.loads(_compiling(env, "measure"))
    return {
        "benchmark": "compile",
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine_load(),
        "database": "postgresql" if database_url else "sqlite",
        "asked": {"screens": screens, "items": published},
        "prepare_s": round(prepare_s, 1),
        "wall_s": round(time.perf_counter() - started, 1),
        "targets_s": TARGETS,
        **found,
    }


@click.command("compile")
@click.option("--screens", default=1000, show_default=True, type=click.IntRange(1, 100_000))
@click.option(
    "--items",
    "published",
    default=200,
    show_default=True,
    type=click.IntRange(0, 10_000),
    help="Published items added to the demo's.",
)
@click.option(
    "--database-url",
    default=None,
    help="An empty database to fill instead of SQLite in the throw-away folder.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def compile_bench(screens: int, published: int, database_url: str | None, as_json: bool) -> None:
    """Time the manifests of every screen compiled (cold and warm) and recompiled after one
    publish, with the SQL statements issued. Results and method: docs/benchmarks.md."""
    report = run_compile(screens, published, database_url)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    for key in ("full_cold", "full_warm", "after_publish"):
        found = report[key]
        click.echo(
            f"{key}: {found['seconds']:.3f} s (target {TARGETS[key]} s), {found['queries']}"
            f" queries, {found['screens']} screens, {found['distinct_manifests']} manifests"
        )
    machine = report["machine"]
    click.echo(f"\n{machine['cpus']} CPUs, load {machine['load_average']}; {report['wall_s']} s.")
