"""Addresses handed out for screens: the player URL a registered or paired screen opens.

Not an edge: the API, the operator pages and the CLI all build the same link here.
"""

from __future__ import annotations

from signage_server import services as registry
from signage_server.config import Settings


def player_url(token: str) -> str:
    """Return the address a player box opens, its token in the fragment (``#token=…``).

    Browsers never send the fragment: the token stays out of access logs, proxies and
    ``Referer`` headers. The player still reads ``?token=…`` from older links.
    """
    base = registry.get(Settings).public_url.rstrip("/")
    return f"{base}/player/#token={token}"
