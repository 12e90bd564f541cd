"""What the edges share to hand out posters and boards as PDF: the query arguments, the
rendering off the event loop, the response with a Chinese file name (RFC 5987).

The views themselves (``GET /api/v1/items/<id>/poster.pdf``, ``GET /api/v1/orgs/<code>/board.pdf``)
live with their blueprints and check who may ask; this module does the rest.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Response
from flask import request

from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.assets import STORE
from signage_server.disclosure import viewing
from signage_server.disclosure.audience import Audience
from signage_server.disclosure.models import Item
from signage_server.errors import BadRequest
from signage_server.extensions import db
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.paper import posters
from signage_server.paper.layout import Orientation
from signage_server.paper.layout import Size
from signage_server.paper.render import offload
from signage_server.paper.render import render_pdf


def _choice(name: str, default: str, allowed: list[str]) -> str:
    value = request.args.get(name, default)
    if value not in allowed:
        raise BadRequest(
            N_("%(name)s must be one of %(allowed)s."),
            code=f"invalid_{name}",
            name=name,
            allowed=", ".join(allowed),
        )
    return value


def pdf_response(pdf: bytes, filename: str, fallback: str) -> Response:
    """Return ``pdf`` to open in the browser's viewer (``inline``), named ``filename``
    (UTF-8, RFC 5987) with an ASCII ``fallback`` for old clients; never cached on the way."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", fallback)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def poster_response(item: Item, principal: Principal) -> Response:
    """The poster of ``item`` for ``principal``: ``?size=A4|A3``,
    ``?orientation=portrait|landscape|auto`` (default auto: landscape for a table too wide for
    portrait), ``?revision=N`` (default: the disclosure, else
    the newest revision as a proof).

    :raise BadRequest: unknown size, orientation or revision number.
    """
    size = _choice("size", Size.A4.value, [s.value for s in Size])
    orientation = _choice("orientation", Orientation.AUTO.value, [o.value for o in Orientation])
    number = request.args.get("revision")
    if number is not None and not number.isdigit():
        raise BadRequest(N_("The revision must be a number."), code="invalid_revision")
    document = posters.poster(
        db.session,
        item,
        size=size,
        orientation=orientation,
        now=registry.now(),
        revision=int(number) if number is not None else None,
        viewer=viewing.member(principal),
    )
    pdf = offload(render_pdf, document.html, registry.get(STORE))
    sheet = document.sheets[0]
    return pdf_response(
        pdf, document.filename, f"poster-{sheet.item_id}-{sheet.number}-{document.fmt.label}.pdf"
    )


def board_response(org: Org) -> Response:
    """The board of ``org``: ``?audience=public|party|unit`` (default public).

    :raise BadRequest: unknown audience.
    """
    audience = Audience(_choice("audience", Audience.PUBLIC.value, [a.value for a in Audience]))
    now = registry.now()
    document = posters.board(db.session, org, audience=audience, now=now)
    pdf = offload(render_pdf, document.html, registry.get(STORE))
    return pdf_response(pdf, document.filename, f"board-{org.code}-{audience.value}.pdf")
