"""``signage bench``: measurements of a real installation (results in docs/benchmarks.md).

``signage bench player-memory`` checks the claim that the web player runs a day of rotation
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
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

import click

from signage_server.config import child_environment

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
    blink_heap_mib: float  #: Blink's garbage-collected heap: DOM, styles (embedderHeapUsedSize)
    renderer_rss_mib: float | None  #: resident memory of the page's renderer process (Linux)
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
    queued: int  #: proof-of-play records waiting in the player's storage
    aligned: bool  #: the reference display was on screen (like-for-like comparison)


@dataclass
class Check:
    """Growth of one measure from the baseline sample to the last one."""

    metric: str  #: field of :class:`Sample`
    label: str
    unit: str
    baseline: float
    final: float
    growth: float
    allowed: float | None  #: None: reported, not judged
    slope_per_h: float  #: least-squares slope from the baseline on, in ``unit`` per hour
    passed: bool


@dataclass
class Verdict:
    baseline_index: int
    baseline_sim_h: float
    final_sim_h: float
    checks: list[Check]
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

    def run(self, *args: str) -> str:
        return _signage(self.env, *args)

    def log_tail(self, chars: int = 2000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]


def _signage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """Run ``signage ARGS`` in the environment ``env``; return its output."""
    result = subprocess.run(  # noqa: S603 - our own console script
        [*_signage_command(), *args],
        env=env,
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
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = _seeded(Path(folder), public_url=base)
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


#: (metric, label, unit, judged as memory (MiB) or as a count); RSS is only reported: it
#: holds allocator caches and DevTools' own buffers, and moves by megabytes either way.
MEASURES: tuple[tuple[str, str, str, str], ...] = (
    ("heap_used_mib", "JS heap (V8)", "MiB", "memory"),
    ("blink_heap_mib", "Blink heap (DOM, styles)", "MiB", "memory"),
    ("renderer_rss_mib", "renderer RSS", "MiB", "reported"),
    ("dom_elements", "DOM elements", "", "count"),
    ("nodes", "live DOM nodes", "", "count"),
    ("listeners", "event listeners", "", "count"),
)


def judge(
    samples: list[Sample],
    *,
    warmup_min: float,
    tolerance_mib: float,
    tolerance_pct: float,
    max_node_growth: int,
    rotates: bool = True,
) -> Verdict:
    """Compare the last sample with the baseline (the first one after the warm-up).

    Each heap may end at most ``max(tolerance_mib, tolerance_pct % of its baseline)`` above
    the baseline; DOM elements, live nodes and listeners at most ``max_node_growth`` above.
    ``rotates``: pages must have been shown after the baseline (not in the ticker layout).
    """
    index = next((i for i, s in enumerate(samples) if s.sim_min >= warmup_min), 0)
    base = samples[index]
    last = samples[-1]
    checks: list[Check] = []
    problems: list[str] = []
    for metric, label, unit, kind in MEASURES:
        points = [(s.sim_min, getattr(s, metric)) for s in samples[index:]]
        if any(value is None for _, value in points):
            continue
        start, end = float(points[0][1]), float(points[-1][1])
        growth = end - start
        allowed: float | None = None
        if kind == "memory":
            allowed = max(tolerance_mib, start * tolerance_pct / 100)
        elif kind == "count":
            allowed = max_node_growth
        passed = allowed is None or growth <= allowed
        checks.append(
            Check(
                metric=metric,
                label=label,
                unit=unit,
                baseline=start,
                final=end,
                growth=round(growth, 3),
                allowed=None if allowed is None else round(allowed, 3),
                slope_per_h=round(_slope_per_hour(points), 4),
                passed=passed,
            )
        )
        if not passed:
            problems.append(
                f"{label} grew by {growth:.3f} {unit} ({start:g} -> {end:g}),"
                f" more than the {allowed:g} {unit} allowed".replace("  ", " ")
            )
    if rotates and last.pages_shown <= base.pages_shown and last.sim_min > base.sim_min:
        problems.append("no page was shown after the baseline: the player did not rotate")
    return Verdict(
        baseline_index=index,
        baseline_sim_h=round(base.sim_min / 60, 2),
        final_sim_h=round(last.sim_min / 60, 2),
        checks=checks,
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
        machine=_machine() | {"chromium": _chromium_version(settings.chromium)},
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


# --- printing (posters, boards, dossiers) --------------------------------------------------


def _seeded(folder: Path, public_url: str = "https://signage.example.invalid") -> dict[str, str]:
    """Seed a demo installation in ``folder`` and return its environment (no server: printing
    needs only the database; :func:`demo_installation` serves one)."""
    data_dir = folder / "data"
    data_dir.mkdir()
    env = child_environment(
        data_dir=str(data_dir),
        demo_password=secrets.token_urlsafe(12),
        # Nobody logs in: cheap password hashing keeps the seeding fast.
        argon2_time_cost="1",
        argon2_memory_cost="1024",
        argon2_parallelism="1",
        public_url=public_url,
    )
    _signage(env, "init-db")
    _signage(env, "seed-demo")
    return env


def _paper_worker(env: dict[str, str], *args: str) -> str:
    """Run ``python -m signage_server.paper.bench ARGS`` in a fresh process; return its output."""
    result = subprocess.run(  # noqa: S603 - this interpreter, our own module
        [sys.executable, "-m", "signage_server.paper.bench", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise click.ClickException(f"{' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def run_print(runs: int, kinds: list[str]) -> dict[str, Any]:
    """Measure printing in a throw-away demo installation: each kind of document in a fresh
    process, cold (first) then ``runs`` times warm."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="signage-bench-print-") as folder:
        env = _seeded(Path(folder))
        _paper_worker(env, "prepare")
        results = []
        for kind in kinds:
            click.echo(f"measuring {kind} …", err=True)
            results.append(json.loads(_paper_worker(env, "measure", kind, str(runs))))
    return {
        "benchmark": "print",
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": _machine_basics(),
        "runs": runs,
        "wall_s": time.perf_counter() - started,
        "documents": results,
    }


def _machine_basics() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
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


@bench_group.command("print")
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
    " board, dossier).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def print_bench(runs: int, kinds: tuple[str, ...], as_json: bool) -> None:
    """Time posters, boards and dossiers: cold (first in a fresh process, fontconfig
    included) and warm (median of --runs), with their pages and file sizes. Results and
    method: docs/benchmarks.md."""
    from signage_server.paper.bench import DOCUMENTS

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
