"""The redaction of what identifies a villager inside a text others read (the dossier)."""

from __future__ import annotations

import pytest

from signage_server.feedback.rules import mask_name
from signage_server.feedback.rules import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13912345678", "电话139****5678"),
        ("手机 139 1234 5678 或 +86-139-1234-5678", "手机 139****5678 或 139****5678"),
        ("座机0731-84123456，(0731)84123456", "座机0731-****3456，0731-****3456"),
        ("身份证430102199001011234", "身份证430***********1234"),
        ("身份证43010219900101123X号", "身份证430***********123X号"),
        ("老身份证430102900101123", "老身份证430********1123"),
        ("银行卡6222020000000000001", "银行卡622************0001"),
    ],
)
def test_numbers_that_identify_a_person_are_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "收入45,000.00元，支出12680.50元",
        "2026年第四季度，20261123号文件",
        "面积1322.4平方米，共计3户",
        "合同编号HT2026-0012",
    ],
)
def test_amounts_dates_and_other_numbers_stay(text: str) -> None:
    assert redact(text) == text


def test_the_submitters_name_is_masked_where_they_wrote_it() -> None:
    assert mask_name("孙有福") == "孙**"
    assert redact("我是孙有福，孙有福同志", ["孙有福"]) == "我是孙**，孙**同志"
    # A one-character name is not searched for (it would mask half the text).
    assert redact("王家的地", ["王"]) == "王家的地"
    assert redact("没有名字", ["", "  "]) == "没有名字"
