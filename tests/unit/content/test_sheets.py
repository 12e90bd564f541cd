"""Reading a table from a spreadsheet: workbooks made here with openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook

from content.assets import AssetRejected
from content.assets import MemoryAssetStore
from content.assets import prepare_sheet
from content.assets import prepare_upload
from content.sheets import SheetError
from content.sheets import format_number
from content.sheets import read_table
from content.sheets import sheet_kind


def xlsx(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def finance_workbook() -> Workbook:
    """A 村级财务收支 sheet: a merged heading over two columns, money, a date, a formula."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "四季度"
    sheet.append(["日期", "摘要", "收入（元）", None, "备\n注"])
    sheet.merge_cells("C1:D1")
    sheet.append([dt.date(2026, 10, 8), "上级转移支付", 45000, 0.125, "到账"])
    sheet.append([dt.datetime(2026, 10, 21, 0, 0), "道路维修材料费", 12680.5, 0.05, None])
    sheet.append(["合计", None, "=SUM(C2:C3)", None, None])
    for row in (2, 3, 4):
        sheet.cell(row, 3).number_format = "#,##0.00"
        sheet.cell(row, 4).number_format = "0.0%"
    sheet.merge_cells("A4:B4")
    # Styled but empty cells at the end: not part of the table.
    sheet.cell(30, 8).number_format = "0.00"
    workbook.create_sheet("说明").append(["说明"])
    return workbook


def with_cached_values(data: bytes, values: dict[str, str]) -> bytes:
    """Write cached values into formula cells, as Excel or WPS do when saving."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                for formula, value in values.items():
                    text = text.replace(
                        f"<f>{formula}</f><v></v>", f"<f>{formula}</f><v>{value}</v>"
                    )
                    text = text.replace(f"<f>{formula}</f>", f"<f>{formula}</f><v>{value}</v>", 1)
                content = text.encode()
            target.writestr(info, content)
    return out.getvalue()


def test_a_workbook_becomes_columns_and_rows_as_the_sheet_shows_them() -> None:
    data = with_cached_values(xlsx(finance_workbook()), {"SUM(C2:C3)": "57680.5"})
    table = read_table(data)
    assert table.sheet == "四季度"
    assert table.sheets == ["四季度", "说明"]
    # A line break in a cell becomes a space (one line per row in the editor).
    assert table.columns == ["日期", "摘要", "收入（元）", "收入（元）2", "备 注"]
    assert table.rows == [
        ["2026-10-08", "上级转移支付", "45,000.00", "12.5%", "到账"],
        ["2026-10-21", "道路维修材料费", "12,680.50", "5.0%", ""],
        # A merged cell in the body shows once; the formula shows its saved value.
        ["合计", "", "57,680.50", "", ""],
    ]


def test_a_formula_without_a_saved_value_is_refused() -> None:
    with pytest.raises(SheetError) as refused:
        read_table(xlsx(finance_workbook()))
    assert refused.value.code == "uncalculated"
    assert refused.value.params == {"cell": "C4"}


def test_sheet_and_range_are_chosen() -> None:
    data = xlsx(finance_workbook())
    assert read_table(data, sheet="说明").columns == ["说明"]
    assert read_table(data, sheet="2").columns == ["说明"]
    table = read_table(data, cell_range="b1:c3")
    assert table.columns == ["摘要", "收入（元）"]
    assert table.rows == [["上级转移支付", "45,000.00"], ["道路维修材料费", "12,680.50"]]
    with pytest.raises(SheetError) as missing:
        read_table(data, sheet="五季度")
    assert missing.value.code == "no_such_sheet"
    with pytest.raises(SheetError) as bad:
        read_table(data, cell_range="A1-E20")
    assert bad.value.code == "bad_range"


def test_limits_of_the_table_body() -> None:
    workbook = Workbook()
    workbook.active.append([f"列{i}" for i in range(21)])
    with pytest.raises(SheetError) as wide:
        read_table(xlsx(workbook))
    assert (wide.value.code, wide.value.params) == ("too_many_columns", {"count": 21, "limit": 20})
    workbook = Workbook()
    for i in range(1002):
        workbook.active.append([i])
    with pytest.raises(SheetError) as long:
        read_table(xlsx(workbook))
    assert long.value.code == "too_many_rows"
    with pytest.raises(SheetError) as empty:
        read_table(xlsx(Workbook()))
    assert empty.value.code == "no_cells"


def test_csv_in_utf8_and_gb18030() -> None:
    text = '日期,摘要,收入（元）\n2026-10-08,上级转移支付,"45,000.00"\n,,\n'
    for encoding in ("utf-8", "utf-8-sig", "gb18030"):
        table = read_table(text.encode(encoding))
        assert table.columns == ["日期", "摘要", "收入（元）"]
        assert table.rows == [["2026-10-08", "上级转移支付", "45,000.00"]]
    tabbed = read_table(b"a\tb\n1\t2\n")
    assert (tabbed.columns, tabbed.rows) == (["a", "b"], [["1", "2"]])


def test_other_files_are_refused_by_content() -> None:
    assert sheet_kind(b"PK\x03\x04not a zip") is None
    assert sheet_kind(b"\x89PNG\r\n\x1a\n\x00\x00") is None
    for data, code in [
        (b"", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old_format"),
        (b"%PDF-1.7\n\x00\xff", "unsupported_type"),
        (b"\xff\xfe\x00\x00\x81", "unsupported_type"),
    ]:
        with pytest.raises(SheetError) as refused:
            read_table(data)
        assert refused.value.code == code
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert sheet_kind(out.getvalue()) is None


def test_spreadsheets_are_stored_only_where_asked_for() -> None:
    store = MemoryAssetStore()
    data = xlsx(finance_workbook())
    prepared = prepare_sheet(data, store)
    assert prepared.kind == "sheet"
    assert prepared.mime.endswith("spreadsheetml.sheet")
    assert store.get(prepared.sha256) == data
    assert prepare_sheet(b"a,b\n1,2\n", store).mime == "text/csv"
    # The general upload (images and PDFs) still refuses them.
    with pytest.raises(AssetRejected) as refused:
        prepare_upload(b"a,b\n1,2\n", MemoryAssetStore())
    assert refused.value.code == "unsupported_type"
    with pytest.raises(AssetRejected) as html:
        prepare_sheet(b"\x00<html>", MemoryAssetStore())
    assert html.value.code == "unsupported_type"


@pytest.mark.parametrize(
    ("value", "code", "shown"),
    [
        (45000, "#,##0.00", "45,000.00"),
        (-12680.5, "#,##0.00", "-12,680.50"),
        (-5, "#,##0.00;(#,##0.00)", "(5.00)"),
        (0.125, "0.0%", "12.5%"),
        (2026, "General", "2026"),
        (0.1 + 0.2, "General", "0.3"),
        (2.675, "0.00", "2.68"),
        (1234.567, "[$¥-804]#,##0.00", "¥1,234.57"),
        (12, '0"元"', "12元"),
        (1234567, "#,##0,", "1,235"),
        (0, '_-* #,##0.00_-;-* #,##0.00_-;_-* "-"??_-;_-@_-', "-"),
        (45000, '_-* #,##0.00_-;-* #,##0.00_-;_-* "-"??_-;_-@_-', "45,000.00"),
        (12345678, "0.00E+00", "1.23E+07"),
        (7, "000", "007"),
    ],
)
def test_number_formats(value: float, code: str, shown: str) -> None:
    assert format_number(value, code) == shown
