"""Gunicorn settings for Sunshine Signage in production.

    gunicorn --config deploy/gunicorn.conf.py 'signage_server:create_app()'

gevent workers, not threads: one process holds thousands of idle screen connections
(see ../shared/STACK.md: threads stall past about 1,000 screens). Run several workers
only with SIGNAGE_REDIS_URL set, so that they share rate limits and, later, the
Socket.IO message queue.
"""

import multiprocessing
import os

bind = os.environ.get("SIGNAGE_BIND", "127.0.0.1:8080")
worker_class = "gevent"
workers = int(
    os.environ.get(
        "SIGNAGE_WORKERS",
        "1"
        if not os.environ.get("SIGNAGE_REDIS_URL")
        else str(min(4, multiprocessing.cpu_count())),
    )
)
worker_connections = int(os.environ.get("SIGNAGE_WORKER_CONNECTIONS", "10000"))
# Screens hold long-lived connections; a worker restart must not cut them all at once.
graceful_timeout = 30
timeout = 60
keepalive = 75
# Behind nginx on the same host: trust its X-Forwarded-* (also set SIGNAGE_TRUSTED_PROXIES=1).
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("SIGNAGE_LOG_LEVEL", "info").lower()
proc_name = "signage"
