"""QR codes for paper: inline SVG (sharp at any print size), the same codes the screens carry."""

from __future__ import annotations

import io

import segno
from markupsafe import Markup


def qr_svg(url: str, *, title: str = "QR") -> Markup:
    """Return an ``<svg>`` element encoding ``url`` (error correction M, quiet zone of 4
    modules, as scanners expect on paper), sized by CSS."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out,
        kind="svg",
        scale=1,
        border=4,
        xmldecl=False,
        svgns=True,
        title=title,
        svgclass="qr",
        lineclass=None,
        omitsize=True,
    )
    return Markup(out.getvalue().decode())  # noqa: S704 - made by segno from a URL it encodes
