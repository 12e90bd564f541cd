"""What the wall says of a screen (``screens.showing``): presence and freshness."""

from __future__ import annotations

import datetime as dt

import pytest

from signage_server.screens.showing import Freshness
from signage_server.screens.showing import Presence
from signage_server.screens.showing import freshness
from signage_server.screens.showing import presence

SEEN = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)


def test_presence() -> None:
    assert presence(True, SEEN) is Presence.ONLINE
    assert presence(False, SEEN) is Presence.OFFLINE
    assert presence(False, None) is Presence.NEVER


@pytest.mark.parametrize(
    ("revoked", "online", "acked", "version", "expected"),
    [
        (True, True, "a", "a", Freshness.REVOKED),
        (False, True, "", "a", Freshness.NONE),
        (False, True, "a", "a", Freshness.UP_TO_DATE),
        (False, False, "a", "a", Freshness.UP_TO_DATE),
        (False, True, "a", "b", Freshness.UPDATING),
        (False, False, "a", "b", Freshness.BEHIND),
    ],
)
def test_freshness(
    revoked: bool, online: bool, acked: str, version: str, expected: Freshness
) -> None:
    assert freshness(revoked, online, acked, version) is expected
