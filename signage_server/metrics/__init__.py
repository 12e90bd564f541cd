"""Metrics for monitoring (Prometheus): ``GET /metrics`` behind a bearer token.

:mod:`.services` counts the installation's figures in the database at each scrape and keeps
this process's own (pushes); :mod:`.views` serves them. The dispatcher tells the metrics of
each push through its observers: the realtime transport knows nothing of Prometheus.
"""

from __future__ import annotations

from flask import Flask

from signage_server import services as registry
from signage_server.metrics import views
from signage_server.metrics.services import INSTRUMENTS
from signage_server.metrics.services import Instruments
from signage_server.realtime import DISPATCHER


def init_app(app: Flask) -> None:
    instruments = Instruments.create()
    registry.register(app, INSTRUMENTS, instruments)
    registry.get(DISPATCHER, app).observers.append(instruments.observe)
    app.register_blueprint(views.bp)
