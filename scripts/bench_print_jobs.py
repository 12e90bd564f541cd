#!/usr/bin/env python3
"""Does the server keep answering while its in-process worker prints a batch?

Seeds a throw-away demo installation, serves it with ``signage serve`` (gevent) with the tests'
kind of print job registered (``tests/print_serve.py``: one real PDF per organisation, made by
WeasyPrint), times ``GET /healthz`` back to back before and during a batch of the 22
organisations of 集义镇, and prints the figures (docs/benchmarks.md).

    .venv/bin/python scripts/bench_print_jobs.py [--pages 20] [--database-url URL] [--on-the-loop]

``--on-the-loop`` runs the worker in a greenlet instead of its native thread, to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SIGNAGE = str(Path(sys.executable).parent / "signage")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20, help="pages per document")
    parser.add_argument("--org", default="JIYI")
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--on-the-loop", action="store_true")
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="bench-print-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNAGE_")}
    env |= {"SIGNAGE_DATA_DIR": str(data), "PYTHONPATH": str(ROOT), "SIGNAGE_LOG_LEVEL": "WARNING"}
    if args.database_url:
        env["SIGNAGE_DATABASE_URL"] = args.database_url
    if args.on_the_loop:
        env["PRINT_JOBS_ON_THE_LOOP"] = "1"
    for command in (["init-db"], ["seed-demo"]):
        subprocess.run([SIGNAGE, *command], env=env, check=True, capture_output=True)  # noqa: S603
    token = subprocess.run(  # noqa: S603
        [SIGNAGE, "token", "create", "jiyi_operator"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    base = f"http://127.0.0.1:{args.port}"
    log = (data / "server.log").open("wb")
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tests.print_serve", "serve", "--port", str(args.port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def api(path: str, body: Any = None) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310
            base + path,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310
            found: dict[str, Any] = json.loads(response.read())
            return found

    def health() -> float:
        started = time.perf_counter()
        with urllib.request.urlopen(base + "/healthz", timeout=600) as response:  # noqa: S310
            response.read()
        return (time.perf_counter() - started) * 1000

    def figures(times: list[float]) -> str:
        ordered = sorted(times)
        pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
        return (
            f"n={len(times)}, median {statistics.median(times):.1f} ms, p95 {pick(0.95):.1f},"
            f" p99 {pick(0.99):.1f}, max {max(times):.1f}"
        )

    try:
        for _attempt in range(150):
            try:
                health()
                break
            except OSError:
                time.sleep(0.2)
        before = [health() for _n in range(200)]
        job = api(
            "/api/v1/print-jobs",
            {"kind": "test_sheets", "org": args.org, "params": {"pages": args.pages}},
        )
        started = time.perf_counter()
        during: list[float] = []
        state = job
        looked = 0.0
        while not state["finished"]:
            during.append(health())
            if time.perf_counter() - looked > 0.5:
                asked = time.perf_counter()
                state = api(f"/api/v1/print-jobs/{job['id']}")
                looked = time.perf_counter()
                during.append((looked - asked) * 1000)  # its answer counts too
        took = time.perf_counter() - started
        worker = "greenlet on the event loop" if args.on_the_loop else "native thread"
        sys.stdout.write(
            f"worker: {worker}\n"
            f"/healthz before the job: {figures(before)}\n"
            f"requests during the job ({state['state']}, {state['done']}/{state['total']}"
            f" documents of {args.pages} pages, {took:.1f} s): {figures(during)}\n"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


if __name__ == "__main__":
    main()
