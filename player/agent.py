#!/usr/bin/env python3
"""signage-agent: the box agent beside the kiosk's Chromium (deploy/kiosk).

It talks to Chromium's DevTools protocol on 127.0.0.1 only (the kiosk starts Chromium with
``--remote-debugging-port=9222 --remote-debugging-address=127.0.0.1``) and to the server with
the screen's own token, which it reads from the player page. It:

* finds the player's page (``http://127.0.0.1:PORT/json/list``) and adds the binding
  ``window.signageAgent`` to it (``Runtime.addBinding``); the player sends it JSON strings:
  ``{"type": "command", "id", "kind": "snapshot" | "reboot"}`` and
  ``{"type": "power", "on": true | false}``;
* reads ``window.signagePlayer.agentInfo()`` (server, token, screen, player version, what is
  on screen);
* captures what the screen shows (``Page.captureScreenshot``) every ``snapshot_every_min``
  minutes (the server's answer to the health report; default 30, 0: never) and at once when
  the wall asks, and uploads it (``POST /api/v1/player/snapshots``);
* reports the box's health every 5 minutes (``POST /api/v1/player/health``): uptime, disk of
  ``/``, temperature, browser, player and agent versions, why the box last restarted and how
  many restarts it has seen;
* switches the display off and on (HDMI-CEC through ``cec-ctl`` where a CEC device exists,
  else DPMS through ``xset``) and reboots the box when the wall asks (only where the reboot
  rule of ``setup.sh`` is installed).

It reconnects when Chromium restarts, keeps one snapshot that could not be uploaded to retry
(never more: it cannot fill the disk) and survives server outages. It needs Python 3.11 and
``websocket-client`` (Debian: python3-websocket) and imports nothing of the server.

    signage-agent                 run (the systemd unit ``signage-agent.service``)
    signage-agent snapshot        take a snapshot now and upload it (from a shell on the box)
    signage-agent health          print the health report the agent would send
    signage-agent info            print what the player page tells the agent

Settings (arguments, or the environment): ``--port`` / ``SIGNAGE_AGENT_PORT`` (9222),
``--state-dir`` / ``SIGNAGE_AGENT_STATE`` (``/var/lib/signage-agent``), ``--health-every`` /
``SIGNAGE_AGENT_HEALTH_EVERY`` (seconds, 300), ``--snapshot-every`` /
``SIGNAGE_AGENT_SNAPSHOT_EVERY`` (seconds; overrides the server's setting),
``--first-snapshot-after`` / ``SIGNAGE_AGENT_FIRST_SNAPSHOT_AFTER`` (seconds, 60),
``SIGNAGE_AGENT_REBOOT`` (the reboot command, ``sudo -n /usr/bin/systemctl reboot``),
``SIGNAGE_AGENT_DISPLAY`` (``:0``).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import glob
import json
import logging
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

VERSION = "1.0.0"
BINDING = "signageAgent"
PLAYER_PATH = "/player/"
DEFAULT_PORT = 9222
DEFAULT_STATE = "/var/lib/signage-agent"
HEALTH_EVERY_S = 300.0
DEFAULT_SNAPSHOT_EVERY_MIN = 30
FIRST_SNAPSHOT_AFTER_S = 60.0
REBOOT_COMMAND = "sudo -n /usr/bin/systemctl reboot"
HTTP_TIMEOUT_S = 30.0
#: How long a reconnection waits at most (doubling from one second).
RECONNECT_MAX_S = 10.0

log = logging.getLogger("signage-agent")


# --- the box: health and restarts (pure where possible, paths injectable for tests) -------


@dataclass(frozen=True)
class Paths:
    """Where the box's facts are read (tests point them at fake trees)."""

    proc: Path = Path("/proc")
    sys: Path = Path("/sys")
    disk: Path = Path("/")


def boot_id(paths: Paths) -> str:
    """The kernel's id of this boot (changes at every boot)."""
    try:
        return (paths.proc / "sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def uptime_s(paths: Paths) -> int:
    try:
        return int(float((paths.proc / "uptime").read_text().split()[0]))
    except (OSError, ValueError, IndexError):
        return 0


def disk(paths: Paths) -> tuple[int, int]:
    """Used and total bytes of the filesystem holding ``paths.disk``."""
    try:
        st = os.statvfs(paths.disk)
    except OSError:
        return 0, 0
    total = st.f_blocks * st.f_frsize
    return total - st.f_bfree * st.f_frsize, total


def temperature_c(paths: Paths) -> float | None:
    """The hottest thermal zone in °C, or None where the box has none."""
    found: list[float] = []
    for name in glob.glob(str(paths.sys / "class/thermal/thermal_zone*/temp")):
        with contextlib.suppress(OSError, ValueError):
            found.append(int(Path(name).read_text().strip()) / 1000.0)
    return round(max(found), 1) if found else None


@dataclass
class State:
    """What the agent remembers across its own restarts and the box's (``state.json``)."""

    boot_id: str = ""
    browser_id: str = ""
    restart_count: int = 0
    restart_reason: str = "first_start"
    restart_at: str = ""
    #: The boot in which the agent was stopped cleanly (systemd stops it at shutdown).
    clean_stop_boot: str = ""
    #: The boot in which the agent itself ran the reboot (the wall asked).
    reboot_boot: str = ""

    @classmethod
    def load(cls, path: Path) -> State | None:
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        try:
            return cls(**known)
        except TypeError:
            return None

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(".tmp")
        temp.write_text(json.dumps(self.__dict__, sort_keys=True))
        os.replace(temp, path)


def on_start(previous: State | None, current_boot: str, now: str) -> State:
    """The state after the agent starts in boot ``current_boot``: why the box last restarted.

    A new boot after the agent ran the reboot: ``remote_reboot``; after a clean stop (systemd
    stops the agent at shutdown): ``reboot``; with neither: ``power_loss`` (the power went,
    or the kernel hung). The same boot: the agent alone restarted (nothing counted). No state
    at all: ``first_start``.
    """
    if previous is None:
        return State(boot_id=current_boot, restart_reason="first_start", restart_at=now)
    state = State(**previous.__dict__)
    if previous.boot_id == current_boot:
        state.clean_stop_boot = ""
        return state
    if previous.reboot_boot and previous.reboot_boot == previous.boot_id:
        reason = "remote_reboot"
    elif previous.clean_stop_boot and previous.clean_stop_boot == previous.boot_id:
        reason = "reboot"
    else:
        reason = "power_loss"
    state.boot_id = current_boot
    state.browser_id = ""
    state.restart_reason = reason
    state.restart_count = previous.restart_count + 1
    state.restart_at = now
    state.clean_stop_boot = ""
    state.reboot_boot = ""
    return state


def on_browser(state: State, browser_id: str, now: str) -> bool:
    """Note the browser the agent is connected to; return whether it is a restart of the
    browser within this boot (a new browser after an earlier one)."""
    if not browser_id or browser_id == state.browser_id:
        return False
    restarted = bool(state.browser_id)
    state.browser_id = browser_id
    if restarted:
        state.restart_count += 1
        state.restart_reason = "browser_restart"
        state.restart_at = now
    return restarted


def health(paths: Paths, state: State, *, browser: str, player: str) -> dict[str, Any]:
    """The health report of the box."""
    used, total = disk(paths)
    return {
        "uptime_s": uptime_s(paths),
        "disk_used": used,
        "disk_total": total,
        "temperature_c": temperature_c(paths),
        "browser_version": browser[:64],
        "player_version": player[:64],
        "agent_version": VERSION,
        "restart_reason": state.restart_reason,
        "restart_count": state.restart_count,
        "restart_at": state.restart_at,
    }


def utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


# --- Chromium's DevTools protocol -----------------------------------------------------------


class Gone(Exception):
    """The browser or its page went away (it restarted): reconnect."""


def http_json(url: str, timeout: float = 5.0) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - localhost
        return json.loads(response.read().decode("utf-8"))


def find_player(port: int) -> dict[str, Any] | None:
    """The player's page target of the browser on ``127.0.0.1:port``, or None."""
    try:
        targets = http_json(f"http://127.0.0.1:{port}/json/list")
    except (OSError, ValueError):
        return None
    pages = [t for t in targets if isinstance(t, dict) and t.get("type") == "page"]
    for target in pages:
        if PLAYER_PATH in str(target.get("url", "")) and target.get("webSocketDebuggerUrl"):
            return target
    return None


def browser_info(port: int) -> tuple[str, str]:
    """The browser's version and its id (a new id each time the browser starts)."""
    try:
        info = http_json(f"http://127.0.0.1:{port}/json/version")
    except (OSError, ValueError):
        return "", ""
    socket_url = str(info.get("webSocketDebuggerUrl", ""))
    return str(info.get("Browser", "")), socket_url.rsplit("/", 1)[-1]


class Cdp:
    """One DevTools connection to the player's page."""

    def __init__(self, socket_url: str, timeout: float = 10.0) -> None:
        import websocket  # lazy: only the running agent needs it (tests of its rules do not)

        self._ws_errors: tuple[type[BaseException], ...] = (
            websocket.WebSocketException,
            OSError,
        )
        self._timeout_error = websocket.WebSocketTimeoutException
        try:
            # The page is on 127.0.0.1; Chromium refuses a connection with a foreign Origin.
            self.ws = websocket.create_connection(socket_url, timeout=timeout, suppress_origin=True)
        except self._ws_errors as error:
            raise Gone(str(error)) from error
        self.timeout = timeout
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ws.close()

    def _receive(self, timeout: float) -> dict[str, Any] | None:
        self.ws.settimeout(timeout)
        try:
            text = self.ws.recv()
        except self._timeout_error:
            return None
        except self._ws_errors as error:
            raise Gone(str(error)) from error
        if not text:
            raise Gone("connection closed")
        message = json.loads(text)
        return message if isinstance(message, dict) else None

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self.next_id += 1
        ident = self.next_id
        try:
            self.ws.send(json.dumps({"id": ident, "method": method, "params": params or {}}))
        except self._ws_errors as error:
            raise Gone(str(error)) from error
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            message = self._receive(max(0.1, deadline - time.monotonic()))
            if message is None:
                continue
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result = message.get("result")
                return result if isinstance(result, dict) else {}
            if "method" in message:
                self.events.append(message)
        raise Gone(f"{method}: no answer")

    def wait_event(self, timeout: float) -> dict[str, Any] | None:
        """The next event (buffered first), or None after ``timeout`` seconds."""
        if self.events:
            return self.events.pop(0)
        message = self._receive(timeout)
        if message is not None and "method" in message:
            return message
        return None

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result.get("result", {}).get("value")

    def agent_info(self) -> dict[str, Any] | None:
        value = self.evaluate(
            "(window.signagePlayer && typeof window.signagePlayer.agentInfo === 'function')"
            " ? JSON.stringify(window.signagePlayer.agentInfo()) : null"
        )
        if not isinstance(value, str):
            return None
        info = json.loads(value)
        return info if isinstance(info, dict) else None

    def screenshot(self) -> bytes:
        result = self.call("Page.captureScreenshot", {"format": "jpeg", "quality": 85})
        return base64.b64decode(result.get("data", ""))


# --- the server ---------------------------------------------------------------------------


class Refused(Exception):
    """The server refused the request for good (a bad token, a bad image): do not retry."""


def post(url: str, token: str, body: bytes, content_type: str) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - the server the player itself talks to
        url,
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": content_type,
            "User-Agent": f"signage-agent/{VERSION}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:  # noqa: S310
            answer = json.loads(response.read().decode("utf-8") or "{}")
    except urllib.error.HTTPError as error:
        if error.code in (400, 401, 403, 404, 413, 415, 422):
            raise Refused(f"{error.code} {error.reason}") from error
        raise
    return answer if isinstance(answer, dict) else {}


def snapshot_url(info: dict[str, Any], reason: str, command: int | None, capture: str = "") -> str:
    """The upload's address: what was on screen, why it was taken, and the capture's name
    (kept when it is sent again, so the server counts it once)."""
    query: dict[str, Any] = {"reason": reason}
    current = info.get("current")
    if isinstance(current, dict) and current.get("item") and current.get("revision"):
        query["item"] = current["item"]
        query["revision"] = current["revision"]
    if command is not None:
        query["command"] = command
        query["reason"] = "command"
    if capture:
        query["capture"] = capture
    return (
        str(info["server"]).rstrip("/")
        + "/api/v1/player/snapshots?"
        + (urllib.parse.urlencode(query))
    )


# --- the agent ------------------------------------------------------------------------------


@dataclass
class Settings:
    port: int = DEFAULT_PORT
    state_dir: Path = Path(DEFAULT_STATE)
    health_every: float = HEALTH_EVERY_S
    #: Seconds between snapshots, overriding the server's setting (None: the server's).
    snapshot_every: float | None = None
    first_snapshot_after: float = FIRST_SNAPSHOT_AFTER_S
    reboot: str = REBOOT_COMMAND
    display: str = ":0"
    paths: Paths = field(default_factory=Paths)


class Agent:
    def __init__(
        self,
        settings: Settings,
        run: Callable[..., Any] = subprocess.run,
        *,
        remember: bool = True,
    ) -> None:
        self.settings = settings
        #: Whether it keeps its state (the running agent); a one-off command from a shell
        #: reads it only.
        self.remember = remember
        self.run = run
        self.state_file = settings.state_dir / "state.json"
        self.pending_file = settings.state_dir / "pending.jpg"
        self.pending_meta = settings.state_dir / "pending.json"
        self.state = on_start(State.load(self.state_file), boot_id(settings.paths), utc_now())
        self.save()
        self.snapshot_every_min = DEFAULT_SNAPSHOT_EVERY_MIN
        self.stopping = False
        self.browser_version = ""
        self.cdp: Cdp | None = None
        self.info: dict[str, Any] | None = None
        self.next_health = 0.0
        self.next_snapshot = 0.0
        self.next_retry = 0.0

    # -- lifecycle --

    def save(self) -> None:
        if self.remember:
            self.state.save(self.state_file)

    def stop(self, *_args: Any) -> None:
        """Stopped by systemd (a shutdown, or a restart of the agent): a clean stop."""
        self.stopping = True
        self.state.clean_stop_boot = self.state.boot_id
        self.save()

    def connect(self) -> Cdp:
        target = find_player(self.settings.port)
        if target is None:
            raise Gone("no player page")
        cdp = Cdp(str(target["webSocketDebuggerUrl"]))
        try:
            cdp.call("Runtime.enable")
            cdp.call("Runtime.addBinding", {"name": BINDING})
            # The binding reaches pages loaded from now on; tell the page now (the player
            # notices it and sends its power state).
            cdp.evaluate("typeof window.signageAgent === 'function'")
        except Exception:
            cdp.close()
            raise
        version, browser_id = browser_info(self.settings.port)
        self.browser_version = version
        if on_browser(self.state, browser_id, utc_now()):
            log.info("the browser restarted")
        self.save()
        return cdp

    def serve(self) -> None:
        """Run until stopped: connect, listen, report, capture; reconnect when needed."""
        wait = 1.0
        while not self.stopping:
            try:
                self.cdp = self.connect()
                log.info("connected to the player")
                wait = 1.0
                now = time.monotonic()
                self.next_health = now
                self.next_snapshot = now + self.settings.first_snapshot_after
                while not self.stopping:
                    self.step()
            except Gone as error:
                log.info("no player to talk to (%s); trying again", error)
            except Exception:
                log.exception("unexpected error; reconnecting")
            finally:
                if self.cdp is not None:
                    self.cdp.close()
                    self.cdp = None
            if not self.stopping:
                time.sleep(wait)
                wait = min(RECONNECT_MAX_S, wait * 2)

    def step(self) -> None:
        """One turn: handle the page's messages for up to a second, then what is due."""
        assert self.cdp is not None
        event = self.cdp.wait_event(1.0)
        if event is not None:
            self.on_event(event)
        now = time.monotonic()
        if now >= self.next_health:
            self.next_health = now + self.settings.health_every
            self.report_health()
        if now >= self.next_snapshot:
            every = self.snapshot_every_s()
            self.next_snapshot = now + (every or self.settings.health_every)
            if every:
                self.snapshot("scheduled")
        if self.pending_file.exists() and now >= self.next_retry:
            self.retry_pending()

    def snapshot_every_s(self) -> float:
        if self.settings.snapshot_every is not None:
            return self.settings.snapshot_every
        return self.snapshot_every_min * 60.0

    # -- what the page sends --

    def on_event(self, event: dict[str, Any]) -> None:
        method = event.get("method")
        if method == "Inspector.detached" or method == "Runtime.executionContextsCleared":
            return
        if method != "Runtime.bindingCalled":
            return
        params = event.get("params") or {}
        if params.get("name") != BINDING:
            return
        try:
            message = json.loads(params.get("payload") or "")
        except ValueError:
            log.warning("the page sent something that is not JSON")
            return
        if isinstance(message, dict):
            self.on_message(message)

    def on_message(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "power":
            self.power(bool(message.get("on")))
        elif kind == "command":
            command = message.get("id")
            ident = command if isinstance(command, int) and not isinstance(command, bool) else None
            if message.get("kind") == "snapshot":
                self.snapshot("command", ident)
            elif message.get("kind") == "reboot":
                self.reboot()

    def power(self, on: bool) -> None:
        """Switch the display on or off: HDMI-CEC where the display answers, else DPMS."""
        cec = shutil.which("cec-ctl")
        if cec and Path("/dev/cec0").exists():
            # Announce the box as a playback device first (idempotent), then address the TV.
            self._run([cec, "-d", "/dev/cec0", "--playback"])
            action = "--image-view-on" if on else "--standby"
            if self._run([cec, "-d", "/dev/cec0", "--to", "0", action]):
                return
        xset = shutil.which("xset")
        if not xset:
            log.warning("cannot switch the display %s: no cec-ctl, no xset", "on" if on else "off")
            return
        if on:
            self._run([xset, "dpms", "force", "on"])
            self._run([xset, "s", "reset"])
            self._run([xset, "-dpms"])
        else:
            self._run([xset, "+dpms"])
            self._run([xset, "dpms", "force", "off"])

    def _run(self, argv: list[str]) -> bool:
        env = {**os.environ, "DISPLAY": os.environ.get("DISPLAY", self.settings.display)}
        try:
            result = self.run(argv, env=env, capture_output=True, timeout=20, check=False)
        except (OSError, subprocess.SubprocessError) as error:
            log.warning("%s failed: %s", argv[0], error)
            return False
        if result.returncode != 0:
            log.warning("%s exited with %s", " ".join(argv), result.returncode)
        return bool(result.returncode == 0)

    def reboot(self) -> None:
        """Reboot the box (the wall asked): remembered, so the next start says why."""
        self.state.reboot_boot = self.state.boot_id
        self.save()
        log.info("rebooting the box (asked from the screen wall)")
        if not self._run(shlex.split(self.settings.reboot)):
            self.state.reboot_boot = ""
            self.save()
            log.warning("the reboot was refused: is the reboot rule of setup.sh installed?")

    # -- what goes to the server --

    def read_info(self) -> dict[str, Any] | None:
        assert self.cdp is not None
        try:
            info = self.cdp.agent_info()
        except RuntimeError as error:
            log.warning("the player page did not answer: %s", error)
            return None
        if info and info.get("token") and info.get("server"):
            self.info = info
            return info
        return None

    def report_health(self) -> None:
        info = self.read_info()
        if info is None:
            return
        body = health(
            self.settings.paths,
            self.state,
            browser=self.browser_version,
            player=str(info.get("version") or ""),
        )
        url = str(info["server"]).rstrip("/") + "/api/v1/player/health"
        try:
            answer = post(url, str(info["token"]), json.dumps(body).encode(), "application/json")
        except Refused as error:
            log.warning("the server refused the health report: %s", error)
            return
        except (OSError, ValueError) as error:
            log.info("health not reported (server unreachable: %s)", error)
            return
        every = answer.get("snapshot_every_min")
        if isinstance(every, int) and not isinstance(every, bool) and every >= 0:
            if every != self.snapshot_every_min and self.settings.snapshot_every is None:
                self.next_snapshot = min(self.next_snapshot, time.monotonic() + every * 60.0)
            self.snapshot_every_min = every

    def snapshot(self, reason: str, command: int | None = None) -> dict[str, Any] | None:
        """Capture what the screen shows and upload it; keep it to retry when the server is
        away (one kept at most: a newer snapshot replaces it)."""
        assert self.cdp is not None
        info = self.read_info()
        if info is None:
            log.info("no snapshot: the player has no screen token yet")
            return None
        image = self.cdp.screenshot()
        capture = f"{int(time.time() * 1000):x}-{os.urandom(4).hex()}"
        url = snapshot_url(info, reason, command, capture)
        return self.upload(url, str(info["token"]), image)

    def upload(self, url: str, token: str, image: bytes) -> dict[str, Any] | None:
        try:
            answer = post(url, token, image, "image/jpeg")
        except Refused as error:
            log.warning("the server refused the snapshot: %s", error)
            return None
        except (OSError, ValueError) as error:
            log.info("snapshot kept to send later (server unreachable: %s)", error)
            self.settings.state_dir.mkdir(parents=True, exist_ok=True)
            self.pending_file.write_bytes(image)
            self.pending_meta.write_text(json.dumps({"url": url, "token": token}))
            self.next_retry = time.monotonic() + 30.0
            return None
        log.info("snapshot %s uploaded", answer.get("id"))
        return answer

    def retry_pending(self) -> None:
        try:
            meta = json.loads(self.pending_meta.read_text())
            image = self.pending_file.read_bytes()
        except (OSError, ValueError):
            self.drop_pending()
            return
        self.drop_pending()
        self.upload(str(meta["url"]), str(meta["token"]), image)

    def drop_pending(self) -> None:
        self.pending_file.unlink(missing_ok=True)
        self.pending_meta.unlink(missing_ok=True)


def say(text: str) -> None:
    """Answer an administrator at a shell (the one-off commands)."""
    sys.stdout.write(text + "\n")


def settings_from(args: argparse.Namespace) -> Settings:
    env = os.environ

    def number(value: Any, name: str, default: float | None) -> float | None:
        raw = value if value is not None else env.get(name)
        return float(raw) if raw not in (None, "") else default

    port = number(args.port, "SIGNAGE_AGENT_PORT", DEFAULT_PORT)
    return Settings(
        port=int(port or DEFAULT_PORT),
        state_dir=Path(args.state_dir or env.get("SIGNAGE_AGENT_STATE") or DEFAULT_STATE),
        health_every=number(args.health_every, "SIGNAGE_AGENT_HEALTH_EVERY", HEALTH_EVERY_S)
        or HEALTH_EVERY_S,
        snapshot_every=number(args.snapshot_every, "SIGNAGE_AGENT_SNAPSHOT_EVERY", None),
        first_snapshot_after=number(
            args.first_snapshot_after,
            "SIGNAGE_AGENT_FIRST_SNAPSHOT_AFTER",
            FIRST_SNAPSHOT_AFTER_S,
        )
        or 0.0,
        reboot=env.get("SIGNAGE_AGENT_REBOOT") or REBOOT_COMMAND,
        display=env.get("SIGNAGE_AGENT_DISPLAY") or ":0",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="signage-agent", description=__doc__.split("\n")[0])
    parser.add_argument(
        "action", nargs="?", default="run", choices=["run", "snapshot", "health", "info"]
    )
    parser.add_argument("--port", type=int)
    parser.add_argument("--state-dir")
    parser.add_argument("--health-every", type=float, help="seconds between health reports")
    parser.add_argument("--snapshot-every", type=float, help="seconds (overrides the server)")
    parser.add_argument("--first-snapshot-after", type=float, help="seconds after connecting")
    parser.add_argument("--version", action="version", version=VERSION)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr
    )
    agent = Agent(settings_from(args), remember=args.action == "run")
    if args.action == "run":
        signal.signal(signal.SIGTERM, agent.stop)
        signal.signal(signal.SIGINT, agent.stop)
        agent.serve()
        return 0
    try:
        agent.cdp = agent.connect()
    except Gone as error:
        say(f"signage-agent: no player page on port {agent.settings.port}: {error}")
        return 1
    try:
        if args.action == "info":
            info = agent.read_info()
            if info:
                info = {**info, "token": str(info.get("token", ""))[:8] + "…"}
            say(json.dumps(info, ensure_ascii=False, indent=2))
            return 0 if info else 1
        if args.action == "health":
            info = agent.read_info() or {}
            body = health(
                agent.settings.paths,
                agent.state,
                browser=agent.browser_version,
                player=str(info.get("version") or ""),
            )
            say(json.dumps(body, indent=2))
            return 0
        answer = agent.snapshot("manual")
        say(json.dumps(answer, indent=2) if answer else "snapshot not uploaded (see above)")
        return 0 if answer else 1
    finally:
        agent.cdp.close()


if __name__ == "__main__":
    sys.exit(main())
