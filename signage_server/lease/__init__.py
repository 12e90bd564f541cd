"""Leases: one process at a time does a piece of work that several processes could do (the
scheduler's rounds, :mod:`signage_server.scheduler`).

Where each concern lives: who holds a lease and what a process may do with it, with the time
passed in, in ``rules``; the table (``scheduler_lease``, one row per lease name) in
``models``; taking, renewing, releasing and reading it with atomic conditional UPDATEs on
SQLite and PostgreSQL in ``services``.
"""
