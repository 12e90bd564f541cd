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
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup
from markupsafe import escape

from content.bodies import AnyBody
from content.bodies import ImageBody
from content.bodies import PdfBody
from content.bodies import TableBody
from content.bodies import TextBody
from content.numbers import ColumnKind
from content.numbers import caption_repeats_title
from content.numbers import cell_display
from content.numbers import column_kinds
from content.numbers import is_total_row
from content.sanitize import sanitize_html

__all__ = ["render_body_html"]

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


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


_KIND_CLASS = {"money": "num money", "number": "num", "short": "short", "text": "text"}


def _render_table(
    body: TableBody, title: str = "", kinds: Sequence[ColumnKind] | None = None
) -> Markup:
    """A table read the way the screens read it (content/numbers.py): money as 1,322.40,
    numbers right-aligned (``num``), names and dates marked ``short`` (never wrapped), each
    cell labelled with its column (``data-label``: a phone shows a wide table as cards), the
    total row marked ``total``, and no caption that repeats the title. ``kinds`` are the
    columns' kinds when another table decides them (a translation reads like its original)."""
    if kinds is None or len(kinds) < len(body.columns):
        kinds = column_kinds(list(body.columns), body.rows)
    cards = " cards" if len(body.columns) >= 3 else ""
    parts = [
        Markup('<div class="body body-table-wrap">'),
        Markup('<table class="body-table{}">').format(cards),
    ]
    if body.caption and not (title and caption_repeats_title(body.caption, title)):
        parts.append(Markup("<caption>{}</caption>").format(body.caption))
    header = Markup("").join(
        Markup('<th class="{}">{}</th>').format(_KIND_CLASS[kinds[index]], column)
        for index, column in enumerate(body.columns)
    )
    parts.append(Markup("<thead><tr>{}</tr></thead>").format(header))
    parts.append(Markup("<tbody>"))
    for row in body.rows:
        cells = Markup("").join(
            Markup('<td class="{}" data-label="{}">{}</td>').format(
                _KIND_CLASS[kinds[index]],
                body.columns[index] if index < len(body.columns) else "",
                _lines(cell_display(cell, kinds[index])),
            )
            for index, cell in enumerate(row)
        )
        total = Markup(' class="total"') if is_total_row(row) else Markup("")
        parts.append(Markup("<tr{}>{}</tr>").format(total, cells))
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


def kinds_like(primary: Mapping[str, Any]) -> list[ColumnKind] | None:
    """Return the column kinds a translation of the Chinese body ``primary`` (stored JSON) is
    read by: a table's, else ``None`` (see ``content.languages``: same shape, same numbers)."""
    if primary.get("type") != "table":
        return None
    return column_kinds(list(primary.get("columns", [])), primary.get("rows", []))


def render_body_html(
    body: AnyBody,
    asset_url: Callable[[str], str],
    title: str = "",
    *,
    kinds: Sequence[ColumnKind] | None = None,
) -> Markup:
    """Return the HTML showing *body*, with asset URLs made by *asset_url* from a sha256.

    Plain text becomes paragraphs (split on blank lines, line breaks kept as ``<br>``); rich
    text is embedded after sanitising it again; a table gets its caption, header, rows (numbers
    right-aligned through ``class="num"``, money as 1,322.40) and note, its caption left out
    when it repeats *title*; an image a ``<figure>``; a PDF one
    ``<img>`` per rendered page (a link to the PDF while it has none).

    *kinds*: the kinds of a table's columns when another table decides them (a translated
    table is read like its Chinese original: its money as money, whatever its headers say).
    """
    if isinstance(body, TextBody):
        return _render_text(body)
    if isinstance(body, TableBody):
        return _render_table(body, title, kinds)
    if isinstance(body, ImageBody):
        return _render_image(body, asset_url)
    return _render_pdf(body, asset_url)
