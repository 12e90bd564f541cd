"""HTML to PDF with WeasyPrint: the one place that turns a page into paper.

Every printed document (poster, board, dossier, report) is a Jinja template extending
``paper/base.html`` with the print stylesheet ``static/paper/paper.css``, rendered here.

* **Fonts**: the CJK faces installed with the system (``fonts-noto-cjk``: Noto Serif CJK SC for
  titles, Noto Sans CJK SC for text), embedded and subset by WeasyPrint. With HarfBuzz's subsetter
  (``libharfbuzz-subset0``) a CJK face costs milliseconds; without it WeasyPrint falls back to
  fontTools, about 1.6 s per face per document on a 2-core machine (see docs/benchmarks.md).
* **No network**: the fetcher serves ``data:`` URLs, ``asset:<sha256>`` (the content-addressed
  store: images and the rendered pages of PDF bodies) and the print stylesheet's own directory;
  anything else (an ``http:`` URL in rich text, a ``file:`` path) is refused, so a document can
  neither leak a request nor read the server's files.
* **Not on the event loop**: :func:`offload` runs the rendering in a native thread when the
  server runs on gevent, so the sockets of the screens keep being served meanwhile.
"""

from __future__ import annotations

import functools
import logging
import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any
from typing import TypeVar

from content.assets import AssetStore
from signage_server.native import native_rlock

logger = logging.getLogger(__name__)

#: The print stylesheet and what it refers to.
STATIC = Path(__file__).resolve().parent.parent / "static" / "paper"
STYLESHEET = STATIC / "paper.css"
#: The base URL of every document: relative URLs resolve under it, and nothing is fetched there.
BASE_URL = "https://paper.invalid/"
ASSET_SCHEME = "asset:"

T = TypeVar("T")


class FetchRefused(ValueError):
    """A document referred to something outside what it may embed."""


def asset_url(sha256: str) -> str:
    """Return how a document refers to a stored asset (for ``render_body_html``)."""
    return ASSET_SCHEME + sha256


def fetcher(store: AssetStore | None) -> Any:
    """Return WeasyPrint's ``url_fetcher`` for a document: local, content-addressed resources
    only. It is a ``weasyprint.urls.URLFetcher`` (the interface WeasyPrint calls: ``fetch``
    answering a ``URLFetcherResponse``) whose only network-free protocol of its own is
    ``data:``; ``asset:`` and the stylesheet's folder are served here, everything else is
    refused (WeasyPrint then leaves the resource out and logs a warning)."""
    return _fetcher_class()(store)


@functools.cache
def _fetcher_class() -> Any:
    """The class of :func:`fetcher`, made once WeasyPrint is imported (lazily: its import
    costs a third of a second, and under gevent it must happen on the loop's thread)."""
    urls = _weasyprint().urls

    class Fetcher(urls.URLFetcher):  # type: ignore[misc,name-defined]
        def __init__(self, store: AssetStore | None) -> None:
            super().__init__(allowed_protocols={"data"})
            self.store = store

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(ASSET_SCHEME):
                sha256 = url[len(ASSET_SCHEME) :]
                data = self.store.get(sha256) if self.store is not None else None
                if data is None:
                    raise FetchRefused(f"no such asset: {sha256[:80]}")
                return urls.URLFetcherResponse(url, data, headers={"Content-Type": _sniff(data)})
            if url.startswith("file://"):
                path = Path(url[len("file://") :]).resolve()
                if path.is_relative_to(STATIC) and path.is_file():
                    mime, _ = mimetypes.guess_type(path.name)
                    return urls.URLFetcherResponse(
                        url,
                        path.read_bytes(),
                        headers={"Content-Type": mime or "application/octet-stream"},
                    )
            raise FetchRefused(f"a printed document may not fetch {url[:80]!r}")

    return Fetcher


def _sniff(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.lstrip()[:5] in (b"<?xml", b"<svg ") or b"<svg" in data[:512]:
        return "image/svg+xml"
    return "application/octet-stream"


#: Taken by native threads (the renderer's pool, the print worker): an OS lock.
_lock = native_rlock()
_fonts: Any = None


def _weasyprint() -> Any:
    """Import WeasyPrint, undoing what its import does to the whole process: it sets Pillow's
    ``ImageFile.LOAD_TRUNCATED_IMAGES``, after which a truncated upload would pass the asset
    checks (``content.assets``). What is printed was checked at upload, so nothing here needs
    the leniency."""
    import weasyprint
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return weasyprint


def _font_config() -> Any:
    """One FontConfiguration per process: fontconfig's scan of the system fonts is done once."""
    global _fonts
    with _lock:
        if _fonts is None:
            _fonts = _weasyprint().text.fonts.FontConfiguration()
        return _fonts


def render_pdf(html: str, store: AssetStore | None = None) -> bytes:
    """Return the PDF of ``html`` (a page extending ``paper/base.html``), printed with
    ``paper.css``; ``asset:`` URLs are read from ``store``."""
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher(store))
    fonts = _font_config()
    stylesheet = weasyprint.CSS(
        filename=str(STYLESHEET), font_config=fonts, url_fetcher=fetcher(None)
    )
    pdf: bytes = document.write_pdf(stylesheets=[stylesheet], font_config=fonts)
    return pdf


def page_count(pdf: bytes) -> int:
    """Return the number of pages of a PDF we printed (PDFium, a dependency of the server;
    pypdf is only the tests')."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def prepare_for_native_threads() -> None:
    """Import WeasyPrint on the calling (event loop's) thread. Its import looks libraries up
    with ``ldconfig`` in a child process, and under gevent a child process can be waited for
    only on the main thread's loop: imported first in a native thread, it fails with "child
    watchers are only available on the default loop"."""
    _weasyprint()


def offload(function: Callable[..., T], *args: Any) -> T:
    """Run ``function(*args)`` off the event loop: in the gevent hub's pool of native threads
    when the process is patched for gevent (``signage serve``, gunicorn), directly otherwise."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return function(*args)
    if not monkey.is_module_patched("threading"):
        return function(*args)
    import gevent

    prepare_for_native_threads()

    result: T = gevent.get_hub().threadpool.apply(function, args)
    return result
