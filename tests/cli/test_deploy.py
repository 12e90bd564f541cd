"""The production setup of deploy/: gunicorn with gevent workers serves the app."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.servers import SIGNAGE
from tests.servers import free_port

DEPLOY = ROOT / "deploy"


@pytest.mark.slow
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
    subprocess.run([SIGNAGE, "init-db"], env=env, check=True, capture_output=True)
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [gunicorn, "--config", str(DEPLOY / "gunicorn.conf.py"), "signage_server:create_app()"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
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
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
    assert "Using worker: gevent" in (tmp_path / "gunicorn.log").read_text()


def test_systemd_unit_and_env_example_agree() -> None:
    scheduler = (DEPLOY / "systemd" / "signage-scheduler.service").read_text()
    assert "ExecStart=/opt/signage/venv/bin/signage scheduler" in scheduler
    unit = (DEPLOY / "systemd" / "signage.service").read_text()
    assert "ExecStartPre=/opt/signage/venv/bin/signage init-db" in unit
    assert "gunicorn.conf.py" in unit
    example = (DEPLOY / "signage.env.example").read_text()
    names = {line.split("=")[0].lstrip("# ") for line in example.splitlines() if "=" in line}
    from signage_server.config import Settings

    fields = {"SIGNAGE_" + f.upper() for f in Settings.__dataclass_fields__}
    deploy_only = {"SIGNAGE_BIND", "SIGNAGE_WORKERS"}
    assert names - deploy_only <= fields
    assert {"SIGNAGE_SECRET_KEY", "SIGNAGE_DATABASE_URL", "SIGNAGE_PUBLIC_URL"} <= names
