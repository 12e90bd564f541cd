"""``signage bench print``: posters, boards and dossiers timed (results in docs/benchmarks.md).

It seeds a throw-away demo installation (:func:`signage_server.bench.installation.seeded`; no
server: printing needs only the database), then runs :mod:`signage_server.bench.documents` in
fresh processes: once to add the long and wide tables, then once per document, cold (the first
in the process) and warm (the median of ``--runs``).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import click

from signage_server.bench.documents import DOCUMENTS
from signage_server.bench.installation import machine_load
from signage_server.bench.installation import run_module
from signage_server.bench.installation import seeded


def _documents(env: dict[str, str], *args: str) -> str:
    """Run ``python -m signage_server.bench.documents ARGS`` in a fresh process; return its
    output."""
    return run_module(env, "documents", *args)


def run_print(runs: int, kinds: list[str]) -> dict[str, Any]:
    """Measure printing in a throw-away demo installation: each kind of document in a fresh
    process, cold (first) then ``runs`` times warm."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="signage-bench-print-") as folder:
        env = seeded(Path(folder))
        _documents(env, "prepare")
        results = []
        for kind in kinds:
            click.echo(f"measuring {kind} …", err=True)
            results.append(json.loads(_documents(env, "measure", kind, str(runs))))
    return {
        "benchmark": "print",
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine_load(),
        "runs": runs,
        "wall_s": time.perf_counter() - started,
        "documents": results,
    }


def print_table(report: dict[str, Any]) -> list[str]:
    """The report as the Markdown table of docs/benchmarks.md."""
    lines = [
        "| document | pages | file | cold (1st in process) | warm (median) | warm per page |",
        "|---|---|---|---|---|---|",
    ]
    for found in report["documents"]:
        if "pages" not in found:
            lines.append(f"| {found['kind']} | not measured (no such document yet) | | | | |")
            continue
        pages = found["pages"]
        warm = found["warm_median_s"]
        lines.append(
            f"| {found['label']} | {pages} | {found['bytes'] / 1024:.0f} KiB"
            f" | {found['cold_s']:.2f} s | {warm:.2f} s | {warm / pages:.2f} s |"
        )
    return lines


@click.command("print")
@click.option(
    "--runs",
    default=10,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="Warm printings of each document (the median is reported).",
)
@click.option(
    "--only",
    "kinds",
    multiple=True,
    help="Measure only these documents (poster, table-poster, long-table-poster, wide-poster,"
    " uyghur-poster, mongolian-poster, board, dossier).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def print_bench(runs: int, kinds: tuple[str, ...], as_json: bool) -> None:
    """Time posters, boards and dossiers: cold (first in a fresh process, fontconfig
    included) and warm (median of --runs), with their pages and file sizes. Results and
    method: docs/benchmarks.md."""
    unknown = sorted(set(kinds) - set(DOCUMENTS))
    if unknown:
        raise click.BadParameter(f"known documents: {', '.join(DOCUMENTS)}", param_hint="--only")
    report = run_print(runs, list(kinds) or list(DOCUMENTS))
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    for line in print_table(report):
        click.echo(line)
    machine = report["machine"]
    click.echo(
        f"\n{machine['cpus']} CPUs, {machine['platform']}, Python {machine['python']},"
        f" load {machine['load_average']}; {report['wall_s']:.0f} s in all."
    )
