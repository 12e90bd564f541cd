"""Playlists: what screens rotate through, when, and in which order."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # cycle: the package's modules import one another's packages (screens <-> disclosure,
    # schedule); the edges are imported once the app is built.
    from signage_server.schedule import api
    from signage_server.schedule import views

    app.register_blueprint(api.bp)
    app.register_blueprint(views.bp)
