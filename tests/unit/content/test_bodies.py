"""Typed item bodies: every rule accepted once and refused once."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic import ValidationError

from content.bodies import MAX_SAFE_INTEGER
from content.bodies import AnyBody
from content.bodies import Body
from content.bodies import BodyError
from content.bodies import ImageBody
from content.bodies import PdfBody
from content.bodies import TableBody
from content.bodies import TextBody
from content.bodies import body_assets
from content.bodies import body_text
from content.bodies import canonical_body
from content.bodies import cell_text
from content.bodies import parse_body

SHA_A = "a" * 64
SHA_B = "0123456789abcdef" * 4
SHA_C = "c" * 64

FINANCE: dict[str, Any] = {
    "type": "table",
    "caption": "集义村2024年3月财务收支",
    "columns": ["日期", "摘要", "收入（元）", "支出（元）", "经手人"],
    "rows": [
        ["3月2日", "上级转移支付", 50000, None, "张三"],
        ["3月15日", "购买水泥", None, 1234.5, "李四"],
    ],
    "note": "数据来源：村报账员",
}


def problems(data: object) -> list[dict[str, str]]:
    with pytest.raises(BodyError) as caught:
        parse_body(data)
    found = [{"field": p["field"], "message": p["message"]} for p in caught.value.problems]
    for problem in found:
        assert set(problem) == {"field", "message"}
        assert "pydantic" not in problem["message"].lower()
        assert "http" not in problem["message"]
        assert "type=" not in problem["message"]
    return found


def fields(data: object) -> list[str]:
    return [p["field"] for p in problems(data)]


def table(**changes: Any) -> dict[str, Any]:
    return {**FINANCE, **changes}


# --- parse_body in general ---------------------------------------------------------------


@pytest.mark.parametrize("data", [None, [], "text", 3, b"{}"])
def test_a_body_must_be_an_object(data: object) -> None:
    assert problems(data) == [{"field": "", "message": "The body must be an object."}]


@pytest.mark.parametrize("kind", [None, "video", 3, "TEXT"])
def test_the_type_must_be_known(kind: object) -> None:
    data = {"text": "x"} if kind is None else {"type": kind, "text": "x"}
    assert fields(data) == ["type"]


def test_unknown_keys_are_refused() -> None:
    assert fields({"type": "text", "text": "公开", "color": "red"}) == ["color"]


def test_no_coercion_of_types() -> None:
    assert fields({"type": "image", "asset": 123}) == ["asset"]
    assert fields({"type": "text", "text": ["a"]}) == ["text"]


def test_every_problem_is_reported() -> None:
    found = fields({"type": "table", "columns": ["", "b"], "rows": "x", "caption": 1})
    assert found == ["columns.0", "rows", "caption"]


def test_an_already_validated_body_is_returned() -> None:
    body = TextBody(text="公开")
    assert parse_body(body) is body


def test_body_error_is_a_value_error_with_a_readable_message() -> None:
    with pytest.raises(ValueError, match=r"invalid body: text: Must not be empty\."):
        parse_body({"type": "text", "text": " "})


def test_bodies_are_frozen() -> None:
    body = parse_body({"type": "text", "text": "公开"})
    assert isinstance(body, TextBody)
    with pytest.raises(ValidationError):
        body.text = "<script>"  # type: ignore[misc]


def test_body_union_discriminates_inside_other_models() -> None:
    class Item(BaseModel):
        body: Body

    item = Item.model_validate({"body": {"type": "image", "asset": SHA_A}})
    assert isinstance(item.body, ImageBody)
    with pytest.raises(ValidationError):
        Item.model_validate({"body": {"type": "sound", "asset": SHA_A}})


# --- text ------------------------------------------------------------------------------------


def test_plain_text_is_kept_as_typed() -> None:
    body = parse_body({"type": "text", "text": "  <b>村务</b> 公开\r\n第二行\x00  "})
    assert isinstance(body, TextBody)
    assert body.format == "plain"
    assert body.text == "<b>村务</b> 公开\n第二行"


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n", "\x00\x01"])
def test_text_must_not_be_empty(text: str) -> None:
    assert problems({"type": "text", "text": text}) == [
        {"field": "text", "message": "Must not be empty."}
    ]


def test_text_length_limit() -> None:
    body = parse_body({"type": "text", "text": "公" * 20000 + "  "})
    assert body == TextBody(text="公" * 20000)
    assert problems({"type": "text", "text": "公" * 20001}) == [
        {"field": "text", "message": "Must be at most 20000 characters."}
    ]


def test_text_format_must_be_plain_or_html() -> None:
    assert fields({"type": "text", "text": "x", "format": "markdown"}) == ["format"]


def test_html_text_is_sanitised_when_validated() -> None:
    body = parse_body(
        {"type": "text", "format": "html", "text": "<p onclick=x>公开<script>alert(1)</script></p>"}
    )
    assert isinstance(body, TextBody)
    assert body.text == "<p>公开</p>"


def test_html_text_without_visible_text_is_refused() -> None:
    assert fields({"type": "text", "format": "html", "text": "<script>alert(1)</script>"}) == [
        "text"
    ]
    assert fields({"type": "text", "format": "html", "text": "<p></p><br>"}) == ["text"]


def test_html_text_too_long_once_sanitised_is_refused() -> None:
    # 5000 "<" become 5000 "&lt;" (20000 characters) plus the paragraph markup.
    assert fields({"type": "text", "format": "html", "text": "<p>" + "<" * 5000}) == ["text"]


# --- table -----------------------------------------------------------------------------------


def test_a_finance_table_is_accepted() -> None:
    body = parse_body(FINANCE)
    assert isinstance(body, TableBody)
    assert body.columns[2] == "收入（元）"
    assert body.rows[1] == ["3月15日", "购买水泥", None, 1234.5, "李四"]
    assert body.note == "数据来源：村报账员"


def test_table_without_rows_is_accepted() -> None:
    body = parse_body({"type": "table", "columns": ["姓名"]})
    assert isinstance(body, TableBody)
    assert body.rows == []
    assert body.caption == ""


def test_columns_count() -> None:
    assert parse_body(table(columns=[f"列{i}" for i in range(20)], rows=[]))
    assert problems(table(columns=[], rows=[])) == [
        {"field": "columns", "message": "Must have at least 1 item."}
    ]
    assert problems(table(columns=[f"列{i}" for i in range(21)], rows=[])) == [
        {"field": "columns", "message": "Must have at most 20 items."}
    ]


def test_column_names() -> None:
    body = parse_body(table(columns=[" 日期\t", "摘\n要", "a" * 100, "x", "y"]))
    assert isinstance(body, TableBody)
    assert body.columns[:3] == ["日期", "摘 要", "a" * 100]
    assert fields(table(columns=["日期", " ", "a", "b", "c"])) == ["columns.1"]
    assert fields(table(columns=["日期", "a" * 101, "a", "b", "c"])) == ["columns.1"]
    assert fields(table(columns=["日期", 2, "a", "b", "c"])) == ["columns.1"]


def test_rows_count() -> None:
    assert parse_body(table(columns=["序号"], rows=[[i] for i in range(1000)]))
    assert problems(table(columns=["序号"], rows=[[i] for i in range(1001)])) == [
        {"field": "rows", "message": "Must have at most 1000 items."}
    ]


def test_every_row_has_one_cell_per_column() -> None:
    rows = [["a", "b"], ["a", "b"], ["a", "b"], ["a"]]
    assert problems(table(columns=["x", "y"], rows=rows)) == [
        {"field": "rows.3", "message": "Has 1 cells but the table has 2 columns."}
    ]
    assert fields(table(columns=["x"], rows=[["a", "b"]])) == ["rows.0"]
    assert fields(table(columns=["x"], rows=[[]])) == ["rows.0"]
    assert fields(table(columns=["x"], rows=[["a"] * 21])) == ["rows.0"]
    assert fields(table(columns=["x"], rows=["ab"])) == ["rows.0"]


@pytest.mark.parametrize(
    "cell", ["", "文本", "a" * 500, 0, -5, MAX_SAFE_INTEGER, 1.5, -0.25, 1e300, None]
)
def test_accepted_cells(cell: object) -> None:
    body = parse_body(table(columns=["x"], rows=[[cell]]))
    assert isinstance(body, TableBody)
    assert body.rows == [[cell]]


@pytest.mark.parametrize(
    "cell",
    [
        "a" * 501,
        True,
        False,
        float("nan"),
        float("inf"),
        float("-inf"),
        MAX_SAFE_INTEGER + 1,
        -MAX_SAFE_INTEGER - 1,
        [1],
        {"a": 1},
    ],
)
def test_refused_cells(cell: object) -> None:
    assert fields(table(columns=["x", "y"], rows=[["ok", "ok"], ["ok", cell]])) == ["rows.1.1"]


def test_cell_text_is_normalised_but_keeps_line_breaks() -> None:
    body = parse_body(table(columns=["x"], rows=[["  第一行\r\n第二行\x07 "]]))
    assert isinstance(body, TableBody)
    assert body.rows == [["第一行\n第二行"]]


def test_caption_and_note_limits() -> None:
    assert parse_body(table(caption="标" * 200, note="注" * 1000))
    assert fields(table(caption="标" * 201)) == ["caption"]
    assert fields(table(note="注" * 1001)) == ["note"]
    body = parse_body(table(caption="第一\n第二", note="第一\n第二"))
    assert isinstance(body, TableBody)
    assert (body.caption, body.note) == ("第一 第二", "第一\n第二")


# --- image and pdf ---------------------------------------------------------------------------


def test_image_body() -> None:
    body = parse_body({"type": "image", "asset": SHA_B, "caption": "村委会公示栏"})
    assert body == ImageBody(asset=SHA_B, caption="村委会公示栏")
    assert parse_body({"type": "image", "asset": SHA_A}) == ImageBody(asset=SHA_A)


@pytest.mark.parametrize(
    "asset",
    [
        "A" * 64,
        "a" * 63,
        "a" * 65,
        "g" * 64,
        "../../etc/passwd",
        "",
        " " + "a" * 63,
        "a" * 64 + "\n",
    ],
)
def test_asset_must_be_a_sha256(asset: str) -> None:
    assert problems({"type": "image", "asset": asset}) == [
        {
            "field": "asset",
            "message": "Must be a sha256 digest (64 lowercase hexadecimal characters).",
        }
    ]
    assert fields({"type": "pdf", "asset": asset}) == ["asset"]


def test_image_requires_an_asset() -> None:
    assert problems({"type": "image"}) == [{"field": "asset", "message": "This field is required."}]


def test_pdf_body() -> None:
    body = parse_body({"type": "pdf", "asset": SHA_A, "pages": [SHA_B, SHA_C]})
    assert body == PdfBody(asset=SHA_A, pages=[SHA_B, SHA_C])
    assert parse_body({"type": "pdf", "asset": SHA_A}) == PdfBody(asset=SHA_A, pages=[])


def test_pdf_pages_must_be_sha256() -> None:
    assert fields({"type": "pdf", "asset": SHA_A, "pages": [SHA_B, "x"]}) == ["pages.1"]
    assert fields({"type": "pdf", "asset": SHA_A, "pages": SHA_B}) == ["pages"]


def test_image_caption_limit() -> None:
    assert fields({"type": "image", "asset": SHA_A, "caption": "x" * 201}) == ["caption"]


# --- helpers ---------------------------------------------------------------------------------


def test_body_assets() -> None:
    assert body_assets(ImageBody(asset=SHA_A)) == [SHA_A]
    assert body_assets(PdfBody(asset=SHA_A, pages=[SHA_B, SHA_C, SHA_B])) == [SHA_A, SHA_B, SHA_C]
    assert body_assets(TextBody(text="x")) == []
    assert body_assets(parse_body(FINANCE)) == []


def test_body_text() -> None:
    assert body_text(TextBody(text="第一行\n第二行")) == "第一行\n第二行"
    rich = parse_body(
        {"type": "text", "format": "html", "text": "<h2>标题</h2><p>正文 &amp; 附件</p>"}
    )
    assert body_text(rich) == "标题\n正文 & 附件"
    assert body_text(parse_body(FINANCE)) == (
        "集义村2024年3月财务收支\n"
        "日期\t摘要\t收入（元）\t支出（元）\t经手人\n"
        "3月2日\t上级转移支付\t50000\t\t张三\n"
        "3月15日\t购买水泥\t\t1234.5\t李四\n"
        "数据来源：村报账员"
    )
    cells = parse_body({"type": "table", "columns": ["x"], "rows": [["a\tb\nc"]]})
    assert body_text(cells) == "x\na b c"
    assert body_text(ImageBody(asset=SHA_A, caption="照片")) == "照片"
    assert body_text(PdfBody(asset=SHA_A)) == ""


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("文本", "文本"),
        (12, "12"),
        (1234.5, "1234.5"),
        (1e16, "10000000000000000"),
        (1e-7, "0.0000001"),
        (100.0, "100.0"),
    ],
)
def test_cell_text(value: str | int | float | None, text: str) -> None:
    assert cell_text(value) == text


SAMPLES: list[dict[str, Any]] = [
    FINANCE,
    {"type": "text", "text": "公开内容"},
    {"type": "text", "format": "html", "text": "<p>公开 <b>内容</b></p><ul><li>一</li></ul>"},
    {"type": "image", "asset": SHA_A, "caption": "照片"},
    {"type": "pdf", "asset": SHA_A, "pages": [SHA_B]},
]


@pytest.mark.parametrize("data", SAMPLES, ids=lambda d: d["type"])
def test_canonical_body_round_trips_through_json(data: dict[str, Any]) -> None:
    body = parse_body(data)
    canonical = canonical_body(body)
    assert next(iter(canonical)) == "type"
    decoded = json.loads(json.dumps(canonical, ensure_ascii=False, sort_keys=True))
    assert decoded == canonical
    assert parse_body(decoded) == body
    assert canonical_body(parse_body(decoded)) == canonical


def test_canonical_body_includes_defaults() -> None:
    assert canonical_body(parse_body({"type": "image", "asset": SHA_A})) == {
        "type": "image",
        "asset": SHA_A,
        "caption": "",
    }
    assert canonical_body(parse_body({"type": "text", "text": "x"})) == {
        "type": "text",
        "format": "plain",
        "text": "x",
    }


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(min_size=1, max_size=200),
    fmt=st.sampled_from(["plain", "html"]),
)
def test_validation_is_idempotent(text: str, fmt: str) -> None:
    try:
        body: AnyBody = parse_body({"type": "text", "format": fmt, "text": text})
    except BodyError:
        return
    assert parse_body(canonical_body(body)) == body
