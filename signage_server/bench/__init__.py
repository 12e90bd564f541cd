"""``signage bench``: measurements of a real installation (results in docs/benchmarks.md).

A developer's tool, run from a checkout; the server application never imports this package
(``tests/unit/test_architecture.py`` checks it): ``signage_server.cli.bench`` loads
:mod:`signage_server.bench.commands` only when a ``bench`` command runs.

- :mod:`~signage_server.bench.installation`: a throw-away demo installation (seeded, served on
  a free port) and the description of the machine a report names.
- :mod:`~signage_server.bench.memory`: the player-memory verdict (samples, growth, slopes); pure.
- :mod:`~signage_server.bench.player`: ``signage bench player-memory``, the web player in
  Chromium on a fake clock.
- :mod:`~signage_server.bench.print`: ``signage bench print``, posters, boards and dossiers
  timed in fresh processes.
- :mod:`~signage_server.bench.documents`: what ``bench print`` runs inside the installation
  (``python -m signage_server.bench.documents``).
- :mod:`~signage_server.bench.commands`: the commands by name.
"""
