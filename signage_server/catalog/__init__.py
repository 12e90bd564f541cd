"""The disclosure catalog (公开目录) and compliance computed from what was published.

Where each concern lives: pure rules in ``rules`` (periods, the compliance status) and
``tally`` (a subtree's counts and their order); catalogs, compliance and exemptions on a
session in ``services``; the use cases, one per action, committed, in ``use_cases``; what
the pages and the API show in ``presenters``; the edges ``views`` and ``api``.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # cycle: catalog.views -> ... -> catalog.rules -> catalog (this package, loaded with
    # every pure module of it: the edges are imported only when the app is made)
    from signage_server.catalog import api
    from signage_server.catalog import views

    app.register_blueprint(api.bp)
    app.register_blueprint(views.bp)
