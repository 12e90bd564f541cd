"""Define the typed bodies of a disclosure item: text, table, image and PDF.

A body is a JSON object with a ``type``; :data:`Body` is the discriminated union for use inside
other pydantic models, :func:`parse_body` validates untrusted input and reports problems as
``{"field", "message"}`` pairs. Models are strict (no coercion of ``"1"`` to ``1``), refuse
unknown keys and are frozen, so a validated body cannot be changed behind the validators' back
(use ``model_copy(update=...)`` and validate again, e.g. ``parse_body(canonical_body(copy))``).

Every string is normalised while validating: ``\\r\\n`` and ``\\r`` become ``\\n``, other control
characters (NUL included, which PostgreSQL cannot store) are removed, and leading and trailing
whitespace is stripped. Single-line fields (column names, captions) also turn tabs and line
breaks into spaces. Validation is idempotent: ``parse_body(canonical_body(b)) == b``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated
from typing import Any
from typing import Literal
from typing import TypedDict

from pydantic import AfterValidator
from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import PlainValidator
from pydantic import ValidationError
from pydantic import ValidationInfo
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from content.sanitize import html_to_text
from content.sanitize import sanitize_html

__all__ = [
    "MAX_CAPTION",
    "MAX_CELL",
    "MAX_COLUMN",
    "MAX_COLUMNS",
    "MAX_NOTE",
    "MAX_PAGES",
    "MAX_ROWS",
    "MAX_SAFE_INTEGER",
    "MAX_TEXT",
    "AnyBody",
    "Body",
    "BodyError",
    "Cell",
    "ImageBody",
    "PdfBody",
    "Problem",
    "TableBody",
    "TextBody",
    "body_assets",
    "body_text",
    "canonical_body",
    "cell_text",
    "clean_text",
    "parse_body",
]

MAX_TEXT = 20_000
MAX_COLUMNS = 20
MAX_COLUMN = 100
MAX_ROWS = 1_000
MAX_CELL = 500
MAX_CAPTION = 200
MAX_NOTE = 1_000
MAX_PAGES = 1_000
# Integers beyond this lose precision in the players' JavaScript.
MAX_SAFE_INTEGER = 2**53 - 1

#: Control characters, and the bidirectional embeddings, overrides and isolates: an override
#: (U+202E) would show "45000" as "00054" while the stored digits stay the approved ones. The
#: direction of a right-to-left text is the page's to set (``content.languages``); the marks
#: (U+200E, U+200F, U+061C), which reorder no run of letters or digits, are kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"\r\n?")
_SINGLE_LINE = re.compile(r"[\t\n]+")


def clean_text(value: str, *, single_line: bool) -> str:
    """Return *value* with unified line breaks, no control characters (nor bidi overrides)
    and no outer whitespace; a single line also without tabs and line breaks. Titles go
    through it as the body's strings do."""
    return _normalise(value, single_line=single_line)


def _normalise(value: str, *, single_line: bool) -> str:
    """Return *value* with unified line breaks, no control characters and no outer whitespace."""
    value = _CONTROL.sub("", _LINE_BREAKS.sub("\n", value))
    if single_line:
        value = _SINGLE_LINE.sub(" ", value)
    return value.strip()


def _too_long(limit: int) -> PydanticCustomError:
    return PydanticCustomError(
        "too_long_text", "Must be at most {limit} characters.", {"limit": limit}
    )


def _short_text(limit: int, *, required: bool, single_line: bool) -> Callable[[str], str]:
    """Make a validator that normalises a string and checks its length."""

    def check(value: str) -> str:
        value = _normalise(value, single_line=single_line)
        if required and not value:
            raise PydanticCustomError("empty", "Must not be empty.")
        if len(value) > limit:
            raise _too_long(limit)
        return value

    return check


ColumnName = Annotated[
    str, AfterValidator(_short_text(MAX_COLUMN, required=True, single_line=True))
]
Caption = Annotated[str, AfterValidator(_short_text(MAX_CAPTION, required=False, single_line=True))]
Note = Annotated[str, AfterValidator(_short_text(MAX_NOTE, required=False, single_line=False))]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


def _check_cell(value: object) -> str | int | float | None:
    """Accept a table cell: text, a finite number or None (an empty cell); refuse the rest."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise PydanticCustomError("cell_type", "Must be text, a number or null.")
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise PydanticCustomError(
                "cell_number", "Number too large to show exactly; send it as text."
            )
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise PydanticCustomError("cell_number", "Must be a finite number.")
        return value
    if isinstance(value, str):
        text = _normalise(value, single_line=False)
        if len(text) > MAX_CELL:
            raise _too_long(MAX_CELL)
        return text
    raise PydanticCustomError("cell_type", "Must be text, a number or null.")


Cell = Annotated[str | int | float | None, PlainValidator(_check_cell)]
Row = Annotated[list[Cell], Field(max_length=MAX_COLUMNS)]


class _BodyModel(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class TextBody(_BodyModel):
    """Text shown as typed (``plain``, escaped when rendered) or as sanitised rich text."""

    type: Literal["text"] = "text"
    # Declared before ``text`` so that the text validator knows the format.
    format: Literal["plain", "html"] = "plain"
    text: str

    @field_validator("text")
    @classmethod
    def _check_text(cls, value: str, info: ValidationInfo) -> str:
        value = _normalise(value, single_line=False)
        if not value:
            raise PydanticCustomError("empty", "Must not be empty.")
        if len(value) > MAX_TEXT:
            raise _too_long(MAX_TEXT)
        if info.data.get("format") == "html":
            value = sanitize_html(value).strip()
            if not html_to_text(value).strip():
                raise PydanticCustomError(
                    "empty_html", "Has no visible text once unsafe markup is removed."
                )
            if len(value) > MAX_TEXT:
                raise _too_long(MAX_TEXT)
        return value


class TableBody(_BodyModel):
    """A table such as 村级财务收支: column names, rows of cells, a caption and a note."""

    type: Literal["table"] = "table"
    columns: Annotated[list[ColumnName], Field(min_length=1, max_length=MAX_COLUMNS)]
    rows: Annotated[list[Row], Field(max_length=MAX_ROWS)] = Field(default_factory=list)
    caption: Caption = ""
    note: Note = ""

    @field_validator("rows")
    @classmethod
    def _check_row_lengths(
        cls, rows: list[list[str | int | float | None]], info: ValidationInfo
    ) -> list[list[str | int | float | None]]:
        columns = info.data.get("columns")
        if columns is None:  # already refused; do not pile up follow-up errors
            return rows
        for index, row in enumerate(rows):
            if len(row) != len(columns):
                raise PydanticCustomError(
                    "row_length",
                    "Has {cells} cells but the table has {columns} columns.",
                    {"row": index, "cells": len(row), "columns": len(columns)},
                )
        return rows


class ImageBody(_BodyModel):
    """One stored image, by the sha256 of its (normalised) bytes."""

    type: Literal["image"] = "image"
    asset: Sha256
    caption: Caption = ""


class PdfBody(_BodyModel):
    """A stored PDF and the images of its pages (filled by the server when it renders them)."""

    type: Literal["pdf"] = "pdf"
    asset: Sha256
    pages: Annotated[list[Sha256], Field(max_length=MAX_PAGES)] = Field(default_factory=list)
    caption: Caption = ""


AnyBody = TextBody | TableBody | ImageBody | PdfBody
Body = Annotated[AnyBody, Field(discriminator="type")]

_MODELS: dict[str, type[TextBody] | type[TableBody] | type[ImageBody] | type[PdfBody]] = {
    "text": TextBody,
    "table": TableBody,
    "image": ImageBody,
    "pdf": PdfBody,
}


class Problem(TypedDict):
    """One reason a body was refused: a dotted field path (``""`` is the body) and a sentence."""

    field: str
    message: str
    #: A stable code (pydantic's error type or ours), for callers that translate messages.
    code: str
    #: Values the message mentions (limits, counts), under stable names.
    params: dict[str, Any]


class BodyError(ValueError):
    """Raised by :func:`parse_body` with every problem found in the body."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        detail = "; ".join(f"{p['field'] or 'body'}: {p['message']}" for p in problems)
        super().__init__(f"invalid body: {detail}")


_OWN_ERRORS = frozenset(
    {"empty", "empty_html", "too_long_text", "cell_type", "cell_number", "row_length"}
)
_SHA256_MESSAGE = "Must be a sha256 digest (64 lowercase hexadecimal characters)."


def _message(error: Mapping[str, Any]) -> str:
    """Return an English sentence for one pydantic error, without pydantic's wording or links."""
    kind = error["type"]
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind in _OWN_ERRORS:
        return str(error["msg"])
    fixed = {
        "missing": "This field is required.",
        "extra_forbidden": "Unknown field.",
        "string_type": "Must be a string.",
        "list_type": "Must be a list.",
        "model_type": "Must be an object.",
        "dict_type": "Must be an object.",
        "string_pattern_mismatch": _SHA256_MESSAGE,
    }
    if kind in fixed:
        return fixed[kind]
    if kind == "literal_error":
        return f"Must be one of: {ctx.get('expected', '')}."
    if kind == "too_short":
        return f"Must have at least {_items(ctx.get('min_length'))}."
    if kind == "too_long":
        return f"Must have at most {_items(ctx.get('max_length'))}."
    return "Invalid value."


def _items(count: object) -> str:
    return f"{count} item" if count == 1 else f"{count} items"


def _problems(exc: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    for error in exc.errors(include_url=False, include_input=False):
        loc = list(error["loc"])
        if error["type"] == "row_length":
            loc.append(error["ctx"]["row"])
        ctx = error.get("ctx") or {}
        params = {k: v for k, v in ctx.items() if isinstance(v, int | str)}
        problems.append(
            {
                "field": ".".join(str(part) for part in loc),
                "message": _message(error),
                "code": str(error["type"]),
                "params": params,
            }
        )
    return problems


def parse_body(data: object) -> AnyBody:
    """Validate *data* (decoded JSON) as a body and return the typed, normalised model.

    :param data: a mapping with a ``type`` of ``text``, ``table``, ``image`` or ``pdf``; an
        already validated body model is returned as it is.
    :raise BodyError: listing every problem, with field paths such as ``rows.3`` or
        ``columns.0``; ``type`` when the type is missing or unknown, ``""`` when *data* is not
        an object at all.
    """
    if isinstance(data, TextBody | TableBody | ImageBody | PdfBody):
        return data
    if not isinstance(data, Mapping):
        raise BodyError(
            [
                {
                    "field": "",
                    "message": "The body must be an object.",
                    "code": "model_type",
                    "params": {},
                }
            ]
        )
    kind = data.get("type")
    if kind is None:
        raise BodyError(
            [
                {
                    "field": "type",
                    "message": "This field is required.",
                    "code": "missing",
                    "params": {},
                }
            ]
        )
    model = _MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise BodyError(
            [
                {
                    "field": "type",
                    "message": "Must be one of: " + ", ".join(_MODELS) + ".",
                    "code": "literal_error",
                    "params": {"expected": ", ".join(_MODELS)},
                }
            ]
        )
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise BodyError(_problems(exc)) from exc


def body_assets(body: AnyBody) -> list[str]:
    """Return the sha256 of every asset *body* refers to, in order, without duplicates."""
    if isinstance(body, ImageBody):
        return [body.asset]
    if isinstance(body, PdfBody):
        return list(dict.fromkeys([body.asset, *body.pages]))
    return []


def cell_text(value: str | int | float | None) -> str:
    """Return a table cell as text: empty for None, numbers without exponent notation."""
    if value is None:
        return ""
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value)


def body_text(body: AnyBody) -> str:
    """Return a plain-text rendering of *body* for diffs and search.

    Text is returned as stored (rich text through :func:`html_to_text`); a table becomes its
    caption, the tab-separated header and rows (tabs and line breaks inside cells become spaces)
    and its note; images and PDFs contribute their caption.
    """
    if isinstance(body, TextBody):
        return html_to_text(body.text) if body.format == "html" else body.text
    if isinstance(body, TableBody):
        lines = [body.caption] if body.caption else []
        lines.append("\t".join(body.columns))
        lines.extend(
            "\t".join(_SINGLE_LINE.sub(" ", cell_text(cell)) for cell in row) for row in body.rows
        )
        if body.note:
            lines.append(body.note)
        return "\n".join(lines)
    return body.caption


def canonical_body(body: AnyBody) -> dict[str, Any]:
    """Return *body* as a JSON-serialisable dict with a stable shape, for storing and hashing.

    This is ``model_dump(mode="json")``: every field is present (defaults included), keys in
    declaration order starting with ``type``, strings already normalised and sanitised. To hash
    it, serialise with ``json.dumps(..., sort_keys=True, ensure_ascii=False,
    separators=(",", ":"))``; validating the dict again gives an equal body.
    """
    return body.model_dump(mode="json")
