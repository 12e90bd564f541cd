"""The screen layouts the server knows (defined in the top-level ``layouts`` package)."""

from __future__ import annotations

import layouts


def design_sizes() -> dict[str, tuple[int, int]]:
    """Return each layout's name and design size (its default resolution)."""
    return {name: (layout.width, layout.height) for name, layout in layouts.LAYOUTS.items()}


def labels() -> dict[str, str]:
    return {name: layout.label_zh for name, layout in layouts.LAYOUTS.items()}
