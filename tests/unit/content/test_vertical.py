"""Breaking traditional Mongolian into columns (content/vertical.py): word by word, measured
with the font's joining forms, never longer than a column; and the print stylesheet sets each
second language in the family content/languages.py names."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.fonts import family_file
from content.languages import LANGUAGES
from content.vertical import SAFETY
from content.vertical import Metrics
from content.vertical import break_columns
from content.vertical import font_metrics
from signage_server.demo.bilingual import NOTICE_MN
from signage_server.paper import bilingual

CSS = Path(__file__).parents[3] / "signage_server" / "static" / "paper" / "paper.css"

#: Every letter one em, a space half an em.
EVEN = Metrics(advances={ord(c): (1.0, 1.0, 1.0, 1.0) for c in "abcdefgh"}, space=0.5)


def test_columns_are_filled_word_by_word_and_paragraphs_start_a_new_one() -> None:
    # 10 ems, 9 usable: "abc abc" is 6.5 ems, a third word would make 10.
    columns = break_columns("abc abc abc\nab", EVEN, 10)
    assert [c.text for c in columns] == ["abc abc", "abc", "ab"]
    assert [c.first for c in columns] == [True, False, True]


def test_the_first_column_of_a_paragraph_leaves_room_for_its_indent() -> None:
    columns = break_columns("abc abc abc abc", EVEN, 10, indent=3)
    assert [c.text for c in columns] == ["abc", "abc abc", "abc"]


def test_a_word_longer_than_a_column_is_cut_but_not_before_a_selector() -> None:
    word = "abcdefgh" * 2 + "\u180b" + "abcdefgh"
    columns = break_columns(word, EVEN, 8)
    assert "".join(c.text for c in columns) == word
    assert all(EVEN.width(c.text) <= 8 * SAFETY for c in columns)
    assert not any(c.text.startswith("\u180b") for c in columns)
    with pytest.raises(ValueError, match="too short"):
        break_columns("abc", EVEN, 1)


def test_characters_the_font_lacks_count_as_a_fallback_face_sets_them() -> None:
    assert EVEN.width("ab 12") == pytest.approx(2 + 3 * 0.62)
    assert EVEN.width("元") == 1.0


mongolian = pytest.mark.skipif(
    family_file("Noto Sans Mongolian") is None, reason="fonts-noto-core is not installed"
)


@mongolian
def test_mongolian_letters_are_measured_in_their_joined_forms() -> None:
    path = family_file("Noto Sans Mongolian")
    assert path is not None
    metrics = font_metrics(path)
    word = "ᠪᠡᠯᠴᠢᠭᠡᠷ"
    isolated = sum(metrics.width(c) for c in word)
    # Joined, a word is narrower than its letters set apart (medial forms are slimmer).
    assert 0 < metrics.width(word) < isolated
    columns = break_columns(NOTICE_MN, metrics, bilingual.COLUMN_EMS, indent=bilingual.INDENT_EMS)
    assert " ".join(c.text for c in columns).split() == NOTICE_MN.split()
    assert sum(c.first for c in columns) == 2  # two paragraphs
    assert all(metrics.width(c.text) <= bilingual.COLUMN_EMS * SAFETY for c in columns)


def test_the_stylesheet_sets_each_second_language_in_its_family() -> None:
    css = CSS.read_text(encoding="utf-8")
    for code, language in LANGUAGES.items():
        assert (
            f'.translation.lang-{code}, .translation.lang-{code} table.body-table {{\n  font-family: "{language.font}"'
            in css
        ), code
    # The column lengths the lines are broken to are the stylesheet's.
    assert f"height: {bilingual.COLUMN_EMS:g}em" in css
    assert f"width: {bilingual.COLUMN_EMS / bilingual.TITLE_SCALE:.2f}em" in css
    assert f".vfirst {{ padding-left: {bilingual.INDENT_EMS:g}em" in css
