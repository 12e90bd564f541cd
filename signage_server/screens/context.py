"""What compiling manifests needs from the running app: the clock's time, the public URL, the
feedback-code key, the category labels (in the screens' language) and how asset URLs look.

The manifest compiler (``screens.manifests``) stays free of Flask; this module builds its
:class:`~signage_server.screens.manifests.Context` from an app.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext

from signage_server import services as registry
from signage_server.config import Settings
from signage_server.disclosure.rules import CATEGORY_LABELS
from signage_server.disclosure.viewing import local_tz
from signage_server.feedback.links import code_key
from signage_server.screens import manifests

#: Where the category labels are kept once translated, in ``app.extensions``.
LABELS_KEY = "signage_category_labels"
#: The language of the screens.
SCREEN_LOCALE = "zh_Hans_CN"


def asset_url(sha256: str) -> str:
    """Return the address a screen fetches a stored file from."""
    return f"/assets/{sha256}"


def category_labels(app: Flask) -> dict[str, str]:
    """Return the categories' labels in the screens' language (translated once per app)."""
    labels = app.extensions.get(LABELS_KEY)
    if labels is None:
        with app.test_request_context(), force_locale(SCREEN_LOCALE):
            labels = {c.value: str(gettext(label)) for c, label in CATEGORY_LABELS.items()}
        app.extensions[LABELS_KEY] = labels
    assert isinstance(labels, dict)
    return labels


def manifest_context(app: Flask, now: dt.datetime) -> manifests.Context:
    """Return what compiling manifests needs, for ``app`` at ``now``."""
    settings = registry.get(Settings, app)
    return manifests.Context(
        now=now,
        public_url=settings.public_url,
        code_key=code_key(app),
        category_labels=category_labels(app),
        asset_url=asset_url,
        tz=local_tz(app),
    )


def current_context(now: dt.datetime) -> manifests.Context:
    """Return :func:`manifest_context` for the current app."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return manifest_context(app, now)
