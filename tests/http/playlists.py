"""Helpers to drive the playlist form in tests: preview, then confirm the save."""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from html.parser import HTMLParser
from typing import Any

from flask.testing import FlaskClient

from tests.conftest import post_form

PREVIEWED_RE = re.compile(r'name="previewed" value="([0-9a-f]+)"')


def preview(client: FlaskClient, url: str, data: dict[str, Any]) -> str:
    """Submit the playlist form's 预览 and return the page with the preview."""
    response = post_form(client, url, {**data, "action": "preview"})
    assert response.status_code == 200, response.status_code
    page: str = response.get_data(as_text=True)
    assert 'id="pl-preview"' in page, page[:3000]
    return page


def previewed(page: str) -> str:
    """Return the fingerprint of what a preview page shows (sent back to confirm it)."""
    found = PREVIEWED_RE.search(page)
    assert found, "the page holds no preview to confirm"
    return found.group(1)


def save(client: FlaskClient, url: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """Preview the playlist form, then confirm the save as the operator does."""
    digest = previewed(preview(client, url, data))
    return post_form(client, url, {**data, "action": "save", "previewed": digest}, **kwargs)


@dataclass
class Rotation:
    """One rotation of a previewed screen, as the page marks it up."""

    by_this: bool
    items: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)
    spans: int = 0


@dataclass
class Screen:
    id: int
    change: str
    changed: bool
    rotations: list[Rotation] = field(default_factory=list)


@dataclass
class Form:
    """The rows of the playlist form, in the order shown (the row template left out)."""

    entries: list[tuple[str, str]] = field(default_factory=list)  # (what, seconds)
    dayparts: list[tuple[list[int], str, str]] = field(default_factory=list)
    screens: list[Screen] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.form = Form()
        self._select: str | None = None
        self._template = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "template":
            self._template += 1
        if self._template:
            return
        name = a.get("name", "")
        if tag == "article" and "pl-preview-screen" in classes:
            screen = Screen(int(a["data-screen"]), a["data-change"], a["data-changed"] == "yes")
            self.form.screens.append(screen)
        elif tag == "div" and "pl-rotation" in classes:
            self.form.screens[-1].rotations.append(Rotation(a["data-by-this"] == "yes"))
        elif tag == "div" and "pl-spans" in classes:
            self.form.screens[-1].rotations[-1].spans = int(a["data-spans"])
        elif tag == "li" and "data-item" in a:
            rotation = self.form.screens[-1].rotations[-1]
            rotation.items.append(int(a["data-item"]))
            if a.get("data-kept") == "yes":
                rotation.kept.append(int(a["data-item"]))
        elif tag == "select" and re.fullmatch(r"entry-\d+-what", name):
            self._select = name
            self.form.entries.append(("", ""))
        elif tag == "option" and self._select and "selected" in a:
            self.form.entries[-1] = (a["value"], "")
        elif tag == "input" and re.fullmatch(r"entry-\d+-duration", name):
            self.form.entries[-1] = (self.form.entries[-1][0], a.get("value", ""))
        elif tag == "input" and re.fullmatch(r"daypart-\d+-days", name):
            if not self.form.dayparts or a["id"].endswith("-0"):
                self.form.dayparts.append(([], "", ""))
            if "checked" in a:
                self.form.dayparts[-1][0].append(int(a["value"]))
        elif tag == "input" and re.fullmatch(r"daypart-\d+-(start|end)", name):
            days, start, end = self.form.dayparts[-1]
            if name.endswith("start"):
                self.form.dayparts[-1] = (days, a.get("value", ""), end)
            else:
                self.form.dayparts[-1] = (days, start, a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._template -= 1
        elif tag == "select":
            self._select = None


def read(page: str) -> Form:
    """Return the rows and the preview of a playlist page."""
    reader = _Reader()
    reader.feed(page)
    return reader.form
