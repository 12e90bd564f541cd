"""Disclosure items (公开事项): revisions, the approval procedure, publication and expiry."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from signage_server.disclosure import api
    from signage_server.disclosure import views

    app.register_blueprint(api.bp)
    app.register_blueprint(views.bp)
    app.add_template_filter(views.higher_review_label, "higher_review_label")
    app.add_template_filter(views.person, "person")
