"""The texts of the demo's bilingual boards: a Uyghur village's finances (right to left) and
a Mongolian village's notice (set vertically).

The translations were written for the demo and the tests; a real organisation's texts come
from its own staff or the county's translation office (民族语文工作部门), who should also look
these over before they are shown to anyone as an example.
"""

from __future__ import annotations

from typing import Any

#: 阿克塔拉村's quarterly accounts in Chinese ...
FINANCE_ZH: dict[str, Any] = {
    "type": "table",
    "caption": "2026年第四季度村级财务收支情况",
    "columns": ["日期", "摘要", "收入（元）", "支出（元）", "经手人"],
    "rows": [
        ["2026-10-08", "上级转移支付（村级运转经费）", "45000.00", "", "阿依古丽·买买提"],
        ["2026-10-21", "村内道路维修材料费", "", "12680.50", "艾力·吐尔逊"],
        ["2026-11-05", "村党群服务中心水电费", "", "1320.00", "阿依古丽·买买提"],
        ["合计", "", "45000.00", "14000.50", ""],
    ],
    "note": "数据来源：村报账员；审核：村务监督委员会",
}

FINANCE_TITLE_ZH = "阿克塔拉村2026年第四季度村级财务收支情况"

#: ... and in Uyghur: the same shape, the same numbers.
FINANCE_UG: dict[str, Any] = {
    "type": "table",
    "caption": "2026-يىلى 4-پەسىللىك كەنت مالىيە كىرىم-چىقىم ئەھۋالى",
    "columns": ["چېسلا", "قىسقىچە مەزمۇن", "كىرىم (يۈەن)", "چىقىم (يۈەن)", "بىر تەرەپ قىلغۇچى"],
    "rows": [
        [
            "2026-10-08",
            "يۇقىرىدىن يۆتكەلگەن خىراجەت (كەنت ئىشلىتىش خىراجىتى)",
            "45000.00",
            "",
            "ئايگۈل مەمەت",
        ],
        ["2026-10-21", "كەنت ئىچىدىكى يول رېمونت ماتېرىيال ھەققى", "", "12680.50", "ئەلى تۇرسۇن"],
        [
            "2026-11-05",
            "كەنت پارتىيە-ئاممە مۇلازىمەت مەركىزىنىڭ سۇ-توك ھەققى",
            "",
            "1320.00",
            "ئايگۈل مەمەت",
        ],
        ["جەمئىي", "", "45000.00", "14000.50", ""],
    ],
    "note": (
        "سانلىق مەلۇمات مەنبەسى: كەنت ھېساباتچىسى؛"
        " تەكشۈرگۈچى: كەنت ئىشلىرىنى نازارەت قىلىش كومىتېتى"
    ),
}

FINANCE_TITLE_UG = "ئاقتالا كەنتىنىڭ 2026-يىلى 4-پەسىللىك كەنت مالىيە كىرىم-چىقىم ئەھۋالى"

#: A Mongolian village's notice of its grassland subsidy, in Chinese ...
NOTICE_TITLE_ZH = "2026年草原生态保护补助奖励资金发放公示"
NOTICE_ZH = (
    "根据旗农牧局下达的2026年草原生态保护补助奖励资金计划，本嘎查共有牧户86户，"
    "禁牧补助面积31,200亩，草畜平衡奖励面积18,500亩，补助奖励资金共计286,350元。\n"
    "各户明细张贴于嘎查村务公开栏。公示期内如有异议，请向嘎查村务监督委员会反映。"
)

#: ... and in Mongolian (traditional script: set top to bottom, columns left to right).
NOTICE_TITLE_MN = (
    "2026 ᠣᠨ ᠤ ᠪᠡᠯᠴᠢᠭᠡᠷ ᠤᠨ ᠡᠺᠣᠯᠣᠭᠢ ᠶᠢ ᠬᠠᠮᠠᠭᠠᠯᠠᠬᠤ ᠲᠡᠳᠬᠦᠯᠭᠡ ᠶᠢᠨ ᠮᠥᠩᠭᠥ ᠶᠢ ᠢᠯᠡ ᠲᠣᠳᠣ ᠨᠡᠢᠳᠡᠯᠡᠬᠦ"
)
NOTICE_MN = (
    "ᠬᠣᠰᠢᠭᠤ ᠶᠢᠨ ᠲᠠᠷᠢᠶᠠᠯᠠᠩ ᠮᠠᠯ ᠠᠵᠤ ᠠᠬᠤᠢ ᠶᠢᠨ ᠲᠣᠪᠴᠢᠶᠠ ᠶᠢᠨ ᠲᠥᠯᠥᠪᠯᠡᠭᠡ ᠶᠢᠨ ᠳᠠᠭᠤᠤ "
    "ᠮᠠᠨ ᠤ ᠭᠠᠴᠠᠭ᠎ᠠ ᠳᠤ 86 ᠮᠠᠯᠴᠢᠨ ᠥᠷᠬᠡ᠂ 31,200 ᠮᠦ ᠪᠡᠯᠴᠢᠭᠡᠷ ᠢ ᠬᠣᠷᠢᠭᠯᠠᠵᠤ᠂ "
    "18,500 ᠮᠦ ᠪᠡᠯᠴᠢᠭᠡᠷ ᠢ ᠲᠡᠩᠴᠡᠭᠦᠷᠢ ᠪᠠᠷ ᠠᠰᠢᠭᠯᠠᠵᠤ᠂ "
    "ᠲᠡᠳᠬᠦᠯᠭᠡ ᠶᠢᠨ ᠮᠥᠩᠭᠥ ᠨᠡᠢᠲᠡ 286,350 ᠶᠤᠸᠠᠨ ᠪᠣᠯᠤᠨ᠎ᠠ᠃\n"
    "ᠥᠷᠬᠡ ᠪᠦᠷᠢ ᠶᠢᠨ ᠳᠡᠯᠭᠡᠷᠡᠩᠭᠦᠢ ᠶᠢ ᠭᠠᠴᠠᠭ᠎ᠠ ᠶᠢᠨ ᠢᠯᠡ ᠲᠣᠳᠣ ᠶᠢᠨ ᠰᠠᠮᠪᠠᠷ᠎ᠠ ᠳᠤ ᠨᠠᠭᠠᠪᠠ᠃ "
    "ᠰᠠᠨᠠᠯ ᠪᠠᠢᠪᠠᠯ ᠭᠠᠴᠠᠭ᠎ᠠ ᠶᠢᠨ ᠬᠢᠨᠠᠨ ᠬᠢᠶᠠᠬᠤ ᠵᠥᠪᠯᠡᠯ ᠳᠦ ᠮᠡᠳᠡᠭᠦᠯᠦᠨ᠎ᠡ ᠦᠦ᠃"
)


def uyghur_finance() -> dict[str, Any]:
    """The Uyghur translation of :data:`FINANCE_ZH`, as an item revision carries it."""
    return {"lang": "ug", "title": FINANCE_TITLE_UG, "body": FINANCE_UG}


def mongolian_notice() -> dict[str, Any]:
    """The Mongolian translation of :data:`NOTICE_ZH`, as an item revision carries it."""
    return {
        "lang": "mn",
        "title": NOTICE_TITLE_MN,
        "body": {"type": "text", "text": NOTICE_MN, "format": "plain"},
    }
