"""``signage bench``: measurements of a real installation (results in docs/benchmarks.md).

``signage bench player-memory`` checks the claim that the web player runs a day of rotation
without its memory growing. It seeds a throw-away demo installation, serves it with the real
``signage serve``, registers a screen and opens its player in Debian's chromium (Playwright,
never a downloaded browser). Playwright's fake clock is installed before the page loads, so
simulated hours pass in seconds: the player's one-second tick, pagination, rotation, status
reports, manifest polls and Socket.IO timers all run on the fast clock.

Every sample (default: each simulated hour) waits until the reference display is on screen
again (the item and page shown first), so that samples compare like with like, forces a
garbage collection and records the JS heap, the DOM, the renderer's live node, listener and
document counts, and how many displays and pages were shown so far. The run fails when the
heap at the end exceeds the baseline (the first sample after the warm-up hour) by more than
the tolerance, or when the DOM grows.

Nothing here needs the Flask app: the command talks to its own server over HTTP and runs the
other ``signage`` commands as subprocesses.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import secrets
import shlex
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

import click

if TYPE_CHECKING:
    from playwright.sync_api import CDPSession
    from playwright.sync_api import Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--js-flags=--expose-gc",
]
MIB = 1024 * 1024

#: Counts what the player puts in its main region, without touching the player: every page
#: node added to ``#main`` is a page shown; a page whose title differs from the previous
#: one starts a new display (an item). Also counts WebSocket connections opened (reconnects).
COUNTERS_JS = """
(() => {
  const counts = { pages: 0, displays: 0, websockets: 0 };
  let lastTitle = null;
  Object.defineProperty(window, '__signageBench', { value: counts });
  const Native = window.WebSocket;
  if (Native) {
    window.WebSocket = new Proxy(Native, {
      construct(target, args) {
        counts.websockets += 1;
        return Reflect.construct(target, args);
      },
    });
  }
  const watch = () => {
    const main = document.getElementById('main');
    if (!main) return;
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node.nodeType !== 1 || !node.classList.contains('page')) continue;
          counts.pages += 1;
          const title = node.querySelector('.item-title');
          const text = title ? title.textContent : '';
          if (text !== lastTitle) counts.displays += 1;
          lastTitle = text;
        }
      }
    }).observe(main, { childList: true });
  };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', watch, { once: true });
  } else {
    watch();
  }
})();
"""

SAMPLE_JS = """
() => {
  const state = window.signagePlayer ? window.signagePlayer.state() : {};
  const main = document.getElementById('main');
  const counts = window.__signageBench || { pages: 0, displays: 0, websockets: 0 };
  return {
    state,
    elements: document.getElementsByTagName('*').length,
    mainElements: main ? main.getElementsByTagName('*').length : 0,
    counts: { pages: counts.pages, displays: counts.displays, websockets: counts.websockets },
  };
}
"""


# --- the report ---------------------------------------------------------------------------


@dataclass
class Sample:
    """One measurement, after a forced garbage collection."""

    sim_min: float  #: simulated minutes since the player started playing
    wall_s: float  #: real seconds since the player started playing
    heap_used_mib: float  #: V8 heap in use (Runtime.getHeapUsage)
    heap_total_mib: float  #: V8 heap reserved
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
    aligned: bool  #: the reference display was on screen (like-for-like comparison)


@dataclass
class Verdict:
    baseline_index: int
    baseline_heap_mib: float
    final_heap_mib: float
    heap_growth_mib: float
    heap_allowed_mib: float
    heap_slope_kib_per_h: float
    dom_growth: int
    node_growth: int
    listener_growth: int
    allowed_node_growth: int
    passed: bool
    problems: list[str] = field(default_factory=list)


@dataclass
class Report:
    benchmark: str
    command: str
    started_at: str
    machine: dict[str, Any]
    layout: str
    audience: str
    hours: float
    step_minutes: float
    sample_minutes: float
    warmup_hours: float
    items_in_manifest: int
    reference: dict[str, Any]
    wall_s: float
    setup_wall_s: float
    run_wall_s: float
    samples: list[Sample]
    verdict: Verdict
    console_errors: int
    server_log_tail: str = ""


# --- the installation ---------------------------------------------------------------------


def _signage_command() -> list[str]:
    """How to run the ``signage`` console script of this interpreter."""
    script = Path(sys.executable).parent / "signage"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from signage_server.cli import main; main()"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Installation:
    base: str
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes]

    def run(self, *args: str, timeout: float = 120) -> str:
        result = subprocess.run(  # noqa: S603 - our own console script
            [*_signage_command(), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise click.ClickException(
                f"signage {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-2000:]}"
            )
        return result.stdout

    def log_tail(self, chars: int = 2000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]


def _run_setup(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(  # noqa: S603 - our own console script
        [*_signage_command(), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise click.ClickException(
            f"signage {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-2000:]}"
        )


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise click.ClickException(f"signage serve exited early:\n{tail}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):  # noqa: S310 - our server
                return
        except OSError:
            time.sleep(0.2)
    raise click.ClickException(f"{base} did not answer within {timeout:.0f}s")


@contextlib.contextmanager
def demo_installation() -> Iterator[Installation]:
    """A freshly seeded demo county in a temporary data directory, served on a free port."""
    with tempfile.TemporaryDirectory(prefix="signage-bench-") as folder:
        data_dir = Path(folder) / "data"
        data_dir.mkdir()
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNAGE_")} | {
            "SIGNAGE_DATA_DIR": str(data_dir),
            "SIGNAGE_DEMO_PASSWORD": secrets.token_urlsafe(12),
            # Nobody logs in: cheap password hashing keeps the seeding fast.
            "SIGNAGE_ARGON2_TIME_COST": "1",
            "SIGNAGE_ARGON2_MEMORY_COST": "1024",
            "SIGNAGE_ARGON2_PARALLELISM": "1",
            "SIGNAGE_PUBLIC_URL": base,
        }
        _run_setup(env, "init-db")
        _run_setup(env, "seed-demo")
        log = Path(folder) / "serve.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 - our own console script
                [*_signage_command(), "serve", "--port", str(port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_until_up(base, process, log, timeout=60)
            yield Installation(base, env, log, process)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- measuring the player -----------------------------------------------------------------


def _manifest(base: str, token: str) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - our own server
        base + "/api/v1/player/manifest",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our server
        data: dict[str, Any] = json.loads(response.read())
    return data


def _state(page: Page) -> dict[str, Any]:
    state: dict[str, Any] = page.evaluate(
        "() => window.signagePlayer ? window.signagePlayer.state() : {}"
    )
    return state


def _wait_for_mode(page: Page, mode: str, timeout: float) -> dict[str, Any]:
    """Poll from here (the page's own timers and animation frames run on the fake clock)."""
    deadline = time.monotonic() + timeout
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = _state(page)
        if state.get("mode") == mode and (mode != "playing" or state.get("item") is not None):
            return state
        time.sleep(0.1)
    raise click.ClickException(f"the player did not reach mode {mode!r} in {timeout:.0f}s: {state}")


def _collect_garbage(cdp: CDPSession) -> None:
    # Twice: the first pass can leave objects whose finalisers free more.
    for _ in range(2):
        cdp.send("HeapProfiler.collectGarbage")


def _measure(page: Page, cdp: CDPSession, *, sim_ms: int, started: float, aligned: bool) -> Sample:
    _collect_garbage(cdp)
    heap = cdp.send("Runtime.getHeapUsage")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    seen: dict[str, Any] = page.evaluate(SAMPLE_JS)
    state = seen["state"]
    counts = seen["counts"]
    return Sample(
        sim_min=round(sim_ms / 60000, 2),
        wall_s=round(time.monotonic() - started, 1),
        heap_used_mib=round(heap["usedSize"] / MIB, 3),
        heap_total_mib=round(heap["totalSize"] / MIB, 3),
        dom_elements=int(seen["elements"]),
        main_elements=int(seen["mainElements"]),
        nodes=int(metrics.get("Nodes", 0)),
        listeners=int(metrics.get("JSEventListeners", 0)),
        documents=int(metrics.get("Documents", 0)),
        displays=int(counts["displays"]),
        pages_shown=int(counts["pages"]),
        websockets=int(counts["websockets"]),
        item=state.get("item"),
        page=int(state.get("page") or 0),
        online=bool(state.get("online")),
        aligned=aligned,
    )


def _slope_per_hour(points: list[tuple[float, float]]) -> float:
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


def judge(
    samples: list[Sample],
    *,
    warmup_min: float,
    tolerance_mib: float,
    tolerance_pct: float,
    max_node_growth: int,
) -> Verdict:
    """Compare the last sample with the baseline (the first one after the warm-up).

    The heap may exceed the baseline by ``max(tolerance_mib, tolerance_pct % of baseline)``;
    DOM elements, live nodes and listeners by ``max_node_growth``.
    """
    index = next((i for i, s in enumerate(samples) if s.sim_min >= warmup_min), 0)
    if index == len(samples) - 1 and len(samples) > 1 and samples[-1].sim_min < warmup_min:
        index = 0
    base = samples[index]
    last = samples[-1]
    growth = last.heap_used_mib - base.heap_used_mib
    allowed = max(tolerance_mib, base.heap_used_mib * tolerance_pct / 100)
    slope = _slope_per_hour([(s.sim_min, s.heap_used_mib) for s in samples[index:]]) * 1024
    problems: list[str] = []
    if growth > allowed:
        problems.append(
            f"JS heap grew {growth:.2f} MiB ({base.heap_used_mib:.2f} -> "
            f"{last.heap_used_mib:.2f}), more than the {allowed:.2f} MiB allowed"
        )
    growths = {
        "DOM elements": last.dom_elements - base.dom_elements,
        "live DOM nodes": last.nodes - base.nodes,
        "event listeners": last.listeners - base.listeners,
    }
    for what, grown in growths.items():
        if grown > max_node_growth:
            problems.append(f"{what} grew by {grown}, more than {max_node_growth}")
    if last.pages_shown <= base.pages_shown and last.sim_min > base.sim_min:
        problems.append("no page was shown after the baseline: the player did not rotate")
    return Verdict(
        baseline_index=index,
        baseline_heap_mib=base.heap_used_mib,
        final_heap_mib=last.heap_used_mib,
        heap_growth_mib=round(growth, 3),
        heap_allowed_mib=round(allowed, 3),
        heap_slope_kib_per_h=round(slope, 1),
        dom_growth=growths["DOM elements"],
        node_growth=growths["live DOM nodes"],
        listener_growth=growths["event listeners"],
        allowed_node_growth=max_node_growth,
        passed=not problems,
        problems=problems,
    )


@dataclass
class Settings:
    hours: float
    layout: str
    audience: str
    step_minutes: float
    sample_minutes: float
    warmup_hours: float
    align_minutes: float
    tolerance_mib: float
    tolerance_pct: float
    max_node_growth: int
    chromium: str


def _chromium_version(path: str) -> str:
    try:
        out = subprocess.run(  # noqa: S603 - the browser binary named on the command line
            [path, "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except OSError:
        return "unknown"
    return out.strip().splitlines()[-1] if out.strip() else "unknown"


def _machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    return info


def run_player_memory(
    settings: Settings, progress: Any = None, command: str = ""
) -> Report:  # pragma: no cover - exercised through the CLI test
    """Run the benchmark; ``progress(sample)`` is called after each sample."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise click.ClickException(
            "playwright is not installed; install the test extras: pip install -e .[test]"
        ) from None
    from layouts import LAYOUTS

    if not Path(settings.chromium).exists():
        raise click.ClickException(f"{settings.chromium} is missing (apt-get install chromium)")
    layout = LAYOUTS[settings.layout]
    wanted_mode = "ticker" if layout.name == "ticker" else "playing"
    started_at = dt.datetime.now(dt.UTC)
    t0 = time.monotonic()
    total_ms = int(settings.hours * 3600_000)
    step_ms = max(1000, int(settings.step_minutes * 60_000))
    sample_ms = max(step_ms, int(settings.sample_minutes * 60_000))
    align_ms = int(settings.align_minutes * 60_000)
    errors: list[str] = []

    with demo_installation() as site:
        screen = json.loads(
            site.run(
                "screen",
                "register",
                f"bench-{layout.name}",
                "--org",
                "JIYI-01",
                "--audience",
                settings.audience,
                "--layout",
                layout.name,
            )
        )
        items = len(_manifest(site.base, screen["token"]).get("items") or [])
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=settings.chromium, args=CHROMIUM_ARGS
            )
            try:
                context = browser.new_context(
                    viewport={"width": layout.width, "height": layout.height},
                    locale="zh-CN",
                    timezone_id="Asia/Shanghai",
                )
                page = context.new_page()
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.add_init_script(COUNTERS_JS)
                # Before the page loads: every timer of the player and of socket.io is fake.
                page.clock.install(time=dt.datetime.now(dt.UTC))
                page.goto(screen["player_url"])
                _wait_for_mode(page, wanted_mode, timeout=60)
                cdp = context.new_cdp_session(page)
                cdp.send("Performance.enable")
                setup_wall = time.monotonic() - t0
                run_started = time.monotonic()
                reference = _state(page)
                sim_ms = 0

                def aligned_now() -> bool:
                    if wanted_mode != "playing":
                        return True
                    s = _state(page)
                    return bool(s.get("item") == reference.get("item") and s.get("page") == 1)

                def sample() -> Sample:
                    nonlocal sim_ms
                    # Step one simulated second at a time until the reference display is back.
                    waited = 0
                    aligned = aligned_now()
                    while not aligned and waited < align_ms:
                        page.clock.run_for(1000)
                        sim_ms += 1000
                        waited += 1000
                        aligned = aligned_now()
                    s = _measure(page, cdp, sim_ms=sim_ms, started=run_started, aligned=aligned)
                    if progress is not None:
                        progress(s)
                    return s

                samples = [sample()]
                next_sample = sample_ms
                while sim_ms < total_ms:
                    target = min(next_sample, total_ms)
                    while sim_ms < target:
                        chunk = min(step_ms, target - sim_ms)
                        try:
                            page.clock.run_for(chunk)
                        except PlaywrightError as error:
                            # A page error inside a timer is rethrown here; keep going.
                            errors.append(str(error).splitlines()[0])
                        sim_ms += chunk
                    samples.append(sample())
                    next_sample += sample_ms
                run_wall = time.monotonic() - run_started
            finally:
                browser.close()
        tail = site.log_tail()

    verdict = judge(
        samples,
        warmup_min=settings.warmup_hours * 60,
        tolerance_mib=settings.tolerance_mib,
        tolerance_pct=settings.tolerance_pct,
        max_node_growth=settings.max_node_growth,
    )
    return Report(
        benchmark="player-memory",
        command=command,
        started_at=started_at.isoformat(timespec="seconds"),
        machine=_machine() | {"chromium": _chromium_version(settings.chromium)},
        layout=layout.name,
        audience=settings.audience,
        hours=settings.hours,
        step_minutes=settings.step_minutes,
        sample_minutes=settings.sample_minutes,
        warmup_hours=settings.warmup_hours,
        items_in_manifest=items,
        reference={"item": reference.get("item"), "pages": reference.get("pages")},
        wall_s=round(time.monotonic() - t0, 1),
        setup_wall_s=round(setup_wall, 1),
        run_wall_s=round(run_wall, 1),
        samples=samples,
        verdict=verdict,
        console_errors=len(errors),
        server_log_tail="" if verdict.passed else tail,
    )


# --- the commands -------------------------------------------------------------------------

TABLE_HEADER = (
    f"{'sim h':>6} {'wall s':>7} {'heap MiB':>9} {'DOM el.':>8} {'nodes':>6} {'listen.':>7}"
    f" {'docs':>5} {'displays':>8} {'pages':>6} {'ws':>4} {'aligned':>7}"
)


def _row(s: Sample) -> str:
    return (
        f"{s.sim_min / 60:>6.2f} {s.wall_s:>7.1f} {s.heap_used_mib:>9.3f} {s.dom_elements:>8}"
        f" {s.nodes:>6} {s.listeners:>7} {s.documents:>5} {s.displays:>8} {s.pages_shown:>6}"
        f" {s.websockets:>4} {'yes' if s.aligned else 'no':>7}"
    )


def _summary(report: Report) -> list[str]:
    v = report.verdict
    base = report.samples[v.baseline_index]
    last = report.samples[-1]
    return [
        f"Simulated {last.sim_min / 60:.2f} h of rotation in {report.run_wall_s:.0f} s of wall"
        f" time ({report.wall_s:.0f} s in all); {last.displays} displays,"
        f" {last.pages_shown} pages, {last.websockets} WebSocket connections opened.",
        f"JS heap after GC: {v.baseline_heap_mib:.3f} MiB at {base.sim_min / 60:.2f} h (baseline)"
        f" -> {v.final_heap_mib:.3f} MiB at {last.sim_min / 60:.2f} h:"
        f" {v.heap_growth_mib:+.3f} MiB (allowed {v.heap_allowed_mib:.2f}),"
        f" slope {v.heap_slope_kib_per_h:+.1f} KiB/h.",
        f"DOM elements {v.dom_growth:+d}, live nodes {v.node_growth:+d},"
        f" listeners {v.listener_growth:+d} (allowed +{v.allowed_node_growth}).",
        "PASS: no growth beyond the tolerance." if v.passed else "FAIL: " + "; ".join(v.problems),
    ]


@click.group("bench")
def bench_group() -> None:
    """Benchmarks of a throw-away demo installation (results: docs/benchmarks.md)."""


@bench_group.command("player-memory")
@click.option("--hours", default=24.0, show_default=True, type=click.FloatRange(0.01, 24 * 31))
@click.option("--layout", default="landscape", show_default=True, help="Layout of the screen.")
@click.option(
    "--audience",
    default="public",
    show_default=True,
    type=click.Choice(["public", "party", "unit"]),
    help="Audience of the screen (decides which demo items it plays).",
)
@click.option(
    "--step-minutes",
    default=10.0,
    show_default=True,
    type=click.FloatRange(1 / 60, 24 * 60),
    help="Simulated minutes per run_for call of the fake clock.",
)
@click.option(
    "--sample-minutes",
    default=60.0,
    show_default=True,
    type=click.FloatRange(1 / 60, 24 * 60),
    help="Simulated minutes between samples.",
)
@click.option(
    "--warmup-hours",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0, None),
    help="The baseline is the first sample after this (every item paginated at least once).",
)
@click.option(
    "--align-minutes",
    default=30.0,
    show_default=True,
    type=click.FloatRange(0, None),
    help="Before sampling, run on for up to this long until the first display is back.",
)
@click.option("--tolerance-mib", default=2.0, show_default=True, type=click.FloatRange(0, None))
@click.option(
    "--tolerance-pct",
    default=20.0,
    show_default=True,
    type=click.FloatRange(0, None),
    help="Allowed heap growth: the larger of --tolerance-mib and this share of the baseline.",
)
@click.option(
    "--max-node-growth",
    default=50,
    show_default=True,
    type=click.IntRange(0, None),
    help="Allowed growth of DOM elements, live nodes and event listeners.",
)
@click.option("--chromium", default=CHROMIUM, show_default=True, help="The browser binary.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def player_memory(
    hours: float,
    layout: str,
    audience: str,
    step_minutes: float,
    sample_minutes: float,
    warmup_hours: float,
    align_minutes: float,
    tolerance_mib: float,
    tolerance_pct: float,
    max_node_growth: int,
    chromium: str,
    as_json: bool,
) -> None:
    """Play the demo for HOURS of simulated time on a fake clock; check that memory stays flat.

    Exits 1 when the JS heap after garbage collection ends more than the tolerance above the
    baseline, or when DOM elements, live nodes or listeners grow. Progress goes to stderr.
    """
    from layouts import LAYOUTS

    if layout not in LAYOUTS:
        raise click.BadParameter(f"known layouts: {', '.join(LAYOUTS)}", param_hint="--layout")
    settings = Settings(
        hours=hours,
        layout=layout,
        audience=audience,
        step_minutes=step_minutes,
        sample_minutes=sample_minutes,
        warmup_hours=warmup_hours,
        align_minutes=align_minutes,
        tolerance_mib=tolerance_mib,
        tolerance_pct=tolerance_pct,
        max_node_growth=max_node_growth,
        chromium=chromium,
    )
    args = sys.argv[1:]
    if args[:2] == ["bench", "player-memory"]:
        command = shlex.join(["signage", *args])
    else:
        command = click.get_current_context().command_path
    click.echo(TABLE_HEADER, err=True)
    report = run_player_memory(
        settings, progress=lambda s: click.echo(_row(s), err=True), command=command
    )
    if as_json:
        click.echo(json.dumps(asdict(report), ensure_ascii=False, indent=2))
    else:
        click.echo("")
        click.echo(TABLE_HEADER)
        for sample in report.samples:
            click.echo(_row(sample))
        click.echo("")
        for line in _summary(report):
            click.echo(line)
    if not report.verdict.passed:
        if as_json:
            click.echo("; ".join(report.verdict.problems), err=True)
        raise SystemExit(1)
