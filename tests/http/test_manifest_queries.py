"""Refreshing manifests costs the same few queries for 5 screens as for 40 (issue 12: no
query per screen or per asset)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from signage_server.disclosure.audience import Audience
from signage_server.extensions import db
from signage_server.orgs.models import Org
from signage_server.screens import manifests
from signage_server.screens.context import manifest_context
from signage_server.screens.models import Manifest
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenManifestLog
from tests.conftest import NOW
from tests.factories import Factory

LAYOUTS = ("landscape", "portrait")
AUDIENCES = (Audience.PUBLIC, Audience.PARTY)


def _refresh_counting(app: Flask, count: int) -> tuple[int, int]:
    """Add ``count`` screens to the village and refresh them all; return the SQL statements
    issued and the manifests compiled."""
    with app.app_context():
        org = db.session.scalar(sa.select(Org).where(Org.code == "JIYI-01"))
        assert org is not None
        db.session.execute(sa.delete(ScreenManifestLog))
        db.session.execute(sa.delete(Screen))
        db.session.execute(sa.delete(Manifest))
        for n in range(count):
            db.session.add(
                Screen(
                    org_id=org.id,
                    name=f"屏{n}",
                    audience=AUDIENCES[n % 2],
                    layout=LAYOUTS[(n // 2) % 2],
                )
            )
        db.session.commit()
        screens = manifests.affected_screens(db.session, [org.id], [], everything=False)
        assert len(screens) == count
        statements: list[str] = []

        def counted(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", counted)
        try:
            changed = manifests.refresh(db.session, screens, manifest_context(app, NOW))
            db.session.commit()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counted)
        assert sum(len(ids) for _m, ids in changed.values()) == count
        logged = db.session.scalar(sa.select(sa.func.count()).select_from(ScreenManifestLog))
        assert logged == count
        return len(statements), len(changed)


def test_the_queries_of_a_refresh_do_not_grow_with_the_screens(app: Flask, make: Factory) -> None:
    make.item("JIYI-01", "published", title="村务公开一")
    make.item("JIYI-01", "published", title="村务公开二")
    make.item("JIYI", "published", title="镇务公开")
    few, few_manifests = _refresh_counting(app, 5)
    many, many_manifests = _refresh_counting(app, 40)
    # Both have every audience and layout: the same groups, the same manifests.
    assert few_manifests == many_manifests >= 2
    assert many <= few + 2, (few, many)


def test_versions_of_many_screens_are_written_set_based(
    app: Flask, make: Factory, monkeypatch: Any
) -> None:
    """A version many screens get is written with set-based statements (per batch of ids), the
    others row by row: either way each screen holds its version, logged at the same moment."""
    make.item("JIYI-01", "published", title="村务公开一")
    make.item("JIYI", "published", title="镇务公开")
    rows_only, versions = _refresh_counting(app, 12)
    monkeypatch.setattr(manifests, "SET_BASED_FROM", 3)  # every version (3 screens or more)
    set_based, again = _refresh_counting(app, 12)
    assert again == versions >= 2
    # Two statements per version instead of two in all.
    assert set_based == rows_only - 2 + 2 * versions
    with app.app_context():
        held = db.session.execute(
            sa.select(Screen.id, Screen.manifest_version, ScreenManifestLog.version).join(
                ScreenManifestLog, ScreenManifestLog.screen_id == Screen.id
            )
        ).all()
        assert len(held) == 12
        assert all(version and version == logged for _id, version, logged in held)
        sent = set(db.session.scalars(sa.select(ScreenManifestLog.sent_at)))
        assert len(sent) == 1
