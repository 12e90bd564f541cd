"""With SIGNAGE_REDIS_URL, rate limits are shared by every server process."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
import redis

from tests.conftest import REDIS_URL
from tests.conftest import make_app
from tests.conftest import need_service
from tests.conftest import post_form
from tests.conftest import redis_problem


@pytest.mark.redis
def test_two_workers_share_the_login_limit(database_url: str, tmp_path: Path) -> None:
    need_service("Redis", redis_problem())
    # Each test run gets its own keys: the limiter prefix is per app, the address unique.
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    first = make_app(
        database_url, tmp_path / "a", redis_url=REDIS_URL, login_rate_limit="4 per minute"
    )
    second = make_app(
        database_url, tmp_path / "b", redis_url=REDIS_URL, login_rate_limit="4 per minute"
    )
    statuses = []
    for n in range(6):
        worker = (first if n % 2 else second).test_client()
        response = post_form(
            worker,
            "/login",
            {"username": f"nobody{n}", "password": "wrong-password"},
            environ_base={"REMOTE_ADDR": address},
        )
        statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 200, 429, 429]
    keys = redis.Redis.from_url(REDIS_URL).keys("*login-addr*")
    assert any(address.encode() in key for key in keys)
