"""What native threads share with the event loop's thread when gevent has patched the process.

``signage serve`` and gunicorn run on gevent, with native threads beside the loop (the
in-process print worker, the renderer's thread pool). A ``threading`` lock created after the
patch is gevent's, and gevent's locks shared between the loop and native threads starve or
deadlock (gevent issues #1744, #2013): with requests logged all the time, a print job stalled
after its first document and the scheduler stopped renewing its lease. Such a lock must be
one of the operating system; held only for a moment (a log line, a lookup), the loop may
wait for it.
"""

from __future__ import annotations

import _thread
from typing import Any


def native_rlock() -> Any:
    """Return a re-entrant lock of the operating system (``_thread.RLock``, which gevent
    does not patch), in a patched process or not."""
    return _thread.RLock()
