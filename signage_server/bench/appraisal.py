"""``signage bench appraisal``: the time of one vote as an appraisal's ballots grow (results
in docs/benchmarks.md).

A ballot is added by writing it together with up to 64 earlier ballots under new random ids,
so that nothing in the database pairs it with its voter (see
:func:`signage_server.appraisal.services.cast_ballot`): the cost of a vote should not grow
with the ballots already cast, and this shows whether it does. This benchmark seeds a
throw-away demo installation (SQLite in its data folder, or ``--database-url``), then runs
this module in a fresh process::

    python -m signage_server.bench.appraisal measure BALLOTS EVERY

which casts ``BALLOTS`` ballots into the demo's open appraisal the way a phone does (code
requested, checked, ballot sent) and reports, every ``EVERY`` ballots, the median time of
the last ``EVERY`` casts (the ballot step alone: the code steps cost the same at any size).
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa

from signage_server import create_app
from signage_server import services as registry
from signage_server.appraisal import links
from signage_server.appraisal import services
from signage_server.appraisal.models import Appraisal
from signage_server.appraisal.models import Ballot
from signage_server.appraisal.rules import Answer
from signage_server.appraisal.rules import Rating
from signage_server.appraisal.rules import State
from signage_server.bench.installation import machine_load
from signage_server.bench.installation import run_module
from signage_server.bench.installation import seeded
from signage_server.demo.appraisal import CodeKeeper
from signage_server.extensions import db

#: A village's electorate is rarely above this many voters.
TARGET_BALLOTS = 3000
#: The time one vote may take at that size (the villager waits for it).
TARGET_S = 0.5


def measure(ballots: int, every: int) -> dict[str, Any]:
    session = db.session
    appraisal = session.scalars(sa.select(Appraisal).where(Appraisal.state == State.OPEN)).first()
    if appraisal is None:
        raise SystemExit("the demo has no open appraisal")
    key, policy, keeper = links.voter_key(), links.policy(), CodeKeeper()
    subjects = [s.id for s in appraisal.subjects]
    ratings = list(Rating)
    steps: list[dict[str, Any]] = []
    window: list[float] = []
    now = registry.now()
    for n in range(ballots):
        phone = f"139{n:08d}"
        ticket = services.request_code(
            session, appraisal, phone, key=key, sender=keeper, policy=policy, now=now
        )
        services.verify_code(
            session, appraisal, ticket, keeper.last, key=key, policy=policy, now=now
        )
        answers = {
            s: Answer(s, ratings[(n + i) % len(ratings)], "路灯修得及时" if n % 5 == 0 else "")
            for i, s in enumerate(subjects)
        }
        started = time.perf_counter()
        services.cast_ballot(session, appraisal, ticket, answers, policy=policy, now=now)
        window.append(time.perf_counter() - started)
        if len(window) == every:
            held = session.scalar(
                sa.select(sa.func.count()).where(Ballot.appraisal_id == appraisal.id)
            )
            steps.append(
                {
                    "ballots": held,
                    "median_ms": round(statistics.median(window) * 1000, 1),
                    "max_ms": round(max(window) * 1000, 1),
                }
            )
            window = []
    return {"database": session.get_bind().dialect.name, "steps": steps}


def run_appraisal(ballots: int, every: int, database_url: str | None) -> dict[str, Any]:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="signage-bench-appraisal-") as folder:
        env = seeded(Path(folder), database_url=database_url)
        click.echo(f"casting {ballots} ballots …", err=True)
        found = json.loads(
            run_module(env, "appraisal", "measure", str(ballots), str(every), timeout=3600)
        )
    return {
        "benchmark": "appraisal",
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine_load(),
        "target": {"ballots": TARGET_BALLOTS, "seconds": TARGET_S},
        "wall_s": round(time.perf_counter() - started, 1),
        **found,
    }


@click.command("appraisal")
@click.option("--ballots", default=TARGET_BALLOTS, show_default=True, type=click.IntRange(1))
@click.option(
    "--every",
    default=250,
    show_default=True,
    type=click.IntRange(1),
    help="Report the median cast time of each this many ballots.",
)
@click.option(
    "--database-url",
    default=None,
    help="An empty database to fill instead of SQLite in the throw-away folder.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def appraisal_bench(ballots: int, every: int, database_url: str | None, as_json: bool) -> None:
    """Cast --ballots ballots into the demo's open appraisal: the time of one vote as the
    ballots grow. Results and method: docs/benchmarks.md."""
    report = run_appraisal(ballots, every, database_url)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    click.echo(f"{report['database']}: ballots held → median (max) time of one vote")
    for step in report["steps"]:
        click.echo(f"  {step['ballots']:>6} → {step['median_ms']} ms ({step['max_ms']} ms)")
    machine = report["machine"]
    click.echo(
        f"target: {TARGET_S * 1000:.0f} ms at {TARGET_BALLOTS} ballots."
        f" {machine['cpus']} CPUs, load {machine['load_average']}; {report['wall_s']} s."
    )


def main(argv: list[str]) -> None:
    """``measure BALLOTS EVERY`` in the installation of the environment."""
    if argv[:1] != ["measure"] or len(argv) != 3:
        raise SystemExit("usage: measure BALLOTS EVERY")
    app = create_app()
    with app.app_context():
        sys.stdout.write(json.dumps(measure(int(argv[1]), int(argv[2]))) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
