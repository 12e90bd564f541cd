"""Sunshine Signage (阳光公开屏): the server. ``create_app`` builds the Flask application."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

from signage_server.clock import Clock
from signage_server.clock import FileClock
from signage_server.clock import SystemClock

if TYPE_CHECKING:  # importing Flask is deferred so that ``signage serve`` can patch gevent first
    from flask import Flask

__version__ = "0.1.0"

#: The Content-Security-Policy of every page: nothing from outside, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "img-src": "'self' data: blob:",
    "style-src": "'self'",
    "script-src": "'self'",
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}

#: Browser features no page of ours uses: off for every page (and anything injected into one).
PERMISSIONS_POLICY = {
    "camera": "()",
    "microphone": "()",
    "geolocation": "()",
    "payment": "()",
    "usb": "()",
    "browsing-topics": "()",
}


def create_app(overrides: Mapping[str, Any] | None = None, *, clock: Clock | None = None) -> Flask:
    """Build the application.

    :param overrides: lower-case keys override :class:`~signage_server.config.Settings`
        fields (after the ``SIGNAGE_*`` environment); upper-case keys go straight into
        ``app.config`` (e.g. ``TESTING``).
    :param clock: the time source (default: the system clock, or the test clock file of
        ``SIGNAGE_TEST_CLOCK``); tests pass a fixed one.
    """
    # lazy: the `signage` command imports this package before it patches gevent
    # (signage_server.cli.main); nothing here may load Flask before that.
    from flask import Flask
    from werkzeug.middleware.proxy_fix import ProxyFix

    from signage_server import config
    from signage_server import errorhandlers
    from signage_server import logs
    from signage_server import services
    from signage_server.accounts import init_app as init_accounts
    from signage_server.accounts.services import Passwords
    from signage_server.appraisal import init_app as init_appraisal
    from signage_server.assessment import init_app as init_assessment
    from signage_server.assets import init_app as init_assets
    from signage_server.audit import init_app as init_audit
    from signage_server.catalog import init_app as init_catalog
    from signage_server.disclosure import init_app as init_disclosure
    from signage_server.extensions import db
    from signage_server.extensions import limiter
    from signage_server.extensions import talisman
    from signage_server.feedback import init_app as init_feedback
    from signage_server.fleet import init_app as init_fleet
    from signage_server.matters import init_app as init_matters
    from signage_server.metrics import init_app as init_metrics
    from signage_server.orgs import init_app as init_orgs
    from signage_server.paper import init_app as init_paper
    from signage_server.public import init_app as init_public
    from signage_server.realtime import init_app as init_realtime
    from signage_server.schedule import init_app as init_schedule
    from signage_server.screens import init_app as init_screens
    from signage_server.services import CLOCK
    from signage_server.supervision import init_app as init_supervision
    from signage_server.web import init_app as init_web
    from signage_server.web.converters import init_app as init_converters

    overrides = dict(overrides or {})
    flask_config = {k: v for k, v in overrides.items() if k.isupper()}
    settings = config.load_settings(overrides={k: v for k, v in overrides.items() if k.islower()})

    app = Flask(__name__, instance_path=settings.data_dir or None)
    init_converters(app)
    settings = config.resolve_paths(settings, app.instance_path)
    logs.configure(settings.log_level, settings.log_format)

    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_content_length,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_NAME="signage_session",
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=settings.session_hours),
        WTF_CSRF_TIME_LIMIT=settings.session_hours * 3600,
        BABEL_DEFAULT_LOCALE=settings.default_locale,
        BABEL_DEFAULT_TIMEZONE=settings.timezone,
        RATELIMIT_STORAGE_URI=settings.redis_url or "memory://",
        RATELIMIT_HEADERS_ENABLED=True,
        RATELIMIT_KEY_PREFIX="signage",
    )
    app.config.update(flask_config)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    services.register(app, config.Settings, settings)
    if clock is None:
        clock = FileClock(settings.test_clock) if settings.test_clock else SystemClock()
    services.register(app, CLOCK, clock)
    services.register(
        app,
        Passwords,
        Passwords.create(
            settings.argon2_time_cost, settings.argon2_memory_cost, settings.argon2_parallelism
        ),
    )

    db.init_app(app, settings.database_url)
    init_audit(app)
    limiter.init_app(app)
    talisman.init_app(
        app,
        force_https=False,
        content_security_policy=CONTENT_SECURITY_POLICY,
        session_cookie_secure=settings.secure_cookies,
        strict_transport_security=settings.secure_cookies,
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy=PERMISSIONS_POLICY,
    )
    logs.init_app(app)
    init_web(app)
    init_accounts(app)
    init_orgs(app)
    init_assets(app)
    init_disclosure(app)
    init_catalog(app)
    init_supervision(app)
    init_matters(app)
    init_realtime(app)
    init_screens(app)
    init_fleet(app)
    init_schedule(app)
    init_feedback(app)
    init_appraisal(app)
    init_assessment(app)
    init_paper(app)
    init_public(app)
    init_metrics(app)
    errorhandlers.init_app(app)

    from signage_server.cli import init_app as init_cli

    init_cli(app)
    return app
