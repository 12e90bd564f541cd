"""``GET /healthz``."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from tests.conftest import REDIS_URL
from tests.conftest import make_app
from tests.conftest import need_service
from tests.conftest import redis_problem


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert "redis" not in body


def test_healthz_needs_no_login_and_is_not_rate_limited(client: FlaskClient) -> None:
    assert all(client.get("/healthz").status_code == 200 for _ in range(30))


def test_healthz_reports_a_broken_database(tmp_path: Path) -> None:
    app = make_app("sqlite:////nonexistent/dir/signage.db", tmp_path)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "error",
        "version": response.get_json()["version"],
        "database": "error",
        "scheduler": {"holder": None, "expires_at": None, "error": "unreadable"},
    }


def test_healthz_checks_redis_when_configured(database_url: str, tmp_path: Path) -> None:
    need_service("Redis", redis_problem())
    app = make_app(database_url, tmp_path, redis_url=REDIS_URL)
    assert app.test_client().get("/healthz").get_json()["redis"] == "ok"
    broken = make_app(database_url, tmp_path, redis_url="redis://127.0.0.1:1/0")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["redis"] == "error"
