"""Settings of a long-running server process (``signage serve``, a gunicorn worker).

The garbage collector: a server process holds hundreds of thousands of long-lived objects (the
app, and a few dozen for each of thousands of screen connections). With CPython's default
thresholds (700, 10, 10) compiling one publication's manifests for 2,000 screens set off
several collections that walked them all, on the event loop, while every player waited for its
manifest: a tenth of a second of a push that took 0.85 s at p99 against a bare broadcast's
0.67 s (docs/benchmarks.md, "Push to screens"). After start-up the app's objects are frozen
out of the collector's reach (:func:`gc.freeze`), and young objects are collected less often
(they still are: reference cycles are freed, later).
"""

from __future__ import annotations

import gc

#: Allocations before a young collection, and young collections before an older one.
GC_THRESHOLDS = (20_000, 20, 20)


def tune_gc() -> None:
    """Call once the app is loaded, before serving."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
