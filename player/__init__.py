"""The web player of the screens: a page of plain ES modules (no build step), its Service Worker
and styles. ``static/main.js`` boots it and lists which module holds which concern.

The server renders ``templates/player.html`` at ``/player/`` and serves ``static/`` at
``/player/static/`` (``static/sw.js`` also at ``/player/sw.js`` with the header
``Service-Worker-Allowed: /player/``). The protocol is in ``docs/player-protocol.md``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["STATIC", "TEMPLATES"]

#: Files served at ``/player/static/`` (``main.js`` and its modules, ``player.css``, ``sw.js``,
#: ``vendor/``).
STATIC = Path(__file__).parent / "static"
#: Jinja2 templates (``player.html``).
TEMPLATES = Path(__file__).parent / "templates"
