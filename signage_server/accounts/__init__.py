"""Accounts: users, roles granted per organisation, login, API tokens, permissions."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext

from signage_server.extensions import db
from signage_server.extensions import login_manager


def load_user(session_id: str) -> object | None:
    """Return the user of a login session id ``"<id>.<stamp>"``, or ``None`` when it is stale."""
    from signage_server.accounts.models import User

    user_id, _, stamp = session_id.partition(".")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_stamp != stamp:
        return None
    return user


def init_app(app: Flask) -> None:
    from signage_server.accounts import api
    from signage_server.accounts import views

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
