"""The one SQLAlchemy metadata, shared column types, engine creation, and the transaction
of a use case (:func:`transaction`: commit, or roll back on any error). No Flask here."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from typing import Annotated
from typing import Any
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.orm import Session
from sqlalchemy.orm import mapped_column
from sqlalchemy.sql.functions import FunctionElement

logger = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: Ids in one ``IN (…)`` list where a database takes them as bound parameters one by one
#: (SQLite allows 32,766 per statement; each costs compiling and binding).
IDS_PER_STATEMENT = 500


def in_batches(
    session: Session, column: sa.ColumnElement[int] | QueryableAttribute[int], ids: Sequence[int]
) -> Iterator[tuple[list[int], sa.ColumnElement[bool]]]:
    """Yield ``(batch, condition)``: ``column`` is one of the batch's ids. PostgreSQL takes all
    the ids as one array parameter (``= ANY(:ids)``, one statement whatever their number);
    other databases get an ``IN`` list per :data:`IDS_PER_STATEMENT` ids."""
    ids = list(ids)
    if not ids:
        return
    if session.get_bind().dialect.name == "postgresql":
        yield ids, column == sa.any_(sa.literal(ids, postgresql.ARRAY(sa.Integer)))
        return
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        batch = ids[start : start + IDS_PER_STATEMENT]
        yield batch, column.in_(batch)


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """Carry out one use case in ``session``: commit when the block ends, or roll back when it
    raises (a refused change leaves nothing behind; the caller may show the form again)."""
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    session.commit()


def utcnow() -> dt.datetime:
    """Return the current time, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.types.TypeDecorator[dt.datetime]):
    """A timestamp that is always timezone-aware UTC in Python, whatever the database keeps.

    PostgreSQL stores ``timestamptz``; SQLite stores text without offset, which is read
    back as UTC. Naive datetimes are refused so that no local time slips in unnoticed.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


intpk = Annotated[int, mapped_column(primary_key=True)]
timestamp = Annotated[dt.datetime, mapped_column(UTCDateTime())]
created_at = Annotated[dt.datetime, mapped_column(UTCDateTime(), default=utcnow)]
str32 = Annotated[str, mapped_column(sa.String(32))]
str64 = Annotated[str, mapped_column(sa.String(64))]
str200 = Annotated[str, mapped_column(sa.String(200))]


class Base(DeclarativeBase):
    """Declarative base of every model; its metadata is Alembic's target."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime()}


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL mode, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def str_enum(enum: type[Any], length: int = 24) -> sa.Enum:
    """Return a column type storing a ``StrEnum`` by value as VARCHAR (no database enum)."""
    return sa.Enum(
        enum, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class json_list_has(FunctionElement[bool]):
    """SQL condition: the JSON list in the first argument holds the integer in the second
    (``json_list_has(Revision.contributors, user_id)``), on SQLite and PostgreSQL."""

    type = sa.Boolean()
    inherit_cache = True
    name = "json_list_has"


@compiles(json_list_has)
def _json_list_has_sqlite(element: json_list_has, compiler: Any, **kw: Any) -> str:
    column, value = element.clauses.clauses
    # Both parts are compiled SQL expressions (bound parameters), never text from outside.
    return (
        f"EXISTS (SELECT 1 FROM json_each({compiler.process(column, **kw)})"  # noqa: S608
        f" WHERE json_each.value = {compiler.process(value, **kw)})"
    )


@compiles(json_list_has, "postgresql")
def _json_list_has_postgresql(element: json_list_has, compiler: Any, **kw: Any) -> str:
    column, value = element.clauses.clauses
    return (
        f"(CAST({compiler.process(column, **kw)} AS JSONB)"
        f" @> jsonb_build_array(CAST({compiler.process(value, **kw)} AS INTEGER)))"
    )
