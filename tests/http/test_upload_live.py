"""The real gevent server keeps answering while a long PDF is being rendered."""

from __future__ import annotations

import io
import threading
import time
import urllib.request
import uuid
from typing import Any

import pytest
from PIL import Image

from tests.realtime.test_live_server import Seeded
from tests.realtime.test_live_server import seeded  # noqa: F401 - the seeded installation
from tests.realtime.test_live_server import tokens_for
from tests.servers import running

pytestmark = pytest.mark.slow


def many_pages(count: int) -> bytes:
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (595, 842), "white") for _ in range(count)]
    frames[0].save(buffer, "PDF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def post_file(url: str, token: str, data: bytes) -> tuple[int, bytes]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        url,
        data=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_health_answers_while_a_long_pdf_renders(seeded: Seeded) -> None:  # noqa: F811
    token = tokens_for(seeded)["jiyi01_editor"]
    document = many_pages(12)  # a few seconds of rendering
    with running(seeded.env) as server:
        upload: dict[str, Any] = {}

        def send() -> None:
            upload["result"] = post_file(server.base + "/api/v1/assets", token, document)
            upload["done"] = time.monotonic()

        thread = threading.Thread(target=send)
        thread.start()
        answered: list[float] = []
        while thread.is_alive():
            with urllib.request.urlopen(server.base + "/healthz", timeout=120) as response:
                assert response.status == 200
            answered.append(time.monotonic())
        thread.join()
        status, body = upload["result"]
        assert status == 201, body
        # The event loop never stalled: health checks, one after the other, kept being answered
        # while the upload was in progress (a blocked server answers them all after it).
        during = [moment for moment in answered if moment < upload["done"]]
        assert len(during) >= 10, (len(during), len(answered))
