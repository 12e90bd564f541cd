"""Bilingual items on paper (issue 15): posters, boards and dossiers print both texts, the
Chinese first, each set as its language is written (Uyghur right to left, traditional Mongolian
in columns left to right), the Noto faces embedded; a translation changed behind the
procedure's back is never printed.

The PDFs are read back with pdftotext (``-bbox``: where each word is) and pdffonts. Arabic
script may come back in presentation forms (ﺋﯘ for ئۇ): it is compared after NFKC.
"""

from __future__ import annotations

import copy
import itertools
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from content.fonts import family_file
from content.vertical import break_columns
from content.vertical import font_metrics
from signage_server.demo.bilingual import FINANCE_TITLE_UG
from signage_server.demo.bilingual import FINANCE_UG
from signage_server.demo.bilingual import NOTICE_MN
from signage_server.demo.bilingual import NOTICE_TITLE_MN
from signage_server.demo.bilingual import NOTICE_TITLE_ZH
from signage_server.demo.bilingual import NOTICE_ZH
from signage_server.demo.bilingual import mongolian_notice
from signage_server.disclosure.models import Revision
from signage_server.extensions import db
from signage_server.paper.bilingual import COLUMN_EMS
from signage_server.paper.bilingual import INDENT_EMS
from signage_server.paper.bilingual import TITLE_SCALE
from tests.conftest import Demo
from tests.http.items import create
from tests.http.items import publish_through
from tests.http.test_bilingual import UG_TABLE
from tests.http.test_bilingual import change_translation
from tests.http.test_bilingual import published_uyghur
from tests.http.test_bilingual import second_language
from tests.http.test_bilingual import uyghur
from tests.http.test_posters import paper_text

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="pdftotext and pdffonts (poppler-utils) are needed",
)

#: What a dossier says under the content hash of a bilingual revision.
SEALED_BOTH = (
    "Both texts, the Chinese and the %(language)s version, were sealed together under this"
    " hash: neither can change without a new revision approved again."
)

MONGOLIAN_FONT = family_file("Noto Sans Mongolian")
needs_mongolian = pytest.mark.skipif(
    MONGOLIAN_FONT is None, reason="Noto Sans Mongolian missing (scripts/sysdeps.sh installs it)"
)


# --- reading the paper ---------------------------------------------------------------------


def plain(text: str) -> str:
    """``text`` in NFKC without blanks and bidi controls (Arabic presentation forms become
    letters; a word wrapped anywhere still matches)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


def arabic_words(text: str) -> list[str]:
    """The Arabic-script words of ``text`` (NFKC), in the order pdftotext gives them: within
    a right-to-left line it may move a run around a number (``2026-يىلى`` comes back as
    ``يىلى -2026``), so texts are compared word by word."""
    return re.findall("[\u0600-\u06ff]+", unicodedata.normalize("NFKC", text))


def has_words(page: str, text: str) -> bool:
    found = set(arabic_words(page))
    return all(word in found for word in arabic_words(text))


def pdf_text(pdf: bytes, folder: Path, *options: str) -> str:
    source = folder / "paper.pdf"
    source.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", *options, str(source), "-"], capture_output=True, text=True, check=True
    ).stdout


def words(pdf: bytes, folder: Path) -> list[tuple[int, float, float, float, float, str]]:
    """Every word pdftotext finds: its page (from 1), box (points) and text (NFKC)."""
    html = pdf_text(pdf, folder, "-bbox")
    found = []
    page = 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        match = re.search(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>',
            line,
        )
        if match:
            x0, y0, x1, y1 = (float(v) for v in match.groups()[:4])
            found.append((page, x0, y0, x1, y1, unicodedata.normalize("NFKC", match.group(5))))
    return found


def fonts(pdf: bytes, folder: Path) -> dict[str, bool]:
    """The fonts of a PDF (subset prefix taken off) and whether each is embedded."""
    source = folder / "fonts.pdf"
    source.write_bytes(pdf)
    listing = subprocess.run(
        ["pdffonts", str(source)], capture_output=True, text=True, check=True
    ).stdout
    found = {}
    for line in listing.splitlines()[2:]:
        name, *rest = line.split()
        found[name.split("+", 1)[-1]] = "yes" in rest[-5:-4]
    return found


def assert_embedded(pdf: bytes, folder: Path, *families: str) -> None:
    found = fonts(pdf, folder)
    assert all(found.values()), found
    for family in families:
        assert family.replace(" ", "-") in found, (family, found)


def keep(pdf: bytes, name: str) -> None:
    """Keep a copy to look at when ``PAPER_LOOK`` names a folder (never in the repository)."""
    import os

    folder = os.environ.get("PAPER_LOOK")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(pdf)


def poster(client: FlaskClient, demo: Demo, item_id: int, query: str = "") -> Any:
    return client.get(
        f"/api/v1/items/{item_id}/poster.pdf{query}", headers=demo.headers("jiyi01_operator")
    )


def uyghur_item(app: Flask, client: FlaskClient, demo: Demo) -> dict[str, Any]:
    return published_uyghur(app, client, demo)


def mongolian_item(app: Flask, client: FlaskClient, demo: Demo) -> dict[str, Any]:
    second_language(app, "mn")
    item = create(
        client,
        demo,
        title=NOTICE_TITLE_ZH,
        body={"type": "text", "text": NOTICE_ZH},
        translation=mongolian_notice(),
    )
    return publish_through(client, demo, item["id"])


# --- posters -------------------------------------------------------------------------------


def test_a_uyghur_poster_prints_both_texts_right_to_left(
    app: Flask, client: FlaskClient, demo: Demo, tmp_path: Path
) -> None:
    item = uyghur_item(app, client, demo)
    for query, name in (("", "ug-a4.pdf"), ("?size=A3&orientation=landscape", "ug-a3l.pdf")):
        response = poster(client, demo, item["id"], query)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        pdf = response.data
        keep(pdf, name)
        text = pdf_text(pdf, tmp_path)
        assert "集义村2026年第四季度村级财务收支情况" in plain(text)
        # The Uyghur title, headers and rows; the table's amounts read as money, like the
        # Chinese table's.
        for uyghur_text in (FINANCE_TITLE_UG, *FINANCE_UG["columns"], UG_TABLE["rows"][1][1]):
            assert has_words(text, uyghur_text), uyghur_text
        assert plain(text).count("12,680.50") == 2 and plain(text).count("45,000.00") == 2
        assert_embedded(pdf, tmp_path, "Noto Naskh Arabic", "Noto Sans CJK SC")
    # Right to left: the first column (the date) is at the right of the Uyghur table, the
    # last (who handled it) at its left; the Chinese table runs left to right.
    found = words(pdf, tmp_path)
    # (-bbox gives each right-to-left word in visual order: its letters reversed.)
    date_ug = next(w for w in found if w[5] in (plain("چېسلا"), plain("چېسلا")[::-1]))
    handled_ug = next(w for w in found if w[5] in (plain("قىلغۇچى"), plain("قىلغۇچى")[::-1]))
    date_zh = next(w for w in found if w[5] == "日期")
    handled_zh = next(w for w in found if w[5] == "经手人")
    assert date_ug[1] > handled_ug[3] and date_zh[3] < handled_zh[1]
    # Numbers keep their digit order (pdftotext reads them as printed, left to right).
    assert any(w[5] == "12,680.50" and w[2] > date_ug[4] for w in found)


@needs_mongolian
def test_a_mongolian_poster_sets_its_text_in_columns_left_to_right(
    app: Flask, client: FlaskClient, demo: Demo, tmp_path: Path
) -> None:
    item = mongolian_item(app, client, demo)
    response = poster(client, demo, item["id"])
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    pdf = response.data
    keep(pdf, "mn-a4.pdf")
    text = plain(pdf_text(pdf, tmp_path))
    assert plain(NOTICE_TITLE_ZH) in text and "286,350元" in text
    assert_embedded(pdf, tmp_path, "Noto Sans Mongolian", "Noto Sans CJK SC")
    # Every word of the Mongolian text is printed, in columns: turned lines, each word's box
    # taller than wide, the columns as many as the text breaks into, left to right in order.
    assert MONGOLIAN_FONT is not None
    metrics = font_metrics(MONGOLIAN_FONT)
    title_columns = break_columns(NOTICE_TITLE_MN, metrics, COLUMN_EMS / TITLE_SCALE)
    body_columns = break_columns(NOTICE_MN, metrics, COLUMN_EMS, indent=INDENT_EMS)
    mongolian = [w for w in words(pdf, tmp_path) if any("\u1820" <= c <= "\u1878" for c in w[5])]
    assert all(w[4] - w[2] > w[3] - w[1] for w in mongolian if len(w[5]) > 3), mongolian[:3]
    lefts = sorted({round(w[1]) for w in mongolian})
    columns = [lefts[0]] + [x for a, x in itertools.pairwise(lefts) if x - a > 8]
    assert len(columns) == len(title_columns) + len(body_columns), (columns, body_columns)
    # Nothing runs past the end of its column (22 em of 12 pt from the top of the band).
    top = min(w[2] for w in mongolian)
    assert max(w[4] for w in mongolian) - top <= COLUMN_EMS * 12, mongolian
    first = next(w for w in mongolian if w[5] == plain(NOTICE_MN.split()[0]))
    last = next(w for w in mongolian if w[5] == plain(NOTICE_MN.split()[-1]))
    assert (first[0], first[1]) < (last[0], last[1])
    letters = {plain(w) for w in NOTICE_MN.split() if any("\u1820" <= c <= "\u1878" for c in w)}
    assert letters <= {plain(w[5]) for w in mongolian}


# --- boards and dossiers -------------------------------------------------------------------


def test_a_board_prints_both_texts_of_its_bilingual_items(
    app: Flask, client: FlaskClient, demo: Demo, tmp_path: Path
) -> None:
    uyghur_item(app, client, demo)
    response = client.get("/api/v1/orgs/JIYI-01/board.pdf", headers=demo.headers("jiyi01_operator"))
    assert response.status_code == 200
    keep(response.data, "board.pdf")
    text = pdf_text(response.data, tmp_path)
    assert "集义村2026年第四季度村级财务收支情况" in plain(text)
    assert has_words(text, FINANCE_TITLE_UG) and has_words(text, UG_TABLE["rows"][1][1])
    assert_embedded(response.data, tmp_path, "Noto Naskh Arabic")


def test_a_dossier_prints_each_revisions_translation_and_its_changes(
    app: Flask, client: FlaskClient, demo: Demo, tmp_path: Path
) -> None:
    item = uyghur_item(app, client, demo)
    changed = uyghur(note="ئۆزگەرتىلگەن ئىزاھات")
    response = change_translation(client, demo, item["id"], changed)
    assert response.status_code == 200, response.get_json()
    publish_through(client, demo, item["id"])
    pdf = client.get(
        f"/api/v1/items/{item['id']}/archive.pdf", headers=demo.headers("jiyi01_editor")
    ).data
    keep(pdf, "dossier.pdf")
    raw = pdf_text(pdf, tmp_path)
    text = plain(raw)
    # Both revisions print both texts; the note of the second is the changed one.
    assert arabic_words(raw).count(arabic_words(FINANCE_TITLE_UG)[0]) >= 2
    assert has_words(raw, FINANCE_UG["note"]) and has_words(raw, "ئۆزگەرتىلگەن ئىزاھات")
    assert text.count("维吾尔文版") >= 3  # two revisions, and the change of the second
    # Both texts were sealed together under each revision's hash.
    sealed = plain(paper_text(app, SEALED_BOTH, language="维吾尔文"))
    assert text.count(sealed) == 2, text[:3000]
    assert_embedded(pdf, tmp_path, "Noto Naskh Arabic", "Noto Sans CJK SC")


def test_a_tampered_translation_is_never_printed(
    app: Flask, client: FlaskClient, demo: Demo, tmp_path: Path
) -> None:
    item = uyghur_item(app, client, demo)
    forged_note = "ساختا ئىزاھات"
    with app.app_context():
        revision = db.session.scalar(sa.select(Revision).where(Revision.item_id == item["id"]))
        assert revision is not None and revision.translation is not None
        forged = copy.deepcopy(revision.translation)
        forged["body"]["note"] = forged_note
        revision.translation = forged
        db.session.commit()
    response = poster(client, demo, item["id"])
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "seal_broken"
    board = client.get("/api/v1/orgs/JIYI-01/board.pdf", headers=demo.headers("jiyi01_operator"))
    board_text = pdf_text(board.data, tmp_path)
    assert not has_words(board_text, forged_note) and not has_words(board_text, FINANCE_TITLE_UG)
    dossier = client.get(
        f"/api/v1/items/{item['id']}/archive.pdf", headers=demo.headers("jiyi01_editor")
    )
    assert dossier.status_code == 200
    text = pdf_text(dossier.data, tmp_path)
    assert not has_words(text, forged_note) and not has_words(text, UG_TABLE["rows"][1][1])
