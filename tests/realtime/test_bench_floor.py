"""The floor of ``signage bench push``: ``/bench`` exists only with SIGNAGE_BENCH_TRIGGER
and broadcasts one bare ``floor`` event of the asked size to every player."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage_server.extensions import socketio
from tests.conftest import Demo
from tests.realtime.screens import events
from tests.realtime.screens import player
from tests.realtime.screens import register


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"bench_trigger": True}


def test_the_floor_reaches_every_player(app: Flask, client: FlaskClient, make: Demo) -> None:
    make.users("jiyi01_operator")
    players = [player(app, register(client, make, name=f"屏{n}")["token"]) for n in range(2)]
    for p in players:
        p.get_received("/player")
    bench = socketio.test_client(app, namespace="/bench")
    answer = bench.emit("floor", {"bytes": 100}, namespace="/bench", callback=True)
    assert answer == {"bytes": 100}
    for p in players:
        assert events(p, "floor") == [{"pad": "x" * 100}]


class TestWithoutTheSetting:
    @pytest.fixture
    def app_overrides(self) -> dict[str, Any]:
        return {}

    def test_there_is_no_bench_namespace(self, app: Flask) -> None:
        bench = socketio.test_client(app, namespace="/bench")
        assert not bench.is_connected("/bench")
