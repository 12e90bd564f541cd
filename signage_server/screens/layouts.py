"""The screen layouts the server knows (defined in the top-level ``layouts`` package), and
what the web player takes from them."""

from __future__ import annotations

import json
from typing import Any

import layouts
from signage_server.schedule.rules import DEFAULT_DURATION


def design_sizes() -> dict[str, tuple[int, int]]:
    """Return each layout's name and design size (its default resolution)."""
    return {name: (layout.width, layout.height) for name, layout in layouts.LAYOUTS.items()}


def labels() -> dict[str, str]:
    return {name: layout.label_zh for name, layout in layouts.LAYOUTS.items()}


def player_definitions() -> dict[str, Any]:
    """Return what the web player takes from the server's definitions instead of copies: each
    layout's design size and short name (in the server's order, the default first), and the
    seconds per page when a manifest gives none. The player page carries it as JSON in its
    ``data-definitions`` attribute (docs/player-protocol.md)."""
    return {
        "layouts": {
            name: {"width": layout.width, "height": layout.height, "label": layout.short_label_zh}
            for name, layout in layouts.LAYOUTS.items()
        },
        "default_duration_s": DEFAULT_DURATION,
    }


def player_definitions_json() -> str:
    """Return :func:`player_definitions` as compact JSON (the template escapes it)."""
    return json.dumps(player_definitions(), ensure_ascii=False, separators=(",", ":"))
