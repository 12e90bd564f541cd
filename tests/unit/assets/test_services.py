"""A refused upload becomes the shared domain error of its status, with the check's code."""

from __future__ import annotations

import pytest

from content.assets import AssetRejected
from content.assets import Limits
from signage_server.assets.services import refusal
from signage_server.errors import BadRequest
from signage_server.errors import Busy
from signage_server.errors import DomainError
from signage_server.errors import RuleViolation
from signage_server.errors import TooLarge
from signage_server.errors import UnsupportedMediaType


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (400, "empty", BadRequest),
        (413, "too_large", TooLarge),
        (415, "unsupported_type", UnsupportedMediaType),
        (422, "corrupt", RuleViolation),
        (503, "busy", Busy),
    ],
)
def test_refusal_keeps_status_and_code(status: int, code: str, kind: type[DomainError]) -> None:
    error = refusal(AssetRejected(status, code, "checker's text"), Limits())  # type: ignore[arg-type]
    assert type(error) is kind
    assert (error.status, error.code) == (status, code)


def test_refusal_translates_known_messages_and_fills_the_limit() -> None:
    error = refusal(AssetRejected(422, "too_many_pages", "too many"), Limits(max_pdf_pages=7))
    assert error.message.startswith("The PDF has too many pages")
    assert error.params == {"limit": 7}
    other = refusal(AssetRejected(422, "corrupt", "The image is damaged."), Limits())
    assert other.message == "The image is damaged."


def test_a_busy_converter_says_when_to_come_back() -> None:
    error = refusal(AssetRejected(503, "busy", "busy"), Limits())
    assert getattr(error, "headers", {}) == {"Retry-After": "30"}
