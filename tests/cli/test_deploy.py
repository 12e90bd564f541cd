"""The production setup of deploy/: gunicorn with gevent workers serves the app."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import socketio
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import ROOT
from tests.servers import free_port
from tests.servers import installed

DEPLOY = ROOT / "deploy"


@pytest.mark.slow
def start_gunicorn(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start gunicorn with the deploy/ config on the app factory, its output into ``log``."""
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    with log.open("wb") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [gunicorn, "--config", str(DEPLOY / "gunicorn.conf.py"), "signage_server:create_app()"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def test_gunicorn_config_serves_the_app(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNAGE_")} | {
        "SIGNAGE_ENV": "production",
        "SIGNAGE_SECRET_KEY": "x" * 48,
        "SIGNAGE_PUBLIC_URL": "https://gk.example.gov.cn",
        "SIGNAGE_DATA_DIR": str(tmp_path),
        "SIGNAGE_BIND": f"127.0.0.1:{port}",
        "SIGNAGE_TRUSTED_PROXIES": "1",
    }
    fast = {
        "SIGNAGE_ARGON2_TIME_COST": "1",
        "SIGNAGE_ARGON2_MEMORY_COST": "1024",
        "SIGNAGE_ARGON2_PARALLELISM": "1",
    }
    # The installation's commands run in this process (the console script is tested elsewhere).
    with installed(env | fast | {"SIGNAGE_DEMO_PASSWORD": "x" * 12}) as installation:
        installation.cli("init-db")
        installation.cli("seed-demo")
        registered = installation.cli(
            "screen", "register", "广场屏", "--org", "JIYI-01", "--audience", "public"
        )
    screen_token = json.loads(registered)["token"]
    process = start_gunicorn(env, tmp_path / "gunicorn.log")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/login", headers={"X-Forwarded-Proto": "https"}
                )
                with urllib.request.urlopen(request, timeout=2) as response:
                    cookie = response.headers.get("Set-Cookie", "")
                    headers = dict(response.headers)
                break
            except OSError:
                assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        # Production over HTTPS: secure cookies and HSTS.
        assert "Secure" in cookie
        assert "Strict-Transport-Security" in headers
        # Screens connect over a websocket through the gevent worker.
        received: list[str] = []
        client = socketio.Client(reconnection=False)
        client.on("hello", lambda data: received.append("hello"), namespace="/player")
        client.on("manifest", lambda data: received.append("manifest"), namespace="/player")
        client.connect(
            f"http://127.0.0.1:{port}",
            namespaces=["/player"],
            auth={"token": screen_token},
            transports=["websocket"],
            wait_timeout=10,
        )
        deadline = time.monotonic() + 10
        while len(received) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        client.disconnect()
        assert received == ["hello", "manifest"]
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert "Using worker: gevent" in (tmp_path / "gunicorn.log").read_text()


def test_systemd_unit_and_env_example_agree() -> None:
    scheduler = (DEPLOY / "systemd" / "signage-scheduler.service").read_text()
    assert "ExecStart=/opt/signage/venv/bin/signage scheduler" in scheduler
    worker = (DEPLOY / "systemd" / "signage-worker.service").read_text()
    assert "ExecStart=/opt/signage/venv/bin/signage worker" in worker
    unit = (DEPLOY / "systemd" / "signage.service").read_text()
    assert "ExecStartPre=/opt/signage/venv/bin/signage init-db" in unit
    assert "gunicorn.conf.py" in unit
    example = (DEPLOY / "signage.env.example").read_text()
    names = {line.split("=")[0].lstrip("# ") for line in example.splitlines() if "=" in line}
    from signage_server.config import Settings

    fields = {"SIGNAGE_" + f.upper() for f in Settings.__dataclass_fields__}
    deploy_only = {"SIGNAGE_BIND"}
    assert names - deploy_only <= fields
    assert {"SIGNAGE_SECRET_KEY", "SIGNAGE_DATABASE_URL", "SIGNAGE_PUBLIC_URL"} <= names


@pytest.mark.slow
def test_gunicorn_logs_json_and_serves_metrics_to_the_token(tmp_path: Path) -> None:
    port = free_port()
    token = "metrics-token-0123456789abcdef"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNAGE_")} | {
        "SIGNAGE_DATA_DIR": str(tmp_path),
        "SIGNAGE_BIND": f"127.0.0.1:{port}",
        "SIGNAGE_LOG_FORMAT": "json",
        "SIGNAGE_METRICS_TOKEN": token,
    }
    with installed(env) as installation:
        installation.cli("init-db")
    process = start_gunicorn(env, tmp_path / "gunicorn.log")
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    break
            except OSError:
                assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        request = urllib.request.Request(
            f"{base}/player/?token=scr_SECRETsecret", headers={"X-Request-ID": "nginx-id-42"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.headers["X-Request-ID"] == "nginx-id-42"
        with pytest.raises(urllib.error.HTTPError) as hidden:
            urllib.request.urlopen(f"{base}/metrics", timeout=5)
        assert hidden.value.code == 404
        request = urllib.request.Request(
            f"{base}/metrics", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            families = {
                f.name for f in text_string_to_metric_families(response.read().decode("utf-8"))
            }
        assert {"signage_screens_connected", "signage_push_seconds"} <= families
    finally:
        process.terminate()
        process.wait(timeout=30)
    output = (tmp_path / "gunicorn.log").read_text()
    assert "scr_SECRETsecret" not in output
    records = [json.loads(line) for line in output.splitlines() if line.strip()]
    assert any(r["logger"] == "gunicorn.error" for r in records)
    (player,) = [r for r in records if r.get("path") == "/player/"]
    assert player["logger"] == "gunicorn.access"
    assert (player["method"], player["status"], player["request_id"]) == ("GET", 200, "nginx-id-42")
    assert isinstance(player["duration_s"], float)
