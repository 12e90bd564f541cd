"""Sanitising rich text: the allow-list keeps layout and drops everything active."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from content.sanitize import ALLOWED_TAGS
from content.sanitize import html_to_text
from content.sanitize import sanitize_html


@pytest.mark.parametrize(
    ("payload", "forbidden"),
    [
        ("<script>alert(1)</script>正文", "alert"),
        ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>正文", "evil"),
        ("<iframe src='https://evil.example'>内嵌</iframe>正文", "iframe"),
        ("<img src=x onerror=alert(1)>正文", "img"),
        ("<img src=x onerror=alert(1)>正文", "onerror"),
        ("<p onclick='alert(1)'>正文</p>", "onclick"),
        ("<a href='javascript:alert(1)'>正文</a>", "javascript"),
        ("<a href='https://example.org'>正文</a>", "href"),
        ("<p style='color:red'>正文</p>", "style"),
        ("<style>p{color:red}</style>正文", "color"),
        ("<svg onload=alert(1)><circle/></svg>正文", "svg"),
        ("<math><mi xlink:href='javascript:alert(1)'>x</mi></math>正文", "javascript"),
        ("<!-- 注释 -->正文", "注释"),
        ("<p class='x' id='y' title='z'>正文</p>", "class"),
        ("<object data='x.swf'></object>正文", "object"),
        ("<form action='/x'><input name=a></form>正文", "input"),
        ("<td colspan=2 onmouseover=alert(1)>正文</td>", "onmouseover"),
        ("<noscript><p title='</noscript><img src=x onerror=alert(1)>'></noscript>正文", "onerror"),
    ],
)
def test_active_content_is_removed(payload: str, forbidden: str) -> None:
    cleaned = sanitize_html(payload)
    assert forbidden not in cleaned.lower()
    assert "正文" in cleaned


@pytest.mark.parametrize(
    "markup",
    [
        "<p>村务公开</p>",
        "<p>第一行<br>第二行</p>",
        "<p><strong>重要</strong><b>粗</b><em>强调</em><i>斜</i><u>下划</u><s>删除</s></p>",
        "<ul><li>一</li><li>二</li></ul>",
        "<ol><li>一</li></ol>",
        "<h2>标题</h2><h3>小标题</h3><h4>小小标题</h4>",
        "<blockquote>引用</blockquote>",
        "<table><thead><tr><th>日期</th></tr></thead><tbody><tr><td>1月</td></tr></tbody></table>",
    ],
)
def test_allowed_markup_is_kept(markup: str) -> None:
    assert sanitize_html(markup) == markup


def test_allow_list_is_the_documented_one() -> None:
    assert {"a", "img", "div", "span", "script", "style"}.isdisjoint(ALLOWED_TAGS)
    assert {"p", "br", "table", "td", "th", "li", "h2"} <= ALLOWED_TAGS


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('<td colspan="2">x</td>', '<td colspan="2">x</td>'),
        ('<th rowspan="3">x</th>', '<th rowspan="3">x</th>'),
        ('<td colspan=" 2 ">x</td>', '<td colspan="2">x</td>'),
        ('<td colspan="2;alert(1)">x</td>', "<td>x</td>"),
        ('<td rowspan="-1">x</td>', "<td>x</td>"),
        ('<td rowspan="0">x</td>', "<td>x</td>"),
        ('<td rowspan="1000">x</td>', "<td>x</td>"),
        ('<td width="100">x</td>', "<td>x</td>"),
    ],
)
def test_only_numeric_spans_on_cells(cell: str, expected: str) -> None:
    html = f"<table><tbody><tr>{cell}</tr></tbody></table>"
    assert sanitize_html(html) == f"<table><tbody><tr>{expected}</tr></tbody></table>"


def test_spans_only_on_cells() -> None:
    assert sanitize_html('<p colspan="2" rowspan="2">x</p>') == "<p>x</p>"


def test_chinese_text_and_entities_are_intact() -> None:
    text = "<p>　　集义村2024年第一季度财务收支公开：收入 ¥12,345.60 &amp; 支出 &lt; 预算</p>"
    assert sanitize_html(text) == text


def test_unknown_elements_are_unwrapped_not_lost() -> None:
    assert sanitize_html("<div><span>村委会</span></div>") == "村委会"


def test_html_to_text_blocks_become_lines() -> None:
    html = (
        "<h2>标题</h2><p>第一段 &amp; 二<br>换行</p><ul><li>一</li><li>二</li></ul>"
        "<table><thead><tr><th>日期</th><th>摘要</th></tr></thead>"
        "<tbody><tr><td>1月</td><td>购买<b>水泥</b></td></tr></tbody></table>"
        "<p>　　缩进   保留</p>"
    )
    assert html_to_text(html) == (
        "标题\n第一段 & 二\n换行\n一\n二\n日期\t摘要\n1月\t购买水泥\n\u3000\u3000缩进 保留"
    )


def test_html_to_text_drops_what_sanitising_drops() -> None:
    assert html_to_text("<p>正文<script>alert(1)</script></p><!-- x -->") == "正文"
    assert html_to_text("") == ""


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' &;apbrscitdlhu村务12\n"))))
def test_sanitising_is_idempotent(html: str) -> None:
    once = sanitize_html(html)
    assert sanitize_html(once) == once
