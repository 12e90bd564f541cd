"""Gunicorn settings for Sunshine Signage in production.

    gunicorn --config deploy/gunicorn.conf.py 'signage_server:create_app()'

One gevent worker per instance: one process holds thousands of idle screen connections
(measured on a 2-core machine: threading mode stalled for 17-59 s with 2,000 clients, one
gevent process carried 10,000 with a broadcast p99 of 1.8 s). Socket.IO
needs every request of a connection to reach the same process, which gunicorn's own
balancing does not promise: to use more cores, run more instances on more ports
(``signage@8081.service`` …) with SIGNAGE_REDIS_URL set, behind nginx's ``ip_hash``.
"""

import os

bind = os.environ.get("SIGNAGE_BIND", "127.0.0.1:8080")
worker_class = "gevent"
workers = 1
worker_connections = int(os.environ.get("SIGNAGE_WORKER_CONNECTIONS", "12000"))
# Screens hold long-lived connections; a restart must not cut them all at once.
graceful_timeout = 30
timeout = 60
keepalive = 75
# Behind nginx on the same host: trust its X-Forwarded-* (also set SIGNAGE_TRUSTED_PROXIES=1).
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
# The path without its query string and no Referer: old player links carried the screen token
# as ``/player/?token=…`` (new ones keep it in the fragment, which is never sent).
# The request's id closes the line (X-Request-ID: nginx's $request_id, or made by the app).
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(L)s %({x-request-id}o)s'
)

errorlog = "-"
loglevel = os.environ.get("SIGNAGE_LOG_LEVEL", "info").lower()
proc_name = "signage"

if os.environ.get("SIGNAGE_LOG_FORMAT", "text") == "json":
    # gunicorn's own records (its access log included) as one JSON object per line too, with
    # the access fields (request id, method, path, status, duration) as keys.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "signage_server.logs.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            },
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        "loggers": {
            "gunicorn.error": {
                "level": loglevel.upper(),
                "handlers": ["error_console"],
                "propagate": False,
            },
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }


def post_worker_init(worker):
    """Without Redis, run print jobs in this worker process, in a native thread (with Redis,
    ``signage worker`` runs them: see systemd/signage-worker.service). Then tune the garbage
    collector as ``signage serve`` does (``signage_server.process``)."""
    from flask import Flask

    from signage_server.paper.jobs.backends import start_worker
    from signage_server.process import tune_gc

    if isinstance(worker.wsgi, Flask):
        start_worker(worker.wsgi)
    tune_gc()
