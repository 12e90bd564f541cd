"""Which of this site's pages may show the player in a frame (the operators' previews)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec
from typing import TypeVar
from typing import cast

from signage_server import CONTENT_SECURITY_POLICY
from signage_server.extensions import talisman

P = ParamSpec("P")
R = TypeVar("R")

#: The preview page runs the player inside the operators' pages: framing by this site only.
PREVIEW_POLICY = {**CONTENT_SECURITY_POLICY, "frame-ancestors": "'self'"}


def framable_by_this_site(view: Callable[P, R]) -> Callable[P, R]:
    """Let pages of this site show ``view`` in a frame (Talisman, typed)."""
    wrapped = talisman(frame_options="SAMEORIGIN", content_security_policy=PREVIEW_POLICY)(view)
    return cast(Callable[P, R], wrapped)
