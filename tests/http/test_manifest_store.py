"""Manifests are content-addressed rows that several processes may store at once."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.extensions import db
from signage_server.schedule.models import Playlist
from signage_server.screens import manifests
from signage_server.screens.context import manifest_context
from signage_server.screens.models import Manifest
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenGroup
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


def test_the_playlists_of_many_screens_are_those_of_each(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    """A push looks up the playlists of all its screens at once: the same as one by one
    (direct and through a group, inactive playlists left out, a screen without any)."""
    make.users("jiyi01_operator")
    ids = [register(client, make, name=f"屏{n}")["id"] for n in range(3)]
    with app.app_context():
        first, second, third = (db.session.get(Screen, i) for i in ids)
        assert first is not None and second is not None and third is not None
        group = ScreenGroup(org_id=first.org_id, name="组", screens=[second])
        active = Playlist(org_id=first.org_id, name="甲", screens=[first], groups=[group])
        inactive = Playlist(org_id=first.org_id, name="乙", screens=[first, second], active=False)
        direct = Playlist(org_id=first.org_id, name="丙", screens=[second])
        db.session.add_all([group, active, inactive, direct])
        db.session.commit()
        batched = manifests.playlist_ids_of(db.session, ids)
        assert batched == {
            s.id: manifests._playlist_ids(db.session, s) for s in (first, second, third)
        }
        assert batched == {
            first.id: [active.id],
            second.id: sorted([active.id, direct.id]),
            third.id: [],
        }
