"""With SIGNAGE_REDIS_URL, print jobs go through a real RQ queue and an RQ worker runs them
(here a burst ``SimpleWorker`` in this process, as ``signage worker`` does)."""

from __future__ import annotations

import io
import secrets
import signal
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from flask import Flask
from rq import Queue
from rq import SimpleWorker

from signage_server import services as registry
from signage_server.extensions import db
from signage_server.paper.jobs import backends
from signage_server.paper.jobs import services
from signage_server.paper.models import PrintJob
from tests import print_kind
from tests.conftest import REDIS_URL
from tests.conftest import Demo
from tests.conftest import need_service
from tests.conftest import redis_problem
from tests.print_kind import Control

pytestmark = pytest.mark.redis


@pytest.fixture
def queue_name() -> Iterator[str]:
    need_service("Redis", redis_problem())
    name = f"signage-print-test-{secrets.token_hex(4)}"
    yield name
    Queue(name, connection=redis.Redis.from_url(REDIS_URL)).delete(delete_jobs=True)


@pytest.fixture
def app_overrides(queue_name: str) -> dict[str, Any]:
    return {"redis_url": REDIS_URL, "print_queue": queue_name}


@pytest.fixture
def sheets() -> Iterator[Control]:
    yield from print_kind.registered()


def test_a_job_goes_through_the_rq_queue(
    app: Flask, demo: Demo, sheets: Control, queue_name: str
) -> None:
    client = app.test_client()
    headers = demo.headers("xian_operator")
    job = client.post(
        "/api/v1/print-jobs",
        json={"kind": print_kind.NAME, "org": "CHENGGUAN"},
        headers=headers,
    ).get_json()
    queue = Queue(queue_name, connection=redis.Redis.from_url(REDIS_URL))
    # Enqueued once the submission committed; nothing runs in the server.
    assert queue.count == 1
    assert client.get(job["url"], headers=headers).get_json()["state"] == "queued"
    assert isinstance(registry.get(backends.BACKEND, app), backends.RQBackend)

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with app.app_context():
            worked = SimpleWorker([queue], connection=queue.connection).work(
                burst=True, logging_level="WARNING"
            )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert worked and queue.count == 0
    done = client.get(job["url"], headers=headers).get_json()
    assert (done["state"], done["done"], done["total"]) == ("done", 3, 3)
    archive = zipfile.ZipFile(io.BytesIO(client.get(done["download"], headers=headers).data))
    assert len(archive.namelist()) == 3


def test_the_worker_cancels_between_documents(
    app: Flask, demo: Demo, sheets: Control, queue_name: str
) -> None:
    client = app.test_client()
    headers = demo.headers("xian_operator")
    job = client.post(
        "/api/v1/print-jobs",
        json={"kind": print_kind.NAME, "org": "CHENGGUAN"},
        headers=headers,
    ).get_json()

    def cancel_in_the_first(code: str) -> None:
        if code == "CHENGGUAN":
            app.test_client().post(f"{job['url']}/cancel", headers=headers)

    sheets.hook = cancel_in_the_first
    backends.run_rq_worker(app, burst=True)
    done = client.get(job["url"], headers=headers).get_json()
    assert (done["state"], done["done"]) == ("cancelled", 1)


def test_signage_worker_queues_again_what_redis_lost(
    app: Flask, demo: Demo, sheets: Control, queue_name: str
) -> None:
    with app.app_context():
        from signage_server.orgs.services import get_by_code

        org = get_by_code(db.session, "JIYI-01")
        assert org is not None
        # Queued in the database, never put into Redis (Redis was flushed, or down).
        job = services.submit(db.session, print_kind.NAME, {}, org=org, user=None, dispatch=False)
        db.session.commit()
        job_id = job.id
    assert Queue(queue_name, connection=redis.Redis.from_url(REDIS_URL)).count == 0
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert f"Print worker on the RQ queue {queue_name}" in result.output
    with app.app_context():
        found = db.session.get(PrintJob, job_id)
        assert found is not None and found.state.value == "done"
