"""四议两公开: a village's major matters, decided by four deliberations (党支部提议, 两委商议,
党员大会审议, 村民会议或村民代表会议决议) and disclosed twice (决议公开, 实施结果公开).

Where each concern lives: pure rules in ``rules`` (order, dates, the meeting rules of the
law, the links); matters, stages, links and the audit seal on a session in ``services``;
the use cases, one per action, committed, in ``use_cases``; what the pages, the QR page and
the screens show in ``presenters``; the edge ``views``.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # cycle: matters.views -> ... -> matters.rules -> matters (this package, loaded with
    # every pure module of it: the edges are imported only when the app is made)
    from signage_server.matters import presenters
    from signage_server.matters import views

    app.register_blueprint(views.bp)
    app.add_template_global(presenters.item_panel, "matter_panel")
