"""The web shell: locale selection, CSRF, template helpers, the dashboard and health check."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import Response
from flask import g
from flask import session
from flask_babel import get_locale
from flask_login import current_user

from signage_server import services
from signage_server.config import Settings
from signage_server.extensions import babel
from signage_server.extensions import csrf
from signage_server.i18n import LOCALE_NAMES
from signage_server.i18n import SUPPORTED_LOCALES
from signage_server.web.sessions import SessionCookies


def select_locale() -> str:
    """Pick the interface language: on a villager's page the language they chose (when its
    catalog exists: ``web.visitor``), else the user's choice, then the session's, then the
    default."""
    visitor = g.get("visitor_locale")
    if visitor is not None:
        return str(visitor)
    principal = g.get("principal")
    user = principal.user if principal is not None else None
    if user is None and current_user and current_user.is_authenticated:
        user = current_user
    if user is not None and user.locale in SUPPORTED_LOCALES:
        return str(user.locale)
    chosen = session.get("locale")
    if chosen in SUPPORTED_LOCALES:
        return str(chosen)
    return services.get(Settings).default_locale


def _html_lang(locale: Any) -> str:
    if not locale or locale.language == "zh":
        return "zh-CN"
    return str(locale.language)


def _template_context() -> dict[str, Any]:
    locale = get_locale()
    return {
        "locale_names": LOCALE_NAMES,
        "current_locale": str(locale) if locale else "zh_Hans_CN",
        "html_lang": _html_lang(locale),
        "html_dir": g.get("visitor_dir", "ltr"),
    }


def _isolate(response: Response) -> Response:
    """No other site's window keeps a handle on ours (a phishing page opened from a QR code
    cannot navigate the operator's tab)."""
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def init_app(app: Flask) -> None:
    # cycle: web.views -> web.forms -> signage_server.web (this package)
    from signage_server.web import views

    app.session_interface = SessionCookies()
    app.after_request(_isolate)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    app.context_processor(_template_context)
    app.register_blueprint(views.bp)
