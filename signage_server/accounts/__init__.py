"""Accounts: users, roles granted per organisation, login, API tokens, permissions.

Where things live: the pure rules (roles, permissions, user names, passwords, lockout) in
``rules``; the caller and the one permission check in ``permissions``; the building blocks,
queries and use cases in ``services``; the pages in ``views`` and the API in ``api``.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext

from signage_server.extensions import login_manager


def init_app(app: Flask) -> None:
    # cycle: importing the package must not import its edges (accounts.models is imported by
    # the orgs, the permissions and nearly every domain, which the edges import in turn).
    from signage_server.accounts import api
    from signage_server.accounts import views

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(views.load_user)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
