"""Reading back the PDFs the server makes (posters, dossiers, reports, print jobs)."""

from __future__ import annotations

import io
import re

import pypdf


def pdf_text(data: bytes) -> str:
    """Return the text of every page, joined (pypdf's extraction, blanks as it finds them)."""
    return "".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def compact(text: str) -> str:
    """Return ``text`` without any blank: a sentence may wrap anywhere on a printed page."""
    return re.sub(r"\s+", "", text)
