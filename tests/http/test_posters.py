"""Posters and boards on paper: what they carry, who may print them, what never gets printed.

``GET /api/v1/items/<id>/poster.pdf`` and ``GET /api/v1/orgs/<code>/board.pdf``: the PDFs are
read back with pypdf (text per page, embedded fonts) and their QR codes decoded with zbarimg
after rendering with pdftoppm, as a villager's phone would read the paper.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pypdf
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from flask_babel import gettext
from flask_babel import ngettext

from signage_server.config import Settings
from signage_server.disclosure.models import Revision
from signage_server.extensions import db
from signage_server.paper import posters
from tests.conftest import NOW
from tests.conftest import Demo
from tests.conftest import post_form
from tests.http.feedback import case_of
from tests.http.feedback import receipt_of
from tests.http.feedback import submit
from tests.http.items import create
from tests.http.items import item_payload
from tests.http.items import ok
from tests.http.items import publish_through
from tests.unit.paper.test_render import fonts_of

needs_tools = pytest.mark.usefixtures("print_tools")

TEXT = {
    "type": "text",
    "text": "一、支部党员大会\n一般每季度召开一次，由支部委员会召集。\n\n二、党课\n每季度至少一次。",
}


# --- reading the paper -------------------------------------------------------------------


def pages_of(pdf: bytes) -> list[str]:
    """The text of each page with every space and line break taken out (titles wrap)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return ["".join(page.extract_text().split()) for page in reader.pages]


def sizes_of(pdf: bytes) -> list[tuple[float, float]]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]


def qr_codes(pdf: bytes, folder: Path, page: int = 1) -> list[str]:
    """Render ``page`` at 150 dpi and return what zbarimg reads on it."""
    (folder / "paper.pdf").write_bytes(pdf)
    source, target = str(folder / "paper.pdf"), str(folder / "paper")
    pages = ["-f", str(page), "-l", str(page)]
    subprocess.run(
        ["pdftoppm", "-r", "150", *pages, "-png", "-singlefile", source, target], check=True
    )
    found = subprocess.run(
        ["zbarimg", "-q", "--raw", str(folder / "paper.png")],
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.split()


def paper_text(app: Flask, message: str, **params: Any) -> str:
    """A message as paper prints it (always in Chinese), spaces taken out like pages_of."""
    with app.test_request_context(), force_locale(posters.PAPER_LOCALE):
        return "".join(gettext(message, **params).split())


def poster(client: FlaskClient, demo: Demo, item_id: int, query: str = "", user: str = "") -> Any:
    return client.get(
        f"/api/v1/items/{item_id}/poster.pdf{query}",
        headers=demo.headers(user or "jiyi01_operator"),
    )


def board(client: FlaskClient, demo: Demo, code: str = "JIYI-01", query: str = "") -> Any:
    return client.get(
        f"/api/v1/orgs/{code}/board.pdf{query}", headers=demo.headers("jiyi01_operator")
    )


def published(client: FlaskClient, demo: Demo, **overrides: Any) -> dict[str, Any]:
    item = create(client, demo, **overrides)
    return publish_through(client, demo, item["id"])


def at(days: float) -> str:
    return (NOW + dt.timedelta(days=days)).isoformat()


# --- posters -------------------------------------------------------------------------------


def test_poster_of_the_disclosure_carries_title_approvals_and_hashes(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published(client, demo)
    response = poster(client, demo, item["id"])
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('inline; filename="poster-')
    assert "filename*=UTF-8''" + quote("集义村2026年第四季度村级财务收支情况-A4.pdf") in disposition
    pdf = response.data
    (text,) = pages_of(pdf)
    assert "集义村2026年第四季度村级财务收支情况" in text
    # The body reads as on the screens: money as 1,322.40, right-aligned cells.
    assert "12,680.50" in text and "45,000.00" in text
    # The approval block: who took each step (by real name and post), the accountable person.
    for name in ("王小红（村报账员）", "刘长顺（村务监督委员会主任）", "王建国（村党支部书记）"):
        assert name in text
    assert "赵磊（村党群服务站）" in text and "2026-11-23" in text
    with app.app_context():
        revision = db.session.scalars(
            sa.select(Revision).where(Revision.item_id == item["id"])
        ).one()
        from signage_server.audit.services import head

        chain = head(db.session)
    assert revision.content_sha256 in text and chain.hash in text
    assert paper_text(app, "Audit chain at printing: record %(seq)s", seq=chain.seq) in text
    # Real CJK faces, embedded and subset (ABCDEF+Name), the file small.
    fonts = fonts_of(pdf)
    assert any("CJK" in name for name in fonts), fonts
    assert all(name.lstrip("/")[6] == "+" for name in fonts), fonts
    assert len(pdf) < 1_000_000
    assert sizes_of(pdf) == [pytest.approx((595.28, 841.89), abs=1)]  # A4 portrait


def test_poster_sizes_and_orientations(client: FlaskClient, demo: Demo) -> None:
    wide = {
        "type": "table",
        "columns": ["项目"] + [f"{m}月金额" for m in range(1, 11)],
        "rows": [[f"第{r}项"] + [1000 * r + m + 0.5 for m in range(1, 11)] for r in range(1, 4)],
    }
    item = published(client, demo, body=wide)
    a3 = poster(client, demo, item["id"], "?size=A3&orientation=landscape")
    assert sizes_of(a3.data)[0] == pytest.approx((1190.55, 841.89), abs=1)
    # auto: a table of eleven columns does not fit across a portrait A4 sheet.
    auto = poster(client, demo, item["id"], "?size=A4&orientation=auto")
    assert sizes_of(auto.data)[0] == pytest.approx((841.89, 595.28), abs=1)
    assert "3,010.50" in "".join(pages_of(auto.data))
    text = published(client, demo, body=TEXT, title="集义村党支部“三会一课”制度")
    narrow = poster(client, demo, text["id"], "?size=A4&orientation=auto")
    assert sizes_of(narrow.data)[0] == pytest.approx((595.28, 841.89), abs=1)


@needs_tools
def test_the_printed_qr_code_opens_the_form_and_feedback_is_marked_as_from_paper(
    app: Flask, client: FlaskClient, demo: Demo, tmp_path: Path
) -> None:
    item = published(client, demo)
    pdf = poster(client, demo, item["id"]).data
    (url,) = qr_codes(pdf, tmp_path)
    with app.app_context():
        from signage_server import services as registry

        base = registry.get(Settings).public_url.rstrip("/")
    assert url.startswith(base + "/f/"), url
    code = url[len(base + "/f/") :]
    form = client.get(f"/f/{code}")
    assert form.status_code == 200
    assert "集义村2026年第四季度村级财务收支情况" in form.get_data(as_text=True)
    receipt = receipt_of(submit(client, code, text="海报上的支出怎么核对？"))
    case = case_of(client, demo, "jiyi01_handler", receipt)
    assert case["source"] == "poster"
    assert case["item"] == item["id"] and case["revision"] == item["revision"]


def test_a_party_poster_says_where_it_may_be_pinned(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published(
        client,
        demo,
        title="集义村党支部2026年第四季度党费收缴情况",
        category="organisation",
        scope="party",
        catalog_entry="DF-01",
        body=TEXT,
    )
    (text,) = pages_of(poster(client, demo, item["id"]).data)
    assert paper_text(app, posters.SCOPE_BANDS[posters.Scope.PARTY]) in text
    public = published(client, demo)
    (text,) = pages_of(poster(client, demo, public["id"]).data)
    assert paper_text(app, posters.SCOPE_BANDS[posters.Scope.PARTY]) not in text


@needs_tools
def test_proofs_are_watermarked_and_carry_no_qr_code(
    app: Flask, client: FlaskClient, demo: Demo, tmp_path: Path
) -> None:
    proof_mark = paper_text(app, posters.PROOF_MARK)
    void_mark = paper_text(app, posters.VOID_MARK)
    draft = create(client, demo, title="集义村低保评定名单（草稿）", body=TEXT)
    response = poster(client, demo, draft["id"], user="jiyi01_editor")
    assert response.status_code == 200
    (text,) = pages_of(response.data)
    assert "集义村低保评定名单（草稿）" in text and proof_mark in text
    assert qr_codes(response.data, tmp_path) == []
    # Withdrawn: printed for the record, void, no QR code.
    item = published(client, demo)
    ok(client, demo, "jiyi01_approver", item["id"], "withdraw", "报账凭证待补充")
    response = poster(client, demo, item["id"])
    (text,) = pages_of(response.data)
    assert void_mark in text and proof_mark not in text
    assert qr_codes(response.data, tmp_path) == []
    # The disclosure itself has neither mark.
    live = published(client, demo, title="集义村“两委”成员分工")
    (text,) = pages_of(poster(client, demo, live["id"]).data)
    assert void_mark not in text and proof_mark not in text


@needs_tools
def test_a_scheduled_item_prints_as_the_disclosure_with_its_dates(
    app: Flask, client: FlaskClient, demo: Demo, tmp_path: Path
) -> None:
    item = published(client, demo, valid_from=at(3), valid_until=at(30))
    response = poster(client, demo, item["id"])
    (text,) = pages_of(response.data)
    assert paper_text(app, posters.PROOF_MARK) not in text
    assert "2026年11月26日" in text and "2026年12月23日" in text  # first and last day
    (url,) = qr_codes(response.data, tmp_path)
    assert "/f/" in url


def test_the_disclosure_is_printed_while_a_new_revision_is_a_proof(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published(client, demo)
    client.patch(
        f"/api/v1/items/{item['id']}",
        json={"title": "集义村2026年第四季度村级财务收支情况（更正）"},
        headers=demo.headers("jiyi01_editor"),
    )
    (text,) = pages_of(poster(client, demo, item["id"]).data)
    assert "收支情况（更正）" not in text
    assert paper_text(app, posters.PROOF_MARK) not in text
    (proof,) = pages_of(poster(client, demo, item["id"], "?revision=2").data)
    assert "收支情况（更正）" in proof and paper_text(app, posters.PROOF_MARK) in proof
    assert poster(client, demo, item["id"], "?revision=9").status_code == 404


def test_a_revision_that_does_not_match_its_seal_is_never_printed(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published(client, demo)
    other = published(client, demo, title="集义村“两委”成员分工及联系方式", body=TEXT)
    with app.app_context():
        db.session.execute(
            sa.update(Revision)
            .where(Revision.item_id == item["id"])
            .values(body={**item_payload()["body"], "note": "村务监督委员会未审核"})
        )
        db.session.commit()
    response = poster(client, demo, item["id"])
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "seal_broken"
    pages = pages_of(board(client, demo).data)
    assert not any("第四季度村级财务收支情况" in page for page in pages)
    assert any("两委”成员分工及联系方式" in page for page in pages[2:])
    assert poster(client, demo, other["id"]).status_code == 200


def test_table_rows_never_split_across_pages_and_the_header_repeats(
    client: FlaskClient, demo: Demo
) -> None:
    filler = "按村民代表会议决议支付，凭证齐全，已经村务监督委员会逐项审核，" * 2
    rows = [[f"R{i:03d}", f"说明{filler}【{i:03d}】", 1000 + i + 0.5, "王小红"] for i in range(60)]
    body = {"type": "table", "columns": ["编号", "经办说明", "金额（元）", "经手人"], "rows": rows}
    pdf = poster(client, demo, published(client, demo, body=body)["id"]).data
    pages = pages_of(pdf)
    assert len(pages) >= 3
    for i in range(60):
        starts = [n for n, page in enumerate(pages) if f"R{i:03d}" in page]
        assert len(starts) == 1, (i, starts)
        page = pages[starts[0]]
        # The end of the wrapped text and the amount are on the row's page.
        assert f"【{i:03d}】" in page and f"{1000 + i:,}.50" in page, (i, starts)
    for page in pages:
        if re.search(r"R\d{3}", page):
            assert "经办说明" in page and "金额（元）" in page


# --- boards ----------------------------------------------------------------------------------


def test_a_board_carries_what_a_screen_of_its_audience_shows_now(
    client: FlaskClient, demo: Demo
) -> None:
    finance = published(client, demo, title="甲公开财务")
    party = published(
        client,
        demo,
        title="乙党费收缴",
        category="organisation",
        scope="party",
        catalog_entry="DF-01",
        body=TEXT,
    )
    withdrawn = published(client, demo, title="丙已撤回事项")
    ok(client, demo, "jiyi01_approver", withdrawn["id"], "withdraw", "数据有误")
    published(client, demo, title="丁尚未开始", valid_from=at(3), valid_until=at(30))
    create(client, demo, title="戊草稿事项")
    published(
        client,
        demo,
        title="己制度公开",
        body=TEXT,
        catalog_entry="ZD-01",
        category="rules",
        timing="standing",
    )

    def titles(query: str) -> str:
        response = board(client, demo, query=query)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return "".join(pages_of(response.data))

    public = titles("")
    assert "甲公开财务" in public and "己制度公开" in public
    for never in ("乙党费收缴", "丙已撤回事项", "丁尚未开始", "戊草稿事项"):
        assert never not in public
    room = titles("?audience=party")
    assert "甲公开财务" in room and "乙党费收缴" in room
    for never in ("丙已撤回事项", "丁尚未开始", "戊草稿事项"):
        assert never not in room
    office = titles("?audience=unit")
    assert "甲公开财务" in office and "乙党费收缴" not in office
    # By category (organisation, rules, village affairs), as the public page lists them.
    assert room.index("乙党费收缴") < room.index("己制度公开") < room.index("甲公开财务")
    assert finance["id"] != party["id"]


def test_the_contents_of_a_board_give_the_real_pages(client: FlaskClient, demo: Demo) -> None:
    long_rows = [[f"第{i}周", "村内道路维修材料费", 100 + i, "赵磊"] for i in range(70)]
    long_table = {"type": "table", "columns": ["日期", "摘要", "支出（元）", "经手人"]}
    published(client, demo, title="甲村级财务收支")
    published(client, demo, title="乙长表财务明细", body={**long_table, "rows": long_rows})
    published(
        client,
        demo,
        title="丙党组织制度",
        body=TEXT,
        catalog_entry="ZD-01",
        category="rules",
        timing="standing",
    )
    pages = pages_of(board(client, demo).data)
    contents = pages[1]
    # Rules before village affairs; within one catalog entry the order of publication.
    titles = ["丙党组织制度", "甲村级财务收支", "乙长表财务明细"]
    first_pages = []
    for title in titles:
        listed = re.search(re.escape(title) + r"\.+(\d+)", contents)
        assert listed, (title, contents)
        real = next(n for n, page in enumerate(pages) if n > 1 and title in page) + 1
        assert int(listed.group(1)) == real, title
        first_pages.append(real)
    assert first_pages == [3, 4, 5]
    assert len(pages) >= 6  # the long table takes two pages or more
    # Every page is numbered "第 X 页 共 Y 页" but the cover.
    total = len(pages)
    for number, page in enumerate(pages[1:], start=2):
        assert f"第{number}页共{total}页" in page


@needs_tools
def test_the_board_cover_leads_to_the_public_page(
    app: Flask, client: FlaskClient, demo: Demo, tmp_path: Path
) -> None:
    published(client, demo)
    pdf = board(client, demo).data
    (url,) = qr_codes(pdf, tmp_path, page=1)
    with app.app_context():
        from signage_server import services as registry

        assert url == registry.get(Settings).public_url.rstrip("/") + "/p/JIYI-01"
    cover = pages_of(pdf)[0]
    assert "集义村" in cover and "2026年11月23日" in cover
    with app.test_request_context(), force_locale(posters.PAPER_LOCALE):
        count = ngettext("%(num)d item disclosed", "%(num)d items disclosed", 1)
    assert "".join(count.split()) in cover


def test_board_cover_and_empty_board(app: Flask, client: FlaskClient, demo: Demo) -> None:
    response = board(client, demo, "JIYI-02")
    assert response.status_code == 403  # not within jiyi01_operator's reach
    response = client.get("/api/v1/orgs/JIYI-02/board.pdf", headers=demo.headers("jiyi_operator"))
    assert response.status_code == 200
    pages = pages_of(response.data)
    assert len(pages) == 2  # cover and contents
    assert "东王庄村" in pages[0]
    assert paper_text(app, posters.BOARD_TITLES[posters.OrgKind.VILLAGE]) in pages[0]
    assert paper_text(app, "No item is disclosed here at present.") in pages[1]


# --- who may print ---------------------------------------------------------------------------


def test_who_may_print_posters_and_boards(client: FlaskClient, demo: Demo) -> None:
    item = published(client, demo)
    for url in (f"/api/v1/items/{item['id']}/poster.pdf", "/api/v1/orgs/JIYI-01/board.pdf"):
        anonymous = client.get(url)
        assert anonymous.status_code == 401
        assert anonymous.get_json()["error"]["code"] == "unauthorized"
    township = create(client, demo, user="jiyi_editor", org="JIYI", catalog_entry=None)
    assert poster(client, demo, township["id"], user="jiyi01_editor").status_code == 403
    assert poster(client, demo, township["id"], user="jiyi_editor").status_code == 200
    assert poster(client, demo, 999_999).status_code == 404
    assert board(client, demo, "NOPE").status_code == 404
    for query, code in (
        ("?size=A5", "invalid_size"),
        ("?orientation=sideways", "invalid_orientation"),
        ("?revision=first", "invalid_revision"),
    ):
        response = poster(client, demo, item["id"], query)
        assert response.status_code == 400 and response.get_json()["error"]["code"] == code
    response = board(client, demo, query="?audience=everyone")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_audience"


def test_a_logged_in_browser_opens_the_pdfs_but_nothing_else_of_the_api(
    client: FlaskClient, demo: Demo
) -> None:
    item = published(client, demo)
    demo.login(client, "jiyi01_operator")
    assert client.get(f"/api/v1/items/{item['id']}/poster.pdf?size=A3").status_code == 200
    assert client.get("/api/v1/orgs/JIYI-01/board.pdf").status_code == 200
    assert client.get(f"/api/v1/items/{item['id']}").status_code == 401
    assert client.post("/api/v1/items", json=item_payload()).status_code == 401
    # The buttons on the operator's pages lead there.
    page = client.get(f"/items/{item['id']}").get_data(as_text=True)
    assert f"/api/v1/items/{item['id']}/poster.pdf?size=A4&amp;orientation=auto" in page
    assert f"/api/v1/items/{item['id']}/poster.pdf?size=A3&amp;orientation=landscape" in page
    assert "/api/v1/orgs/JIYI-01/board.pdf?audience=party" in page
    listing = client.get("/items?org=JIYI-01").get_data(as_text=True)
    assert "/api/v1/orgs/JIYI-01/board.pdf" in listing
    # Paper is printed in Chinese whatever language the operator's pages are in.
    post_form(client, "/locale", {"locale": "en"}, page="/items")
    assert "Disclosure items" in client.get("/items").get_data(as_text=True)
    (text,) = pages_of(client.get(f"/api/v1/items/{item['id']}/poster.pdf").data)
    assert "村务（三资管理、财务收支）" in text and "第1页共1页" in text


def test_a_poster_and_a_board_carry_an_image_body(client: FlaskClient, demo: Demo) -> None:
    """An image body is printed from the asset store, the same picture the screens show."""
    from PIL import Image

    from tests.http.test_assets import upload

    picture = io.BytesIO()
    Image.new("RGB", (320, 200), (200, 30, 30)).save(picture, "PNG")
    asset = upload(client, demo, picture.getvalue()).get_json()
    item = published(
        client,
        demo,
        title="集义村文化广场平面图",
        body={"type": "image", "asset": asset["sha256"], "caption": "平面示意图"},
    )
    for response in (poster(client, demo, item["id"]), board(client, demo)):
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        reader = pypdf.PdfReader(io.BytesIO(response.data))
        # WeasyPrint shares one resource dictionary between pages: the same picture is listed
        # on every page of a board, embedded once.
        images = {image.data: image for page in reader.pages for image in page.images}
        assert len(images) == 1, "the picture is embedded once"
        assert next(iter(images.values())).image.size == (320, 200)
        assert "平面示意图" in "".join(page.extract_text() for page in reader.pages)
