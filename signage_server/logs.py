"""Logging configuration: the only place that installs log handlers.

Two formats (``SIGNAGE_LOG_FORMAT``): ``text``, one readable line per record, and ``json``, one
JSON object per line for a log collector (:class:`JsonFormatter`). Each request carries an id
(``X-Request-ID``: nginx's ``$request_id`` when it sends one, else made here), answered in the
response's ``X-Request-ID`` header and written with the access log line and with every record
logged while the request is handled.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import uuid
from collections.abc import Mapping
from collections.abc import MutableMapping
from typing import TYPE_CHECKING
from typing import Any

from signage_server.native import native_rlock

if TYPE_CHECKING:  # Flask loads late: gunicorn's master process imports this module (JSON logs)
    from flask import Flask
    from flask import Response

#: ``token=…`` in a logged request line or address (old player links carried the screen token
#: in the query string: ``/player/?token=scr_…``).
_TOKEN = re.compile(r"(token=)[^&\s\"'#]+", re.IGNORECASE)

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

FORMATS = ("text", "json")

#: Where a request's id is kept in its WSGI environment.
REQUEST_ID = "signage.request_id"
REQUEST_ID_HEADER = "X-Request-ID"
#: An id taken from the proxy's header (nginx's ``$request_id``: 32 hex digits).
_GOOD_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

#: The fields of an access record (``extra=`` of :meth:`AccessLog.request`), in their order.
ACCESS_FIELDS = ("request_id", "method", "path", "status", "duration_s", "bytes", "remote_addr")


def configure(level: str, log_format: str = "text") -> None:
    """Send ``signage_server`` logs at ``level`` to stderr in ``log_format`` (``text`` or
    ``json``); the handler is installed once per process, its format follows the last call."""
    logger = logging.getLogger("signage_server")
    logger.setLevel(level.upper())
    handler = next((h for h in logger.handlers if getattr(h, "_signage", False)), None)
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler._signage = True  # type: ignore[attr-defined]
        # Shared by the event loop and native threads: an OS lock (see signage_server.native).
        handler.lock = native_rlock()
        logger.addHandler(handler)
        logger.propagate = False
    handler.setFormatter(formatter(log_format))


def formatter(log_format: str) -> logging.Formatter:
    """Return the formatter of ``log_format`` (``text`` or ``json``)."""
    return JsonFormatter() if log_format == "json" else logging.Formatter(_FORMAT)


def redact(text: str) -> str:
    """Return ``text`` with the value of every ``token=`` replaced by ``[redacted]``."""
    return _TOKEN.sub(r"\1[redacted]", text)


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line: ``time`` (ISO 8601, UTC, milliseconds),
    ``level``, ``logger``, ``message``, then the access fields a record carries
    (:data:`ACCESS_FIELDS`; ``request_id`` also for records logged while a request is handled)
    and ``exc_info`` (the traceback) when an exception is logged. Tokens are redacted from the
    message and the traceback as in the text format's access lines."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = dt.datetime.fromtimestamp(record.created, dt.UTC)
        entry: dict[str, Any] = {
            "time": stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for name in ACCESS_FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                entry[name] = value
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            entry.update(gunicorn_fields(record.args))
        if "request_id" not in entry:
            found = _current_request_id()
            if found:
                entry["request_id"] = found
        if record.exc_info:
            entry["exc_info"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exc_info"] = redact(record.exc_text)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def gunicorn_fields(atoms: Mapping[str, Any]) -> dict[str, Any]:
    """Return the access fields of a gunicorn access record (its ``atoms``: ``m`` the method,
    ``U`` the path without its query, ``s`` the status, ``L`` the seconds, ``B`` the bytes,
    ``h`` the address, the response's ``X-Request-ID``)."""
    status = str(atoms.get("s", ""))
    seconds = str(atoms.get("L", ""))
    request_id = atoms.get("{x-request-id}o")  # the response header ("-": none)
    found = {
        "request_id": request_id if request_id and request_id != "-" else None,
        "method": atoms.get("m"),
        "path": atoms.get("U"),
        "status": int(status) if status.isdigit() else None,
        "duration_s": float(seconds) if seconds.replace(".", "", 1).isdigit() else None,
        "bytes": atoms.get("B"),
        "remote_addr": atoms.get("h"),
    }
    return {k: v for k, v in found.items() if v is not None}


def _current_request_id() -> str | None:
    # lazy: Flask loads late (gunicorn's master imports this module before gevent patches)
    from flask import has_request_context
    from flask import request

    if not has_request_context():
        return None
    found = request.environ.get(REQUEST_ID)
    return found if isinstance(found, str) else None


def request_id(environ: MutableMapping[str, Any]) -> str:
    """Return the id of the request of ``environ``: the one already given, the proxy's
    ``X-Request-ID`` when well formed, or a new one (kept in ``environ``)."""
    found = environ.get(REQUEST_ID)
    if isinstance(found, str) and found:
        return found
    header = environ.get("HTTP_X_REQUEST_ID", "")
    found = header if _GOOD_ID.fullmatch(header) else uuid.uuid4().hex
    environ[REQUEST_ID] = found
    return found


def _give_request_id() -> None:
    # lazy: Flask loads late (gunicorn's master imports this module before gevent patches)
    from flask import request

    request_id(request.environ)


def _answer_request_id(response: Response) -> Response:
    # lazy: Flask loads late (gunicorn's master imports this module before gevent patches)
    from flask import request

    response.headers[REQUEST_ID_HEADER] = request_id(request.environ)
    return response


def init_app(app: Flask) -> None:
    """Give each request its id (for records logged while it is handled) and answer it."""
    app.before_request(_give_request_id)
    app.after_request(_answer_request_id)


class AccessLog:
    """The access log of the development server (gevent's ``WSGIServer(log=…)``): one record
    per request, tokens redacted, to the ``signage_server.access`` logger; with
    :class:`AccessHandler`, each record also carries the request's fields."""

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self.logger = logger or logging.getLogger("signage_server.access")

    def write(self, line: str) -> None:
        self.logger.info(redact(line.rstrip("\n")))

    def request(self, line: str, fields: dict[str, Any]) -> None:
        """Log the request line ``line`` with its ``fields`` (:data:`ACCESS_FIELDS`)."""
        path = fields.get("path")
        if isinstance(path, str):
            fields = fields | {"path": redact(path)}
        self.logger.info(redact(line.rstrip("\n")), extra=fields)
