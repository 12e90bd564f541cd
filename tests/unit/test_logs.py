"""The log formats: ``json`` makes every record one JSON object on one line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from signage_server import logs
from signage_server.config import ConfigError
from signage_server.config import load_settings


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.formatter("json"))
    logger = logging.getLogger("signage_server.test_json_logs")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield logger, stream
    logger.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_record_is_one_json_line(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.info("村口屏 %s connected\nsecond line", "A-1")
    logger.warning("old link /player/?token=scr_secret123&x=1")
    try:
        raise ValueError("boom token=scr_in_traceback")
    except ValueError:
        logger.exception("failed")
    first, second, third = lines(stream)
    assert first["level"] == "INFO" and first["logger"] == "signage_server.test_json_logs"
    assert first["message"] == "村口屏 A-1 connected\nsecond line"
    assert str(first["time"]).endswith("Z") and "T" in str(first["time"])
    assert second["message"] == "old link /player/?token=[redacted]&x=1"
    assert third["level"] == "ERROR" and third["message"] == "failed"
    assert "ValueError: boom token=[redacted]" in str(third["exc_info"])
    assert "scr_" not in stream.getvalue()


def test_access_records_carry_their_fields(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logs.AccessLog(logger).request(
        '10.0.0.1 - - [x] "GET /player/?token=scr_abc HTTP/1.1" 200 5 0.001',
        {
            "request_id": "abc",
            "method": "GET",
            "path": "/player/?token=scr_abc",
            "status": 200,
            "duration_s": 0.001,
            "bytes": 5,
            "remote_addr": "10.0.0.1",
        },
    )
    (record,) = lines(stream)
    assert record["path"] == "/player/?token=[redacted]"
    assert (record["method"], record["status"], record["request_id"]) == ("GET", 200, "abc")
    assert "scr_abc" not in stream.getvalue()


def test_request_ids() -> None:
    given: dict[str, object] = {"HTTP_X_REQUEST_ID": "0123abcd"}
    assert logs.request_id(given) == "0123abcd" == given[logs.REQUEST_ID]
    forged: dict[str, object] = {"HTTP_X_REQUEST_ID": 'x"\n{"level":"ERROR"}'}
    made = logs.request_id(forged)
    assert len(made) == 32 and made.isalnum()
    assert logs.request_id(forged) == made


def test_the_setting() -> None:
    assert load_settings({}).log_format == "text"
    assert load_settings({"SIGNAGE_LOG_FORMAT": "json"}).log_format == "json"
    with pytest.raises(ConfigError, match="SIGNAGE_LOG_FORMAT"):
        load_settings({"SIGNAGE_LOG_FORMAT": "xml"})
    with pytest.raises(ConfigError, match="SIGNAGE_METRICS_TOKEN"):
        load_settings({"SIGNAGE_METRICS_TOKEN": "short"})


#: A process patched by gevent as ``signage serve`` is: what lock guards the log handler?
HANDLER_LOCK = """
from gevent import monkey
monkey.patch_all()
import logging
from signage_server import logs

logs.configure("INFO")
handler = logging.getLogger("signage_server").handlers[0]
print(type(handler.lock).__module__, type(handler.lock).__name__)
"""


def test_the_log_handler_holds_a_lock_of_the_operating_system_under_gevent() -> None:
    """gevent's lock on the handler, shared by the event loop and native threads (the
    in-process print worker, the renderer's pool), starves or deadlocks them (gevent #1744,
    #2013): a print job stalled after its first document while requests were being logged,
    and the scheduler stopped renewing its lease. An OS lock is held for one line's write."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    result = subprocess.run(
        [sys.executable, "-c", HANDLER_LOCK],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["_thread", "RLock"], result.stdout
