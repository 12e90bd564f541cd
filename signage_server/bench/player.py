"""``signage bench player-memory``: the web player's memory over a day (docs/benchmarks.md).

It checks the claim that the web player runs a day of rotation
without its memory growing. It seeds a throw-away demo installation, serves it with the real
``signage serve``, registers a screen and opens its player in Debian's chromium (Playwright,
never a downloaded browser). Playwright's fake clock is installed before the page loads and
paused once the player plays; from then on only ``run_for`` moves time, so simulated hours
pass in seconds: the player's one-second tick, pagination, rotation, status reports, manifest
polls and socket.io's own timers all run on the fast clock. (Socket.IO heartbeats from the
server come in real time, so the client times out and reconnects every simulated minute or
so; the run counts those reconnects.)

Every sample (default: each simulated hour) first steps on, one simulated second at a time,
until the reference display (the item and page shown first) is on screen again with the
socket up, so that samples compare like with like; then it waits a few real seconds with the
clock paused (closing sockets finish), forces a garbage collection and records the V8 heap,
Blink's heap, the renderer's resident memory, the DOM, the live node and listener counts, and
how many displays and pages were shown so far. The run fails when a heap ends more than the
tolerance above its baseline (the first sample after the warm-up hour), or when DOM elements,
live nodes or listeners grow.

Nothing here needs the Flask app: the command talks to its own server over HTTP and runs the
other ``signage`` commands as subprocesses (:mod:`signage_server.bench.installation`); the
verdict is :func:`signage_server.bench.memory.judge`.
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import asdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

import click

from layouts import LAYOUTS
from signage_server.bench.installation import demo_installation
from signage_server.bench.installation import machine_hardware
from signage_server.bench.memory import Check
from signage_server.bench.memory import Sample
from signage_server.bench.memory import Verdict
from signage_server.bench.memory import judge

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
    settle_seconds: float
    items_in_manifest: int
    reference: dict[str, Any]
    wall_s: float
    setup_wall_s: float
    run_wall_s: float
    samples: list[Sample]
    verdict: Verdict
    page_errors: int
    server_log_tail: str = ""


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


def _renderer_rss_mib(browser_cdp: CDPSession) -> float | None:
    """Resident memory of the busiest renderer process (the player's), from /proc."""
    processes = browser_cdp.send("SystemInfo.getProcessInfo")["processInfo"]
    renderers = [p for p in processes if p.get("type") == "renderer"]
    if not renderers:
        return None
    pid = max(renderers, key=lambda p: p.get("cpuTime", 0))["id"]
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    return None


def _measure(
    page: Page,
    cdp: CDPSession,
    browser_cdp: CDPSession,
    *,
    sim_ms: int,
    started: float,
    aligned: bool,
) -> Sample:
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
        blink_heap_mib=round(heap.get("embedderHeapUsedSize", 0) / MIB, 3),
        renderer_rss_mib=_renderer_rss_mib(browser_cdp),
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
        queued=int(state.get("queued") or 0),
        aligned=aligned,
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
    settle_seconds: float
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


class _Player:
    """The player page on a paused fake clock: advance it, line it up, measure it."""

    def __init__(
        self,
        page: Page,
        cdp: CDPSession,
        browser_cdp: CDPSession,
        settings: Settings,
        playing: bool,
    ) -> None:
        self.page = page
        self.cdp = cdp
        self.browser_cdp = browser_cdp
        self.settings = settings
        self.playing = playing
        self.sim_ms = 0
        self.started = time.monotonic()
        self.errors: list[str] = []
        self.reference: dict[str, Any] = _state(page)

    def advance(self, ms: int) -> None:
        # Here, not at the top: Playwright comes with the test extras only (see above).
        from playwright.sync_api import Error as PlaywrightError

        try:
            self.page.clock.run_for(ms)
        except PlaywrightError as error:
            # An exception thrown by a timer of the page is rethrown here; count it, go on.
            self.errors.append(str(error).splitlines()[0])
        self.sim_ms += ms

    def advance_to(self, target_ms: int, step_ms: int) -> None:
        while self.sim_ms < target_ms:
            self.advance(min(step_ms, target_ms - self.sim_ms))

    def lined_up(self) -> bool:
        """The reference display (first item, page 1) is on screen and the socket is up."""
        state = _state(self.page)
        if not state.get("online"):
            return False
        if not self.playing:
            return True
        return bool(state.get("item") == self.reference.get("item") and state.get("page") == 1)

    def sample(self) -> Sample:
        """Line up (one simulated second at a time), let the network settle, measure."""
        limit = self.sim_ms + int(self.settings.align_minutes * 60_000)
        aligned = self.lined_up()
        while not aligned and self.sim_ms < limit:
            self.advance(1000)
            aligned = self.lined_up()
        # The clock is paused: no timer of the page runs, but sockets closing after the
        # fast-forward (reconnects) and storage requests in flight finish in real time.
        time.sleep(self.settings.settle_seconds)
        return _measure(
            self.page,
            self.cdp,
            self.browser_cdp,
            sim_ms=self.sim_ms,
            started=self.started,
            aligned=aligned,
        )


def run_player_memory(
    settings: Settings, progress: Callable[[Sample], None] | None = None, command: str = ""
) -> Report:
    """Run the benchmark; ``progress(sample)`` is called after each sample."""
    try:
        # Here, not at the top: Playwright comes with the test extras only, and the other
        # benchmarks (and this module's import) must work without it.
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise click.ClickException(
            "playwright is not installed; install the test extras: pip install -e .[test]"
        ) from None
    if not Path(settings.chromium).exists():
        raise click.ClickException(f"{settings.chromium} is missing (apt-get install chromium)")
    layout = LAYOUTS[settings.layout]
    wanted_mode = "ticker" if layout.name == "ticker" else "playing"
    started_at = dt.datetime.now(dt.UTC)
    t0 = time.monotonic()
    total_ms = int(settings.hours * 3600_000)
    step_ms = max(1000, int(settings.step_minutes * 60_000))
    sample_ms = max(step_ms, int(settings.sample_minutes * 60_000))
    page_errors: list[str] = []

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
                page.on("pageerror", lambda e: page_errors.append(str(e)))
                page.add_init_script(COUNTERS_JS)
                # Before the page loads, so that every timer of the player and of socket.io is
                # fake. Time flows normally until the player plays, then only run_for moves it.
                page.clock.install(time=dt.datetime.now(dt.UTC))
                page.goto(screen["player_url"])
                _wait_for_mode(page, wanted_mode, timeout=60)
                page.clock.pause_at(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
                cdp = context.new_cdp_session(page)
                cdp.send("Performance.enable")
                setup_wall = time.monotonic() - t0
                browser_cdp = browser.new_browser_cdp_session()
                player = _Player(page, cdp, browser_cdp, settings, playing=wanted_mode == "playing")
                samples: list[Sample] = []
                next_sample = 0
                while True:
                    samples.append(player.sample())
                    if progress is not None:
                        progress(samples[-1])
                    if player.sim_ms >= total_ms:
                        break
                    next_sample += sample_ms
                    player.advance_to(min(next_sample, total_ms), step_ms)
                run_wall = time.monotonic() - player.started
            finally:
                browser.close()
        tail = site.log_tail()

    verdict = judge(
        samples,
        warmup_min=settings.warmup_hours * 60,
        tolerance_mib=settings.tolerance_mib,
        tolerance_pct=settings.tolerance_pct,
        max_node_growth=settings.max_node_growth,
        rotates=wanted_mode == "playing",
    )
    return Report(
        benchmark="player-memory",
        command=command,
        started_at=started_at.isoformat(timespec="seconds"),
        machine=machine_hardware() | {"chromium": _chromium_version(settings.chromium)},
        layout=layout.name,
        audience=settings.audience,
        hours=settings.hours,
        step_minutes=settings.step_minutes,
        sample_minutes=settings.sample_minutes,
        warmup_hours=settings.warmup_hours,
        settle_seconds=settings.settle_seconds,
        items_in_manifest=items,
        reference={"item": player.reference.get("item"), "pages": player.reference.get("pages")},
        wall_s=round(time.monotonic() - t0, 1),
        setup_wall_s=round(setup_wall, 1),
        run_wall_s=round(run_wall, 1),
        samples=samples,
        verdict=verdict,
        page_errors=len(page_errors) + len(player.errors),
        server_log_tail="" if verdict.passed else tail,
    )


# --- the commands -------------------------------------------------------------------------

TABLE_HEADER = (
    f"{'sim h':>6} {'wall s':>7} {'heap MiB':>9} {'blink MiB':>9} {'RSS MiB':>8}"
    f" {'DOM el.':>8} {'nodes':>6} {'listen.':>7}"
    f" {'docs':>5} {'displays':>8} {'pages':>6} {'ws':>5} {'queued':>6} {'aligned':>7}"
)


def _rss(s: Sample) -> str:
    return "?" if s.renderer_rss_mib is None else f"{s.renderer_rss_mib:.1f}"


def _row(s: Sample) -> str:
    return (
        f"{s.sim_min / 60:>6.2f} {s.wall_s:>7.1f} {s.heap_used_mib:>9.3f} {s.blink_heap_mib:>9.3f}"
        f" {_rss(s):>8} {s.dom_elements:>8}"
        f" {s.nodes:>6} {s.listeners:>7} {s.documents:>5} {s.displays:>8} {s.pages_shown:>6}"
        f" {s.websockets:>5} {s.queued:>6} {'yes' if s.aligned else 'no':>7}"
    )


def _describe(check: Check) -> str:
    if check.unit == "MiB":
        d = 1 if check.metric == "renderer_rss_mib" else 3
        change = f"{check.baseline:.{d}f} -> {check.final:.{d}f} MiB ({check.growth:+.{d}f})"
        slope = f"{check.slope_per_h * 1024:+.1f} KiB/h"
        allowed = "" if check.allowed is None else f", allowed +{check.allowed:.2f} MiB"
    else:
        change = f"{check.baseline:g} -> {check.final:g} ({check.growth:+g})"
        slope = f"{check.slope_per_h:+.2f}/h"
        allowed = "" if check.allowed is None else f", allowed +{check.allowed:g}"
    verdict = "reported" if check.allowed is None else "ok" if check.passed else "TOO MUCH"
    return f"  {check.label:<26} {change}, slope {slope}{allowed}: {verdict}"


def _summary(report: Report) -> list[str]:
    v = report.verdict
    last = report.samples[-1]
    return [
        f"Simulated {last.sim_min / 60:.2f} h of rotation in {report.run_wall_s:.0f} s of wall"
        f" time ({report.wall_s:.0f} s in all); {last.displays} displays,"
        f" {last.pages_shown} pages, {last.websockets} WebSocket connections opened.",
        f"After GC, from the baseline at {v.baseline_sim_h:.2f} h to {v.final_sim_h:.2f} h:",
        *(_describe(check) for check in v.checks),
        "PASS: no growth beyond the tolerance." if v.passed else "FAIL: " + "; ".join(v.problems),
    ]


@click.command("player-memory")
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
@click.option(
    "--settle-seconds",
    default=3.0,
    show_default=True,
    type=click.FloatRange(0, 60),
    help="Real seconds to wait (clock paused) before each sample: closing sockets finish.",
)
@click.option("--tolerance-mib", default=1.0, show_default=True, type=click.FloatRange(0, None))
@click.option(
    "--tolerance-pct",
    default=25.0,
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
    settle_seconds: float,
    tolerance_mib: float,
    tolerance_pct: float,
    max_node_growth: int,
    chromium: str,
    as_json: bool,
) -> None:
    """Play the demo for --hours of simulated time on a fake clock; check memory stays flat.

    Exits 1 when the V8 or the Blink heap (after garbage collection) ends more than the
    tolerance above its baseline, or when DOM elements, live nodes or listeners grow.
    Progress goes to stderr. Results and method: docs/benchmarks.md.
    """
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
        settle_seconds=settle_seconds,
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
