"""The operator pages of items, tasks, catalog and compliance, used through forms."""

from __future__ import annotations

import io
import json
import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from tests.conftest import Demo
from tests.conftest import post_form
from tests.http.items import create
from tests.http.items import ok
from tests.http.items import publish_through

FORM = {
    "org": "JIYI-01",
    "catalog_entry": "CW-01",
    "title": "集义村2026年第四季度村级财务收支情况",
    "category": "village_affairs",
    "timing": "periodic",
    "scope": "public",
    "body_type": "table",
    "table": "日期\t摘要\t收入（元）\t支出（元）\n2026-10-08\t上级转移支付\t45000\t\n2026-10-21\t道路维修材料费\t\t12680.50\n",
    "caption": "第四季度收支",
    "note": "数据来源：村报账员",
    "text_format": "plain",
    "notice_kind": "",
    "department": "村报账员",
    "accountable": "王建国",
}


def item_id_from(response: object) -> int:
    location = response.headers["Location"]  # type: ignore[attr-defined]
    match = re.search(r"/items/(\d+)$", location)
    assert match, location
    return int(match.group(1))


def test_editor_creates_a_table_item_from_pasted_cells(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi01_editor")
    page = client.get("/items/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "CW-01 村级财务收支情况" in html
    response = post_form(client, "/items/new", FORM)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    detail = client.get(f"/items/{item_id_from(response)}").get_data(as_text=True)
    assert "上级转移支付" in detail
    assert '<td class="num money" data-label="收入（元）">45,000.00</td>' in detail
    assert "提交审核" in detail
    assert "草稿" in detail


def test_validation_errors_are_shown(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi01_editor")
    response = post_form(
        client,
        "/items/new",
        {**FORM, "catalog_entry": "DF-01", "category": "organisation", "scope": "public"},
    )
    assert response.status_code == 400
    assert "目录" in response.get_data(as_text=True)


URGENT = {
    **FORM,
    "catalog_entry": "outside",
    "title": "关于集义村今冬森林防火紧急通知",
    "category": "service",
    "timing": "immediate",
    "urgent": "y",
    "body_type": "text",
    "text": "即日起至明年3月，禁止一切野外用火。",
}


def test_an_urgent_immediate_item_is_created_from_the_form(client: FlaskClient, demo: Demo) -> None:
    """Issue 10, blocker 1: 即时公开 + 紧急 was refused by the form (its timing came as text)."""
    demo.login(client, "jiyi01_editor")
    response = post_form(client, "/items/new", URGENT)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    item = client.get(
        f"/api/v1/items/{item_id_from(response)}", headers=demo.headers("jiyi01_editor")
    ).get_json()
    assert item["current"]["urgent"] is True and item["timing"] == "immediate"


def test_after_an_error_the_preview_keeps_what_was_typed(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi01_editor")
    response = post_form(client, "/items/new", {**URGENT, "timing": "standing"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "只有即时公开事项才能设为紧急" in html
    # The page comes back with the preview of what was typed (handed to the player frames).
    found = re.search(r"data-initial='([^']*)'", html)
    assert found
    preview = json.loads(unescape(found.group(1)))
    item = preview["layouts"][0]["manifest"]["items"][0]
    assert item["title"] == "关于集义村今冬森林防火紧急通知"
    assert item["body"]["text"] == "即日起至明年3月，禁止一切野外用火。"


def test_preview_renders_at_screen_size(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi01_editor")
    response = post_form(
        client, "/items/preview", {**FORM, "title": "<b>标题</b>"}, page="/items/new"
    )
    assert response.status_code == 200
    preview = response.get_json()
    landscape = preview["layouts"][0]
    assert (landscape["name"], landscape["width"], landscape["height"]) == ("landscape", 1920, 1080)
    item = landscape["manifest"]["items"][0]
    assert item["title"] == "<b>标题</b>"
    assert item["body"]["rows"][1][1] == "道路维修材料费"
    assert landscape["manifest"]["org"]["name"] == "集义村"


def test_image_upload_in_the_form(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi01_editor")
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "orange").save(buffer, "JPEG")
    data = {
        **FORM,
        "body_type": "image",
        "caption": "公开栏照片",
        "file": (io.BytesIO(buffer.getvalue()), "photo.jpg"),
    }
    from tests.conftest import csrf_token

    data["csrf_token"] = csrf_token(client, "/items/new")
    response = client.post("/items/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    detail = client.get(f"/items/{item_id_from(response)}").get_data(as_text=True)
    sha = re.search(r'src="/assets/([0-9a-f]{64})"', detail)
    assert sha
    assert client.get(f"/assets/{sha.group(1)}").status_code == 200


def test_steps_through_the_buttons(app: Flask, demo: Demo) -> None:
    editor, reviewer = app.test_client(), app.test_client()
    demo.login(editor, "jiyi01_editor")
    item_id = item_id_from(post_form(editor, "/items/new", FORM))
    post_form(
        editor, f"/items/{item_id}/transition", {"action": "submit"}, page=f"/items/{item_id}"
    )
    demo.login(reviewer, "jiyi01_reviewer")
    tasks = reviewer.get("/tasks").get_data(as_text=True)
    assert "待我审核" in tasks
    assert f"/items/{item_id}" in tasks
    page = reviewer.get(f"/items/{item_id}").get_data(as_text=True)
    assert "审核通过" in page and "退回" in page
    # Sending back without a reason is refused with a message; with one it works.
    post_form(
        reviewer,
        f"/items/{item_id}/transition",
        {"action": "reject", "reason": ""},
        page=f"/items/{item_id}",
    )
    assert "请填写书面理由" in reviewer.get(f"/items/{item_id}").get_data(as_text=True)
    post_form(
        reviewer,
        f"/items/{item_id}/transition",
        {"action": "reject", "reason": "请补充支出凭证号"},
        page=f"/items/{item_id}",
    )
    back = editor.get("/tasks").get_data(as_text=True)
    assert "退回给我的" in back
    assert "请补充支出凭证号" in back


def test_four_eyes_message(app: Flask, client: FlaskClient, demo: Demo) -> None:
    client.post(
        "/api/v1/users/jiyi01_editor/grants",
        json={"org": "JIYI-01", "role": "reviewer"},
        headers=demo.headers("admin"),
    )
    item = create(client, demo)
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    demo.login(client, "jiyi01_editor")
    page = client.get(f"/items/{item['id']}").get_data(as_text=True)
    assert "审核通过" not in page  # not offered to the author
    post_form(
        client, f"/items/{item['id']}/transition", {"action": "review"}, page=f"/items/{item['id']}"
    )
    assert "四眼原则" in client.get(f"/items/{item['id']}").get_data(as_text=True)


def test_new_revision_while_published_and_diff(client: FlaskClient, demo: Demo) -> None:
    item = create(client, demo)
    publish_through(client, demo, item["id"])
    demo.login(client, "jiyi01_editor")
    edit = client.get(f"/items/{item['id']}/edit").get_data(as_text=True)
    assert "修订 2" in edit or "修订2" in edit
    response = post_form(
        client,
        f"/items/{item['id']}/edit",
        {**FORM, "title": "集义村2026年第四季度村级财务收支情况（更正）"},
    )
    assert response.status_code == 302
    detail = client.get(f"/items/{item['id']}").get_data(as_text=True)
    assert "正在屏幕上显示" in detail or "在屏幕上" in detail
    diff = client.get(f"/items/{item['id']}/diff").get_data(as_text=True)
    assert "<ins>（更正）</ins>" in diff


def test_compliance_page_highlights_overdue(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi01_approver")
    html = client.get("/compliance?org=JIYI-01").get_data(as_text=True)
    assert 'class="row-missing"' in html
    assert "从未公开" in html
    assert "不便公开" in html
    response = post_form(
        client,
        "/compliance/exemptions?org=JIYI-01",
        {"entry": "MZ-01", "explanation": "本季度无变动，名单涉及个人隐私不宜公开。"},
        page="/compliance?org=JIYI-01",
    )
    assert response.status_code == 302
    assert "已申请不便公开" in client.get("/compliance?org=JIYI-01").get_data(as_text=True)
    superior = client.application.test_client()
    demo.login(superior, "jiyi_superior")
    page = superior.get("/compliance?org=JIYI").get_data(as_text=True)
    assert "等待您决定的不便公开申请" in page
    exemption_id = re.search(r"/exemptions/(\d+)/decision", page)
    assert exemption_id
    post_form(
        superior,
        f"/exemptions/{exemption_id.group(1)}/decision",
        {"decision": "approve", "reason": "同意"},
        page="/compliance?org=JIYI",
    )
    assert "不便公开（已批准）" in superior.get("/compliance?org=JIYI-01").get_data(as_text=True)


def test_catalog_page_and_entry_form(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "xian_superior")
    html = client.get("/catalog?org=XIAN").get_data(as_text=True)
    assert "清源县村级党务村务公开目录" in html
    template_id = re.search(
        r'id="t(\d+)"><div class="card-body">\s*<h3 class="h6">清源县村级', html
    )
    assert template_id
    response = post_form(
        client,
        f"/catalog/templates/{template_id.group(1)}/entries",
        {
            "code": "NY-01",
            "title": "农业补贴发放情况",
            "category": "service",
            "scope": "public",
            "timing": "periodic",
            "cadence": "yearly",
            "grace_days": "30",
            "department": "村委会",
        },
        page="/catalog?org=XIAN",
    )
    assert response.status_code == 302
    html = client.get("/catalog?org=XIAN").get_data(as_text=True)
    assert "农业补贴发放情况" in html
    entry_id = re.findall(r"/catalog/entries/(\d+)", html)[-1]
    response = post_form(
        client,
        f"/catalog/entries/{entry_id}",
        {
            "code": "NY-01",
            "title": "农业补贴发放情况",
            "category": "service",
            "scope": "public",
            "timing": "periodic",
            "cadence": "half_yearly",
            "grace_days": "20",
            "department": "村委会",
        },
        page="/catalog?org=XIAN",
    )
    assert response.status_code == 302
    assert "已保存" in client.get("/catalog?org=XIAN").get_data(as_text=True)
    entry = client.get(
        "/api/v1/catalog?org=JIYI-01", headers=demo.headers("jiyi01_editor")
    ).get_json()
    updated = next(e for e in entry["template"]["entries"] if e["code"] == "NY-01")
    assert (updated["cadence"], updated["active"]) == (
        "half_yearly",
        False,
    )  # unticked: out of force


def test_scripts_in_fields_show_as_text(client: FlaskClient, demo: Demo) -> None:
    payload = "<script>alert('x')</script>"
    item = create(
        client,
        demo,
        title=f"标题{payload}",
        body={
            "type": "table",
            "columns": [payload, "b"],
            "rows": [[payload, 1]],
            "caption": payload,
            "note": payload,
        },
        department=payload,
    )
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    ok(client, demo, "jiyi01_reviewer", item["id"], "reject", payload)
    demo.login(client, "jiyi01_editor")
    for page in (
        f"/items/{item['id']}",
        "/items",
        "/tasks",
        f"/items/{item['id']}/diff?from=1&to=2",
    ):
        html = client.get(page).get_data(as_text=True)
        assert payload not in html, page
    assert "&lt;script&gt;" in client.get(f"/items/{item['id']}").get_data(as_text=True)


def test_pages_need_a_login_and_view_rights(client: FlaskClient, demo: Demo) -> None:
    item = create(client, demo)
    assert client.get("/items").status_code == 302
    assert client.get(f"/items/{item['id']}").status_code == 302
    client.post(
        "/api/v1/users",
        json={
            "username": "jiyi02_editor",
            "org": "JIYI-02",
            "roles": ["editor"],
            "password": "Jiyi02-pass!",
        },
        headers=demo.headers("admin"),
    )
    demo.login(client, "jiyi02_editor", "Jiyi02-pass!")
    assert client.get(f"/items/{item['id']}").status_code == 403
    assert client.get(f"/items/{item['id']}/edit").status_code == 403
