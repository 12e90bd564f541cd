"""The Alembic migrations build exactly the schema the models describe, and go both ways."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import signage_server.models  # noqa: F401 - every table on the metadata
from signage_server import migrations
from signage_server.db import Base
from signage_server.db import create_engine
from tests.conftest import fresh_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
        yield engine
        engine.dispose()
        return
    with fresh_postgres_database() as url:
        engine = create_engine(url)
        yield engine
        engine.dispose()


def diff(engine: sa.Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def test_upgrade_matches_models(empty_engine: sa.Engine) -> None:
    migrations.upgrade(empty_engine)
    assert migrations.current(empty_engine) == migrations.head()
    assert diff(empty_engine) == []


def test_downgrade_to_base_and_back(empty_engine: sa.Engine) -> None:
    migrations.upgrade(empty_engine)
    migrations.downgrade(empty_engine, "base")
    assert sa.inspect(empty_engine).get_table_names() == ["alembic_version"]
    migrations.upgrade(empty_engine)
    assert diff(empty_engine) == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_migration_files_are_named_and_titled() -> None:
    versions = Path(migrations.__file__).parent / "versions"
    for path in versions.glob("*.py"):
        rev, _, slug = path.stem.partition("_")
        assert rev.isdigit() and slug, path.name
        first_line = path.read_text(encoding="utf-8").splitlines()[0]
        assert first_line.startswith('"""') and len(first_line) > 10, path.name
