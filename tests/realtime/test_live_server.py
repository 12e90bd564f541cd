"""The real server (gevent) and real Socket.IO clients: pushes arrive (the delays are printed,
not judged: speed is `signage bench push`'s), and across two server processes through Redis."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import socketio

from signage_server.clock import FileClock
from tests.cli.test_console import request
from tests.conftest import REDIS_URL
from tests.conftest import fresh_postgres_database
from tests.conftest import need_service
from tests.conftest import redis_problem
from tests.servers import Installation
from tests.servers import installed
from tests.servers import running

pytestmark = pytest.mark.slow

FAST = {
    "SIGNAGE_ARGON2_TIME_COST": "1",
    "SIGNAGE_ARGON2_MEMORY_COST": "1024",
    "SIGNAGE_ARGON2_PARALLELISM": "1",
}


class Player:
    """A real Socket.IO client on ``/player``, recording what arrives and when."""

    def __init__(self, base: str, token: str) -> None:
        #: (monotonic time, wall-clock time, manifest) of each manifest received.
        self.manifests: list[tuple[float, dt.datetime, dict[str, Any]]] = []
        self.hello: dict[str, Any] | None = None
        self.disconnected_at: float | None = None
        self.client = socketio.Client(reconnection=False)
        self.client.on("hello", self._hello, namespace="/player")
        self.client.on("manifest", self._manifest, namespace="/player")
        self.client.on("disconnect", self._gone, namespace="/player")
        self.client.connect(
            base,
            namespaces=["/player"],
            auth={"token": token},
            transports=["websocket"],
            wait_timeout=10,
        )

    def _hello(self, data: dict[str, Any]) -> None:
        self.hello = data

    def _manifest(self, data: dict[str, Any]) -> None:
        self.manifests.append((time.monotonic(), dt.datetime.now(dt.UTC), data))

    def _gone(self, *args: Any) -> None:
        self.disconnected_at = time.monotonic()

    def wait_for(
        self, predicate: Any, *, after: float = 0.0, timeout: float = 10
    ) -> tuple[float, dt.datetime, dict[str, Any]]:
        """Return the first manifest received after ``after`` (monotonic) that matches."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for moment, wall, manifest in list(self.manifests):
                if moment >= after and predicate(manifest):
                    return moment, wall, manifest
            time.sleep(0.02)
        seen = [m["version"][:8] for _, _, m in self.manifests]
        raise AssertionError(f"no such manifest within {timeout}s: {seen}")

    def close(self) -> None:
        self.client.disconnect()


def ids(manifest: dict[str, Any]) -> set[int]:
    return {i["id"] for i in manifest["items"]}


def post(base: str, path: str, token: str, body: dict[str, Any]) -> tuple[int, Any]:
    return request(base + path, token, json.dumps(body).encode())


def publish(base: str, tokens: dict[str, str], payload: dict[str, Any]) -> tuple[int, float]:
    """Run an item of JIYI-01 through the procedure; return its id and when publish answered."""
    status, item = post(base, "/api/v1/items", tokens["jiyi01_editor"], payload)
    assert status == 201, item
    for user, action in (
        ("jiyi01_editor", "submit"),
        ("jiyi01_reviewer", "review"),
        ("jiyi01_approver", "approve"),
    ):
        status, body = post(
            base, f"/api/v1/items/{item['id']}/transitions", tokens[user], {"action": action}
        )
        assert status == 200, body
    if body["state"] == "approved":
        post(
            base,
            f"/api/v1/items/{item['id']}/transitions",
            tokens["jiyi_superior"],
            {"action": "superior_approve"},
        )
    status, body = post(
        base,
        f"/api/v1/items/{item['id']}/transitions",
        tokens["jiyi01_operator"],
        {"action": "publish"},
    )
    answered = time.monotonic()
    assert status == 200, body
    return int(item["id"]), answered


NOTICE = {
    "org": "JIYI-01",
    "category": "service",
    "timing": "immediate",
    "scope": "public",
    "catalog_entry": None,
    "department": "村委会",
    "accountable_person": "王建国",
    "body": {"type": "text", "text": "今日14时至16时全村停水检修，请提前储水。"},
}


@dataclass
class Seeded:
    """A seeded installation: the environment of its server processes, its clock, and the
    installation itself, driven from this process (its ``signage`` commands)."""

    env: dict[str, str]
    clock: FileClock
    installation: Installation

    def cli(self, *args: str) -> str:
        return self.installation.cli(*args)


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Seeded]:
    """A seeded installation on its own PostgreSQL database, its servers' clock standing at
    the test's start until the test moves it (``SIGNAGE_TEST_CLOCK``)."""
    clock = FileClock(tmp_path / "clock")
    clock.set(dt.datetime.now(dt.UTC).replace(microsecond=0))
    base = {k: v for k, v in os.environ.items() if not k.startswith("SIGNAGE_")} | FAST
    base |= {
        "SIGNAGE_DATA_DIR": str(tmp_path / "data"),
        "SIGNAGE_DEMO_PASSWORD": "village-demo-1",
        "SIGNAGE_SOCKETIO_CHANNEL": f"signage-test-{secrets.token_hex(4)}",
        "SIGNAGE_TEST_CLOCK": str(clock.path),
    }
    with fresh_postgres_database() as url:
        environment = base | {"SIGNAGE_DATABASE_URL": url}
        with installed(environment) as installation:
            installation.cli("init-db")
            installation.cli("seed-demo")
            yield Seeded(environment, clock, installation)


def tokens_for(seeded: Seeded) -> dict[str, str]:
    users = (
        "jiyi01_editor",
        "jiyi01_reviewer",
        "jiyi01_approver",
        "jiyi01_operator",
        "jiyi_superior",
    )
    return {u: seeded.cli("token", "create", u).strip() for u in users}


def screen_token(seeded: Seeded, audience: str = "public") -> str:
    return str(
        json.loads(
            seeded.cli(
                "screen",
                "register",
                f"{audience}屏",
                "--org",
                "JIYI-01",
                "--audience",
                audience,
            )
        )["token"]
    )


def test_publish_withdraw_and_expiry_are_pushed(seeded: Seeded) -> None:
    """The test's player never polls: each manifest it gets was pushed. How fast is measured
    and printed (``pytest -rP``), and benchmarked by ``signage bench``; a loaded machine must not
    fail the test, so the waits are generous, and the server's clock is the test's: expiry
    comes when the test moves it, however slowly this machine publishes."""
    tokens = tokens_for(seeded)
    token = screen_token(seeded)
    with running(seeded.env) as server:
        player = Player(server.base, token)
        try:
            assert player.hello is not None
            player.wait_for(lambda m: True)
            # Publish: the new manifest is pushed.
            item, answered = publish(server.base, tokens, {**NOTICE, "title": "停水通知"})
            arrived, _, _ = player.wait_for(lambda m: item in ids(m), timeout=60)
            print(f"publish pushed {arrived - answered:.3f}s after the API answered")  # noqa: T201 - measured figures, shown with pytest -rP
            # Withdraw: pushed (the push may beat the answer).
            sent = time.monotonic()
            status, _ = post(
                server.base,
                f"/api/v1/items/{item}/transitions",
                tokens["jiyi01_approver"],
                {"action": "withdraw", "reason": "已恢复供水"},
            )
            assert status == 200
            arrived, _, _ = player.wait_for(lambda m: item not in ids(m), after=sent, timeout=60)
            print(f"withdrawal pushed {arrived - sent:.3f}s after the request was sent")  # noqa: T201 - measured figures, shown with pytest -rP
            # Expiry: pushed by the scheduler inside the server, never before valid_until.
            until = seeded.clock.now() + dt.timedelta(hours=1)
            item, published = publish(
                server.base,
                tokens,
                {**NOTICE, "title": "临时停电通知", "valid_until": until.isoformat()},
            )
            player.wait_for(lambda m: item in ids(m), timeout=60)
            seeded.clock.set(until - dt.timedelta(seconds=1))
            status, body = request(f"{server.base}/api/v1/items/{item}", tokens["jiyi01_editor"])
            assert (status, body["state"]) == (200, "published"), body
            moved = time.monotonic()
            seeded.clock.set(until)
            arrived, _, _ = player.wait_for(
                lambda m: item not in ids(m), after=published, timeout=60
            )
            assert arrived >= moved, "expiry pushed before the clock reached valid_until"
            print(f"expiry pushed {arrived - moved:.3f}s after the clock reached valid_until")  # noqa: T201 - measured figures, shown with pytest -rP
        finally:
            player.close()


def test_revoked_screen_is_cut_off(seeded: Seeded) -> None:
    token = screen_token(seeded)
    operator = seeded.cli("token", "create", "jiyi01_operator").strip()
    with running(seeded.env) as server:
        player = Player(server.base, token)
        screen_id = player.hello["screen"]["id"]  # type: ignore[index]
        status, _ = post(server.base, f"/api/v1/screens/{screen_id}/revoke", operator, {})
        revoked = time.monotonic()
        assert status == 200
        deadline = time.monotonic() + 60
        while player.disconnected_at is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert player.disconnected_at is not None
        print(f"revoked screen cut off {player.disconnected_at - revoked:.3f}s after the answer")  # noqa: T201 - measured figures, shown with pytest -rP
        with pytest.raises(socketio.exceptions.ConnectionError):
            Player(server.base, token)


def test_two_servers_share_pushes_through_redis(seeded: Seeded) -> None:
    need_service("Redis", redis_problem())
    env = seeded.env | {"SIGNAGE_REDIS_URL": REDIS_URL}
    tokens = tokens_for(seeded)
    token = screen_token(seeded)
    with running(env) as first, running(env) as second:
        player = Player(first.base, token)  # connected to the first process
        try:
            player.wait_for(lambda m: True)
            item, answered = publish(
                second.base, tokens, {**NOTICE, "title": "村民代表会议通知"}
            )  # published on the second
            arrived, _, _ = player.wait_for(lambda m: item in ids(m), timeout=60)
            print(f"publish on server 2 reached server 1's player in {arrived - answered:.3f}s")  # noqa: T201 - measured figures, shown with pytest -rP
            screen_id = player.hello["screen"]["id"]  # type: ignore[index]
            post(
                second.base,
                f"/api/v1/screens/{screen_id}/revoke",
                seeded.cli("token", "create", "jiyi01_operator").strip(),
                {},
            )
            deadline = time.monotonic() + 60
            while player.disconnected_at is None and time.monotonic() < deadline:
                time.sleep(0.02)
            assert player.disconnected_at is not None, (
                "revocation on one server did not close the connection on the other"
            )
        finally:
            player.close()
