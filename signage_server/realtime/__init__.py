"""Realtime: the transport. Socket.IO on gevent, the ``/player`` and ``/admin`` namespaces
(``events``), the notifier that emits (``notifier``), and the dispatcher that, once a
transaction commits, has the touched screens' manifests recompiled (by ``screens``) and
pushes the new ones (``dispatch``). What a manifest or a screen's state holds is the
``screens`` package's business."""

from __future__ import annotations

import threading

from flask import Flask
from gevent import monkey
from sqlalchemy import event

from signage_server import services as registry
from signage_server.config import Settings
from signage_server.extensions import db
from signage_server.extensions import socketio
from signage_server.realtime.batching import ACKS
from signage_server.realtime.batching import DATABASE_GATE
from signage_server.realtime.batching import DATABASE_HANDLERS
from signage_server.realtime.batching import PUSH_NEWS
from signage_server.realtime.batching import PUSH_NEWS_WINDOW
from signage_server.realtime.batching import STATUSES
from signage_server.realtime.batching import WALL
from signage_server.realtime.batching import WINDOW
from signage_server.realtime.batching import Batch
from signage_server.realtime.bench import BenchNamespace
from signage_server.realtime.dispatch import Dispatcher
from signage_server.realtime.events import AdminNamespace
from signage_server.realtime.events import PlayerNamespace
from signage_server.realtime.events import socket_error
from signage_server.realtime.notifier import NOTIFIER
from signage_server.realtime.notifier import SocketIONotifier
from signage_server.realtime.pacing import ATTENDANCE
from signage_server.realtime.pacing import Attendance
from signage_server.screens import changes
from signage_server.screens.services import players

#: Where the dispatcher keeps itself in ``app.extensions``.
DISPATCHER = registry.Key["Dispatcher"]("dispatcher")


def async_mode() -> str:
    """Return ``gevent`` in a process patched for gevent (serve, gunicorn), else threading."""
    return "gevent" if monkey.is_module_patched("socket") else "threading"


def init_app(app: Flask) -> None:
    settings = registry.get(Settings, app)
    mode = async_mode()
    # Flask-SocketIO keeps the queue manager it built for an earlier app in its options and
    # would hand it to this one too (apps without Redis then publish to Redis).
    socketio.server_options.pop("client_manager", None)
    socketio.init_app(
        app,
        async_mode=mode,
        message_queue=settings.redis_url or None,
        channel=settings.socketio_channel,
        # Screens authenticate with their token and may reach the server under another name
        # than the public URL (a village LAN address); the cookie-authenticated /admin
        # namespace checks the origin itself.
        cors_allowed_origins="*",
        ping_interval=25,
        ping_timeout=20,
        max_http_buffer_size=2 * 1024 * 1024,
        logger=False,
        engineio_logger=False,
    )
    socketio.on_namespace(PlayerNamespace("/player"))
    socketio.on_namespace(AdminNamespace("/admin"))
    if settings.bench_trigger:
        socketio.on_namespace(BenchNamespace(socketio))
    for namespace in ("/player", "/admin"):
        socketio.on_error(namespace)(socket_error)
    notifier = SocketIONotifier(socketio)
    registry.register(app, NOTIFIER, notifier)
    background = mode == "gevent" and not app.config.get("TESTING")
    dispatcher = Dispatcher(app, notifier, background=background)
    registry.register(app, DISPATCHER, dispatcher)

    registry.register(
        app,
        ACKS,
        Batch(app, players.acknowledge_manifests, notifier.disconnect, background=background),
    )
    registry.register(
        app,
        STATUSES,
        Batch(app, players.status_reported_many, notifier.disconnect, background=background),
    )
    for key, window in ((WALL, WINDOW), (PUSH_NEWS, PUSH_NEWS_WINDOW)):
        news = Batch(
            app,
            players.tell_operators_of,
            notifier.disconnect,
            background=background,
            window=window,
        )
        registry.register(app, key, news)
    registry.register(app, DATABASE_GATE, threading.BoundedSemaphore(DATABASE_HANDLERS))
    registry.register(app, ATTENDANCE, Attendance())

    factory = db.factory(app)
    event.listen(factory, "after_commit", lambda session: dispatcher.submit(changes.take(session)))
    event.listen(factory, "after_rollback", changes.discard)
