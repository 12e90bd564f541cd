"""Paper formats of posters and boards: sizes, orientations, and when a table needs the long
side of the sheet. Pure: no Flask, no session.

A table whose columns cannot all fit across a portrait sheet at the poster's type size is
printed landscape when the caller asks for ``auto``: its width is estimated the way the screens
read a table (``content.numbers``): numbers, money and short tokens (names, dates) are never
wrapped, so their widest cell counts in full; text columns wrap, so they count at most
:data:`TEXT_EMS`. A CJK character is one em, anything else :data:`NARROW_EM`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from content.bodies import AnyBody
from content.bodies import TableBody
from content.numbers import cell_display
from content.numbers import column_kinds


class Size(StrEnum):
    A4 = "A4"
    A3 = "A3"


class Orientation(StrEnum):
    PORTRAIT = "portrait"
    LANDSCAPE = "landscape"
    #: Landscape for a table too wide for a portrait sheet, portrait otherwise.
    AUTO = "auto"


@dataclass(frozen=True)
class PageFormat:
    size: Size
    orientation: Orientation
    #: The type size of a table, in percent of the text's (smaller for a table too wide
    #: for the sheet even landscape: one of :data:`TABLE_SCALES`).
    table_scale: int = 100

    @property
    def css_class(self) -> str:
        """The classes of ``<body>`` that select the page in ``paper.css``."""
        return f"{self.size.value.lower()} {self.orientation.value}"

    @property
    def label(self) -> str:
        """``A4``, ``A3``, ``A3 landscape`` (for file names)."""
        if self.orientation is Orientation.LANDSCAPE:
            return f"{self.size.value}-landscape"
        return self.size.value


#: Ems of the poster's table type across the printable width (paper.css: A4 12 pt text on
#: 174 mm portrait / 261 mm landscape; A3 16 pt on 249 mm / 372 mm), less a margin.
PAGE_EMS = {
    (Size.A4, Orientation.PORTRAIT): 40.0,
    (Size.A4, Orientation.LANDSCAPE): 60.0,
    (Size.A3, Orientation.PORTRAIT): 43.0,
    (Size.A3, Orientation.LANDSCAPE): 64.0,
}
#: What a wrapping text column needs at least to stay readable.
TEXT_EMS = 7.0
#: A header wraps, but not below this.
HEADER_EMS = 2.0
#: Padding and rules of a cell, in ems.
CELL_EMS = 1.0
NARROW_EM = 0.55
#: The type sizes a table may be set in (percent of the text's): never below 70 % (A4: 8.4 pt).
TABLE_SCALES = (100, 90, 80, 70)


def ems(text: str) -> float:
    """Return the width of ``text`` in ems (CJK and full-width characters: one em)."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else NARROW_EM for c in text)


def table_ems(body: TableBody) -> float:
    """Return the narrowest the table can be set without breaking a number, a name or a date,
    in ems of its type."""
    rows = [list(row) for row in body.rows]
    kinds = column_kinds(list(body.columns), rows)
    total = 0.0
    for index, kind in enumerate(kinds):
        cells = [cell_display(row[index], kind) for row in rows if index < len(row)]
        widest = max((ems(text) for text in cells), default=0.0)
        header = body.columns[index] if index < len(body.columns) else ""
        if kind == "text":
            widest = min(widest, TEXT_EMS)
        total += max(widest, min(ems(header), HEADER_EMS)) + CELL_EMS
    return total


def fits(body: AnyBody, size: Size, orientation: Orientation) -> bool:
    """Tell whether ``body`` fits across a sheet of ``size`` in ``orientation`` (only tables
    can be too wide: text wraps, images and PDF pages are scaled)."""
    if not isinstance(body, TableBody):
        return True
    return table_ems(body) <= PAGE_EMS[(size, orientation)]


def table_scale(body: AnyBody, size: Size, orientation: Orientation) -> int:
    """Return the type size (percent) at which ``body``'s table fits across the sheet: 100
    when it fits, else the largest of :data:`TABLE_SCALES` that does (at worst the smallest)."""
    if not isinstance(body, TableBody):
        return 100
    room = PAGE_EMS[(size, orientation)]
    width = table_ems(body)
    return next((s for s in TABLE_SCALES if width * s / 100 <= room), TABLE_SCALES[-1])


def page_format(body: AnyBody, size: Size, orientation: Orientation) -> PageFormat:
    """Return the format to print ``body`` in: ``auto`` becomes landscape for a table too
    wide for a portrait sheet of ``size``; a table too wide even so is set smaller."""
    if orientation is Orientation.AUTO:
        wide = not fits(body, size, Orientation.PORTRAIT)
        orientation = Orientation.LANDSCAPE if wide else Orientation.PORTRAIT
    return PageFormat(size, orientation, table_scale(body, size, orientation))
