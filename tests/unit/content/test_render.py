"""HTML of bodies: structure for previews and posters, everything escaped."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from markupsafe import Markup

from content.bodies import AnyBody
from content.bodies import ImageBody
from content.bodies import PdfBody
from content.bodies import TextBody
from content.bodies import parse_body
from content.render import render_body_html

SHA_A = "a" * 64
SHA_B = "b" * 64
SHA_C = "c" * 64
SCRIPT = "<script>alert('x')</script>"


class TagCollector(HTMLParser):
    """Record every start tag with its attributes, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def url(sha256: str) -> str:
    return f"/assets/{sha256}"


def render(body: AnyBody | dict[str, Any]) -> str:
    result = render_body_html(parse_body(body), url)
    assert isinstance(result, Markup)
    assert "style=" not in result
    return str(result)


def test_plain_text_becomes_paragraphs_with_line_breaks() -> None:
    html = render(TextBody(text="第一段第一行\n第一段第二行\n\n \n第二段"))
    assert html == (
        '<div class="body body-text">\n<p>第一段第一行<br>\n第一段第二行</p>\n<p>第二段</p>\n</div>'
    )


def test_plain_text_is_escaped_never_interpreted() -> None:
    html = render(TextBody(text=f"<b>粗</b> &amp; {SCRIPT}"))
    assert "<b>" not in html and "<script>" not in html
    assert "&lt;b&gt;粗&lt;/b&gt; &amp;amp; &lt;script&gt;" in html


def test_rich_text_is_embedded_as_sanitised_markup() -> None:
    html = render({"type": "text", "format": "html", "text": f"<p>公开<b>内容</b>{SCRIPT}</p>"})
    assert html == '<div class="body body-text">\n<p>公开<b>内容</b></p>\n</div>'


def test_rich_text_is_sanitised_again_when_rendered() -> None:
    # model_copy does not validate: the renderer must not trust the stored text.
    body = TextBody(text="x", format="html").model_copy(update={"text": f"<p>x</p>{SCRIPT}"})
    assert "<script" not in render(body)


FINANCE: dict[str, Any] = {
    "type": "table",
    "caption": "2024年3月财务收支",
    "columns": ["日期", "摘要", "收入（元）"],
    "rows": [
        ["3月2日", "转移支付", 50000],
        ["3月15日", "多行\n摘要", "1,234.50"],
        [None, "", -2.5],
    ],
    "note": "数据来源：村报账员",
}


def test_table_structure() -> None:
    html = render(FINANCE)
    assert html.startswith('<div class="body body-table-wrap">\n<table class="body-table cards">')
    assert "<caption>2024年3月财务收支</caption>" in html
    assert (
        '<thead><tr><th class="short">日期</th><th class="short">摘要</th>'
        '<th class="num money">收入（元）</th></tr></thead>'
    ) in html
    # Money columns read one way (content/numbers.py); each cell carries its column's label.
    assert (
        '<tr><td class="short" data-label="日期">3月2日</td>'
        '<td class="short" data-label="摘要">转移支付</td>'
        '<td class="num money" data-label="收入（元）">50,000.00</td></tr>'
    ) in html
    assert '<td class="short" data-label="摘要">多行<br>\n摘要</td>' in html
    assert '<td class="num money" data-label="收入（元）">1,234.50</td>' in html
    assert '<td class="num money" data-label="收入（元）">-2.50</td>' in html
    assert html.endswith('</table>\n<p class="body-note">数据来源：村报账员</p>\n</div>')


def test_table_caption_repeating_the_title_is_left_out_and_the_total_row_marked() -> None:
    body = parse_body(
        {
            **FINANCE,
            "caption": "村级财务收支情况",
            "rows": [["3月2日", "转移支付", 50000], ["合计", "", 50000]],
        }
    )
    html = render_body_html(body, url, title="集义村2026年第三季度村级财务收支情况")
    assert "<caption>" not in html
    assert '<tr class="total"><td class="short" data-label="日期">合计</td>' in html
    other = render_body_html(body, url, title="集义村党务公开")
    assert "<caption>村级财务收支情况</caption>" in other


def test_two_column_tables_stay_tables_and_numbers_outside_money_are_as_typed() -> None:
    html = render({"type": "table", "columns": ["项目", "人数"], "rows": [["党员", 9]]})
    assert '<table class="body-table">' in html
    assert '<td class="num" data-label="人数">9</td>' in html


def test_table_without_caption_note_or_rows() -> None:
    html = render({"type": "table", "columns": ["姓名"]})
    assert "<caption>" not in html and "body-note" not in html
    assert "<tbody>\n</tbody>" in html


@pytest.mark.parametrize("text", ["1a", "12-3", "1,23", "", "一百"])
def test_text_that_is_not_a_number_is_not_right_aligned(text: str) -> None:
    html = render({"type": "table", "columns": ["x"], "rows": [[text]]})
    assert 'class="num"' not in html


@pytest.mark.parametrize("field", ["caption", "note", "column", "cell"])
def test_script_in_any_table_field_is_escaped(field: str) -> None:
    data: dict[str, Any] = {"type": "table", "columns": ["x"], "rows": [["y"]]}
    if field == "column":
        data["columns"] = [SCRIPT]
    elif field == "cell":
        data["rows"] = [[SCRIPT]]
    else:
        data[field] = SCRIPT
    html = render(data)
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


def test_image() -> None:
    assert render(ImageBody(asset=SHA_A, caption="公示栏照片")) == (
        f'<figure class="body body-image"><img src="/assets/{SHA_A}" alt="公示栏照片">'
        "<figcaption>公示栏照片</figcaption></figure>"
    )
    assert render(ImageBody(asset=SHA_A)) == (
        f'<figure class="body body-image"><img src="/assets/{SHA_A}" alt=""></figure>'
    )


def test_image_caption_cannot_break_out_of_the_attribute() -> None:
    caption = f'" onerror="alert(1)" x="{SCRIPT}'
    html = render(ImageBody(asset=SHA_A, caption=caption))
    parser = TagCollector()
    parser.feed(html)
    assert parser.tags == [
        ("figure", {"class": "body body-image"}),
        ("img", {"src": f"/assets/{SHA_A}", "alt": caption}),
        ("figcaption", {}),
    ]


def test_asset_url_is_escaped() -> None:
    html = str(render_body_html(ImageBody(asset=SHA_A), lambda sha: f'/a?x="><script>{sha}'))
    assert "<script" not in html
    assert 'src="/a?x=&#34;&gt;&lt;script&gt;' in html


def test_pdf_shows_one_image_per_page() -> None:
    html = render(PdfBody(asset=SHA_A, pages=[SHA_B, SHA_C], caption="会议纪要"))
    assert html == (
        '<figure class="body body-pdf">\n'
        f'<img src="/assets/{SHA_B}" alt="会议纪要 (1/2)">\n'
        f'<img src="/assets/{SHA_C}" alt="会议纪要 (2/2)">\n'
        "<figcaption>会议纪要</figcaption></figure>"
    )


def test_pdf_without_page_images_links_to_the_document() -> None:
    html = render(PdfBody(asset=SHA_A, caption=SCRIPT))
    assert f'<a href="/assets/{SHA_A}">&lt;script&gt;' in html
    assert "<script" not in html
    assert ">PDF</a>" in render(PdfBody(asset=SHA_A))


def test_script_in_pdf_caption_is_escaped() -> None:
    html = render(PdfBody(asset=SHA_A, pages=[SHA_B], caption=SCRIPT))
    assert "<script" not in html
