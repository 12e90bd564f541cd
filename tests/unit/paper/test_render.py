"""The print module: real embedded CJK fonts, Chinese text that extracts intact, QR codes that
decode, and no fetching outside the document's own resources."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pypdf
import pytest
from flask import Flask
from flask import render_template_string

from content.assets import MemoryAssetStore
from signage_server.paper.qr import qr_svg
from signage_server.paper.render import FetchRefused
from signage_server.paper.render import asset_url
from signage_server.paper.render import fetcher
from signage_server.paper.render import render_pdf

TEMPLATE = """{% extends "paper/base.html" %}
{% block title %}{{ title }}{% endblock %}
{% block running_org %}集义镇第一村{% endblock %}
{% block content %}<h1>{{ title }}</h1><p>{{ text }}</p>{{ qr }}{% endblock %}"""


def fonts_of(pdf: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        resources = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descendant["/FontDescriptor"].get_object()
            if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(font["/BaseFont"]))
    return names


@pytest.fixture(scope="module")
def page_app() -> Flask:
    """Only the templates: the print module needs no database."""
    return Flask(
        "paper", template_folder=str(Path(__file__).parents[3] / "signage_server" / "templates")
    )


def test_chinese_text_extracts_intact_with_embedded_subset_fonts(page_app: Flask) -> None:
    title = "关于集义村2026年第三季度财务收支情况的公示"
    with page_app.app_context():
        html = render_template_string(TEMPLATE, title=title, text="收入合计：1,322.40元。", qr="")
    pdf = render_pdf(html)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert title in text.replace("\n", "")
    fonts = fonts_of(pdf)
    assert any("CJK" in name for name in fonts), fonts
    # Subset fonts carry a six-letter tag (ABCDEF+Name): no whole 16 MB face in the file.
    assert all(name.lstrip("/")[6] == "+" for name in fonts), fonts
    assert len(pdf) < 400_000


@pytest.mark.usefixtures("print_tools")
def test_a_printed_qr_code_decodes(page_app: Flask, tmp_path: Path) -> None:
    url = "http://127.0.0.1:8080/f/PABCDEFGH1234"
    with page_app.app_context():
        html = render_template_string(TEMPLATE, title="二维码", text="扫码", qr=qr_svg(url))
    (tmp_path / "qr.pdf").write_bytes(render_pdf(html))
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "150",
            "-png",
            "-singlefile",
            str(tmp_path / "qr.pdf"),
            str(tmp_path / "qr"),
        ],
        check=True,
    )
    found = subprocess.run(
        ["zbarimg", "-q", "--raw", str(tmp_path / "qr.png")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.strip() == url


def test_the_fetcher_reads_assets_and_refuses_everything_else(tmp_path: Path) -> None:
    store = MemoryAssetStore()
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 20
    sha = store.put(png)
    fetch = fetcher(store)
    assert fetch(asset_url(sha)).read() == png
    assert fetch(asset_url(sha)).content_type == "image/png"
    assert fetch("data:text/plain;base64,5Lit5paH").read() == "中文".encode()
    secret = tmp_path / "secret_key"
    secret.write_text("s3cret")
    for url in (
        "http://127.0.0.1:8080/admin",
        "https://example.com/x.png",
        f"file://{secret}",
        "asset:" + "0" * 64,
    ):
        with pytest.raises(FetchRefused):
            fetch(url)
        # In a document, a refused resource is left out; the rest is printed.
        pdf = render_pdf(f'<p>拒绝外部资源</p><img src="{url}">', store)
        assert "拒绝外部资源" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_printing_leaves_uploads_strict_about_truncated_images() -> None:
    """WeasyPrint's import lets Pillow load truncated images process-wide; after a print (and
    even after WeasyPrint's image module sets the flag again) a truncated upload is refused."""
    from PIL import Image
    from PIL import ImageFile

    from content.assets import AssetRejected
    from content.assets import inspect

    render_pdf("<p>预热</p>")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    out = io.BytesIO()
    Image.effect_noise((256, 256), 64).convert("RGB").save(out, "PNG")
    truncated = out.getvalue()[: len(out.getvalue()) // 2]
    ImageFile.LOAD_TRUNCATED_IMAGES = True  # what weasyprint.images does at its import
    with pytest.raises(AssetRejected) as refused:
        inspect(truncated)
    assert refused.value.code == "corrupt"
