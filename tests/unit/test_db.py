"""``db.transaction``: a use case commits when it ends, and leaves nothing behind when refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.db import create_engine
from signage_server.db import transaction
from signage_server.errors import RuleViolation

NOTES = sa.Table("notes", sa.MetaData(), sa.Column("text", sa.String(20)))


@pytest.fixture
def engine() -> sa.Engine:
    found = create_engine("sqlite://")
    NOTES.metadata.create_all(found)
    return found


def texts(engine: sa.Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(sa.select(NOTES.c.text)))


def test_the_block_is_committed(engine: sa.Engine) -> None:
    with Session(engine) as session:
        with transaction(session):
            session.execute(NOTES.insert().values(text="kept"))
        assert not session.in_transaction()
    assert texts(engine) == ["kept"]


def refused(session: Session) -> None:
    with transaction(session):
        session.execute(NOTES.insert().values(text="dropped"))
        raise RuleViolation("no")


def test_a_refused_change_is_rolled_back_and_the_error_goes_on(engine: sa.Engine) -> None:
    with Session(engine) as session:
        with pytest.raises(RuleViolation):
            refused(session)
        assert not session.in_transaction()
    assert texts(engine) == []


def test_a_value_returned_from_the_block_is_committed_too(engine: sa.Engine) -> None:
    def use_case(session: Session) -> str:
        with transaction(session):
            session.execute(NOTES.insert().values(text="returned"))
            return "done"

    with Session(engine) as session:
        assert use_case(session) == "done"
    assert texts(engine) == ["returned"]
