"""The organisations' public disclosure pages (``/p/<org code>``): no login, no JavaScript,
for phones and for the township's website; the board's cover QR code links here."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from signage_server.public.views import bp

    app.register_blueprint(bp)
