"""The second text of a bilingual item as paper prints it (posters, boards, dossiers).

A village board prints the Chinese text first, then the translation under it, each with its
own title, and the approval block, the QR code and the hashes once after both (they cover
both: the content hash seals the two texts together). The translation is set as its language
is written (``content.languages``):

* right to left (Uyghur): ``dir="rtl"``, so paragraphs, captions and a table's columns run from
  the right; numbers keep their digit order and are read like the Chinese table's (the same
  column kinds: money as 1,322.40, right-aligned);
* vertically (traditional Mongolian): WeasyPrint has no ``writing-mode``, so the text is broken
  into columns here (``content.vertical``, measured with the font's own advance widths) and
  each column is printed as a line turned 90° clockwise, the columns running left to right
  (``paper.css``: ``.vertical-text``). A table translated into Mongolian is printed as a table
  (its cells horizontal, as the screens' tables are): turning a table is not a village board's
  habit either.

No Flask here: labels are set by ``templates/paper/_translation.html``.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from content.bodies import BodyError
from content.bodies import TableBody
from content.bodies import TextBody
from content.bodies import body_text
from content.bodies import parse_body
from content.fonts import family_file
from content.languages import LANGUAGES
from content.render import kinds_like
from content.render import render_body_html
from content.vertical import Column
from content.vertical import Metrics
from content.vertical import break_columns
from content.vertical import font_metrics

__all__ = ["COLUMN_EMS", "INDENT_EMS", "TITLE_SCALE", "PrintedTranslation", "printed"]

#: The length of a vertical column in ems of its type (paper.css ``.vcol``: ``height``; on A4
#: at 12 pt about 93 mm, on A3 at 16 pt 124 mm).
COLUMN_EMS = 22.0
#: A vertical title is set this much larger (paper.css ``.vcol-title``).
TITLE_SCALE = 1.15
#: The indent of a paragraph's first column, in ems (paper.css ``.vfirst``).
INDENT_EMS = 2.0


@dataclass(frozen=True)
class PrintedTranslation:
    """A revision's translation, ready for the page."""

    code: str
    tag: str
    direction: str
    vertical: bool
    #: The language's name in Chinese (the label over it) and in itself.
    name_zh: str
    endonym: str
    title: str
    #: The body as the screens render it (horizontal languages, and tables in any language).
    body: Markup | None
    #: Set vertically: the title's columns, then the body's (left to right).
    title_columns: tuple[Column, ...] = ()
    columns: tuple[Column, ...] = ()


def printed(
    translation: Mapping[str, Any] | None,
    primary_body: Mapping[str, Any],
    asset_url: Callable[[str], str],
) -> PrintedTranslation | None:
    """Return ``translation`` (a revision's stored one, sealed with its Chinese body
    ``primary_body``) as paper prints it; ``None`` when there is none, its language is
    unknown or its body cannot be read (nothing is printed rather than a half)."""
    if not translation:
        return None
    second = LANGUAGES.get(str(translation.get("lang")))
    if second is None:
        return None
    try:
        body = parse_body(translation.get("body"))
    except BodyError:
        return None
    title = str(translation.get("title") or "")
    common: dict[str, Any] = {
        "code": second.code,
        "tag": second.tag,
        "direction": second.direction,
        "vertical": second.vertical,
        "name_zh": second.name_zh,
        "endonym": second.endonym,
        "title": title,
    }
    if second.vertical and isinstance(body, TextBody):
        metrics = _metrics(second.font)
        return PrintedTranslation(
            **common,
            body=None,
            title_columns=tuple(break_columns(title, metrics, COLUMN_EMS / TITLE_SCALE)),
            columns=tuple(break_columns(body_text(body), metrics, COLUMN_EMS, indent=INDENT_EMS)),
        )
    kinds = kinds_like(primary_body) if isinstance(body, TableBody) else None
    return PrintedTranslation(**common, body=render_body_html(body, asset_url, title, kinds=kinds))


def _metrics(family: str) -> Metrics:
    """The family's metrics; without its file (not installed) every character counts as a
    fallback glyph would (the text then prints in tofu anyway: scripts/sysdeps.sh installs
    it)."""
    path = family_file(family)
    return font_metrics(path) if path else Metrics(advances={}, space=0.3)
