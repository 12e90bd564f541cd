"""Accounts: users, roles granted per organisation, login, API tokens, permissions."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask import session
from flask_babel import lazy_gettext

from signage_server.extensions import db
from signage_server.extensions import login_manager


def load_user(session_id: str) -> object | None:
    """Return the user of a login session id ``"<id>.<stamp>"``, or ``None`` when it is stale:
    the user's stamp changed, or the server-side login session that the browser session
    names was closed (logout, new password, deactivation) or outlived ``session_max_days``."""
    from signage_server import services as registry
    from signage_server.accounts.models import User
    from signage_server.accounts.services import session_open
    from signage_server.accounts.views import SESSION_KEY
    from signage_server.config import Settings
    from signage_server.db import utcnow

    user_id, _, stamp = session_id.partition(".")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_stamp != stamp:
        return None
    key = session.get(SESSION_KEY)
    longest = dt.timedelta(days=registry.get(Settings).session_max_days)
    if not isinstance(key, str) or not session_open(db.session, user, key, utcnow(), longest):
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
