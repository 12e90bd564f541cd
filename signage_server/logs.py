"""Logging configuration: the only place that installs log handlers."""

from __future__ import annotations

import logging
import re
import sys

#: ``token=…`` in a logged request line or address (old player links carried the screen token
#: in the query string: ``/player/?token=scr_…``).
_TOKEN = re.compile(r"(token=)[^&\s\"'#]+", re.IGNORECASE)

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(level: str) -> None:
    """Send ``signage_server`` logs at ``level`` to stderr (once per process)."""
    logger = logging.getLogger("signage_server")
    logger.setLevel(level.upper())
    if not any(getattr(h, "_signage", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler._signage = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.propagate = False


def redact(text: str) -> str:
    """Return ``text`` with the value of every ``token=`` replaced by ``[redacted]``."""
    return _TOKEN.sub(r"\1[redacted]", text)


class AccessLog:
    """The access log of the development server (gevent's ``WSGIServer(log=…)``): one line per
    request, tokens redacted, to the ``signage_server.access`` logger."""

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self.logger = logger or logging.getLogger("signage_server.access")

    def write(self, line: str) -> None:
        self.logger.info(redact(line.rstrip("\n")))
