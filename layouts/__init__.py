"""Screen layouts: design size, regions and readable sizes of each layout the player draws.

Each layout is a pair of files next to this module: ``<name>.json`` (the facts below, read by
the server and the tests) and ``<name>.css`` (served as ``/player/layouts/<name>.css`` and
loaded by the web player). The player draws a layout at its design size and scales the whole
frame to the screen, so text is never re-flowed smaller than ``readable_px`` says.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["DIR", "LAYOUTS", "Layout", "get"]

#: The folder holding the layout files (``<name>.json`` and ``<name>.css``).
DIR = Path(__file__).parent


@dataclass(frozen=True)
class Layout:
    """One screen layout: its design size in CSS pixels and the regions it draws."""

    name: str
    width: int
    height: int
    label_zh: str
    regions: tuple[str, ...]
    #: Smallest font size (design pixels) per kind of text: ``title``, ``body``, ``table``, …
    readable_px: tuple[tuple[str, int], ...] = ()

    @property
    def orientation(self) -> str:
        """Return ``"landscape"`` or ``"portrait"`` from the design size."""
        return "portrait" if self.height > self.width else "landscape"

    @property
    def short_label_zh(self) -> str:
        """Return the label without the size: "横屏" of "横屏 1920×1080"."""
        return self.label_zh.rsplit(" ", 1)[0]

    @property
    def css(self) -> Path:
        """Return the path of the layout's stylesheet."""
        return DIR / f"{self.name}.css"

    def min_px(self, kind: str) -> int | None:
        """Return the readable size of ``kind`` text, or None when the layout has none."""
        return dict(self.readable_px).get(kind)


def _load(path: Path) -> Layout:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if data["name"] != path.stem:
        raise ValueError(f"{path.name}: name {data['name']!r} does not match the file name")
    readable = data.get("readable_px", {})
    return Layout(
        name=str(data["name"]),
        width=int(data["width"]),
        height=int(data["height"]),
        label_zh=str(data["label_zh"]),
        regions=tuple(str(region) for region in data["regions"]),
        readable_px=tuple((str(kind), int(px)) for kind, px in readable.items()),
    )


#: Every layout, by name, in a stable order (landscape first: it is the default).
LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in sorted(
        (_load(path) for path in DIR.glob("*.json")),
        key=lambda layout: (layout.name != "landscape", layout.name),
    )
}


def get(name: str) -> Layout:
    """Return the layout called ``name``.

    :raise KeyError: when there is no such layout.
    """
    try:
        return LAYOUTS[name]
    except KeyError:
        raise KeyError(f"unknown layout {name!r}; known: {', '.join(LAYOUTS)}") from None
