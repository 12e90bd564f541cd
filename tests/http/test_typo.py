"""Issue 10, item 3 on the phone: the QR page shows a disclosed table the way the screens do."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Factory
from tests.http.feedback import item_code
from tests.http.feedback import published_item


@pytest.fixture
def village(make: Factory) -> Factory:
    """集义村's people of the procedure, and the county's catalog (the item is entry CW-01)."""
    make.catalog()
    make.procedure("JIYI-01")
    return make


def test_phone_page_shows_amounts_one_way_and_labels_every_cell(
    app: Flask, client: FlaskClient, village: Factory
) -> None:
    item = published_item(client, village)
    html = client.get(f"/f/{item_code(app, item)}").get_data(as_text=True)
    # Money columns: thousands separators and two decimals (content/numbers.py).
    assert '<td class="num money" data-label="收入（元）">45,000.00</td>' in html
    assert '<td class="num money" data-label="支出（元）">12,680.50</td>' in html
    assert '<td class="num money" data-label="支出（元）">1,320.00</td>' in html
    # Names and dates are short cells (never wrapped); each cell names its column (cards).
    assert '<td class="short" data-label="经手人">王小红</td>' in html
    assert '<td class="short" data-label="日期">2026-10-08</td>' in html
    assert '<table class="body-table cards">' in html
    # The caption "2026年第四季度村级财务收支情况" repeats the title: not shown.
    assert "<caption>" not in html
    # The title breaks between words (the screens' words.js, loaded by the public pages).
    assert 'data-words lang="zh-CN" dir="ltr">集义村2026年第四季度村级财务收支情况</h1>' in html
    assert "/player/static/words.js" in html


def test_phone_page_keeps_a_caption_that_says_more_than_the_title(
    app: Flask, client: FlaskClient, village: Factory
) -> None:
    body = {
        "type": "table",
        "caption": "党费收缴情况（党内公开）",
        "columns": ["党小组", "金额（元）"],
        "rows": [["第一党小组", 432], ["合计", 432]],
    }
    item = published_item(client, village, body=body, title="集义村党支部2026年第四季度党费")
    html = client.get(f"/f/{item_code(app, item)}").get_data(as_text=True)
    assert "<caption>党费收缴情况（党内公开）</caption>" in html
    assert '<table class="body-table">' in html, "two columns stay a table"
    assert '<tr class="total"><td class="short" data-label="党小组">合计</td>' in html
    assert '<td class="num money" data-label="金额（元）">432.00</td>' in html
