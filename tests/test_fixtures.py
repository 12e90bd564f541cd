"""The shared fixtures themselves: each test starts from the database it asks for."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from signage_server.accounts.models import User
from signage_server.demo import data
from signage_server.extensions import db
from signage_server.orgs.models import Org
from tests.conftest import Demo
from tests.conftest import Snapshot
from tests.conftest import digest
from tests.conftest import filled_tables
from tests.conftest import restore
from tests.conftest import wipe


def test_the_demo_county_is_put_back_whole_after_any_change(
    app: Flask, demo: Demo, demo_snapshot: Snapshot
) -> None:
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Org)) == len(data.ORGS)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 36
        with db.engine.connect() as connection:
            assert digest(connection) == demo_snapshot.digest
        # A test changes, adds and deletes rows (and uses up ids) ...
        county = db.session.scalar(sa.select(Org).where(Org.code == "XIAN"))
        assert county is not None
        kind, county_id = county.kind, county.id
        county.name = "改了名的县"
        db.session.add(Org(code="NEW", name="新单位", kind=kind, parent=county))
        db.session.commit()
        db.session.close()
        with db.engine.connect() as connection:
            assert digest(connection) != demo_snapshot.digest
        # ... the next one gets the county as seeded, ids included.
        wipe(db.engine)
        with db.engine.connect() as connection:
            assert filled_tables(connection) == set()
        restore(db.engine, demo_snapshot)
        with db.engine.connect() as connection:
            assert digest(connection) == demo_snapshot.digest
        added = Org(code="NEW", name="新单位", kind=kind, parent_id=county_id)
        db.session.add(added)
        db.session.commit()
        assert added.id == len(data.ORGS) + 1
        db.session.close()


def test_a_test_without_the_demo_gets_an_empty_database(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        assert filled_tables(connection) == set()


def test_apps_share_url_builders_that_build_what_their_own_would(app: Flask) -> None:
    from werkzeug.routing.converters import NumberConverter
    from werkzeug.routing.converters import PathConverter
    from werkzeug.routing.rules import Rule

    original = Rule._compile_builder.original  # type: ignore[attr-defined]
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 100
    for rule in rules:
        arguments = {
            name: 7
            if isinstance(converter, NumberConverter)
            else "a/b.css"
            if isinstance(converter, PathConverter)
            else "x"
            for name, converter in rule._converters.items()
        }
        for unknown in (False, True):
            own = original(rule, unknown).__get__(rule, None)
            shared = rule._build_unknown if unknown else rule._build
            query = {"page": "2"} if unknown else {}
            assert shared(**arguments, **query) == own(**arguments, **query), rule.rule
