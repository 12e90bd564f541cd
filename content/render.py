"""Render item bodies as HTML for the operator preview and for posters.

Every value taken from a body is escaped with markupsafe; rich text is sanitised again before
it is embedded. No inline ``style`` attribute is produced (the Content-Security-Policy forbids
inline styles): presentation hangs on classes — ``body`` plus ``body-text``, ``body-table-wrap``,
``body-image`` or ``body-pdf`` on the wrapper, ``body-table`` on tables, ``num`` on numeric
cells and ``body-note`` on a table's note.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markupsafe import Markup
from markupsafe import escape

from content.bodies import AnyBody
from content.bodies import ImageBody
from content.bodies import PdfBody
from content.bodies import TableBody
from content.bodies import TextBody
from content.bodies import cell_text
from content.sanitize import sanitize_html

__all__ = ["render_body_html"]

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# Text cells that read as a number (1,234.50 / -12 / 3.5%) are aligned like numbers.
_NUMERIC_TEXT = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")


def _lines(text: str) -> Markup:
    """Return *text* escaped, its line breaks kept as ``<br>``."""
    return Markup("<br>\n").join(escape(line) for line in text.split("\n"))


def _render_text(body: TextBody) -> Markup:
    if body.format == "html":
        inner = Markup(sanitize_html(body.text))  # noqa: S704 - sanitised on the line itself
    else:
        inner = Markup("\n").join(
            Markup("<p>{}</p>").format(_lines(paragraph))
            for paragraph in _PARAGRAPH_BREAK.split(body.text)
            if paragraph.strip()
        )
    return Markup('<div class="body body-text">\n{}\n</div>').format(inner)


def _is_number(value: str | int | float | None) -> bool:
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and _NUMERIC_TEXT.fullmatch(value.strip()) is not None


def _render_table(body: TableBody) -> Markup:
    parts = [Markup('<div class="body body-table-wrap">'), Markup('<table class="body-table">')]
    if body.caption:
        parts.append(Markup("<caption>{}</caption>").format(body.caption))
    header = Markup("").join(Markup("<th>{}</th>").format(column) for column in body.columns)
    parts.append(Markup("<thead><tr>{}</tr></thead>").format(header))
    parts.append(Markup("<tbody>"))
    for row in body.rows:
        cells = Markup("").join(
            Markup('<td class="num">{}</td>').format(_lines(cell_text(cell)))
            if _is_number(cell)
            else Markup("<td>{}</td>").format(_lines(cell_text(cell)))
            for cell in row
        )
        parts.append(Markup("<tr>{}</tr>").format(cells))
    parts.append(Markup("</tbody>"))
    parts.append(Markup("</table>"))
    if body.note:
        parts.append(Markup('<p class="body-note">{}</p>').format(_lines(body.note)))
    parts.append(Markup("</div>"))
    return Markup("\n").join(parts)


def _figcaption(caption: str) -> Markup:
    return Markup("<figcaption>{}</figcaption>").format(caption) if caption else Markup("")


def _render_image(body: ImageBody, asset_url: Callable[[str], str]) -> Markup:
    return Markup('<figure class="body body-image"><img src="{}" alt="{}">{}</figure>').format(
        asset_url(body.asset), body.caption, _figcaption(body.caption)
    )


def _render_pdf(body: PdfBody, asset_url: Callable[[str], str]) -> Markup:
    if not body.pages:  # not rendered yet: link to the document itself
        inner = Markup('<a href="{}">{}</a>').format(asset_url(body.asset), body.caption or "PDF")
    else:
        total = len(body.pages)
        inner = Markup("\n").join(
            Markup('<img src="{}" alt="{}">').format(
                asset_url(page), f"{body.caption} ({number}/{total})".strip()
            )
            for number, page in enumerate(body.pages, start=1)
        )
    return Markup('<figure class="body body-pdf">\n{}\n{}</figure>').format(
        inner, _figcaption(body.caption)
    )


def render_body_html(body: AnyBody, asset_url: Callable[[str], str]) -> Markup:
    """Return the HTML showing *body*, with asset URLs made by *asset_url* from a sha256.

    Plain text becomes paragraphs (split on blank lines, line breaks kept as ``<br>``); rich
    text is embedded after sanitising it again; a table gets its caption, header, rows (numbers
    right-aligned through ``class="num"``) and note; an image a ``<figure>``; a PDF one
    ``<img>`` per rendered page (a link to the PDF while it has none).
    """
    if isinstance(body, TextBody):
        return _render_text(body)
    if isinstance(body, TableBody):
        return _render_table(body)
    if isinstance(body, ImageBody):
        return _render_image(body, asset_url)
    return _render_pdf(body, asset_url)
