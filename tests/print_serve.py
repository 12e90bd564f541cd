"""``signage`` with the tests' print kind registered (``python -m tests.print_serve serve …``):
the real server, on gevent, running a real batch in its in-process worker."""

from __future__ import annotations

import sys

if len(sys.argv) > 1 and sys.argv[1] in ("serve", "demo"):
    from gevent import monkey

    monkey.patch_all()

from signage_server.cli import main
from tests import print_kind

print_kind.register()
main()
