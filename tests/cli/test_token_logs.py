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
