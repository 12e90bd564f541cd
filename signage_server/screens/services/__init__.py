"""Use cases of screens, one module per concern:

- ``registration``: register a screen, change its settings;
- ``tokens``: issue and revoke screen tokens, find the screen holding one;
- ``pairing``: a player shows a code, an operator attaches it, the player collects its token;
- ``players``: what players do and report over the socket (connect, ack, status, proof of
  play) and the player's HTTP manifest;
- ``groups``: screen groups;
- ``wall``: what operators look at (the screen wall, a screen's page, lists, manifests);
- ``push``: after a commit, recompile the touched screens' manifests (the realtime
  dispatcher sends them);
- ``lookup``: a screen by id, for an operator with a permission there.

Each module has the domain operations (given a session: the CLI, the demo seed and the tests
call them) and, below them, the use cases the edges call, which own the permission check and
the commit. The names other packages use are importable from here.
"""

from __future__ import annotations

from signage_server.screens.services.lookup import get as get
from signage_server.screens.services.players import PlayedReport as PlayedReport
from signage_server.screens.services.registration import ScreenFields as ScreenFields
from signage_server.screens.services.registration import fields_of as fields_of
from signage_server.screens.services.registration import parse_resolution as parse_resolution
from signage_server.screens.services.registration import register as register
from signage_server.screens.services.registration import update as update
from signage_server.screens.services.tokens import hash_token as hash_token
from signage_server.screens.services.tokens import issue_token as issue_token
from signage_server.screens.services.tokens import revoke as revoke
from signage_server.screens.services.tokens import screen_for_token as screen_for_token
from signage_server.screens.showing import is_online as is_online
