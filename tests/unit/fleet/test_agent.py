"""The box agent's own logic (player/agent.py), without a browser: why the box restarted, what
its health report says (from fake /proc and /sys trees), what the page's messages make it do,
and that a server outage keeps one snapshot to retry, never more."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from player import agent
from player.agent import Agent
from player.agent import Paths
from player.agent import State


def box(tmp_path: Path, boot: str = "boot-1", zones: dict[str, str] | None = None) -> Paths:
    proc = tmp_path / "proc"
    (proc / "sys/kernel/random").mkdir(parents=True, exist_ok=True)
    (proc / "sys/kernel/random/boot_id").write_text(boot + "\n")
    (proc / "uptime").write_text("273600.42 500000.00\n")
    sys_ = tmp_path / "sys"
    for name, value in (zones or {}).items():
        zone = sys_ / "class/thermal" / name
        zone.mkdir(parents=True, exist_ok=True)
        (zone / "temp").write_text(value + "\n")
    return Paths(proc=proc, sys=sys_, disk=tmp_path)


class Ran:
    """A fake subprocess.run recording the commands."""

    def __init__(self, code: int = 0) -> None:
        self.code = code
        self.commands: list[list[str]] = []

    def __call__(self, argv: list[str], **_kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        self.commands.append(argv)
        return subprocess.CompletedProcess(argv, self.code, b"", b"")


def make(tmp_path: Path, boot: str = "boot-1", ran: Ran | None = None) -> Agent:
    settings = agent.Settings(state_dir=tmp_path / "state", paths=box(tmp_path, boot))
    return Agent(settings, run=ran or Ran())


# --- why the box restarted ------------------------------------------------------------------


def test_restart_reasons() -> None:
    first = agent.on_start(None, "b1", "t0")
    assert (first.restart_reason, first.restart_count) == ("first_start", 0)
    # The agent alone restarted (same boot): nothing changes.
    same = agent.on_start(first, "b1", "t1")
    assert (same.restart_reason, same.restart_count, same.restart_at) == ("first_start", 0, "t0")
    # A new boot without a clean stop: the power went.
    lost = agent.on_start(first, "b2", "t2")
    assert (lost.restart_reason, lost.restart_count, lost.restart_at) == ("power_loss", 1, "t2")
    # Stopped cleanly (systemd at shutdown), then a new boot: a reboot.
    stopped = State(**lost.__dict__ | {"clean_stop_boot": "b2"})
    rebooted = agent.on_start(stopped, "b3", "t3")
    assert (rebooted.restart_reason, rebooted.restart_count) == ("reboot", 2)
    assert rebooted.clean_stop_boot == ""
    # The agent ran the reboot (the wall asked).
    asked = State(**rebooted.__dict__ | {"reboot_boot": "b3", "clean_stop_boot": "b3"})
    remote = agent.on_start(asked, "b4", "t4")
    assert (remote.restart_reason, remote.restart_count) == ("remote_reboot", 3)
    # A mark from an older boot does not count for the last one.
    stale = State(**remote.__dict__ | {"clean_stop_boot": "b3"})
    assert agent.on_start(stale, "b5", "t5").restart_reason == "power_loss"


def test_a_new_browser_in_the_same_boot_is_a_browser_restart() -> None:
    state = agent.on_start(None, "b1", "t0")
    assert not agent.on_browser(state, "browser-a", "t1")
    assert not agent.on_browser(state, "browser-a", "t2")
    assert agent.on_browser(state, "browser-b", "t3")
    assert (state.restart_reason, state.restart_count, state.restart_at) == (
        "browser_restart",
        1,
        "t3",
    )
    # After a reboot the first browser is part of the boot, not a restart of its own.
    rebooted = agent.on_start(state, "b2", "t4")
    assert not agent.on_browser(rebooted, "browser-c", "t5")
    assert rebooted.restart_reason == "power_loss"


def test_the_state_survives_the_agents_restarts_and_the_boxs(tmp_path: Path) -> None:
    first = make(tmp_path)
    assert first.state.restart_reason == "first_start"
    first.stop()
    after_shutdown = make(tmp_path, boot="boot-2")
    assert (after_shutdown.state.restart_reason, after_shutdown.state.restart_count) == (
        "reboot",
        1,
    )
    (tmp_path / "state" / "state.json").write_text("{not json")
    assert make(tmp_path, boot="boot-3").state.restart_reason == "first_start"


def test_a_one_off_command_keeps_no_state(tmp_path: Path) -> None:
    settings = agent.Settings(state_dir=tmp_path / "state", paths=box(tmp_path))
    Agent(settings, remember=False)
    assert not (tmp_path / "state" / "state.json").exists()


# --- health ---------------------------------------------------------------------------------


def test_health_from_the_box(tmp_path: Path) -> None:
    paths = box(tmp_path, zones={"thermal_zone0": "45000", "thermal_zone1": "61500"})
    state = agent.on_start(None, agent.boot_id(paths), "t0")
    report = agent.health(paths, state, browser="Chrome/120.0", player="2.0.0")
    assert report["uptime_s"] == 273600
    assert report["temperature_c"] == 61.5
    assert 0 < report["disk_used"] <= report["disk_total"]
    assert report["browser_version"] == "Chrome/120.0" and report["player_version"] == "2.0.0"
    assert report["agent_version"] == agent.VERSION
    assert (report["restart_reason"], report["restart_count"]) == ("first_start", 0)
    assert agent.boot_id(paths) == "boot-1"


def test_health_where_the_box_knows_less(tmp_path: Path) -> None:
    paths = Paths(proc=tmp_path / "none", sys=tmp_path / "none", disk=tmp_path / "none")
    assert agent.temperature_c(paths) is None
    assert agent.uptime_s(paths) == 0
    assert agent.disk(paths) == (0, 0)
    assert agent.boot_id(paths) == ""


# --- what the page asks -------------------------------------------------------------------


def binding(payload: str) -> dict[str, Any]:
    return {
        "method": "Runtime.bindingCalled",
        "params": {"name": "signageAgent", "payload": payload},
    }


def test_power_goes_through_dpms_without_cec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = Ran()
    monkeypatch.setattr(
        agent.shutil, "which", lambda name: "/usr/bin/xset" if name == "xset" else None
    )
    box_agent = make(tmp_path, ran=ran)
    box_agent.on_event(binding('{"type": "power", "on": false}'))
    assert ran.commands == [["/usr/bin/xset", "+dpms"], ["/usr/bin/xset", "dpms", "force", "off"]]
    ran.commands.clear()
    box_agent.on_event(binding('{"type": "power", "on": true}'))
    assert ["/usr/bin/xset", "dpms", "force", "on"] in ran.commands


def test_commands_from_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ran = Ran()
    box_agent = make(tmp_path, ran=ran)
    taken: list[tuple[str, int | None]] = []
    monkeypatch.setattr(
        box_agent, "snapshot", lambda reason, command=None: taken.append((reason, command))
    )
    box_agent.on_event(binding('{"type": "command", "id": 12, "kind": "snapshot"}'))
    assert taken == [("command", 12)]
    box_agent.on_event(binding("not json"))
    box_agent.on_event(
        {"method": "Runtime.bindingCalled", "params": {"name": "other", "payload": "{}"}}
    )
    box_agent.on_event(binding('{"type": "command", "id": 13, "kind": "reboot"}'))
    assert ran.commands == [["sudo", "-n", "/usr/bin/systemctl", "reboot"]]
    assert box_agent.state.reboot_boot == "boot-1"
    assert make(tmp_path, boot="boot-2").state.restart_reason == "remote_reboot"


def test_a_refused_reboot_is_not_remembered(tmp_path: Path) -> None:
    box_agent = make(tmp_path, ran=Ran(code=1))
    box_agent.reboot()
    assert box_agent.state.reboot_boot == ""
    assert make(tmp_path, boot="boot-2").state.restart_reason == "power_loss"


# --- uploads --------------------------------------------------------------------------------


def test_one_snapshot_is_kept_while_the_server_is_away(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box_agent = make(tmp_path)
    sent: list[tuple[str, bytes]] = []
    away = True

    def post(url: str, token: str, body: bytes, content_type: str) -> dict[str, Any]:
        if away:
            raise OSError("connection refused")
        sent.append((url, body))
        return {"id": len(sent)}

    monkeypatch.setattr(agent, "post", post)
    assert (
        box_agent.upload("http://s/api/v1/player/snapshots?reason=scheduled", "scr_x", b"one")
        is None
    )
    assert (
        box_agent.upload("http://s/api/v1/player/snapshots?reason=scheduled", "scr_x", b"two")
        is None
    )
    state_dir = tmp_path / "state"
    assert sorted(p.name for p in state_dir.iterdir()) == [
        "pending.jpg",
        "pending.json",
        "state.json",
    ]
    assert box_agent.pending_file.read_bytes() == b"two"
    away = False
    box_agent.retry_pending()
    assert sent == [("http://s/api/v1/player/snapshots?reason=scheduled", b"two")]
    assert not box_agent.pending_file.exists()


def test_a_refused_snapshot_is_not_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box_agent = make(tmp_path)

    def post(*_args: Any) -> dict[str, Any]:
        raise agent.Refused("415 UNSUPPORTED MEDIA TYPE")

    monkeypatch.setattr(agent, "post", post)
    assert box_agent.upload("http://s/x", "scr_x", b"junk") is None
    assert not box_agent.pending_file.exists()


def test_the_upload_names_what_was_on_screen() -> None:
    info = {"server": "http://10.0.0.5:8080", "current": {"item": 7, "revision": 3}}
    assert agent.snapshot_url(info, "scheduled", None) == (
        "http://10.0.0.5:8080/api/v1/player/snapshots?reason=scheduled&item=7&revision=3"
    )
    assert agent.snapshot_url(info | {"current": None}, "manual", 9) == (
        "http://10.0.0.5:8080/api/v1/player/snapshots?reason=command&command=9"
    )


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNAGE_AGENT_PORT", "9333")
    monkeypatch.setenv("SIGNAGE_AGENT_STATE", "/tmp/agent-state")
    monkeypatch.setenv("SIGNAGE_AGENT_HEALTH_EVERY", "60")
    parser_args = agent.argparse.Namespace(
        port=None, state_dir=None, health_every=None, snapshot_every=None, first_snapshot_after=None
    )
    settings = agent.settings_from(parser_args)
    assert (settings.port, str(settings.state_dir), settings.health_every) == (
        9333,
        "/tmp/agent-state",
        60.0,
    )
    assert settings.snapshot_every is None and settings.first_snapshot_after == 60.0


def test_the_agent_needs_nothing_of_the_server() -> None:
    source = Path(agent.__file__).read_text()
    assert "signage_server" not in source.replace("imports nothing of the server", "")


def test_power_goes_through_cec_where_the_box_has_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = Ran()
    monkeypatch.setattr(agent.shutil, "which", lambda name: f"/usr/bin/{name}")
    real_exists = Path.exists
    monkeypatch.setattr(
        agent.Path, "exists", lambda self: str(self) == "/dev/cec0" or real_exists(self)
    )
    box_agent = make(tmp_path, ran=ran)
    box_agent.power(False)
    assert ran.commands == [
        ["/usr/bin/cec-ctl", "-d", "/dev/cec0", "--playback"],
        ["/usr/bin/cec-ctl", "-d", "/dev/cec0", "--to", "0", "--standby"],
    ]
    # A display that does not answer CEC: DPMS after all.
    ran.code = 1
    ran.commands.clear()
    box_agent.power(True)
    assert ["/usr/bin/xset", "dpms", "force", "on"] in ran.commands
