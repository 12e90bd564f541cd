"""``db.in_batches``: ids in one array parameter on PostgreSQL, in IN lists elsewhere; the
same rows either way."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.db import IDS_PER_STATEMENT
from signage_server.db import in_batches
from tests.conftest import POSTGRES_URL
from tests.conftest import need_service
from tests.conftest import postgres_problem

numbers = sa.table("numbers", sa.column("n", sa.Integer))


def rows(url: str, wanted: list[int]) -> tuple[int, list[int]]:
    """Return (statements, rows found) for ``wanted`` in a temporary table of 0..1199."""
    engine = sa.create_engine(url)
    try:
        with Session(engine) as session:
            session.execute(sa.text("CREATE TEMPORARY TABLE numbers (n INTEGER)"))
            session.execute(sa.insert(numbers), [{"n": n} for n in range(1200)])
            found: list[int] = []
            statements = 0
            for batch, among in in_batches(session, numbers.c.n, wanted):
                assert set(batch) <= set(wanted)
                found += session.scalars(sa.select(numbers.c.n).where(among))
                statements += 1
            return statements, sorted(found)
    finally:
        engine.dispose()


WANTED = [n for n in range(0, 2400, 2)]  # half of them exist


def test_sqlite_gets_in_lists_of_a_bounded_size() -> None:
    statements, found = rows("sqlite://", WANTED)
    assert statements == -(-len(WANTED) // IDS_PER_STATEMENT)
    assert found == [n for n in WANTED if n < 1200]


@pytest.mark.postgres
def test_postgresql_gets_one_array_parameter() -> None:
    need_service("PostgreSQL", postgres_problem())
    statements, found = rows(POSTGRES_URL, WANTED)
    assert statements == 1
    assert found == [n for n in WANTED if n < 1200]


def test_no_ids_no_statement() -> None:
    assert rows("sqlite://", []) == (0, [])
