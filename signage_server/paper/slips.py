"""The receipt slip (回执) a villager takes home when staff record a case on their behalf
(代录): the receipt code large, the organisation, the kind, the day received, the deadlines,
the tracking page's address and its QR code, and where to ask with it. An A5 sheet set in
``paper/slip.html`` with ``paper.css``, always in Chinese."""

from __future__ import annotations

import datetime as dt

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext

from signage_server.feedback.presenters import Slip
from signage_server.paper.posters import PAPER_LOCALE
from signage_server.paper.posters import safe_filename
from signage_server.paper.qr import qr_svg


def slip_html(slip: Slip, now: dt.datetime, tz: dt.tzinfo) -> tuple[str, str]:
    """Return the HTML of the slip and its file name."""
    with force_locale(PAPER_LOCALE):
        html = render_template(
            "paper/slip.html",
            s=slip,
            qr=qr_svg(slip.track_url, title=slip.receipt),
            printed=now.astimezone(tz),
        )
        name = safe_filename(slip.org, gettext("Receipt slip"), slip.receipt)
    return html, f"{name}.pdf"
