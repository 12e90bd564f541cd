"""URL converters: ``<int:...>`` is a database id.

Werkzeug's ``int`` takes any number of digits; ids are 32-bit integers (PostgreSQL's
``integer``), and a larger number reaching the database is an overflow, a 500. In range or
not found: an id beyond the column's range is a 404 like any id that names nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter
from werkzeug.routing import Map

#: The largest id a table holds (PostgreSQL ``integer``; SQLite takes 64 bits).
MAX_ID = 2**31 - 1


class DatabaseId(IntegerConverter):
    """``<int:name>``: a number from 0 to :data:`MAX_ID` (a larger one matches no route)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Install the converters; before any route is added (they are bound as rules are)."""
    app.url_map.converters["int"] = DatabaseId
