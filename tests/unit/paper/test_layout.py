"""When a table needs the long side of the sheet, and how small it may be set."""

from __future__ import annotations

import pytest

from content.bodies import parse_body
from signage_server.paper.layout import PAGE_EMS
from signage_server.paper.layout import TABLE_SCALES
from signage_server.paper.layout import Orientation
from signage_server.paper.layout import PageFormat
from signage_server.paper.layout import Size
from signage_server.paper.layout import ems
from signage_server.paper.layout import fits
from signage_server.paper.layout import page_format
from signage_server.paper.layout import table_ems
from signage_server.paper.layout import table_scale

FINANCE = parse_body(
    {
        "type": "table",
        "columns": ["日期", "摘要", "收入（元）", "支出（元）", "经手人"],
        "rows": [
            ["第1周", "上级转移支付（村级组织运转经费）", 45000, None, "王小红"],
            ["第5周", "村党群服务站水电费", None, 1322.4, "王小红"],
            ["合计", "", 45000, 1322.4, ""],
        ],
    }
)


def months(count: int, rows: int = 3) -> dict[str, object]:
    return {
        "type": "table",
        "columns": ["项目"] + [f"{m}月金额" for m in range(1, count + 1)],
        "rows": [[f"第{r}项"] + [10000 * r + m + 0.5 for m in range(count)] for r in range(rows)],
    }


def test_widths_count_cjk_as_one_em() -> None:
    assert ems("集义村") == 3
    assert ems("1,322.40") == pytest.approx(8 * 0.55)


def test_a_village_finance_table_fits_a_portrait_sheet() -> None:
    assert table_ems(FINANCE) < PAGE_EMS[(Size.A4, Orientation.PORTRAIT)]
    assert fits(FINANCE, Size.A4, Orientation.PORTRAIT)
    assert page_format(FINANCE, Size.A4, Orientation.AUTO) == PageFormat(
        Size.A4, Orientation.PORTRAIT, 100
    )


def test_text_wraps_but_numbers_names_and_dates_do_not() -> None:
    long_text = parse_body(
        {"type": "table", "columns": ["说明"], "rows": [["很长的说明文字" * 10]]}
    )
    # A text column counts at most TEXT_EMS however long its cells.
    assert table_ems(long_text) <= 8
    amounts = parse_body(months(10))
    assert table_ems(amounts) > 10 * 5  # ten unbreakable amounts of 9 characters and more


def test_auto_turns_a_wide_table_landscape() -> None:
    wide = parse_body(months(10))
    assert not fits(wide, Size.A4, Orientation.PORTRAIT)
    assert page_format(wide, Size.A4, Orientation.AUTO).orientation is Orientation.LANDSCAPE
    assert page_format(wide, Size.A3, Orientation.AUTO).orientation is Orientation.LANDSCAPE
    # What the caller asked for explicitly stays, the table set smaller to fit.
    portrait = page_format(wide, Size.A4, Orientation.PORTRAIT)
    assert portrait.orientation is Orientation.PORTRAIT and portrait.table_scale < 100
    assert portrait.css_class == "a4 portrait"
    assert page_format(wide, Size.A3, Orientation.LANDSCAPE).label == "A3-landscape"


def test_text_never_turns_landscape_nor_shrinks() -> None:
    text = parse_body({"type": "text", "text": "一、支部党员大会" * 200})
    assert page_format(text, Size.A4, Orientation.AUTO) == PageFormat(
        Size.A4, Orientation.PORTRAIT, 100
    )


def test_tables_shrink_in_steps_and_never_below_the_smallest() -> None:
    assert table_scale(FINANCE, Size.A4, Orientation.PORTRAIT) == 100
    scales = [
        table_scale(parse_body(months(n)), Size.A4, Orientation.LANDSCAPE) for n in range(4, 19)
    ]
    assert scales == sorted(scales, reverse=True)
    assert set(scales) <= set(TABLE_SCALES)
    assert scales[0] == 100 and scales[-1] == TABLE_SCALES[-1]
