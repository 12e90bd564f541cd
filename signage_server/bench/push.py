"""``signage bench push`` and ``signage bench storm``: publish → every player, and a restart
under load (docs/benchmarks.md, "Push to screens").

Both seed a throw-away demo installation (:func:`signage_server.bench.installation.seeded`),
register the screens in one transaction (:mod:`signage_server.bench.pushprep`), serve it with
the real ``signage serve`` (gevent) and connect one minimal player per screen from a few load
processes (:mod:`signage_server.bench.pushload`).

``push`` measures, for each ``--players`` count, in the same run:

* the floor: one bare ``socketio.emit`` to every player of a payload the size of the pushed
  manifest, triggered through the bench-only ``/bench`` namespace (``SIGNAGE_BENCH_TRIGGER``,
  refused in production): trigger → each player's receipt;
* the push: the township item reaching every screen published through the API
  (``POST /api/v1/items/<id>/transitions``): request sent → each player's receipt of its new
  manifest (an upper bound of commit → receipt: it includes the request up to the commit).

Times are :func:`time.monotonic` in every process: ``CLOCK_MONOTONIC``, one clock for the
whole machine on Linux (the report names the clock). ``--processes 2 --redis`` serves with
two ``signage serve`` on one PostgreSQL database and the Redis message queue, players split
between them.

``storm`` restarts the server under its players and measures the time until every player has
reconnected (with the web player's backoff and jitter) and acknowledged its manifest, and
whether the server stayed up.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import IO
from typing import Any
from typing import TypeVar

import click
import sqlalchemy as sa
import websocket

from signage_server.bench.installation import free_port
from signage_server.bench.installation import machine_load
from signage_server.bench.installation import run_module
from signage_server.bench.installation import seeded
from signage_server.bench.installation import signage
from signage_server.bench.installation import signage_command
from signage_server.bench.latency import ratio
from signage_server.bench.latency import summary
from signage_server.config import child_environment
from signage_server.db import create_engine
from signage_server.realtime.batching import PUSH_NEWS_WINDOW
from signage_server.realtime.batching import WINDOW
from signage_server.screens.models import Screen

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/"
REDIS = "redis://127.0.0.1:6379/0"
#: ``42/player,["floor",{"pad":""}]``: the floor event without its padding.
FLOOR_OVERHEAD = len('42/player,["floor",{"pad":""}]')


def load_processes(players: int) -> int:
    """How many load processes for ``players`` (about 500 players each, 1 to 6)."""
    return max(1, min(6, -(-players // 500)))


# --- the installation ----------------------------------------------------------------------


@contextlib.contextmanager
def database(postgresql: bool) -> Iterator[dict[str, str]]:
    """Settings of a fresh database: a throw-away PostgreSQL database, or {} (SQLite in the
    data directory)."""
    if not postgresql:
        yield {}
        return
    import psycopg  # lazy: only the PostgreSQL runs need it

    name = "signage_bench_" + secrets.token_hex(4)
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")  # name: our own hex
    try:
        yield {"database_url": POSTGRES + name}
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


#: The bench's servers expose their metrics (``/metrics``) with this bearer.
METRICS_TOKEN = "bench-" + secrets.token_hex(8)


@dataclass
class Server:
    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own console script
                # The scheduler runs as its own unit in production (deploy/); here its first
                # rounds would render the demo's due archive dossiers in this process and
                # share its CPU with the push being measured.
                [*signage_command(), "serve", "--port", str(self.port), "--no-scheduler"],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise click.ClickException(f"signage serve exited early:\n{self.tail()}")
            if self.healthy():
                return
            time.sleep(0.1)
        raise click.ClickException(f"{self.base} did not answer within {timeout:.0f}s")

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.base + "/healthz", timeout=2):  # noqa: S310
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def pushing_seconds(self) -> float:
        """Seconds this server spent on pushes so far, each from the commit to its last emit
        (its metric ``signage_push_seconds``, sum)."""
        request = urllib.request.Request(  # noqa: S310 - our server
            self.base + "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            text = response.read().decode()
        for line in text.splitlines():
            if line.startswith("signage_push_seconds_sum "):
                return float(line.split()[1])
        return 0.0

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]

    def errors(self) -> int:
        return self.log.read_text(encoding="utf-8", errors="replace").count("Traceback")


@dataclass
class Load:
    """The load processes and their players."""

    processes: list[subprocess.Popen[str]] = field(default_factory=list)

    def start(self, tokens: list[str], servers: list[Server], count: int) -> None:
        for n in range(count):
            server = servers[n % len(servers)]
            process = subprocess.Popen(  # noqa: S603 - this interpreter, our own module
                [
                    sys.executable,
                    "-m",
                    "signage_server.bench.pushload",
                    "127.0.0.1",
                    str(server.port),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=child_environment() | {"PYTHONPATH": os.pathsep.join(sys.path)},
            )
            assert process.stdin is not None
            process.stdin.write("\n".join(tokens[n::count]) + "\n\n")
            process.stdin.flush()
            self.processes.append(process)

    def ask(self, command: str) -> list[dict[str, Any]]:
        """Send ``command`` to every load process; return their answers."""
        for process in self.processes:
            stdin: IO[str] | None = process.stdin
            assert stdin is not None
            stdin.write(command + "\n")
            stdin.flush()
        answers = []
        for process in self.processes:
            assert process.stdout is not None
            line = process.stdout.readline()
            if not line:
                raise click.ClickException("a load process died")
            answers.append(json.loads(line))
        return answers

    def times(self, command: str) -> tuple[list[float], list[dict[str, Any]]]:
        answers = self.ask(command)
        return [t for a in answers for t in a["times"]], answers

    def stop(self) -> None:
        for process in self.processes:
            with contextlib.suppress(OSError, ValueError):
                assert process.stdin is not None
                process.stdin.write("quit\n")
                process.stdin.flush()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_settled(env: dict[str, str], players: int, timeout: float) -> float:
    """Wait until the server has stored every player's acknowledgement of the manifest it
    holds (the work of the last push or of connecting is done: a measurement starts on a
    quiet server); return the seconds waited.

    :raise click.ClickException: not within ``timeout``.
    """
    url = env.get("SIGNAGE_DATABASE_URL") or f"sqlite:///{env['SIGNAGE_DATA_DIR']}/signage.db"
    engine = create_engine(url)
    query = sa.select(sa.func.count()).where(
        Screen.active.is_(True),
        Screen.manifest_version != "",
        Screen.acked_version == Screen.manifest_version,
    )
    started = time.monotonic()
    try:
        while True:
            with engine.connect() as connection:
                acked = connection.scalar(query) or 0
            if acked >= players:
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise click.ClickException(
                    f"only {acked} of {players} screens acknowledged their manifest"
                )
            time.sleep(0.2)
    finally:
        engine.dispose()


@dataclass
class Setup:
    env: dict[str, str]
    players: int
    servers: list[Server]
    load: Load
    item: int
    warm_item: int
    api_token: str
    connected: int
    manifest_bytes: int
    prepare_s: float


@contextlib.contextmanager
def installation(
    players: int, processes: int, redis: bool, postgresql: bool, timeout: float
) -> Iterator[Setup]:
    """A demo installation with ``players`` screens, served by ``processes`` servers, all its
    players connected."""
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="signage-bench-push-") as folder,
        database(postgresql or processes > 1) as db_settings,
    ):
        settings = dict(db_settings)
        if redis:
            settings |= {
                "redis_url": REDIS,
                "socketio_channel": "signage-bench-" + secrets.token_hex(4),
            }
        env = seeded(Path(folder), **settings)
        prepared = json.loads(
            run_module(
                env | {"PYTHONPATH": os.pathsep.join(sys.path)},
                "pushprep",
                str(players),
                timeout=900,
            )
        )
        api_token = signage(env, "token", "create", prepared["operator"]).strip()
        env = env | {"SIGNAGE_BENCH_TRIGGER": "1", "SIGNAGE_METRICS_TOKEN": METRICS_TOKEN}
        servers = []
        for n in range(processes):
            port = free_port()
            server = Server(
                port,
                # One public address for all the servers, the one the screens' manifests were
                # compiled with when they were registered (as behind nginx): a server of its
                # own address would compile other QR links, so other manifests.
                env,
                Path(folder) / f"serve-{n}.log",
            )
            servers.append(server)
        load = Load()
        try:
            for server in servers:
                server.start()
            for server in servers:
                server.wait_up()
            load.start(prepared["tokens"], servers, load_processes(players))
            answers = load.ask(f"connect {timeout}")
            connected = sum(a["connected"] for a in answers)
            if connected < players:
                refused = [r for a in answers for r in a["refused"]]
                raise click.ClickException(
                    f"{connected} of {players} players connected ({refused[:3]}):\n"
                    + servers[0].tail()
                )
            yield Setup(
                env,
                players,
                servers,
                load,
                prepared["item"],
                prepared["warm_item"],
                api_token,
                connected,
                max(a["manifest_bytes"] for a in answers),
                time.monotonic() - started,
            )
        finally:
            load.stop()
            for server in servers:
                server.stop()


# --- the measurements ----------------------------------------------------------------------


def _text(ws: websocket.WebSocket) -> str:
    message = ws.recv()
    return message.decode() if isinstance(message, bytes) else message


def _expect(ws: websocket.WebSocket, prefix: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        message = _text(ws)
        if message.startswith(prefix):
            return
        if message.startswith("44"):
            raise click.ClickException(f"the /bench namespace refused: {message}")
        if message == "2":
            ws.send("3")
    raise click.ClickException(f"no {prefix} from the server within 30 s")


def trigger_floor(server: Server, size: int) -> float:
    """Have ``server`` broadcast a bare ``floor`` of ``size`` bytes of padding to every
    player; return the monotonic time of the trigger."""
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket", timeout=30
    )
    try:
        ws.recv()  # Engine.IO open
        ws.send("40/bench")
        _expect(ws, "40/bench")
        started = time.monotonic()
        ws.send('42/bench,1["floor",' + json.dumps({"bytes": size}) + "]")
        _expect(ws, "43/bench,1")
        return started
    finally:
        ws.close()


def publish(setup: Setup, item: int) -> tuple[float, float]:
    """Publish a prepared item through the API; return the monotonic time the request was
    sent and how long it took to answer."""
    request = urllib.request.Request(  # noqa: S310 - our server
        f"{setup.servers[0].base}/api/v1/items/{item}/transitions",
        data=json.dumps({"action": "publish"}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {setup.api_token}"},
        method="POST",
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            response.read()
    except urllib.error.HTTPError as error:
        raise click.ClickException(
            f"publishing failed: {error.code} {error.read()[:500]!r}"
        ) from None
    return started, time.monotonic() - started


def quiet(since: float) -> None:
    """Wait until the servers are done with the last publication: the screen wall's news of
    it goes out :data:`~signage_server.realtime.batching.PUSH_NEWS_WINDOW` after the push, and
    the acknowledgements' batches within :data:`~signage_server.realtime.batching.WINDOW`.
    Both the push and the floor are measured on servers doing nothing else (a push that
    landed on the previous one's wall news took 1.58 times the floor with 500 players).

    :param since: when the last publication was made (:func:`time.monotonic`).
    """
    time.sleep(max(0.0, since + PUSH_NEWS_WINDOW + WINDOW - time.monotonic()))


def measure_push(setup: Setup, timeout: float) -> dict[str, Any]:
    """The floor, then the publication, then the floor again with the pushed manifest's size
    (the figures compared)."""
    n = setup.players
    # A first publication warms the push's path (as the first floor warms the floor's).
    wait_settled(setup.env, n, timeout)
    setup.load.ask("reset")
    warmed, _answered_s = publish(setup, setup.warm_item)
    setup.load.times(f"wait manifest {timeout}")
    settled_s = wait_settled(setup.env, n, timeout)
    quiet(since=warmed)
    setup.load.ask("reset")
    pushing = setup.servers[0].pushing_seconds()
    published, answered_s = publish(setup, setup.item)
    receipts, answers = setup.load.times(f"wait manifest {timeout}")
    # The server's own part: from the publication's commit to the last emit (compiling the
    # screens' manifests, storing them, handing the messages to Socket.IO or to Redis).
    server_s = setup.servers[0].pushing_seconds() - pushing
    push = summary(published, receipts, n)
    manifest_bytes = max(a["manifest_bytes"] for a in answers)
    # Players that acknowledged their manifest are pushed a delta: the floor is a broadcast of
    # what was actually sent (the largest push message), not of the whole manifest.
    pushed_bytes = max(a.get("pushed_bytes", 0) for a in answers) or manifest_bytes
    floors = []
    acked_s = wait_settled(setup.env, n, timeout)
    quiet(since=published)
    for _ in range(2):  # the first warms the floor's path; the second is reported
        setup.load.ask("reset")
        started = trigger_floor(setup.servers[0], max(0, pushed_bytes - FLOOR_OVERHEAD))
        receipts, _answers = setup.load.times(f"wait floor {timeout}")
        floors.append(summary(started, receipts, n))
    floor = floors[-1]
    return {
        "players": n,
        "servers": len(setup.servers),
        "load_processes": len(setup.load.processes),
        "manifest_bytes": manifest_bytes,
        "pushed_bytes": pushed_bytes,
        "deltas": sum(a.get("deltas", 0) for a in answers),
        "distinct_manifests": max(a["versions"] for a in answers),
        "prepare_s": round(setup.prepare_s, 1),
        # Waited, before the push, for the acknowledgements of connecting to be stored; after
        # it, for those of the push (each player's ack stored: the push's work is done).
        "settled_s": round(settled_s, 2),
        "push_acked_s": round(acked_s, 2),
        "floor": floor,
        "push": push | {"api_answered_s": round(answered_s, 4), "server_s": round(server_s, 4)},
        "ratio_p50": ratio(push, floor, "p50_s"),
        "ratio_p99": ratio(push, floor, "p99_s"),
        "ratio_max": ratio(push, floor, "max_s"),
        "server_errors": sum(s.errors() for s in setup.servers),
    }


def measure_storm(setup: Setup, timeout: float) -> dict[str, Any]:
    """Restart every server under the connected players; time until all are back with their
    manifest acknowledged."""
    for server in setup.servers:
        server.stop()
    stopped = time.monotonic()
    for server in setup.servers:
        server.start()
    for server in setup.servers:
        server.wait_up()
    up_s = time.monotonic() - stopped
    receipts, answers = setup.load.times(f"acked {stopped} {timeout}")
    back = summary(stopped, receipts, setup.players)
    return {
        "players": setup.players,
        "servers": len(setup.servers),
        "load_processes": len(setup.load.processes),
        "server_up_again_s": round(up_s, 2),
        "back": back,
        "all_back_s": back.get("max_s") if not back["missed"] else None,
        "reconnect_attempts": sum(a["reconnects"] for a in answers),
        "server_running": all(
            s.process is not None and s.process.poll() is None and s.healthy()
            for s in setup.servers
        ),
        "server_errors": sum(s.errors() for s in setup.servers),
    }


def report(
    benchmark: str, runs: list[dict[str, Any]], started: float, started_at: dt.datetime
) -> dict[str, Any]:
    info = time.get_clock_info("monotonic")
    return {
        "benchmark": benchmark,
        "started_at": started_at.isoformat(timespec="seconds"),
        "machine": machine_load(),
        "clock": f"time.monotonic ({info.implementation})",
        "wall_s": round(time.monotonic() - started, 1),
        "runs": runs,
    }


def _figures(name: str, found: dict[str, Any]) -> str:
    if not found.get("received"):
        return f"{name}: nobody received it"
    missed = f", {found['missed']} missed" if found["missed"] else ""
    return (
        f"{name}: p50 {found['p50_s']:.3f} s, p99 {found['p99_s']:.3f} s,"
        f" max {found['max_s']:.3f} s{missed}"
    )


def _echo_report(found: dict[str, Any]) -> None:
    for run in found["runs"]:
        head = f"{run['players']} players, {run['servers']} server(s)"
        if "floor" in run:
            click.echo(f"{head}, manifest {run['manifest_bytes']} B:")
            click.echo("  " + _figures("floor", run["floor"]))
            click.echo("  " + _figures("push ", run["push"]))
            click.echo(f"  ratio p50 {run['ratio_p50']}, p99 {run['ratio_p99']}")
        else:
            click.echo(f"{head}: " + _figures("back", run["back"]))
            click.echo(
                f"  server up again after {run['server_up_again_s']} s,"
                f" running at the end: {run['server_running']}"
            )
    machine = found["machine"]
    click.echo(
        f"\n{machine['cpus']} CPUs, load {machine['load_average']}; {found['wall_s']:.0f} s in all."
    )


_players = click.option(
    "--players",
    "counts",
    multiple=True,
    type=click.IntRange(1, 20000),
    help="Connected players (one screen each); repeat for several runs.  [default: 500]",
)
_processes = click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 8),
    help="signage serve processes (more than one: PostgreSQL and --redis).",
)
_redis = click.option("--redis", is_flag=True, help=f"Use the Redis message queue ({REDIS}).")
_postgresql = click.option(
    "--postgresql", is_flag=True, help="A throw-away PostgreSQL database (not SQLite)."
)
_timeout = click.option(
    "--timeout",
    default=120.0,
    show_default=True,
    type=click.FloatRange(1, 600),
    help="Seconds to wait for every player.",
)
_json = click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")

F = TypeVar("F", bound=Callable[..., Any])


def _options(command: F) -> F:
    """The options push and storm share."""
    for option in reversed((_players, _processes, _redis, _postgresql, _timeout, _json)):
        command = option(command)
    return command


def _check(processes: int, redis: bool) -> None:
    if processes > 1 and not redis:
        raise click.BadParameter("several servers need --redis", param_hint="--processes")


def _run(
    name: str,
    measure: Callable[[Setup, float], dict[str, Any]],
    counts: tuple[int, ...],
    processes: int,
    redis: bool,
    postgresql: bool,
    timeout: float,
    as_json: bool,
) -> None:
    """Measure each count of players on an installation of its own; print the report."""
    _check(processes, redis)
    started, started_at = time.monotonic(), dt.datetime.now(dt.UTC)
    runs = []
    for players in counts or (500,):
        click.echo(f"{name}: {players} players …", err=True)
        with installation(players, processes, redis, postgresql, timeout) as setup:
            runs.append(measure(setup, timeout))
    found = report(name, runs, started, started_at)
    if as_json:
        click.echo(json.dumps(found, indent=2))
    else:
        _echo_report(found)


@click.command("push")
@_options
def push_bench(
    counts: tuple[int, ...],
    processes: int,
    redis: bool,
    postgresql: bool,
    timeout: float,
    as_json: bool,
) -> None:
    """Time publish → every player against the floor (a bare broadcast of the same size) in
    the same run. Results and method: docs/benchmarks.md."""
    _run("push", measure_push, counts, processes, redis, postgresql, timeout, as_json)


@click.command("storm")
@_options
def storm_bench(
    counts: tuple[int, ...],
    processes: int,
    redis: bool,
    postgresql: bool,
    timeout: float,
    as_json: bool,
) -> None:
    """Restart the server under its players: time until all are back with their manifest
    acknowledged, and whether the server stayed up. Results: docs/benchmarks.md."""
    _run("storm", measure_storm, counts, processes, redis, postgresql, timeout, as_json)
