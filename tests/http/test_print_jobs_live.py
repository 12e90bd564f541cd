"""The real gevent server (``signage serve``) keeps answering while its in-process worker
prints a township's batch: the job runs in a native thread, never on the event loop."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.realtime.test_live_server import Seeded
from tests.realtime.test_live_server import seeded  # noqa: F401 - the seeded installation
from tests.realtime.test_live_server import tokens_for
from tests.servers import Server
from tests.servers import free_port
from tests.servers import wait_until_up

GEVENT_RENDER = """
from gevent import monkey
monkey.patch_all()
import gevent
from signage_server.paper.render import offload, render_pdf
from signage_server.paper.jobs.backends import _native_start
html = "<html><body><h1>集义村</h1></body></html>"
print(len(gevent.spawn(offload, render_pdf, html).get()))
done = []
_native_start()(lambda: done.append(len(offload(render_pdf, html))))
while not done:
    gevent.sleep(0.05)
print(done[0])
"""


def test_rendering_off_the_loop_works_in_a_fresh_gevent_process() -> None:
    """The first WeasyPrint import runs ``ldconfig`` in a child process, which gevent can wait
    for on the main thread only: offloading (from a greenlet, and from the worker's native
    thread) must not make that import in a native thread."""
    result = subprocess.run(
        [sys.executable, "-c", GEVENT_RENDER], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    sizes = [int(line) for line in result.stdout.split()]
    assert len(sizes) == 2 and all(size > 10_000 for size in sizes), result.stdout


def call(base: str, token: str, path: str, body: Any = None) -> dict[str, Any]:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        found: dict[str, Any] = json.loads(response.read())
        return found


@pytest.mark.slow
def test_health_answers_while_a_batch_prints(seeded: Seeded) -> None:  # noqa: F811
    token = tokens_for(seeded)["jiyi_superior"]
    port = free_port()
    with tempfile.NamedTemporaryFile(prefix="signage-", suffix=".log", delete=False) as log:
        # `signage serve`, with the tests' kind of job registered.
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.print_serve", "serve", "--port", str(port)],
            env=seeded.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", process, Path(log.name))
    try:
        wait_until_up(server, 60)
        job = call(
            server.base,
            token,
            "/api/v1/print-jobs",
            {"kind": "test_sheets", "org": "JIYI", "params": {"pages": 6}},
        )
        answered: list[float] = []
        seen: dict[str, Any] = job
        # A guard against a stalled worker (it took 35 s here; gevent's log lock once hung it
        # for good), not a measure: failing beats a suite that never ends.
        give_up = time.monotonic() + 600
        while not seen["finished"]:
            assert time.monotonic() < give_up, f"the batch stalled: {seen}"
            started = time.monotonic()
            with urllib.request.urlopen(server.base + "/healthz", timeout=120) as response:
                assert response.status == 200
            answered.append(time.monotonic() - started)
            if len(answered) % 20 == 0:
                seen = call(server.base, token, f"/api/v1/print-jobs/{job['id']}")
        assert (seen["state"], seen["done"], seen["total"]) == ("done", 22, 22), seen
        # The loop never stalled for a document (each takes a good part of a second): health
        # checks kept being answered, one after the other, all through the batch.
        assert len(answered) >= 100, len(answered)
        assert max(answered) < 2, max(answered)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert "print job worker started (in-process, native thread)" in server.output
