"""The organisations' public disclosure pages (``/p/<org code>``): no login, no JavaScript,
for phones and for the township's website; the board's cover QR code links here;
and the 大字 switch of every villager's page (:mod:`.text_size_views`)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # cycle: public.views -> public.presenters -> paper.posters -> ... -> signage_server.public
    from signage_server.public import text_size_views
    from signage_server.public.views import bp

    app.register_blueprint(bp)
    text_size_views.init_app(app)
