"""The web player of the screens: a plain-JS page, its Service Worker and styles.

The server renders ``templates/player.html`` at ``/player/`` and serves ``static/`` at
``/player/static/`` (``static/sw.js`` also at ``/player/sw.js`` with the header
``Service-Worker-Allowed: /player/``). The protocol is in ``docs/player-protocol.md``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["STATIC", "TEMPLATES"]

#: Files served at ``/player/static/`` (``player.js``, ``player.css``, ``sw.js``, ``vendor/``).
STATIC = Path(__file__).parent / "static"
#: Jinja2 templates (``player.html``).
TEMPLATES = Path(__file__).parent / "templates"
