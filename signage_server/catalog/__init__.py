"""The disclosure catalog (公开目录) and compliance computed from what was published."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from signage_server.catalog import api
    from signage_server.catalog import views

    app.register_blueprint(api.bp)
    app.register_blueprint(views.bp)
