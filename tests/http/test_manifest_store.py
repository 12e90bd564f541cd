"""Manifests are content-addressed rows that several processes may store at once."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.extensions import db
from signage_server.screens import manifests
from signage_server.screens.context import manifest_context
from signage_server.screens.models import Manifest
from signage_server.screens.models import Screen
from tests.conftest import NOW
from tests.factories import Factory
from tests.realtime.screens import register


def test_a_manifest_another_process_stored_meanwhile_is_taken_as_stored(
    app: Flask, client: FlaskClient, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The push dispatcher once failed with a duplicate key on PostgreSQL, when a request had
    stored the same manifest between its look-up and its insert: the revoked screen it was
    about to disconnect stayed connected."""
    make.users("jiyi01_operator")
    registered = register(client, make)
    with app.app_context():
        context = manifest_context(app, NOW)
        screen = db.session.get(Screen, registered["id"])
        assert screen is not None
        manifests.refresh(db.session, [screen], context)
        db.session.commit()
        version = screen.manifest_version
        assert version and db.session.get(Manifest, version) is not None

        # This session looked before the other process's insert was committed: it sees none.
        real_stored = manifests.stored_versions
        missed: list[str] = []

        def looked_too_early(session: Any, versions: list[str]) -> set[str]:
            if not missed:
                missed.extend(versions)
                return set()
            return real_stored(session, versions)

        monkeypatch.setattr(manifests, "stored_versions", looked_too_early)
        manifests.refresh(db.session, [screen], context)
        db.session.commit()
        assert missed == [version], "the insert of a stored manifest was tried"
        assert screen.manifest_version == version
        monkeypatch.undo()
        rows = db.session.scalar(
            sa.select(sa.func.count()).select_from(Manifest).where(Manifest.version == version)
        )
        assert rows == 1
