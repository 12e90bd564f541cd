"""The organisations' public disclosure pages (``/p/<org code>``): no login, no JavaScript,
for phones and for the township's website; the board's cover QR code links here."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # cycle: public.views -> public.presenters -> paper.posters -> ... -> signage_server.public
    from signage_server.public.views import bp

    app.register_blueprint(bp)
