"""Turn an uploaded spreadsheet (.xlsx or .csv) into a table body's columns and rows.

No Flask here: :func:`read_table` takes the file's bytes, the sheet and the range the operator
chose, and returns the column names (the first row of the range) and the rows, every cell as
the text the sheet shows, so the screens show it exactly as the operator saw it:

* numbers in their number format: ``#,##0.00`` gives ``45,000.00``, ``0.0%`` gives ``12.5%``,
  literal text and currency symbols kept; ``General`` integers plain (``2026``);
* dates as ``yyyy-mm-dd`` (with ``HH:MM`` when they carry a time);
* formulas as the value Excel or WPS saved with the file; a formula saved without its value
  (a file written by a program that does not calculate) is refused: open and save it in
  Excel/WPS first;
* merged cells: in the heading row a merged cell's text goes to every column it spans (made
  unique by a number); in the body it appears once, in the merge's first cell, the others empty;
* empty rows and columns at the end are dropped; line breaks and tabs in a cell become spaces
  (the editor's table field has a line per row and tabs between cells).

Refusals raise :class:`SheetError` with a stable ``code``, an English ``message`` and its
``params`` (the edge translates it).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from dataclasses import field
from decimal import ROUND_HALF_UP
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any

from content.bodies import MAX_COLUMNS
from content.bodies import MAX_ROWS

__all__ = [
    "MAX_SHEET_BYTES",
    "SheetError",
    "SheetTable",
    "format_number",
    "read_table",
    "sheet_kind",
]

#: The largest spreadsheet file accepted (bytes).
MAX_SHEET_BYTES = 5 * 1024 * 1024
#: The most an .xlsx may unpack to (its XML), against zip bombs.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
_MAX_ZIP_ENTRIES = 10_000
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"

_RANGE = re.compile(
    r"\s*([A-Za-z]{1,3})([1-9][0-9]{0,6})\s*:\s*([A-Za-z]{1,3})([1-9][0-9]{0,6})\s*"
)


class SheetError(ValueError):
    """The spreadsheet cannot be imported: ``code``, an English ``message`` and its ``params``."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.code = code
        self.message = message
        self.params = params


@dataclass(frozen=True)
class SheetTable:
    """What was read: the columns, the rows (cells as shown), the sheet read and all sheets."""

    columns: list[str]
    rows: list[list[str]]
    sheet: str
    sheets: list[str] = field(default_factory=list)


def sheet_kind(data: bytes) -> str | None:
    """Return ``"xlsx"`` or ``"csv"`` when *data* is one by its content, else ``None``.

    An .xlsx is a zip holding ``[Content_Types].xml`` and ``xl/workbook.xml``; a .csv is text in
    UTF-8 or GB18030 without NUL bytes.
    """
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        return "xlsx" if {"[Content_Types].xml", "xl/workbook.xml"} <= names else None
    if not data or b"\x00" in data:
        return None
    return "csv" if _decode(data) is not None else None


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _check_kind(data: bytes) -> str:
    if not data:
        raise SheetError("empty", "The file is empty.")
    if len(data) > MAX_SHEET_BYTES:
        raise SheetError(
            "too_large",
            "The spreadsheet file is larger than %(limit)s MB.",
            limit=MAX_SHEET_BYTES // (1024 * 1024),
        )
    kind = sheet_kind(data)
    if kind is None:
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise SheetError(
                "old_format",
                "Old .xls files (and password-protected workbooks) cannot be read: save the "
                "sheet as .xlsx (Excel workbook) in Excel or WPS and import that.",
            )
        raise SheetError(
            "unsupported_type",
            "Only .xlsx workbooks and .csv files (UTF-8 or GB18030) can be imported.",
        )
    return kind


def read_table(data: bytes, *, sheet: str = "", cell_range: str = "") -> SheetTable:
    """Read the table in *data* (.xlsx or .csv, by content).

    :param sheet: the sheet's name or number (1 is the first); empty: the first sheet.
    :param cell_range: e.g. ``A1:E20``; empty: the cells in use.
    :raise SheetError: the file cannot be read, or the table is beyond the body's limits.
    """
    bounds = _parse_range(cell_range) if cell_range.strip() else None
    if _check_kind(data) == "csv":
        grid = _csv_grid(data)
        return _table([[c for c in row] for row in grid], {}, bounds, "", [])
    return _read_xlsx(data, sheet.strip(), bounds)


def _parse_range(text: str) -> tuple[int, int, int, int]:
    """Return (first row, first column, last row, last column), 1-based, from ``A1:E20``."""
    from openpyxl.utils.cell import column_index_from_string

    match = _RANGE.fullmatch(text)
    if match is None:
        raise SheetError(
            "bad_range",
            "Write the range as two corner cells, e.g. A1:E20.",
        )
    col1, row1, col2, row2 = match.groups()
    c1, c2 = column_index_from_string(col1.upper()), column_index_from_string(col2.upper())
    r1, r2 = int(row1), int(row2)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def _csv_grid(data: bytes) -> list[list[str]]:
    text = _decode(data)
    assert text is not None  # checked by sheet_kind
    first = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(first, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise SheetError("corrupt", "The spreadsheet file is damaged or incomplete.") from exc
    return [[" ".join(cell.split()) for cell in row] for row in rows]


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise SheetError("corrupt", "The spreadsheet file is damaged or incomplete.") from exc
    if (
        len(entries) > _MAX_ZIP_ENTRIES
        or sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES
    ):
        raise SheetError(
            "too_large",
            "The spreadsheet file is larger than %(limit)s MB.",
            limit=MAX_SHEET_BYTES // (1024 * 1024),
        )


def _read_xlsx(data: bytes, sheet: str, bounds: tuple[int, int, int, int] | None) -> SheetTable:
    from openpyxl import load_workbook

    _check_zip(data)
    try:
        values = load_workbook(io.BytesIO(data), data_only=True)
        formulas = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # any failure of the reader on untrusted bytes
        raise SheetError("corrupt", "The spreadsheet file is damaged or incomplete.") from exc
    names = list(values.sheetnames)
    if not names:
        raise SheetError("corrupt", "The spreadsheet file is damaged or incomplete.")
    name = _choose_sheet(names, sheet)
    ws, wf = values[name], formulas[name]
    if bounds is None:
        bounds = (ws.min_row, ws.min_column, ws.max_row, ws.max_column)
    first_row, first_col, last_row, last_col = bounds
    # Styled but empty cells far away make the used range huge; the limits are checked on
    # what is left once empty rows and columns at the end are dropped, so bound the walk.
    last_row = min(last_row, first_row + 10 * MAX_ROWS)
    last_col = min(last_col, first_col + 10 * MAX_COLUMNS)
    merged: dict[tuple[int, int], tuple[int, int]] = {}
    for merge in ws.merged_cells.ranges:
        for row in range(merge.min_row, merge.max_row + 1):
            for col in range(merge.min_col, merge.max_col + 1):
                merged[(row, col)] = (merge.min_row, merge.min_col)
    grid: list[list[str]] = []
    for row in range(first_row, last_row + 1):
        line: list[str] = []
        for col in range(first_col, last_col + 1):
            cell = ws.cell(row=row, column=col)
            if cell.value is None and getattr(wf.cell(row=row, column=col), "data_type", "") == "f":
                raise SheetError(
                    "uncalculated",
                    "Cell %(cell)s has a formula saved without its value: open the file in "
                    "Excel or WPS, save it, and import it again.",
                    cell=cell.coordinate,
                )
            line.append(_shown(cell.value, cell.number_format))
        grid.append(line)
    # Heading row: a merged cell's text goes to every column it spans.
    header_merges = {
        col - first_col: merged[(first_row, col)]
        for col in range(first_col, last_col + 1)
        if (first_row, col) in merged
    }
    heads = {
        index: _shown(ws.cell(*origin).value, ws.cell(*origin).number_format)
        for index, origin in header_merges.items()
    }
    return _table(grid, heads, None, name, names)


def _choose_sheet(names: list[str], wanted: str) -> str:
    if not wanted:
        return names[0]
    if wanted in names:
        return wanted
    if wanted.isdigit() and 1 <= int(wanted) <= len(names):
        return names[int(wanted) - 1]
    raise SheetError(
        "no_such_sheet",
        "The workbook has no sheet “%(sheet)s”; its sheets are: %(sheets)s.",
        sheet=wanted,
        sheets="、".join(names),
    )


def _table(
    grid: list[list[str]],
    heads: dict[int, str],
    bounds: tuple[int, int, int, int] | None,
    sheet: str,
    sheets: list[str],
) -> SheetTable:
    """Cut *grid* (rows of shown cells, the heading row first) to *bounds*, fill the merged
    headings (*heads*: column index → text), drop empty rows and columns at the end."""
    if bounds is not None:
        first_row, first_col, last_row, last_col = bounds
        grid = [
            (row + [""] * last_col)[first_col - 1 : last_col]
            for row in grid[first_row - 1 : last_row]
        ]
    width = max((len(row) for row in grid), default=0)
    grid = [row + [""] * (width - len(row)) for row in grid]
    if grid:
        grid[0] = [heads.get(index, text) or text for index, text in enumerate(grid[0])]
    while grid and not any(grid[-1]):
        grid.pop()
    while width and not any(row[width - 1] for row in grid):
        width -= 1
    grid = [row[:width] for row in grid]
    if not grid or not width:
        raise SheetError("no_cells", "The sheet (or the range) has no filled cells.")
    if width > MAX_COLUMNS:
        raise SheetError(
            "too_many_columns",
            "The table has %(count)s columns; at most %(limit)s are accepted.",
            count=width,
            limit=MAX_COLUMNS,
        )
    if len(grid) - 1 > MAX_ROWS:
        raise SheetError(
            "too_many_rows",
            "The table has %(count)s rows; at most %(limit)s are accepted.",
            count=len(grid) - 1,
            limit=MAX_ROWS,
        )
    return SheetTable(columns=_unique_columns(grid[0]), rows=grid[1:], sheet=sheet, sheets=sheets)


def _column_letter(index: int) -> str:
    from openpyxl.utils.cell import get_column_letter

    return str(get_column_letter(index + 1))


def _unique_columns(heads: list[str]) -> list[str]:
    """Name empty headings by their column letter; number repeated ones (``收入（元）2``)."""
    columns: list[str] = []
    seen: dict[str, int] = {}
    for index, head in enumerate(heads):
        name = " ".join(head.split()) or _column_letter(index)
        count = seen.get(name, 0) + 1
        seen[name] = count
        columns.append(name if count == 1 else f"{name}{count}")
    return columns


# --- cells as shown -----------------------------------------------------------------------


def _shown(value: object, number_format: str) -> str:
    """Return the text a spreadsheet shows for *value* in *number_format*."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, int | float):
        return format_number(value, number_format)
    # One line per cell: the editor's table field has a line per row and tabs between cells.
    return " ".join(str(value).split())


_TOKEN = re.compile(r'\[([^\]]*)\]|"([^"]*)"|\\(.)|_.|\*.|([Ee][+-])|(.)', re.DOTALL)


def _tokens(section: str) -> list[tuple[bool, str]]:
    """Split a format section into (is literal, text) tokens; colours, conditions, padding and
    fill disappear, ``[$¥-804]`` leaves its currency symbol."""
    tokens: list[tuple[bool, str]] = []
    for match in _TOKEN.finditer(section):
        bracket, quoted, escaped, exponent, char = match.groups()
        if bracket is not None:
            if bracket.startswith("$"):
                tokens.append((True, bracket[1:].split("-")[0]))
        elif quoted is not None:
            tokens.append((True, quoted))
        elif escaped is not None:
            tokens.append((True, escaped))
        elif exponent is not None:
            tokens.append((False, exponent.upper()))
        elif char is not None:
            tokens.append((char not in "0#?.,%", char))
    return tokens


def format_number(value: int | float, number_format: str) -> str:
    """Return *value* as a sheet shows it in *number_format* (``#,##0.00`` → ``45,000.00``).

    Covers what disclosure sheets use: General, decimals, thousands separators, percentages,
    scientific notation, currency symbols and literal text; anything else is shown General.
    """
    sections = _split_sections((number_format or "General").strip())
    section = sections[0]
    negative = value < 0
    if negative and len(sections) > 1 and sections[1].strip():
        section, value, negative = sections[1], -value, False
    elif value == 0 and len(sections) > 2 and sections[2].strip():
        section = sections[2]
    if section.strip().lower() in ("", "general", "@") or "/" in section:
        return _general(value)
    tokens = _tokens(section)
    places = [i for i, (lit, text) in enumerate(tokens) if not lit and text in "0#?"]
    if not places:  # e.g. the "-" accounting formats show for zero
        shown = "".join(text for lit, text in tokens if lit).strip()
        return shown or _general(value)
    try:
        text = _apply(abs(value), tokens, places[0], places[-1])
    except (InvalidOperation, ValueError, OverflowError):
        return _general(value)
    return ("-" + text) if negative and any(c in "123456789" for c in text) else text


def _split_sections(code: str) -> list[str]:
    sections, current, quoted = [], "", False
    for char in code:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            sections.append(current)
            current = ""
        else:
            current += char
    sections.append(current)
    return sections


def _general(value: int | float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:.15g}" if "e" not in f"{value:.15g}" else f"{value:.6g}"


def _apply(value: int | float, tokens: list[tuple[bool, str]], first: int, last: int) -> str:
    """Format the non-negative *value* by *tokens*, whose digit placeholders run from
    *first* to *last*."""
    # Commas right after the last digit scale by a thousand each (#,##0, shows thousands).
    scale = 0
    while last + 1 + scale < len(tokens) and tokens[last + 1 + scale] == (False, ","):
        scale += 1
    prefix = "".join(text for _lit, text in tokens[:first])
    suffix = "".join(text for _lit, text in tokens[last + 1 + scale :])
    code = "".join(text for lit, text in tokens[first : last + 1] if not lit)
    percents = sum(1 for lit, text in tokens if not lit and text == "%")
    amount = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
    amount *= Decimal(100) ** percents
    if "E" in code:
        mantissa = code.split("E")[0]
        decimals = len([c for c in mantissa.partition(".")[2] if c in "0#?"])
        head, exponent = f"{float(amount):.{decimals}E}".split("E")
        return f"{prefix}{head}E{exponent[0]}{exponent[1:].rjust(2, '0')}{suffix}"
    integer_code, _dot, fraction_code = code.partition(".")
    places = [c for c in fraction_code if c in "0#?"]
    required = sum(1 for c in places if c == "0")
    amount /= Decimal(1000) ** scale
    rounded = amount.quantize(Decimal(1).scaleb(-len(places)), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{rounded:f}".partition(".")
    while len(fraction) > required and fraction.endswith("0"):
        fraction = fraction[:-1]
    min_whole = sum(1 for c in integer_code if c == "0")
    if whole == "0" and min_whole == 0:
        whole = ""
    whole = whole.rjust(min_whole, "0")
    if "," in integer_code and whole:
        whole = f"{int(whole):,}"
    number = whole + ("." + fraction if fraction else "")
    return (prefix + number + suffix).strip()
