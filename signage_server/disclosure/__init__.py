"""Disclosure items (公开事项): revisions, the approval procedure, publication and expiry.

Where each concern lives:

* pure rules: ``rules`` (the procedure as a table, editable states, validation), ``notices``
  (the one notice rule: minimum, period, protection), ``windows`` (the one window rule:
  validity, current at a moment, publication, local days), ``audience`` (the one audience
  rule, the only gate of every surface), ``path`` (the procedure's path for the item page);
* domain services on a session: ``services`` (one function per step of the procedure, with
  its audit record; expiry), ``viewing`` (the audience rule applied to stored revisions, a
  notice's protection included), ``trail``;
* use cases, one per action, committed: ``use_cases``; what pages and the API show:
  ``pages``, ``presenters``, ``editor_preview``; the request's environment: ``context``;
* edges: ``views`` (operator pages), ``api`` (``/api/v1/items``).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # cycle: disclosure.views -> ... -> disclosure.rules -> disclosure (this package, loaded
    # with every pure module of it: the edges are imported only when the app is made)
    from signage_server.disclosure import api
    from signage_server.disclosure import presenters
    from signage_server.disclosure import views

    app.register_blueprint(api.bp)
    app.register_blueprint(views.bp)
    app.add_template_filter(presenters.higher_review_label, "higher_review_label")
    app.add_template_filter(presenters.person, "person")
