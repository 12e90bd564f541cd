"""Organisations: the county, its townships and their party branches, as a tree."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from signage_server.orgs import api
    from signage_server.orgs import views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
