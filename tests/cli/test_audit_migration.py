"""Migration 0005 re-seals an existing (unkeyed) chain with the audit key, and refuses a
broken one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from signage_server import migrations
from signage_server import services
from signage_server.accounts.services import Passwords
from signage_server.demo.seed import seed
from signage_server.extensions import db
from tests.cli.test_audit_verify import verify
from tests.conftest import DEMO_PASSWORD
from tests.conftest import Demo
from tests.conftest import fresh_postgres_database
from tests.conftest import make_app
from tests.http.items import PARTY
from tests.http.items import create
from tests.http.items import publish_through


@pytest.fixture(params=["sqlite", "postgresql"])
def old_chain(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An installation at revision 0004 whose chain (one published item) is unkeyed."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
        yield from _installation(url, tmp_path)
        return
    with fresh_postgres_database() as url:
        yield from _installation(url, tmp_path)


def _installation(url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(url, tmp_path / "data")
    with app.app_context():
        migrations.upgrade(db.engine)
        seed(db.session, services.get(Passwords), DEMO_PASSWORD)
        db.session.commit()
    demo = Demo(app)
    client = app.test_client()
    # A party-affairs item: installations at 0004 knew only that procedure.
    item = create(client, demo, **PARTY)
    publish_through(client, demo, item["id"])
    with app.app_context():
        migrations.downgrade(db.engine, "0004")
        assert migrations.current(db.engine) == "0004"
    yield app
    db.dispose(app)


def init_db(app: Flask) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["init-db"])
    return result.exit_code, result.output + (str(result.exception) if result.exception else "")


def test_an_intact_chain_is_resealed_with_the_key(old_chain: Flask) -> None:
    code, output = init_db(old_chain)
    assert code == 0, output
    assert "upgraded from 0004" in output
    code, output = verify(old_chain)
    assert code == 0, output
    assert "Audit chain intact: 5 records" in output
    with old_chain.app_context():
        states = db.session.execute(
            sa.text("SELECT state FROM audit_records ORDER BY seq DESC LIMIT 1")
        ).scalar()
    assert states == "published"


def test_a_broken_chain_is_not_resealed(old_chain: Flask) -> None:
    with old_chain.app_context():
        db.session.execute(sa.text("UPDATE audit_records SET reason = '补签' WHERE seq = 3"))
        db.session.commit()
    code, output = init_db(old_chain)
    assert code != 0
    assert "The audit chain is broken at record 3" in output
    with old_chain.app_context():
        assert migrations.current(db.engine) == "0004"
