"""How the cells of a table read wherever a table is shown: screens, the phone page, paper.

One rule, written once here and mirrored in the web player (``player/static/cells.js``);
both are checked against the same vectors
(``tests/unit/content/table_cells.json``), so a screen and a phone never show one amount two
ways.

* A cell is *numeric* when it is a number or reads as one: ``1322.4``, ``-1,234.50``,
  ``¥86``, ``45000元``, ``3.5%``.
* A column is *money* when its header names money (金额, 元, 收入, 支出, 合计, 余额, 价, 费 …)
  and every filled cell of it is numeric without ``%``: its cells are shown with thousands
  separators and two decimals (``1322.4`` → ``1,322.40``). Other numeric columns (人数, 年份)
  are shown as typed. Numeric columns are right-aligned.
* A column is *short* when every filled cell is a short token (a name, a date, a phone
  number, ``第7次党委会``): at most :data:`SHORT_EMS` ems wide, counting a CJK character as
  one em and any other character as :data:`NARROW_EM`, and no list or phrase (no ，、；。：！？).
  Short and numeric columns are never wrapped inside a cell; the *text* columns take the rest.
* A row is a *total* row when its first filled cell is 合计, 总计, 小计, 共计 or 累计: a page
  never holds it alone.
* A caption that is empty, equal to the title or contained in it is not shown.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP
from decimal import Decimal
from typing import Literal

__all__ = [
    "MONEY_WORDS",
    "SHORT_EMS",
    "ColumnKind",
    "caption_repeats_title",
    "cell_display",
    "column_kinds",
    "format_money",
    "is_money_header",
    "is_numeric",
    "is_short",
    "is_total_row",
    "number_text",
]

Cell = str | int | float | None
ColumnKind = Literal["money", "number", "short", "text"]

#: Header words that make a numeric column a money column.
MONEY_WORDS = (
    "金额",
    "元",
    "收入",
    "支出",
    "合计",
    "余额",
    "结余",
    "价",
    "费",
    "资金",
    "投资",
    "工资",
    "补贴",
    "补助",
)
#: Words holding a money word that are not about money (removed before looking).
NOT_MONEY_WORDS = ("单元", "公元", "元旦", "元月", "评价")
#: First cells of a total row.
TOTAL_WORDS = ("合计", "总计", "小计", "共计", "累计")
#: The widest a short cell may be, in ems.
SHORT_EMS = 8.0
#: Width of a non-CJK character (digit, Latin letter, hyphen) in ems.
NARROW_EM = 0.55

_NUMERIC = re.compile(
    r"^(?P<sign>[+\-−]?)(?P<currency>[¥￥]?)"
    r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?"
    r"(?P<suffix>%|‰|元|万元|亿元)?$"
)
_WIDE = re.compile(
    r"[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]"
)
_SPACES = re.compile(r"[\s\u3000]+")
_PHRASE_PUNCTUATION = re.compile(r"[，、；。：！？]")
_CAPTION_NOISE = re.compile(r"[\s\u3000：:·,，。.]+")


def number_text(value: Cell) -> str:
    """Return a cell as the text it shows before any formatting.

    Numbers are written in full without exponent (``1322.4``, ``45000``; a float with no
    fraction as an integer: ``2150.0`` → ``2150``, as a browser writes it); text is trimmed.
    """
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return value.strip()


def is_numeric(value: Cell) -> bool:
    """Return True when *value* is a number or text that reads as one."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return number_text(value) != ""
    return value is not None and _NUMERIC.match(number_text(value)) is not None


def is_money_header(header: str) -> bool:
    """Return True when a column header names money (收入（元）, 金额, 单价 …)."""
    text = header
    for word in NOT_MONEY_WORDS:
        text = text.replace(word, "")
    return any(word in text for word in MONEY_WORDS)


def format_money(value: Cell) -> str | None:
    """Return *value* as money: thousands separators, two decimals, half up.

    ``1322.4`` → ``1,322.40``; ``-0.004`` → ``0.00``; ``¥86`` → ``¥86.00``; ``45000元`` →
    ``45,000.00元``. None when *value* is not numeric or is a percentage.
    """
    if isinstance(value, bool):
        return None
    match = _NUMERIC.match(number_text(value))
    if match is None or match["suffix"] in ("%", "‰"):
        return None
    amount = Decimal(match["int"].replace(",", "") + "." + (match["frac"] or "0"))
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, frac = f"{cents:f}".split(".")
    negative = match["sign"] in ("-", "−") and cents != 0
    return "".join(
        (
            "-" if negative else "",
            match["currency"],
            f"{int(whole):,}",
            ".",
            frac,
            match["suffix"] or "",
        )
    )


def _ems(text: str) -> float:
    wide = len(_WIDE.findall(text))
    return wide + (len(text) - wide) * NARROW_EM


def is_short(value: Cell) -> bool:
    """Return True when *value* is a short token (a name, a date, a number) never to wrap.

    A list or a phrase (妇女、民政、低保; 同意，分两批实施) is not one: it may wrap at its
    punctuation.
    """
    text = _SPACES.sub(" ", number_text(value))
    return _ems(text) <= SHORT_EMS and _PHRASE_PUNCTUATION.search(text) is None


def column_kinds(columns: list[str], rows: list[list[Cell]]) -> list[ColumnKind]:
    """Return the kind of each column: ``money``, ``number``, ``short`` or ``text``."""
    width = max([len(columns), *(len(row) for row in rows)])
    kinds: list[ColumnKind] = []
    for index in range(width):
        header = columns[index] if index < len(columns) else ""
        values = [row[index] for row in rows if index < len(row)]
        filled = [value for value in values if number_text(value) != ""]
        if filled and all(is_numeric(value) for value in filled):
            money = is_money_header(header) and all(
                format_money(value) is not None for value in filled
            )
            kinds.append("money" if money else "number")
        elif all(is_short(value) for value in filled):
            kinds.append("short")
        else:
            kinds.append("text")
    return kinds


def cell_display(value: Cell, kind: ColumnKind) -> str:
    """Return the text a cell shows in a column of *kind*."""
    if kind == "money":
        money = format_money(value)
        if money is not None:
            return money
    return number_text(value)


def is_total_row(row: list[Cell]) -> bool:
    """Return True when *row* is a total row (合计, 总计, 小计, 共计, 累计)."""
    for value in row:
        text = _SPACES.sub("", number_text(value))
        if text:
            return text.startswith(TOTAL_WORDS)
    return False


def caption_repeats_title(caption: str, title: str) -> bool:
    """Return True when a table's *caption* adds nothing to the *title* shown above it."""
    short = _CAPTION_NOISE.sub("", caption or "")
    return short == "" or short in _CAPTION_NOISE.sub("", title or "")
