"""This installation's keys and addresses for appraisals (the one place they are built): the
key that signs the public pages' codes, the key of the voters' HMAC, the QR address, the
one-time code policy and the text-message sender."""

from __future__ import annotations

import hashlib

from flask import Flask

from signage_server import services as registry
from signage_server.appraisal import codes
from signage_server.appraisal.rules import CodePolicy
from signage_server.appraisal.sms import SMS
from signage_server.appraisal.sms import SmsSender
from signage_server.config import Settings
from signage_server.config import audit_key_bytes


def code_key(app: Flask | None = None) -> bytes:
    return codes.derive_key(registry.get(Settings, app).secret_key)


def voter_key(app: Flask | None = None) -> bytes:
    """Return the key of the voters' HMAC, derived from the audit key: kept outside the
    database and never rotated (a new key would let everybody vote again)."""
    label = b"signage appraisal voters\x00"
    return hashlib.sha256(label + audit_key_bytes(registry.get(Settings, app))).digest()


def page_code(appraisal_id: int, app: Flask | None = None) -> str:
    return codes.make(code_key(app), appraisal_id)


def page_url(appraisal_id: int, app: Flask | None = None) -> str:
    """Return the absolute address of the appraisal's public page (what its QR code carries)."""
    return codes.page_url(registry.get(Settings, app).public_url, page_code(appraisal_id, app))


def policy(app: Flask | None = None) -> CodePolicy:
    return CodePolicy(sends_per_hour=registry.get(Settings, app).appraisal_sends_per_hour)


def sender(app: Flask | None = None) -> SmsSender:
    return registry.get(SMS, app)
