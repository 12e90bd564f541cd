"""The hash-chained audit log: every change of every disclosure item, feedback case and
exemption, keyed and tamper-evident, its head witnessed outside the database.

Where things live: the chain's pure rules (sealing, verification) in ``rules``; appending,
witnessing and verifying in ``services``; the log as a list a user may see, with its filters,
in ``log``; the page in ``views``. Importing the package imports nothing else (the pure rules
stay free of Flask and SQLAlchemy).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Bind the audit key and head log to the app's database; witness heads after commits."""
    # cycle: audit.services and audit.views import audit.models, whose package this is (and
    # audit.views -> accounts.permissions -> ... -> audit.models again).
    from sqlalchemy import event

    from signage_server import services as registry
    from signage_server.audit import services
    from signage_server.audit import views
    from signage_server.config import Settings
    from signage_server.config import audit_head_log
    from signage_server.config import audit_key_bytes
    from signage_server.extensions import db

    settings = registry.get(Settings, app)
    services.configure(
        app.extensions[db.key].engine, audit_key_bytes(settings), audit_head_log(settings)
    )
    factory = db.factory(app)
    event.listen(factory, "after_commit", services.after_commit)
    event.listen(factory, "after_rollback", services.after_rollback)
    app.register_blueprint(views.bp)
