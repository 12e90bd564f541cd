"""Screen tokens stay out of addresses sent to the server and out of every access log."""

from __future__ import annotations

import json
import re
import runpy
import time
import urllib.request
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT
from tests.realtime.test_live_server import Seeded
from tests.realtime.test_live_server import seeded  # noqa: F401 - the seeded installation
from tests.servers import running

DEPLOY = ROOT / "deploy"
SECRET = "scr_SECRETsecretSECRET0123456789"


@pytest.mark.slow
def test_player_url_keeps_the_token_in_the_fragment(seeded: Seeded) -> None:  # noqa: F811
    registered = json.loads(
        seeded.cli("screen", "register", "村口屏", "--org", "JIYI-01", "--audience", "public")
    )
    url = urlsplit(registered["player_url"])
    assert url.path == "/player/"
    assert url.query == ""
    assert url.fragment == f"token={registered['token']}"


@pytest.mark.slow
def test_the_serve_access_log_has_no_token(seeded: Seeded) -> None:  # noqa: F811
    with running(seeded.env) as server:
        for path in (f"/player/?token={SECRET}", f"/player/?lang=zh&token={SECRET}&x=1"):
            with urllib.request.urlopen(server.base + path, timeout=10) as response:
                assert response.status == 200
        deadline = time.monotonic() + 10
        while server.output.count("GET /player/?") < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        output = server.output
    lines = [line for line in output.splitlines() if "GET /player/?" in line]
    assert len(lines) == 2, output[-2000:]
    assert SECRET not in output
    assert "token=[redacted]" in lines[0]
    assert "lang=zh&token=[redacted]&x=1" in lines[1]


@pytest.mark.slow
def test_the_json_access_log_has_no_token(seeded: Seeded) -> None:  # noqa: F811
    env = seeded.env | {"SIGNAGE_LOG_FORMAT": "json"}
    with running(env) as server:
        for path in (f"/player/?token={SECRET}", f"/player/?lang=zh&token={SECRET}&x=1"):
            request = urllib.request.Request(
                server.base + path, headers={"X-Request-ID": "req-from-nginx-0001"}
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200
                assert response.headers["X-Request-ID"] == "req-from-nginx-0001"
        with urllib.request.urlopen(server.base + "/healthz", timeout=10) as response:
            made = response.headers["X-Request-ID"]
        deadline = time.monotonic() + 10
        while made not in server.output and time.monotonic() < deadline:
            time.sleep(0.05)
        output = server.output
    assert SECRET not in output
    # Every line the server logged is one JSON object (the banner is printed, not logged).
    logged = [line for line in output.splitlines() if line and not line.startswith("Serving ")]
    records = [json.loads(line) for line in logged]
    assert all({"time", "level", "logger", "message"} <= r.keys() for r in records), records
    assert all(r["time"].endswith("Z") for r in records)
    access = [r for r in records if r["logger"] == "signage_server.access"]
    player = [r for r in access if r["path"].startswith("/player/")]
    assert [r["path"] for r in player] == [
        "/player/?token=[redacted]",
        "/player/?lang=zh&token=[redacted]&x=1",
    ]
    for record in player:
        assert record["method"] == "GET" and record["status"] == 200
        assert record["request_id"] == "req-from-nginx-0001"
        assert isinstance(record["duration_s"], float) and record["duration_s"] >= 0
        assert "token=[redacted]" in record["message"]
    # (The test polled /healthz until the server answered: the last request is ours.)
    health = [r for r in access if r["path"] == "/healthz"][-1]
    assert health["request_id"] == made and len(made) == 32
    assert health["status"] == 200


def test_gunicorn_logs_paths_without_query_or_referer() -> None:
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    atoms = set(re.findall(r"%\((\w+)\)s", settings["access_log_format"]))
    assert "U" in atoms  # the path
    assert not atoms & {"r", "q", "f"}  # request line, query string, Referer


def test_nginx_logs_paths_without_query_or_referer() -> None:
    text = (DEPLOY / "nginx" / "signage.conf").read_text(encoding="utf-8")
    match = re.search(r"log_format\s+(\w+)(.*?);", text, re.S)
    assert match is not None
    name, fields = match.groups()
    assert "$uri" in fields
    for leaky in (
        "$request_uri",
        "$request ",
        '$request"',
        "$args",
        "$query_string",
        "$http_referer",
    ):
        assert leaky not in fields, leaky
    servers = text.count("server {")
    assert text.count(f"access_log /var/log/nginx/signage.access.log {name};") == servers
