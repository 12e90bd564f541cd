"""The installed ``signage`` console script, end to end, as an operator runs it.

These start the real server process (gevent) on a free port, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from signage_server.clock import FileClock
from signage_server.db import create_engine
from tests.conftest import fresh_postgres_database
from tests.servers import SIGNAGE
from tests.servers import installed
from tests.servers import running


def request(url: str, token: str | None = None, data: bytes | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"} if data is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture(params=["sqlite", "postgresql"])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A clean environment: default SQLite in the data directory, or an empty PostgreSQL."""
    data_dir = tmp_path / "data"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SIGNAGE_")}
    environment["SIGNAGE_DATA_DIR"] = str(data_dir)
    if request.param == "sqlite":
        yield environment | {"DATABASE": f"sqlite:///{data_dir / 'signage.db'}"}
        return
    with fresh_postgres_database() as url:
        yield environment | {"SIGNAGE_DATABASE_URL": url, "DATABASE": url}


def signage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([SIGNAGE, *args], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.slow
def test_operator_flow_from_the_contract(env: dict[str, str]) -> None:
    assert "upgraded from empty" in signage(env, "init-db")
    seeded = signage(env, "seed-demo")
    password = seeded.split("password for every one: ")[1].split(")")[0]
    assert len(password) >= 12
    assert (Path(env["SIGNAGE_DATA_DIR"]) / "demo_password").read_text().strip() == password
    township = signage(env, "token", "create", "jiyi_editor").strip()
    village = signage(env, "token", "create", "jiyi01_editor").strip()

    with running(env) as server:
        base = server.base
        status, health = request(base + "/healthz")
        assert status == 200
        assert health["status"] == "ok"
        status, body = request(base + "/api/v1/orgs", township)
        assert status == 200
        [jiyi] = body["orgs"]
        assert jiyi["name"] == "集义镇"
        assert len(jiyi["children"]) == 21
        status, body = request(base + "/api/v1/orgs", village)
        assert [o["code"] for o in body["orgs"]] == ["JIYI-01"]
        assert body["orgs"][0]["children"] == []
        assert request(base + "/api/v1/orgs")[0] == 401
        assert request(base + "/api/v1/orgs", "sgn_bad")[0] == 401
        status, body = request(base + "/api/v1/orgs", township, data=b'{"code": ')
        assert status == 400
        assert body["error"]["code"] == "invalid_json"
        # The web login page is served, in Chinese.
        with urllib.request.urlopen(base + "/login", timeout=5) as page:
            assert "工作人员登录" in page.read().decode()


@pytest.mark.slow
def test_signage_demo_serves_and_prints_logins(env: dict[str, str]) -> None:
    env = env | {"SIGNAGE_DEMO_PASSWORD": "village-demo-1"}
    with running(env, "demo") as server:
        status, body = request(server.base + "/healthz")
        assert status == 200
        assert body["database"] == "ok"
    output = server.output
    assert server.base + "/" in output
    assert "password for every one: village-demo-1" in output
    assert "jiyi_discipline" in output
    engine = create_engine(env["DATABASE"])
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM users")).scalar() == 36
    engine.dispose()


@pytest.mark.slow
def test_served_items_expire_on_time(env: dict[str, str], tmp_path: Path) -> None:
    """The scheduler inside ``signage serve`` takes an item off at its ``valid_until``.

    The server's clock is the test's (``SIGNAGE_TEST_CLOCK``): the item's hour passes in one
    move of the clock, however slowly this machine publishes.
    """
    clock = FileClock(tmp_path / "clock")
    clock.set(dt.datetime.now(dt.UTC).replace(microsecond=0))
    env = env | {
        "SIGNAGE_DEMO_PASSWORD": "village-demo-1",
        "SIGNAGE_ARGON2_TIME_COST": "1",
        "SIGNAGE_ARGON2_MEMORY_COST": "1024",
        "SIGNAGE_ARGON2_PARALLELISM": "1",
        "SIGNAGE_TEST_CLOCK": str(clock.path),
    }
    # The installation is made in this process (the commands themselves are tested above).
    with installed(env) as installation:
        installation.cli("init-db")
        installation.cli("seed-demo")
        tokens = {
            u: installation.cli("token", "create", u).strip()
            for u in (
                "jiyi01_editor",
                "jiyi01_reviewer",
                "jiyi01_approver",
                "jiyi01_operator",
                "jiyi_superior",
            )
        }
    with running(env) as server:
        until = clock.now() + dt.timedelta(hours=1)
        payload = {
            "org": "JIYI-01",
            "title": "停水通知",
            "category": "service",
            "timing": "immediate",
            "scope": "public",
            "department": "村委会",
            "accountable_person": "王建国",
            "body": {"type": "text", "text": "今日14时至16时停水检修。"},
            "valid_until": until.isoformat(),
        }
        status, item = request(
            server.base + "/api/v1/items", tokens["jiyi01_editor"], json.dumps(payload).encode()
        )
        assert status == 201, item
        for user, action in (
            ("jiyi01_editor", "submit"),
            ("jiyi01_reviewer", "review"),
            ("jiyi01_approver", "approve"),
        ):
            status, body = request(
                f"{server.base}/api/v1/items/{item['id']}/transitions",
                tokens[user],
                json.dumps({"action": action}).encode(),
            )
            assert status == 200, body
        # Outside the catalog: the township's superior approves.
        request(
            f"{server.base}/api/v1/items/{item['id']}/transitions",
            tokens["jiyi_superior"],
            json.dumps({"action": "superior_approve"}).encode(),
        )
        status, body = request(
            f"{server.base}/api/v1/items/{item['id']}/transitions",
            tokens["jiyi01_operator"],
            json.dumps({"action": "publish"}).encode(),
        )
        assert status == 200, body
        assert body["live"]["display"] == "on_display"
        # A second before its end the item is on display by the server's clock ...
        clock.set(until - dt.timedelta(seconds=1))
        status, body = request(f"{server.base}/api/v1/items/{item['id']}", tokens["jiyi01_editor"])
        assert status == 200, body
        assert body["state"] == "published", body["state"]
        assert body["live"]["display"] == "on_display"
        # ... and at valid_until the scheduler's next round (within a second) expires it.
        clock.set(until)
        deadline = time.monotonic() + 60
        while body["state"] != "expired" and time.monotonic() < deadline:
            time.sleep(0.1)
            status, body = request(
                f"{server.base}/api/v1/items/{item['id']}", tokens["jiyi01_editor"]
            )
        assert body["state"] == "expired", body["state"]
