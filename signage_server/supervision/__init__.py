"""Supervision (监督检查, DESIGN.md §3): the roster of supervisors, inspections against the
six-point checklist, findings tracked through rectification (整改) to closure, supervisors'
monthly meetings and quarterly forums, alerts on the home page and in a daily digest, and
accountability records (责任追究) kept by the organisation above.

Where each concern lives: pure rules in ``rules``; records on a session in ``services``
(each change sealed in the audit chain); the daily mail in ``digest``; what the pages show
in ``presenters``; the use cases, committed, in ``use_cases``; the edges ``views`` and
``api``.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # cycle: supervision.views -> ... -> supervision.rules -> supervision (this package,
    # loaded with every pure module of it: the edge is imported only when the app is made)
    from signage_server.supervision import api
    from signage_server.supervision import views

    app.register_blueprint(api.bp)
    app.register_blueprint(views.bp)
