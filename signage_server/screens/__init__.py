"""Screens: registration, pairing, tokens, manifests, the screen wall, the player page."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # cycle: the package's modules import one another's packages (screens <-> disclosure,
    # schedule); the edges are imported once the app is built.
    from signage_server.screens import api
    from signage_server.screens import player_views
    from signage_server.screens import views

    app.register_blueprint(api.bp)
    app.register_blueprint(api.player_api)
    app.register_blueprint(views.bp)
    app.register_blueprint(player_views.bp)
