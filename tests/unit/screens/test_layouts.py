"""What the web player takes from the server's layout definitions (layouts/<name>.json)."""

from __future__ import annotations

import json

from layouts import DIR
from signage_server.schedule.rules import DEFAULT_DURATION
from signage_server.screens.layouts import player_definitions
from signage_server.screens.layouts import player_definitions_json


def test_the_player_gets_every_layouts_size_and_short_name_default_first() -> None:
    files = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in DIR.glob("*.json")}
    definitions = player_definitions()
    assert next(iter(definitions["layouts"])) == "landscape"
    assert set(definitions["layouts"]) == set(files) == {"landscape", "portrait", "led", "ticker"}
    for name, data in files.items():
        assert definitions["layouts"][name] == {
            "width": data["width"],
            "height": data["height"],
            "label": data["label_zh"].rsplit(" ", 1)[0],
        }
    assert definitions["layouts"]["led"] == {"width": 960, "height": 480, "label": "LED 屏"}
    assert definitions["default_duration_s"] == DEFAULT_DURATION == 15


def test_the_definitions_travel_as_compact_json() -> None:
    text = player_definitions_json()
    assert json.loads(text) == player_definitions()
    assert "横屏" in text and ": " not in text
