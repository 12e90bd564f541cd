"""Organisations: the county, its townships and their party branches, as a tree.

Where things live: the tree's pure rules (kinds, codes, placement, paths, who is "above" an
organisation) in ``rules``; the model and the subtree condition in ``models``; the use cases
(create, edit, move, dissolve, restore) and the queries in ``services``; the pages in ``views``
and the API in ``api``.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # cycle: importing the package must not import its edges (orgs.models is imported by
    # accounts.models, which the edges import in turn).
    from signage_server.orgs import api
    from signage_server.orgs import views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
