"""The disclosure languages: Chinese, plus one minority language an organisation may add, and
the rule for an item's second text (its translation).

An organisation that sets a second language (``Org.second_language``) discloses every item in
both: the revision carries ``translation = {"lang", "title", "body"}`` next to its Chinese title
and body, both go through the same procedure and are sealed in the same content hash (see
``disclosure.services.content_sha256``), so neither can change without a new revision that is
approved again.

What each language needs to be set correctly is stated here once, for every surface (screens,
QR pages, public pages, PDFs): its BCP 47 tag, its direction (Uyghur is written right to left),
whether it is set vertically (traditional Mongolian: top to bottom, columns left to right), and
the Debian font family that draws it (``fonts-noto-core``; Korean from ``fonts-noto-cjk``).

The translation's body follows the Chinese body's type: a text translates a text, a table
translates a table with the same shape, and an image or PDF gets a text (what it shows). In a
table every cell that reads as a number must be the same in both languages: a translation may
not show other amounts than the Chinese disclosure that was approved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import Literal

from content.bodies import BodyError
from content.bodies import Problem
from content.bodies import TableBody
from content.bodies import TextBody
from content.bodies import canonical_body
from content.bodies import clean_text
from content.bodies import parse_body
from content.numbers import is_numeric
from content.numbers import number_text

__all__ = [
    "LANGUAGES",
    "PRIMARY",
    "TITLE_MAX",
    "Language",
    "check_translation",
    "language",
    "presented",
    "translation_body_type",
]

Direction = Literal["ltr", "rtl"]

TITLE_MAX = 200


@dataclass(frozen=True)
class Language:
    """A language a disclosure can be written in, and how to set it."""

    #: The key stored on organisations and translations (``"ug"``).
    code: str
    #: The BCP 47 tag for ``lang`` attributes (``"mn-Mong"``: Mongolian in its own script).
    tag: str
    #: Its own name, as its readers write it.
    endonym: str
    #: Its name in Chinese (the operators' language).
    name_zh: str
    direction: Direction = "ltr"
    #: Set top to bottom in columns running left to right (traditional Mongolian).
    vertical: bool = False
    #: The font family that draws it (Debian's Noto packages).
    font: str = "Noto Sans CJK SC"

    def as_json(self) -> dict[str, Any]:
        """Return what a player or page needs to set it (direction, script, font)."""
        return {
            "lang": self.code,
            "tag": self.tag,
            "name": self.endonym,
            "dir": self.direction,
            "vertical": self.vertical,
            "font": self.font,
        }


PRIMARY = Language("zh", "zh-Hans", "中文", "中文")

#: The second languages an organisation may choose (DESIGN: Chinese plus one of these).
LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("ug", "ug", "ئۇيغۇرچە", "维吾尔文", direction="rtl", font="Noto Naskh Arabic"),
        Language("bo", "bo", "བོད་ཡིག", "藏文", font="Noto Serif Tibetan"),
        Language("mn", "mn-Mong", "ᠮᠣᠩᠭᠣᠯ", "蒙古文", vertical=True, font="Noto Sans Mongolian"),
        Language("ko", "ko", "조선어", "朝鲜文", font="Noto Sans CJK KR"),
        Language("za", "za", "Vahcuengh", "壮文", font="Noto Sans"),
        Language("ii", "ii", "ꆈꌠ", "彝文", font="Noto Sans Yi"),
    )
}


def language(code: str | None) -> Language | None:
    """Return the second language ``code`` names (``None`` for none or an unknown code)."""
    return LANGUAGES.get(code or "")


def translation_body_type(primary: Mapping[str, Any]) -> str:
    """Return the body type a translation of ``primary`` has: a table for a table, else a
    text (an image or a PDF is described in words)."""
    return "table" if primary.get("type") == "table" else "text"


def _problem(field: str, message: str, code: str, **params: Any) -> Problem:
    return {"field": field, "message": message, "code": code, "params": params}


def _check_table(primary: Mapping[str, Any], table: TableBody) -> list[Problem]:
    """The translated table has the Chinese table's shape and the same numbers."""
    columns = primary.get("columns", [])
    rows = primary.get("rows", [])
    if len(table.columns) != len(columns) or len(table.rows) != len(rows):
        return [
            _problem(
                "translation.body",
                "The translated table must have as many columns and rows as the Chinese one.",
                "translation_shape",
                columns=len(columns),
                rows=len(rows),
            )
        ]
    problems: list[Problem] = []
    for r, (ours, theirs) in enumerate(zip(rows, table.rows, strict=True)):
        for c, (cell, translated) in enumerate(zip(ours, theirs, strict=False)):
            if is_numeric(cell) and number_text(cell) != number_text(translated):
                problems.append(
                    _problem(
                        f"translation.body.rows.{r}.{c}",
                        "A number must be the same in both languages.",
                        "translation_number",
                        expected=number_text(cell),
                    )
                )
    return problems


def check_translation(
    data: object, primary_body: Mapping[str, Any], second: Language | None
) -> dict[str, Any] | None:
    """Validate an item's translation against its (already canonical) Chinese body and the
    organisation's second language; return it canonical, or ``None`` when there is none.

    An empty translation (no title and no text) is no translation: a draft may be saved
    without it, and submission refuses it (``disclosure.services.check_required``).

    :raise BodyError: a translation where the organisation has no second language, another
        language than the organisation's, a missing or too long title, a body of the wrong
        type, a table of another shape or with other numbers.
    """
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise BodyError([_problem("translation", "Must be an object.", "model_type")])
    title = " ".join(clean_text(str(data.get("title") or ""), single_line=True).split())
    body = data.get("body")
    if not title and _empty(body):
        return None
    if second is None:
        raise BodyError(
            [
                _problem(
                    "translation",
                    "The organisation discloses in Chinese only.",
                    "no_second_language",
                )
            ]
        )
    if data.get("lang") != second.code:
        raise BodyError(
            [
                _problem(
                    "translation.lang",
                    "Must be the organisation's second language.",
                    "wrong_language",
                    expected=second.code,
                )
            ]
        )
    problems: list[Problem] = []
    if not title:
        problems.append(_problem("translation.title", "Must not be empty.", "empty"))
    elif len(title) > TITLE_MAX:
        problems.append(
            _problem(
                "translation.title",
                f"Must be at most {TITLE_MAX} characters.",
                "too_long_text",
                limit=TITLE_MAX,
            )
        )
    try:
        parsed = parse_body(body)
    except BodyError as error:
        for p in error.problems:
            field = f"translation.body.{p['field']}" if p["field"] else "translation.body"
            problems.append({**p, "field": field})
        raise BodyError(problems) from None
    wanted = translation_body_type(primary_body)
    if not isinstance(parsed, TableBody if wanted == "table" else TextBody):
        problems.append(
            _problem(
                "translation.body.type", f"Must be a {wanted}.", "translation_type", wanted=wanted
            )
        )
    elif isinstance(parsed, TableBody):
        problems += _check_table(primary_body, parsed)
    if problems:
        raise BodyError(problems)
    return {"lang": second.code, "title": title, "body": canonical_body(parsed)}


def presented(translation: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Return a stored translation with how to set its language (``Language.as_json``), for
    players, pages and PDFs; ``None`` when there is none."""
    if not translation:
        return None
    second = LANGUAGES.get(str(translation.get("lang")))
    if second is None:
        return None
    return {**second.as_json(), "title": translation["title"], "body": translation["body"]}


def _empty(body: object) -> bool:
    if body is None:
        return True
    if not isinstance(body, Mapping):
        return False
    if body.get("type") == "table":
        return not body.get("columns") and not body.get("rows")
    return not str(body.get("text") or "").strip()
