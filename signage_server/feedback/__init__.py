"""Villagers' feedback (意见箱): signed codes behind QR codes, the public form and receipts,
routing to handlers and discipline, deadlines in working days, replies.

Where each concern lives:

* ``rules`` — pure: kinds, states, routing, visibility (``SEEING``), deadlines, the workflow
  table (``WORKFLOW``: who may take which action in which state, and where it leads);
* ``codes`` — pure: signed short codes and the form's address; ``links`` — this
  installation's code key and QR address (the one place they are built);
* ``services/`` — the use cases, one module per concern (see its docstring);
* ``presenters`` — a case as JSON, what the QR and receipt pages show;
* edges: ``views`` (handlers' pages), ``api`` (``/api/v1/feedback``), ``public_views``
  (the villagers' pages under ``/f``), ``office_views`` (recording a case on a villager's
  behalf, its receipt slip, the look-up by receipt at the counter).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # cycle: signage_server.feedback (the package of models and rules) -> its edges ->
    # feedback.services -> feedback.models
    from signage_server.feedback.api import bp as api_bp
    from signage_server.feedback.office_views import bp as office_bp
    from signage_server.feedback.public_views import bp as public_bp
    from signage_server.feedback.views import bp as views_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(views_bp)
    app.register_blueprint(office_bp)
    app.register_blueprint(api_bp)
