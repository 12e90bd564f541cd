"""CSV the app writes, made safe to open in a spreadsheet program. Pure.

Excel, WPS and LibreOffice run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and
some of them the full-width ``＝ ＋ － ＠``, or the same after a tab, line break or blanks) as
a formula: a villager's message ``=HYPERLINK(…)`` would become a link that leaks data when a
handler clicks it. Every cell goes through :func:`safe_cell`, which puts an apostrophe in
front of such text (OWASP's advice); plain numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

#: First characters that make a spreadsheet read a cell as a formula (or DDE command).
FORMULA_STARTS = frozenset("=+-@\t\r\n|\uff1d\uff0b\uff0d\uff20\uff5c")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def safe_cell(value: object) -> str:
    """Return ``value`` as CSV cell text that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    if _NUMBER.fullmatch(text):
        return text
    start = text.lstrip(" \u3000")[:1]
    if start and (start in FORMULA_STARTS or text[:1] in FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    """Return a whole CSV document (UTF-8 byte order mark for Excel), every cell made safe."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
