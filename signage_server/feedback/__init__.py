"""Villagers' feedback (意见箱): signed codes behind QR codes, the public form and receipts,
routing to handlers and discipline, deadlines in working days, replies."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from signage_server.feedback.api import bp as api_bp
    from signage_server.feedback.public import bp as public_bp
    from signage_server.feedback.views import bp as views_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(views_bp)
    app.register_blueprint(api_bp)
