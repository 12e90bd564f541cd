"""The editor imports a table from a spreadsheet file (.xlsx, .csv), kept with the draft."""

from __future__ import annotations

import hashlib
import io
import re
from html import unescape
from typing import Any

from flask.testing import FlaskClient
from openpyxl import Workbook

from tests.conftest import Demo
from tests.conftest import csrf_token
from tests.http.test_items_ui import FORM
from tests.http.test_items_ui import item_id_from


def workbook_bytes() -> bytes:
    """收支 with 收入（元） merged over two columns (amount and share) and money formats."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "收支"
    sheet.append(["日期", "摘要", "收入（元）", None, "支出（元）"])
    sheet.merge_cells("C1:D1")
    sheet.append(["2026-10-08", "上级转移支付", 45000, 0.78, None])
    sheet.append(["2026-10-21", "道路维修材料费", None, None, 12680.5])
    for row in (2, 3):
        sheet.cell(row, 3).number_format = "#,##0.00"
        sheet.cell(row, 4).number_format = "0%"
        sheet.cell(row, 5).number_format = "#,##0.00"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def send(client: FlaskClient, url: str, data: dict[str, Any], page: str | None = None) -> Any:
    """Post the editor's form as a browser does (multipart, with its CSRF token)."""
    data = {**data, "csrf_token": csrf_token(client, page or url)}
    return client.post(url, data=data, content_type="multipart/form-data")


def current(client: FlaskClient, demo: Demo, item_id: int) -> dict[str, Any]:
    item = client.get(f"/api/v1/items/{item_id}", headers=demo.headers("jiyi01_editor")).get_json()
    revision: dict[str, Any] = item["current"]
    return revision


def test_saving_with_a_workbook_imports_its_table_and_keeps_the_file(
    client: FlaskClient, demo: Demo
) -> None:
    demo.login(client, "jiyi01_editor")
    data = workbook_bytes()
    form = {**FORM, "table": "", "sheet_file": (io.BytesIO(data), "四季度收支.xlsx")}
    response = send(client, "/items/new", form)
    assert response.status_code == 302, re.sub(r"\s+", " ", response.get_data(as_text=True))[
        2000:6000
    ]
    revision = current(client, demo, item_id_from(response))
    body = revision["body"]
    assert body["columns"] == ["日期", "摘要", "收入（元）", "收入（元）2", "支出（元）"]
    assert body["rows"] == [
        ["2026-10-08", "上级转移支付", "45,000.00", "78%", ""],
        ["2026-10-21", "道路维修材料费", "", "", "12,680.50"],
    ]
    sha = hashlib.sha256(data).hexdigest()
    assert revision["attachments"] == [sha]
    fetched = client.get(f"/assets/{sha}")
    assert fetched.status_code == 200 and fetched.data == data
    assert fetched.headers["Content-Disposition"] == f'attachment; filename="{sha}.xlsx"'


def test_import_fills_the_table_to_check_then_saving_keeps_the_file(
    client: FlaskClient, demo: Demo
) -> None:
    demo.login(client, "jiyi01_editor")
    data = '姓名,金额\n张三,"1,200.00"\n'.encode("gb18030")
    form = {
        **FORM,
        "table": "",
        "import_sheet": "1",
        "sheet_file": (io.BytesIO(data), "名单.csv"),
    }
    page = send(client, "/items/new", form)
    assert page.status_code == 200
    html = unescape(page.get_data(as_text=True))
    assert "姓名\t金额\n张三\t1,200.00" in html
    assert "导入了 1 行" in html
    sha = hashlib.sha256(data).hexdigest()
    assert f'value="{sha}"' in html
    # The operator corrects a cell, then saves: the file goes with the draft.
    saved = send(
        client,
        "/items/new",
        {**FORM, "table": "姓名\t金额\n张三\t1,250.00", "sheet_asset": sha},
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[-3000:]
    revision = current(client, demo, item_id_from(saved))
    assert revision["body"]["rows"] == [["张三", "1,250.00"]]
    assert revision["attachments"] == [sha]


def test_unreadable_files_are_refused_with_a_message(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi01_editor")
    for content, name, message in [
        (b"PK\x03\x04 broken", "坏的.xlsx", "只能导入 .xlsx 工作簿和 .csv 文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "旧.xls", "另存为 .xlsx"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "照片.xlsx", "只能导入 .xlsx 工作簿和 .csv 文件"),
    ]:
        form = {**FORM, "sheet_file": (io.BytesIO(content), name)}
        response = send(client, "/items/new", form)
        assert response.status_code == 400
        assert message in unescape(response.get_data(as_text=True)), name
    # A sheet_asset the caller did not store is not attached.
    bad = send(client, "/items/new", {**FORM, "sheet_asset": "0" * 64})
    assert bad.status_code == 400
    assert re.search(r"alert-danger", bad.get_data(as_text=True))


def test_importing_into_an_edited_draft_adds_the_file_to_its_attachments(
    client: FlaskClient, demo: Demo
) -> None:
    demo.login(client, "jiyi01_editor")
    first = b"a,b\n1,2\n"
    created = send(client, "/items/new", {**FORM, "sheet_file": (io.BytesIO(first), "a.csv")})
    item_id = item_id_from(created)
    second = workbook_bytes()
    url = f"/items/{item_id}/edit"
    edited = send(client, url, {**FORM, "sheet_file": (io.BytesIO(second), "b.xlsx")})
    assert edited.status_code == 302
    revision = current(client, demo, item_id)
    assert revision["attachments"] == [
        hashlib.sha256(first).hexdigest(),
        hashlib.sha256(second).hexdigest(),
    ]
    assert revision["body"]["rows"][0][2] == "45,000.00"
    # A missing sheet is named with the workbook's sheets.
    wrong = send(
        client,
        url,
        {**FORM, "sheet_name": "三季度", "sheet_file": (io.BytesIO(second), "b.xlsx")},
    )
    assert wrong.status_code == 400
    assert "工作簿中没有工作表“三季度”；现有的工作表：收支。" in unescape(
        wrong.get_data(as_text=True)
    )
