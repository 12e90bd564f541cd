"""Where an organisation's public page is, as phones reach it: what the board's cover QR code
and the township's website link to. Needs the app, not a request (print jobs run outside one)."""

from __future__ import annotations

from signage_server import services as registry
from signage_server.config import Settings
from signage_server.orgs.models import Org
from signage_server.public.rules import page_path


def page_url(org: Org) -> str:
    """Return the absolute address of ``org``'s public page (``SIGNAGE_PUBLIC_URL`` + path)."""
    return registry.get(Settings).public_url.rstrip("/") + page_path(org.code)
