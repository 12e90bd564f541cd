"""The load generator of ``signage bench feedback``, run in its own processes.

    python -m signage_server.bench.feedback_load code                       # in the installation
    python -m signage_server.bench.feedback_load post BASE CODE SECONDS CONNECTIONS

``code`` prints the feedback code of a published demo item (what its QR code links to).
``post`` opens ``CONNECTIONS`` keep-alive HTTP/1.1 connections (one gevent greenlet each) and
posts the villager form (``POST /f/CODE`` as a browser sends it: urlencoded, a fresh nonce
each time, the HTML receipt read whole) for ``SECONDS``; it prints one JSON line: requests,
errors (by status) and every latency in milliseconds.
"""

from __future__ import annotations

import json
import secrets
import sys
import time
import urllib.parse
from collections import Counter
from typing import Any


def _code() -> str:
    # lazy: the load generator itself needs no Flask app
    import sqlalchemy as sa

    from signage_server import create_app
    from signage_server.disclosure.models import Item
    from signage_server.disclosure.models import Revision
    from signage_server.disclosure.rules import Scope
    from signage_server.disclosure.rules import State
    from signage_server.extensions import db
    from signage_server.feedback.links import item_code

    app = create_app()
    with app.app_context():
        row = db.session.execute(
            sa.select(Item.id, Revision.number)
            .join(Revision, (Revision.item_id == Item.id) & (Revision.number == Item.live_number))
            .where(Revision.state == State.PUBLISHED, Revision.scope == Scope.PUBLIC)
            .order_by(Item.id)
        ).first()
        assert row is not None, "no published public item in the demo"
        return item_code(int(row[0]), int(row[1]), app)


def _post(base: str, code: str, seconds: float, connections: int) -> dict[str, Any]:
    # lazy: gevent must patch the standard library before http.client is imported
    from gevent import monkey

    monkey.patch_all()
    import http.client

    import gevent

    parsed = urllib.parse.urlsplit(base)
    host = parsed.hostname or "127.0.0.1"
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    deadline = time.monotonic() + seconds

    def worker(n: int) -> None:
        connection = http.client.HTTPConnection(host, parsed.port, timeout=30)
        sent = 0
        while time.monotonic() < deadline:
            sent += 1
            body = urllib.parse.urlencode(
                {
                    "kind": "comment",
                    "text": f"第{n}号连接的第{sent}条意见：村里的路灯晚上不亮，请尽快修理。",
                    "name": "",
                    "phone": "",
                    "website": "",
                    "nonce": secrets.token_hex(16),
                }
            )
            started = time.perf_counter()
            try:
                connection.request(
                    "POST",
                    f"/f/{code}",
                    body=body,
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                )
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                errors[type(error).__name__] += 1
                connection.close()
                connection = http.client.HTTPConnection(host, parsed.port, timeout=30)
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status != 201:
                errors[str(response.status)] += 1
        connection.close()

    started = time.monotonic()
    gevent.joinall([gevent.spawn(worker, n) for n in range(connections)])
    return {
        "seconds": time.monotonic() - started,
        "errors": dict(errors),
        "latencies_ms": [round(x, 2) for x in latencies],
    }


def main(argv: list[str]) -> None:
    if argv == ["code"]:
        sys.stdout.write(_code() + "\n")
        return
    if len(argv) == 5 and argv[0] == "post":
        found = _post(argv[1], argv[2], float(argv[3]), int(argv[4]))
        sys.stdout.write(json.dumps(found) + "\n")
        return
    raise SystemExit("usage: code | post BASE CODE SECONDS CONNECTIONS")


if __name__ == "__main__":
    main(sys.argv[1:])
