"""A tiny per-app service registry: ``register(app, Interface, impl)``, ``get(Interface)``.

``create_app`` registers the implementations chosen by configuration (settings, the
password hasher, and later the notifier, file store, PDF renderer); edges look them up
with :func:`get` and pass them on to domain services.
"""

from __future__ import annotations

import datetime as dt
from typing import Generic
from typing import TypeVar
from typing import cast

from flask import Flask
from flask import current_app

from signage_server.clock import Clock

T = TypeVar("T")
_KEY = "signage_services"


class Key(Generic[T]):
    """Names a service that is a Protocol (a Protocol class cannot be a ``type[T]`` key)."""

    def __init__(self, name: str) -> None:
        self.__name__ = name

    def __repr__(self) -> str:
        return f"Key({self.__name__!r})"


#: The app's time source (see ``signage_server.clock``).
CLOCK: Key[Clock] = Key("clock")


def register(app: Flask, interface: type[T] | Key[T], implementation: T) -> None:
    """Make ``implementation`` the app's provider of ``interface``."""
    app.extensions.setdefault(_KEY, {})[interface] = implementation


def get(interface: type[T] | Key[T], app: Flask | None = None) -> T:
    """Return the current app's provider of ``interface``.

    :raise LookupError: nothing was registered for it.
    """
    registry = (app or current_app).extensions.get(_KEY, {})
    try:
        return cast(T, registry[interface])
    except KeyError:
        raise LookupError(f"no service registered for {interface.__name__}") from None


def now() -> dt.datetime:
    """Return the current time from the app's clock."""
    return get(CLOCK).now()
