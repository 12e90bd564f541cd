"""``GET /metrics``: hidden (404) unless ``SIGNAGE_METRICS_TOKEN`` is set and presented as a
bearer token; then Prometheus' text format with the installation's figures (counted in the
database) and this process's pushes."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from signage_server.clock import FixedClock
from tests import print_kind
from tests.factories import Factory
from tests.print_kind import Control
from tests.realtime.screens import events
from tests.realtime.screens import player

TOKEN = "metrics-token-0123456789abcdef"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"metrics_token": TOKEN}


@pytest.fixture
def sheets() -> Iterator[Control]:
    yield from print_kind.registered()


def scrape(client: FlaskClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Read ``/metrics`` with the token: ``{(sample name, labels): value}``."""
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "no-store"
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def value(
    found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return found[(name, tuple(sorted(labels.items())))]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token-0123456789abcdef"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
        {"Authorization": f"Bearer {TOKEN}x"},
    ],
)
def test_without_the_right_token_there_is_no_such_address(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    response = client.get("/metrics", headers=headers)
    unknown = client.get("/no-such-page")
    assert response.status_code == unknown.status_code == 404
    assert b"signage_" not in response.get_data()


@pytest.mark.parametrize("app_overrides", [{}])
def test_without_a_configured_token_there_is_no_such_address(client: FlaskClient) -> None:
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": f"Bearer {TOKEN}"}):
        assert client.get("/metrics", headers=headers).status_code == 404


def test_the_figures_of_a_small_installation(
    app: Flask, client: FlaskClient, make: Factory, clock: FixedClock, sheets: Control
) -> None:
    empty = scrape(client)
    assert value(empty, "signage_screens_registered") == 0
    assert value(empty, "signage_items_published") == 0
    assert value(empty, "signage_manifests_pushed_total") == 0
    assert value(empty, "signage_push_seconds_count") == 0

    first = make.screen("JIYI-01", "村委会门口大屏")
    make.screen("JIYI-01", "文化广场大屏")
    third = make.screen("JIYI-01", "旧屏")
    operator = "jiyi01_operator"
    screen = player(app, first["token"])
    assert screen.is_connected("/player")
    events(screen, "manifest")
    before = scrape(client)
    pushed_before = value(before, "signage_manifests_pushed_total")
    timed_before = value(before, "signage_push_seconds_count")

    item = make.item("JIYI-01", "published")
    # One push: the new manifests of the village's three screens, the connected one receiving
    # its own.
    published = scrape(client)
    assert value(published, "signage_manifests_pushed_total") - pushed_before == 3
    assert value(published, "signage_push_seconds_count") - timed_before == 1
    assert value(published, "signage_push_seconds_sum") > 0
    assert len(events(screen, "manifest")) == 1
    response = client.post(f"/api/v1/screens/{third['id']}/revoke", headers=make.headers(operator))
    assert response.status_code == 200, response.get_json()
    receipt = make.case(item)
    assert receipt
    status = client.post(
        "/api/v1/print-jobs",
        json={"kind": print_kind.NAME, "org": "JIYI-01", "params": {}},
        headers=make.headers(operator),
    )
    assert status.status_code == 202, status.get_json()

    found = scrape(client)
    assert value(found, "signage_screens_registered") == 3
    assert value(found, "signage_screens_active") == 2
    assert value(found, "signage_screens_connected") == 1
    assert value(found, "signage_screen_connections") == 1
    assert value(found, "signage_items_published") == 1
    assert value(found, "signage_print_jobs", state="queued") == 1
    assert value(found, "signage_print_jobs", state="running") == 0
    assert value(found, "signage_feedback_cases", state="received") == 1
    assert value(found, "signage_feedback_cases", state="closed") == 0
    assert value(found, "signage_feedback_cases_overdue") == 0

    # Received Monday 2026-11-23: the answer is due in ten working days (2026-12-07).
    clock.set(dt.datetime(2026, 12, 8, 9, 0, tzinfo=SHANGHAI))
    later = scrape(client)
    assert value(later, "signage_feedback_cases_overdue") == 1

    screen.disconnect("/player")
    assert value(scrape(client), "signage_screens_connected") == 0
