"""Shared fixtures: an app per test on SQLite and on PostgreSQL, clients, the demo county.

PostgreSQL and Redis tests run whenever the servers answer (127.0.0.1:5432 database
``test``, 127.0.0.1:6379; override with SIGNAGE_TEST_POSTGRES_URL / SIGNAGE_TEST_REDIS_URL).
When they do not, those tests are skipped with the reason, except when
SIGNAGE_REQUIRE_SERVICES=1 (set by .ci/run): then an unreachable service fails the run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
import shutil
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

import jinja2
import jinja2.bccache
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck
from hypothesis import settings

from signage_server import create_app
from signage_server import migrations
from signage_server.clock import FixedClock
from signage_server.db import Base
from signage_server.db import create_engine

# Property tests never race the wall clock either: on a loaded machine, Hypothesis's limits on
# the time an example or its generation takes would fail a test that has found nothing wrong.
settings.register_profile("signage", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("signage")

if TYPE_CHECKING:
    from tests.factories import Factory

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
POSTGRES_URL = os.environ.get(
    "SIGNAGE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("SIGNAGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUIRE_SERVICES = os.environ.get("SIGNAGE_REQUIRE_SERVICES") == "1"
DEMO_PASSWORD = "demo-Passw0rd"

#: Cheap argon2 parameters: tests hash hundreds of passwords.
FAST_HASHING = {"argon2_time_cost": 1, "argon2_memory_cost": 1024, "argon2_parallelism": 1}


def share_url_builders() -> None:
    """Let the tests' apps share Werkzeug's compiled URL builders.

    Every test builds its own app, and Werkzeug compiles two Python functions for each of its
    ~150 routes: four fifths of building an app (40 of 50 ms, times some 1,700 apps). A
    builder depends only on its rule (the text, its parsed parts, whether unknown arguments
    are appended); it reaches the rule's converters through the rule it is bound to. So the
    function compiled for one app's rule serves the same rule of the next app. Rules with
    defaults (none of ours) are compiled as usual. The server processes are untouched.
    """
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    if getattr(compile_builder, "shared", False):
        return
    compiled: dict[tuple[Any, ...], Any] = {}

    def shared(self: Rule, append_unknown: bool = True) -> Any:
        if self.defaults:
            return compile_builder(self, append_unknown)
        key = (self.rule, tuple(self._trace), append_unknown)
        if key not in compiled:
            compiled[key] = compile_builder(self, append_unknown)
        return compiled[key]

    shared.shared = True  # type: ignore[attr-defined]
    shared.original = compile_builder  # type: ignore[attr-defined]
    Rule._compile_builder = shared  # type: ignore[method-assign]


share_url_builders()


class SharedBytecode(jinja2.BytecodeCache):
    """Jinja's compiled templates, kept in memory for every app of the test process.

    Each test builds its own app, hence its own Jinja environment, which compiled every
    template it rendered again: a tenth of the time of the HTTP tests. The apps' environments
    are configured alike (same extensions, same autoescaping), which is what sharing compiled
    code needs; a template whose source changes gets a new checksum and is compiled anew.
    """

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


SHARED_BYTECODE = SharedBytecode()


def share_engines() -> None:
    """Let the tests' apps on one database share its engine.

    SQLAlchemy caches compiled SQL per engine; every test's new app had a new engine and
    compiled each statement again (a sixth of the HTTP tests' time). Each app gets its own
    ``Engine`` object (an option engine: what is bound to an engine, like the audit key,
    stays the app's), sharing the first one's dialect, pool and compiled SQL. The apps'
    listeners are on their own session factories. ``db.dispose`` still closes the
    connections after each test. The server processes are untouched.
    """
    from signage_server import extensions

    create = extensions.create_engine
    if getattr(create, "shared", False):
        return
    engines: dict[str, sa.Engine] = {}

    def shared(url: str) -> sa.Engine:
        if url not in engines:
            engines[url] = create(url)
        return engines[url].execution_options()

    shared.shared = True  # type: ignore[attr-defined]
    extensions.create_engine = shared  # type: ignore[assignment]


share_engines()


def need_service(name: str, problem: str | None) -> None:
    """Skip (or, under SIGNAGE_REQUIRE_SERVICES=1, fail) when service ``name`` is unreachable."""
    if problem is None:
        return
    message = f"{name} not reachable: {problem}"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} (SIGNAGE_REQUIRE_SERVICES=1: CI must run these tests)")
    pytest.skip(message)


_probe_cache: dict[str, str | None] = {}


def postgres_problem() -> str | None:
    if "pg" not in _probe_cache:
        try:
            engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
            with engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
            engine.dispose()
            _probe_cache["pg"] = None
        except Exception as error:
            _probe_cache["pg"] = f"{POSTGRES_URL}: {type(error).__name__}: {error}".splitlines()[0]
    return _probe_cache["pg"]


def redis_problem() -> str | None:
    if "redis" not in _probe_cache:
        import redis

        try:
            redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
            _probe_cache["redis"] = None
        except redis.RedisError as error:
            _probe_cache["redis"] = f"{REDIS_URL}: {error}"
    return _probe_cache["redis"]


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright, one per test process: the player and the
    browser tests share it (two sync Playwright instances cannot run in one thread)."""
    need_service("Chromium", chromium_problem())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


def print_tools_problem() -> str | None:
    missing = [tool for tool in ("pdftoppm", "zbarimg") if shutil.which(tool) is None]
    if missing:
        return f"{' and '.join(missing)} missing (make test installs poppler-utils, zbar-tools)"
    return None


@pytest.fixture
def print_tools() -> None:
    """pdftoppm and zbarimg, to render a printed page and decode its QR code."""
    need_service("pdftoppm/zbarimg", print_tools_problem())


def chromium_problem() -> str | None:
    if not Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium is missing (make test installs Debian's chromium)"
    return None


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated, empty database for the session, on each backend in turn."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'signage.db'}"
        engine = create_engine(url)
        migrations.upgrade(engine)
        engine.dispose()
        yield url
        return
    with fresh_postgres_database() as url:
        engine = create_engine(url)
        migrations.upgrade(engine)
        engine.dispose()
        yield url


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """Create an empty PostgreSQL database for the caller and drop it afterwards."""
    need_service("PostgreSQL", postgres_problem())
    name = f"signage_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        # A test's commits need not wait for the disk (the database goes at the end anyway).
        connection.execute(sa.text(f'ALTER DATABASE "{name}" SET synchronous_commit TO off'))
    try:
        yield (
            sa.engine.make_url(POSTGRES_URL)
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def filled_tables(connection: sa.Connection) -> set[str]:
    """Return the names of the tables that hold rows (one query)."""
    probes = " UNION ALL ".join(
        f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")"  # noqa: S608 - our table names
        for t in Base.metadata.sorted_tables
    )
    return set(connection.execute(sa.text(probes)).scalars())


def wipe(engine: sa.Engine) -> None:
    """Delete every row of every table, children first, and restart the id sequences: a
    database as migrated. Only the tables holding rows are touched (a test fills a few; a
    TRUNCATE of them all costs PostgreSQL a tenth of a second)."""
    with engine.begin() as connection:
        filled = filled_tables(connection)
        for table in reversed(Base.metadata.sorted_tables):
            if table.name in filled:
                connection.execute(table.delete())
        if engine.dialect.name == "postgresql":
            # A sequence read since its restart has a last value (rows rolled back count too).
            connection.execute(
                sa.text(
                    "SELECT setval(format('%I.%I', schemaname, sequencename), 1, false)"
                    " FROM pg_sequences"
                    " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
                )
            )
        # SQLite's ids (no AUTOINCREMENT) start again from the largest one left: none.


@dataclass(frozen=True)
class Snapshot:
    """The rows of a seeded database, to put back into an emptied one (see :func:`restore`)."""

    #: ``(table, rows)``, parents first; only the tables that held rows.
    tables: tuple[tuple[sa.Table, tuple[dict[str, Any], ...]], ...]
    #: PostgreSQL: the last value of each sequence that had been used.
    sequences: tuple[tuple[str, int], ...]
    #: A digest of every row (see :func:`digest`).
    digest: str


def digest(connection: sa.Connection) -> str:
    """Return a digest of every row of every table (ordered by primary key)."""
    hashed = hashlib.sha256()
    for table in Base.metadata.sorted_tables:
        rows = connection.execute(sa.select(table).order_by(*table.primary_key.columns))
        hashed.update(f"{table.name}:{[tuple(row) for row in rows]!r}\n".encode())
    return hashed.hexdigest()


def snapshot(engine: sa.Engine) -> Snapshot:
    """Read every row of the database (a few hundred: the demo county without content)."""
    with engine.connect() as connection:
        filled = filled_tables(connection)
        tables = tuple(
            (
                table,
                # In key order: a row's parent (orgs.parent_id) was made before it, and comes
                # back before it whatever order the database keeps rows in.
                tuple(
                    dict(row)
                    for row in connection.execute(
                        sa.select(table).order_by(*table.primary_key.columns)
                    ).mappings()
                ),
            )
            for table in Base.metadata.sorted_tables
            if table.name in filled
        )
        sequences: tuple[tuple[str, int], ...] = ()
        if engine.dialect.name == "postgresql":
            sequences = tuple(
                (str(name), int(value))
                for name, value in connection.execute(
                    sa.text(
                        "SELECT format('%I.%I', schemaname, sequencename), last_value"
                        " FROM pg_sequences"
                        " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
                    )
                )
            )
        return Snapshot(tables, sequences, digest(connection))


def restore(engine: sa.Engine, saved: Snapshot) -> None:
    """Put the rows of ``saved`` back into the emptied database, sequences included."""
    with engine.begin() as connection:
        for table, rows in saved.tables:
            connection.execute(table.insert(), list(rows))
        for name, value in saved.sequences:
            connection.execute(
                sa.text("SELECT setval(:name, :value)"), {"name": name, "value": value}
            )


#: The tests' "now": Monday 23 November 2026, 09:00 in Shanghai (a working day).
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def make_app(database_url: str, data_dir: Path, *, clock: Any = None, **overrides: Any) -> Flask:
    settings: dict[str, Any] = {
        "database_url": database_url,
        "data_dir": str(data_dir),
        "secret_key": "test-secret-key",
        # One installation's processes share the audit key (apps on one database in a test too).
        "audit_key": "test-audit-key",
        "demo_password": DEMO_PASSWORD,
        "log_level": "WARNING",
        **FAST_HASHING,
        "TESTING": True,
    }
    settings.update(overrides)
    application = create_app(settings, clock=clock or FixedClock(NOW))
    application.jinja_env.bytecode_cache = SHARED_BYTECODE
    return application


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    """Settings a test module wants on its app (override this fixture)."""
    return {}


@pytest.fixture
def app(database_url: str, tmp_path: Path, app_overrides: dict[str, Any]) -> Iterator[Flask]:
    """The application on a clean database (SQLite, then PostgreSQL)."""
    application = make_app(database_url, tmp_path / "data", **app_overrides)
    from signage_server.extensions import db

    with application.app_context():
        wipe(db.engine)
    yield application
    with application.app_context():
        db.session.rollback()
        wipe(db.engine)
    db.dispose(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def clock(app: Flask) -> FixedClock:
    """The app's clock, standing at :data:`NOW` until a test moves it."""
    from signage_server import services
    from signage_server.services import CLOCK

    found = services.get(CLOCK, app)
    assert isinstance(found, FixedClock)
    return found


class Demo:
    """The seeded demo county, with helpers to act as its users."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.password = DEMO_PASSWORD
        self._tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        """Return an API token of ``username`` (created once per test)."""
        if username not in self._tokens:
            from signage_server.accounts import services
            from signage_server.extensions import db

            with self.app.app_context():
                user = services.get_user(db.session, username)
                assert user is not None, username
                _token, plain = services.create_token(db.session, user, name="test")
                db.session.commit()
            self._tokens[username] = plain
        return self._tokens[username]

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"}

    def login(self, client: FlaskClient, username: str, password: str | None = None) -> None:
        response = post_form(
            client,
            "/login",
            {"username": username, "password": password or self.password},
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture(scope="session")
def demo_snapshot(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """The demo county of CONTRACT.md, seeded once per backend through the real seeding code
    and kept as rows (the database is emptied again for the tests without it)."""
    from signage_server import services
    from signage_server.accounts.services import Passwords
    from signage_server.demo.seed import seed
    from signage_server.extensions import db

    application = make_app(database_url, tmp_path_factory.mktemp("demo-seed"))
    with application.app_context():
        wipe(db.engine)
        seed(db.session, services.get(Passwords), DEMO_PASSWORD)
        db.session.commit()
        db.session.close()
        saved = snapshot(db.engine)
        wipe(db.engine)
    db.dispose(application)
    return saved


@pytest.fixture
def demo(app: Flask, demo_snapshot: Snapshot) -> Demo:
    """The demo county of CONTRACT.md (seeded once per session, put back for each test)."""
    from signage_server.extensions import db

    with app.app_context():
        restore(db.engine, demo_snapshot)
    return Demo(app)


@pytest.fixture
def make(app: Flask) -> Factory:
    """Factories of orgs, users, items, screens and cases on the app (see tests/factories.py)."""
    from tests.factories import Factory  # cycle: tests.factories -> tests.conftest (Demo)

    return Factory(app)


CSRF_INPUT_RE = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE_RE = re.compile(r'value="([^"]+)"')


def csrf_token(client: FlaskClient, page: str) -> str:
    """Open ``page`` and return the CSRF token of its forms."""
    html = client.get(page).get_data(as_text=True)
    field = CSRF_INPUT_RE.search(html)
    assert field, f"no CSRF token on {page}"
    value = VALUE_RE.search(field.group(0))
    assert value
    return value.group(1)


def post_form(
    client: FlaskClient, url: str, data: dict[str, Any], page: str | None = None, **kwargs: Any
) -> Any:
    """Submit a form the way a browser does: read the CSRF token off ``page``, then POST."""
    token = csrf_token(client, page or url)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots and other things to look at are saved (``test-artifacts/``)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def _no_leaked_app_context() -> Iterator[None]:
    """A test leaves no app context pushed: Flask's CLI would otherwise run a later test's
    commands against this test's app (``with_appcontext`` reuses a current app)."""
    from flask import has_app_context

    assert not has_app_context(), "an earlier test left an app context pushed"
    yield
    assert not has_app_context(), "this test left an app context pushed"
