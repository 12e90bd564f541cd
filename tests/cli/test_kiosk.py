"""The player box launcher starts Chromium as the kiosk needs it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

KIOSK = ROOT / "deploy" / "kiosk"


@pytest.mark.parametrize("script", ["signage-kiosk", "setup.sh"])
def test_scripts_parse(script: str) -> None:
    subprocess.run(["bash", "-n", str(KIOSK / script)], check=True)


def launch(tmp_path: Path, url: str) -> list[str]:
    fake = tmp_path / "chromium"
    fake.write_text('#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n')
    fake.chmod(0o755)
    env_file = tmp_path / "kiosk.env"
    env_file.write_text(f"PLAYER_URL={url}\n")
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"} | {
        "SIGNAGE_KIOSK_ENV": str(env_file),
        "SIGNAGE_KIOSK_PROFILE": str(tmp_path / "profile"),
        "CHROMIUM": str(fake),
        "HOME": str(tmp_path),
    }
    result = subprocess.run(
        [str(KIOSK / "signage-kiosk")], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.splitlines()


def test_kiosk_flags_over_http(tmp_path: Path) -> None:
    args = launch(tmp_path, "http://192.168.1.10:8080/player/?token=scr_abc")
    assert "--kiosk" in args
    assert "--disable-session-crashed-bubble" in args
    assert "--unsafely-treat-insecure-origin-as-secure=http://192.168.1.10:8080" in args
    assert args[-1] == "http://192.168.1.10:8080/player/?token=scr_abc"
    assert f"--user-data-dir={tmp_path / 'profile'}" in args


def test_the_debugging_port_listens_on_localhost_only(tmp_path: Path) -> None:
    """The box agent talks to Chromium through it; anyone reaching it controls the browser."""
    args = launch(tmp_path, "https://gk.example.gov.cn/player/")
    assert "--remote-debugging-port=9222" in args
    assert "--remote-debugging-address=127.0.0.1" in args


def test_setup_installs_the_agent_with_the_narrowest_reboot_rule() -> None:
    setup = (KIOSK / "setup.sh").read_text()
    assert "/usr/local/bin/signage-agent" in setup and "signage-agent.service" in setup
    assert "signage ALL=(root) NOPASSWD: /usr/bin/systemctl reboot\n" in setup
    unit = (KIOSK / "signage-agent.service").read_text()
    assert "User=signage" in unit and "signage-agent run" in unit


def test_the_token_in_the_fragment_reaches_chromium(tmp_path: Path) -> None:
    # The env file is written as setup.sh writes it; "#" must not start a comment there.
    url = "https://gk.example.gov.cn/player/#token=scr_abc-DEF_123"
    assert launch(tmp_path, url)[-1] == url


def test_no_insecure_flag_over_https(tmp_path: Path) -> None:
    args = launch(tmp_path, "https://gk.example.gov.cn/player/")
    assert not any(a.startswith("--unsafely-treat-insecure-origin-as-secure") for a in args)


def test_missing_url_is_an_error(tmp_path: Path) -> None:
    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    result = subprocess.run(
        [str(KIOSK / "signage-kiosk")],
        env={"SIGNAGE_KIOSK_ENV": str(env_file), "PATH": os.environ["PATH"], "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "PLAYER_URL" in result.stderr


def test_service_restarts_the_player() -> None:
    unit = (KIOSK / "signage-kiosk.service").read_text()
    assert "Restart=always" in unit
    assert "-dpms" in unit
