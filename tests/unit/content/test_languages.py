"""The rule of an item's second text (content.languages), without a database."""

from __future__ import annotations

import pytest

from content.bodies import BodyError
from content.languages import LANGUAGES
from content.languages import check_translation
from content.languages import presented

TABLE = {
    "type": "table",
    "caption": "",
    "columns": ["摘要", "金额（元）"],
    "rows": [["水电费", "1,320.00"], ["合计", 1320]],
    "note": "",
}
UG = LANGUAGES["ug"]


def ug_table(*rows: list[object]) -> dict[str, object]:
    return {
        "lang": "ug",
        "title": "ھېسابات",
        "body": {**TABLE, "columns": ["مەزمۇن", "سومما"], "rows": [list(r) for r in rows]},
    }


def codes(error: pytest.ExceptionInfo[BodyError]) -> set[str]:
    return {p["code"] for p in error.value.problems}


def test_an_empty_translation_is_none_and_a_full_one_is_canonical() -> None:
    assert check_translation(None, TABLE, UG) is None
    assert check_translation({"lang": "ug", "title": " ", "body": None}, TABLE, UG) is None
    checked = check_translation(ug_table(["سۇ-توك", "1,320.00"], ["جەمئىي", 1320]), TABLE, UG)
    assert checked is not None and checked["title"] == "ھېسابات"
    assert checked["body"]["rows"][1] == ["جەمئىي", 1320]


def test_numbers_must_be_the_same_in_both_languages() -> None:
    with pytest.raises(BodyError) as error:
        check_translation(ug_table(["سۇ-توك", "1,302.00"], ["جەمئىي", 1320]), TABLE, UG)
    assert codes(error) == {"translation_number"}
    assert error.value.problems[0]["field"] == "translation.body.rows.0.1"
    # A number may not be dropped either (an empty cell where the Chinese has one).
    with pytest.raises(BodyError) as error:
        check_translation(ug_table(["سۇ-توك", ""], ["جەمئىي", 1320]), TABLE, UG)
    assert codes(error) == {"translation_number"}


def test_the_shape_type_and_language_must_match() -> None:
    with pytest.raises(BodyError) as error:
        check_translation(ug_table(["سۇ-توك", "1,320.00"]), TABLE, UG)
    assert codes(error) == {"translation_shape"}
    text = {"lang": "ug", "title": "x", "body": {"type": "text", "text": "y"}}
    with pytest.raises(BodyError) as error:
        check_translation(text, TABLE, UG)
    assert codes(error) == {"translation_type"}
    with pytest.raises(BodyError) as error:
        check_translation(text, TABLE, LANGUAGES["mn"])
    assert codes(error) == {"wrong_language"}
    with pytest.raises(BodyError) as error:
        check_translation(text, TABLE, None)
    assert codes(error) == {"no_second_language"}
    with pytest.raises(BodyError) as error:
        check_translation({**text, "title": ""}, {"type": "text", "text": "中"}, UG)
    assert codes(error) == {"empty"}


def test_how_each_language_is_set() -> None:
    assert (UG.direction, UG.vertical, UG.tag) == ("rtl", False, "ug")
    mongolian = LANGUAGES["mn"]
    assert (mongolian.direction, mongolian.vertical, mongolian.tag) == ("ltr", True, "mn-Mong")
    shown = presented({"lang": "mn", "title": "t", "body": {"type": "text", "text": "b"}})
    assert shown is not None and shown["vertical"] and shown["font"] == "Noto Sans Mongolian"
    assert presented({"lang": "xx", "title": "t", "body": {}}) is None
    assert presented(None) is None


def test_no_bidi_override_can_make_a_number_read_otherwise() -> None:
    # U+202E (right-to-left override) would show "00054" for a stored "45000": overrides,
    # embeddings and isolates are taken out of every string, so the digits compared are the
    # digits shown.
    table = {**TABLE, "rows": [["水电费", "45000"], ["合计", 45000]]}
    disguised = ug_table(["سۇ-توك", "\u202e00054"], ["جەمئىي", 45000])
    with pytest.raises(BodyError) as error:
        check_translation(disguised, table, UG)
    assert codes(error) == {"translation_number"}
    shown = ug_table(["سۇ-توك", "\u202e45000\u202c"], ["جەمئىي", 45000])
    checked = check_translation({**shown, "title": "\u2067ھېسابات\u2069"}, table, UG)
    assert checked is not None
    assert checked["body"]["rows"][0][1] == "45000" and checked["title"] == "ھېسابات"
    # The marks that reorder no run of letters or digits stay (a Uyghur text may need them).
    kept = check_translation({**shown, "title": "ھېسابات\u200f"}, table, UG)
    assert kept is not None and kept["title"] == "ھېسابات\u200f"
