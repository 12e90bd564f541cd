"""What the screens' use cases need from outside: a :class:`Notifier` that brings news to
screens and to the operators watching them. ``realtime.notifier`` implements it over
Socket.IO (and keeps a recording fake for tests)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from typing import Protocol

from signage_server import services as registry


class Notifier(Protocol):
    def push_manifest(self, manifest: dict[str, Any], screen_ids: Iterable[int]) -> None:
        """Send ``manifest`` to the given screens (one message for all of them)."""
        ...

    def push_delta(self, delta: dict[str, Any], screen_ids: Iterable[int]) -> None:
        """Send ``manifest_delta`` to the given screens (they acknowledged its base)."""
        ...

    def disconnect(self, sids: Iterable[str]) -> None:
        """Close these player connections, wherever they are."""
        ...

    def screens_changed(self, news: Iterable[tuple[dict[str, Any], str]]) -> None:
        """Tell the operators watching each screen's organisations (and only them) about its
        new state: ``news`` holds each screen's wall entry with its org's path."""
        ...

    def send_command(self, command: dict[str, Any], screen_id: int) -> None:
        """Send a remote ``command`` (``fleet.commands``) to the screen's players."""
        ...


#: Where the app's notifier is registered.
NOTIFIER = registry.Key[Notifier]("notifier")
