"""Sanitise rich text for village screens and posters, and turn it into plain text.

The allow-list is deliberately small: paragraphs, line breaks, emphasis, lists, three heading
levels, quotations and simple tables. No attribute survives except a numeric ``colspan`` or
``rowspan`` on table cells, so there are no links, images, styles, classes, ids or event handlers;
comments are dropped and the content of ``script``, ``style`` and similar elements is removed
together with the element. Other unknown elements (``div``, ``span``, ``a`` ...) are unwrapped:
their text stays, their markup goes.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

__all__ = ["ALLOWED_TAGS", "html_to_text", "sanitize_html"]

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p",
        "br",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "s",
        "ul",
        "ol",
        "li",
        "h2",
        "h3",
        "h4",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)

# Elements removed together with everything inside them (never unwrapped into text).
_DROPPED_WITH_CONTENT: frozenset[str] = frozenset(
    {
        "script",
        "style",
        "iframe",
        "noscript",
        "noembed",
        "noframes",
        "template",
        "object",
        "embed",
        "svg",
        "math",
        "title",
        "textarea",
        "select",
        "xmp",
    }
)

_SPAN_ATTRIBUTES: frozenset[str] = frozenset({"colspan", "rowspan"})
_MAX_SPAN = 100
_DIGITS = re.compile(r"[0-9]{1,3}")


def _keep_span(element: str, attribute: str, value: str) -> str | None:
    """Return a cell span normalised to a plain decimal, or None to drop the attribute."""
    if attribute not in _SPAN_ATTRIBUTES or element not in ("td", "th"):
        return None
    value = value.strip()
    if not _DIGITS.fullmatch(value):
        return None
    span = int(value)
    return str(span) if 1 <= span <= _MAX_SPAN else None


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(_DROPPED_WITH_CONTENT),
    attributes={"td": set(_SPAN_ATTRIBUTES), "th": set(_SPAN_ATTRIBUTES)},
    attribute_filter=_keep_span,
    strip_comments=True,
    link_rel=None,
    url_schemes=set(),
)


def sanitize_html(html: str) -> str:
    """Return *html* reduced to the allow-list; the result is safe to embed as markup.

    Sanitising is idempotent: sanitising the output again returns it unchanged.
    """
    return _CLEANER.clean(html)


# Elements that start and end a line of plain text.
_BLOCKS: frozenset[str] = frozenset(
    {"p", "h2", "h3", "h4", "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr"}
)
# HTML whitespace only: U+3000 (ideographic space, used to indent Chinese text) is content.
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


class _TextExtractor(HTMLParser):
    """Collect the text of sanitised HTML, one line per block, table cells tab-separated."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._line: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def _flush(self) -> None:
        text = _HTML_SPACE.sub(" ", "".join(self._line)).strip(" ")
        if text:
            self.lines.append(text)
        self._line = []

    def _end_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            self._row.append(_HTML_SPACE.sub(" ", "".join(self._cell)).strip(" "))
        self._cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self._row is not None and any(self._row):
            self.lines.append("\t".join(self._row))
        self._row = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("td", "th"):
            self._end_cell()
            if self._row is None:
                self._flush()
                self._row = []
            self._cell = []
        elif tag == "tr":
            self._end_row()
            self._flush()
            self._row = []
        elif tag == "br":
            if self._cell is not None:
                self._cell.append(" ")
            else:
                self._flush()
        elif tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._end_cell()
        elif tag in ("tr", "table", "thead", "tbody"):
            self._end_row()
            self._flush()
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        else:
            self._line.append(data)

    def finish(self) -> str:
        """Return the collected text, lines joined with newlines."""
        self.close()
        self._end_row()
        self._flush()
        return "\n".join(self.lines)


def html_to_text(html: str) -> str:
    """Return the plain text of *html* after sanitising it.

    Block elements (paragraphs, headings, list items, table rows) and ``<br>`` become line
    breaks, table cells are separated by a tab, runs of HTML whitespace collapse to one space,
    empty lines are dropped and entities are unescaped. Used for diffs and search.
    """
    extractor = _TextExtractor()
    extractor.feed(sanitize_html(html))
    return extractor.finish()
