"""The QR codes of this installation: the one key that signs them and the one address they
carry. Every caller (the QR pages, the player's manifest and hello, posters and boards, the
public page, the screen's operator page) builds its codes and links here.

The key is derived from the installation's secret key (``Settings.secret_key``, read here
and nowhere else for codes); the address is the public URL (``Settings.public_url``) with
the form's path (:func:`signage_server.feedback.codes.form_url`).
"""

from __future__ import annotations

from flask import Flask

from signage_server import services as registry
from signage_server.config import Settings
from signage_server.feedback import codes


def code_key(app: Flask | None = None) -> bytes:
    """Return the key that signs this installation's codes (of ``app``, or the current app)."""
    return codes.derive_key(registry.get(Settings, app).secret_key)


def item_code(item_id: int, revision: int, app: Flask | None = None) -> str:
    """Return the code of an item revision as a screen shows it (``r``)."""
    return codes.make(code_key(app), "r", item_id, revision)


def poster_code(item_id: int, app: Flask | None = None) -> str:
    """Return the code of an item as paper carries it (``p``: the live revision when scanned)."""
    return codes.make(code_key(app), "p", item_id)


def screen_code(screen_id: int, app: Flask | None = None) -> str:
    """Return the general code of a screen (what its player and its operator page show)."""
    return codes.make(code_key(app), "s", screen_id)


def form_url(code: str, screen_code: str = "", app: Flask | None = None) -> str:
    """Return the absolute address of the feedback form behind ``code`` (what a QR code
    carries), with the screen's code if it was scanned on one."""
    return codes.form_url(registry.get(Settings, app).public_url, code, screen_code)


def track_url(receipt: str, app: Flask | None = None) -> str:
    """Return the absolute address of a receipt's tracking page (what a receipt slip prints
    and its QR code carries)."""
    return registry.get(Settings, app).public_url.rstrip("/") + codes.track_path(receipt)
