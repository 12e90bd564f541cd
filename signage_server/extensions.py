"""Extension objects, created unbound here and attached to an app in ``create_app``."""

from __future__ import annotations

from dataclasses import dataclass

import flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_talisman import Talisman
from flask_wtf import CSRFProtect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.orm import scoped_session
from sqlalchemy.orm import sessionmaker

from signage_server.db import create_engine


def client_address() -> str:
    """Return the caller's address (after ``ProxyFix`` when proxies are trusted)."""
    return flask.request.remote_addr or "unknown"


@dataclass
class _State:
    engine: Engine
    factory: sessionmaker[Session]
    registry: scoped_session[Session]


def _app_ctx_id() -> int:
    return id(flask.globals.app_ctx._get_current_object())  # type: ignore[attr-defined]


class Database:
    """The Flask extension holding each app's engine and session registry.

    Sessions are scoped to the Flask app context (a request, a CLI command, a job) and
    removed when it ends. Services never reach for this object: they receive a ``Session``.
    """

    key = "signage_db"

    def init_app(self, app: flask.Flask, url: str) -> None:
        engine = create_engine(url)
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        app.extensions[self.key] = _State(
            engine, factory, scoped_session(factory, scopefunc=_app_ctx_id)
        )
        app.teardown_appcontext(self._teardown)

    def _state(self) -> _State:
        state = flask.current_app.extensions.get(self.key)
        if state is None:
            raise RuntimeError("the database extension is not initialised on this app")
        assert isinstance(state, _State)
        return state

    def _teardown(self, exc: BaseException | None) -> None:
        self._state().registry.remove()

    def factory(self, app: flask.Flask) -> sessionmaker[Session]:
        """Return the session factory of ``app`` (to listen to its commits)."""
        state = app.extensions[self.key]
        assert isinstance(state, _State)
        return state.factory

    @property
    def engine(self) -> Engine:
        return self._state().engine

    @property
    def session(self) -> Session:
        return self._state().registry()

    def dispose(self, app: flask.Flask) -> None:
        """Close every pooled connection of ``app`` (tests, forked workers)."""
        state = app.extensions.get(self.key)
        if isinstance(state, _State):
            state.engine.dispose()


db = Database()
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
limiter = Limiter(key_func=client_address)
talisman = Talisman()
socketio = SocketIO()
