"""Logging configuration: the only place that installs log handlers."""

from __future__ import annotations

import logging
import sys

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
