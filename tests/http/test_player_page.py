"""The player page: ES modules from this site (allowed by the CSP) and the server's layout
definitions, which the player uses instead of copies of sizes, names and durations."""

from __future__ import annotations

import html
import json
import re

from flask.testing import FlaskClient

from signage_server.screens.layouts import player_definitions


def test_the_player_page_loads_its_modules_and_carries_the_layout_definitions(
    client: FlaskClient,
) -> None:
    response = client.get("/player/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts[-1].startswith('<script type="module" src="/player/static/main.js?v=')
    assert all(" src=" in script for script in scripts)
    found = re.search(r'data-definitions="([^"]*)"', page)
    assert found
    assert json.loads(html.unescape(found.group(1))) == player_definitions()
    module = client.get("/player/static/main.js")
    assert module.status_code == 200
    assert module.mimetype == "text/javascript"
    for name in ("paginator.js", "store.js", "socket.js", "rotation.js", "renderers.js"):
        assert client.get(f"/player/static/{name}").status_code == 200, name
    assert client.get("/player/static/vendor/idb.js").status_code == 200
    assert client.get("/player/static/player.js").status_code == 404
