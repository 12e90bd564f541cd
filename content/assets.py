"""Check, normalise and store uploaded images and PDFs.

The type of an upload is decided from its content only (magic bytes, then a full decode), never
from its file name or the client's Content-Type. Accepted: PNG, JPEG and WebP images and PDFs.

Images are stored re-encoded (:func:`normalise_image`): what is stored is pixels only, with no
EXIF (GPS, camera, orientation), XMP, comments, text chunks or ICC profile, and no bytes after
the image (polyglots). PDFs are stored as uploaded, together with a PNG image of each page
(:func:`render_pdf_pages`) for screens that cannot show PDF.

Pillow's decompression-bomb threshold (``Image.MAX_IMAGE_PIXELS``) is never changed here. Our
own limits (per call, from :class:`Limits`) are checked on the declared size right after
opening, before any pixel is decoded; on top of that Pillow's ``DecompressionBombWarning`` is
turned into an error around ``open`` and ``load``. ``warnings.catch_warnings`` is process-wide,
so under real threads another thread may restore the filters in the middle of a call: the
warning is then only logged, and our own pixel limit (lower than Pillow's by default) still
refuses the image. PDFium is not thread-safe, so every call into it holds one module-wide lock.

Spreadsheets (.xlsx and .csv, for importing a table) are accepted only where the caller asks
for one (:func:`prepare_sheet`): an .xlsx must be a zip holding ``[Content_Types].xml`` and
``xl/workbook.xml``, a .csv text in UTF-8 or GB18030; they are stored as uploaded.

Uploaded PDFs are hostile input whose rendering takes seconds to minutes: :func:`prepare_upload`
has them checked and rendered by a child process (:class:`PdfRenderer`, ``content.pdf_worker``)
under a time limit, with a bound on how many render at once. The server's event loop only waits
on a pipe meanwhile; a PDF with scripts, launch actions or embedded files is refused there too
(:mod:`content.pdf_safety`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import logging
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
import warnings
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Literal
from typing import Protocol
from typing import runtime_checkable

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image
from PIL import ImageCms
from PIL import ImageFile
from PIL import ImageOps

__all__ = [
    "DEFAULT_LIMITS",
    "AssetKind",
    "AssetRejected",
    "AssetStore",
    "FileAssetStore",
    "Inspected",
    "Limits",
    "MemoryAssetStore",
    "Mime",
    "PdfRenderer",
    "Prepared",
    "inspect",
    "is_sha256",
    "normalise_image",
    "prepare_sheet",
    "prepare_upload",
    "render_pdf_pages",
    "sha256_hex",
]

logger = logging.getLogger(__name__)

Mime = Literal[
    "image/png",
    "image/jpeg",
    "image/webp",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/csv",
]
AssetKind = Literal["image", "pdf", "sheet"]
RejectionStatus = Literal[400, 413, 415, 422, 503]
RejectionCode = Literal[
    "empty",
    "too_large",
    "unsupported_type",
    "too_many_pixels",
    "decompression_bomb",
    "corrupt",
    "too_many_pages",
    "encrypted_pdf",
    "active_content",
    "render_timeout",
    "busy",
]

MiB = 1024 * 1024
# The largest page side PDF allows (200 inches), in points.
_MAX_PDF_PAGE_SIDE = 14_400.0
# Cap on the pixels of one rendered PDF page (very tall or wide pages are rendered smaller).
_MAX_RENDER_PIXELS = 25_000_000
_MAX_RENDER_WIDTH = 10_000

_PDFIUM_LOCK = threading.RLock()


class AssetRejected(Exception):
    """Raised when an upload is refused; carries the HTTP status and a stable code."""

    def __init__(self, status: RejectionStatus, code: RejectionCode, message: str) -> None:
        super().__init__(message)
        self.status: RejectionStatus = status
        self.code: RejectionCode = code
        self.message = message


@dataclass(frozen=True)
class Limits:
    """Upper bounds for uploads (bytes, pixels and pages)."""

    max_image_bytes: int = 20 * MiB
    max_pdf_bytes: int = 50 * MiB
    max_pixels: int = 40_000_000
    max_dimension: int = 12_000
    max_pdf_pages: int = 100
    max_sheet_bytes: int = 5 * MiB


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Inspected:
    """What an accepted upload is.

    ``width`` and ``height`` are pixels as declared in the file for images (before EXIF
    rotation) and the first page's size in points (rounded) for PDFs; ``pages`` is 1 for images.
    """

    mime: Mime
    kind: AssetKind
    width: int
    height: int
    pages: int


@dataclass(frozen=True)
class Prepared:
    """An upload once stored: the sha256 and size of the stored bytes and what they are.

    For images ``width`` and ``height`` are those of the stored (rotated, normalised) image and
    ``pages`` is empty; for PDFs they are the first page's size in points and ``pages`` lists
    the sha256 of each stored page image, in page order.
    """

    sha256: str
    mime: Mime
    kind: AssetKind
    size: int
    width: int
    height: int
    pages: list[str] = field(default_factory=list)


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_IMAGE_FORMATS: dict[Mime, str] = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}


def _sniff_image(data: bytes) -> Mime | None:
    """Return the image type announced by the magic bytes of *data*, if it is one we accept."""
    if data.startswith(_PNG_SIGNATURE):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _bomb(exc: BaseException) -> AssetRejected:
    logger.debug("image refused as a decompression bomb: %s", exc)
    return AssetRejected(
        422, "decompression_bomb", "The image declares far more pixels than it could contain."
    )


def _corrupt(what: str, exc: BaseException | None = None) -> AssetRejected:
    logger.debug("%s refused as corrupt: %r", what, exc)
    return AssetRejected(422, "corrupt", f"The {what} is damaged or incomplete.")


def _open_image(data: bytes, mime: Mime, limits: Limits) -> Image.Image:
    """Open and fully decode an image of type *mime*, enforcing *limits* before decoding."""
    fmt = _IMAGE_FORMATS[mime]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[fmt])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _bomb(exc) from exc
    except Exception as exc:  # any failure of a decoder on untrusted bytes
        raise _corrupt("image", exc) from exc
    width, height = image.size
    if width < 1 or height < 1:
        raise _corrupt("image")
    if (
        width > limits.max_dimension
        or height > limits.max_dimension
        or width * height > limits.max_pixels
    ):
        raise AssetRejected(
            422,
            "too_many_pixels",
            f"The image is {width}×{height} pixels; at most {limits.max_dimension} pixels per "
            f"side and {limits.max_pixels} pixels in all are accepted.",
        )
    # Strict whatever another library set for the process (WeasyPrint's import turns on
    # loading truncated images): a truncated upload is corrupt.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _bomb(exc) from exc
    except Exception as exc:  # truncated data, bad CRC, broken Huffman tables, ...
        raise _corrupt("image", exc) from exc
    return image


def _inspect_image(data: bytes, mime: Mime, limits: Limits) -> tuple[Inspected, Image.Image]:
    if len(data) > limits.max_image_bytes:
        raise AssetRejected(
            413, "too_large", f"Images are limited to {limits.max_image_bytes} bytes."
        )
    image = _open_image(data, mime, limits)
    width, height = image.size
    return Inspected(mime=mime, kind="image", width=width, height=height, pages=1), image


def _open_pdf(data: bytes) -> pdfium.PdfDocument:
    """Open *data* with PDFium (lock held by the caller), refusing encrypted documents."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise AssetRejected(
                422, "encrypted_pdf", "Encrypted or password-protected PDFs are not accepted."
            ) from exc
        raise _corrupt("PDF", exc) from exc
    if pdfium_c.FPDF_GetSecurityHandlerRevision(document.raw) != -1:
        document.close()
        raise AssetRejected(
            422, "encrypted_pdf", "Encrypted or password-protected PDFs are not accepted."
        )
    return document


def _inspect_pdf(data: bytes, limits: Limits) -> Inspected:
    with _PDFIUM_LOCK:
        document = _open_pdf(data)
        try:
            count = len(document)
            if count < 1:
                raise _corrupt("PDF")
            if count > limits.max_pdf_pages:
                raise AssetRejected(
                    422,
                    "too_many_pages",
                    f"The PDF has {count} pages; at most {limits.max_pdf_pages} are accepted.",
                )
            sizes: list[tuple[float, float]] = []
            for index in range(count):
                width, height = document.get_page_size(index)
                sizes.append((float(width), float(height)))
        except pdfium.PdfiumError as exc:
            raise _corrupt("PDF", exc) from exc
        finally:
            document.close()
    for size in sizes:
        if not all(math.isfinite(side) and 0 < side <= _MAX_PDF_PAGE_SIDE for side in size):
            raise _corrupt("PDF")
    first_width, first_height = sizes[0]
    return Inspected(
        mime="application/pdf",
        kind="pdf",
        width=round(first_width),
        height=round(first_height),
        pages=count,
    )


def _inspect(data: bytes, limits: Limits) -> tuple[Inspected, Image.Image | None]:
    if not data:
        raise AssetRejected(400, "empty", "The file is empty.")
    if len(data) > max(limits.max_pdf_bytes, limits.max_image_bytes):
        raise AssetRejected(
            413,
            "too_large",
            f"Files are limited to {max(limits.max_pdf_bytes, limits.max_image_bytes)} bytes.",
        )
    if data.startswith(b"%PDF-"):
        if len(data) > limits.max_pdf_bytes:
            raise AssetRejected(
                413, "too_large", f"PDFs are limited to {limits.max_pdf_bytes} bytes."
            )
        return _inspect_pdf(data, limits), None
    mime = _sniff_image(data)
    if mime is None:
        raise AssetRejected(
            415, "unsupported_type", "Only PNG, JPEG and WebP images and PDF files are accepted."
        )
    return _inspect_image(data, mime, limits)


def inspect(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Inspected:
    """Decide what *data* is and check it against *limits*.

    Images are fully decoded and PDFs opened, so damaged files are refused here.

    :raise AssetRejected: 400 ``empty``; 413 ``too_large``; 415 ``unsupported_type`` (anything
        but PNG, JPEG, WebP or PDF, e.g. GIF, SVG, HTML); 422 ``too_many_pixels``,
        ``decompression_bomb``, ``corrupt``, ``too_many_pages`` or ``encrypted_pdf``.
    """
    inspected, image = _inspect(data, limits)
    if image is not None:
        image.close()
    return inspected


def _webp_lossless(data: bytes, start: int, end: int) -> bool:
    """Return whether the first bitstream in the RIFF chunks of data[start:end] is lossless."""
    pos = start
    while pos + 8 <= end:
        tag = data[pos : pos + 4]
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        if tag == b"VP8L":
            return True
        if tag == b"VP8 ":
            return False
        if tag == b"ANMF":  # animation frame: 16 bytes of frame header, then its chunks
            return _webp_lossless(data, pos + 8 + 16, min(end, pos + 8 + size))
        pos += 8 + size + (size & 1)
    return False


def _to_srgb(image: Image.Image) -> Image.Image:
    """Return *image* converted to sRGB when it carries a usable ICC profile, else unchanged."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        target = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, target, outputMode=output_mode)
    except Exception as exc:  # unusable or mismatched profile: keep the pixels as they are
        logger.debug("ICC profile ignored: %r", exc)
        return image
    return converted if converted is not None else image


_PNG_MODES = frozenset({"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"})


def _storable(image: Image.Image, fmt: str) -> Image.Image:
    """Return *image* in a mode *fmt* can store, transparency made explicit as alpha."""
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    if fmt == "JPEG":
        return image if image.mode in ("L", "RGB") else image.convert("RGB")
    if fmt == "PNG":
        if "transparency" in image.info:
            return image.convert("LA" if image.mode in ("1", "L") else "RGBA")
        if image.mode in _PNG_MODES:
            return image
    return image.convert("RGBA" if has_alpha else "RGB")


def _normalise(image: Image.Image, data: bytes, inspected: Inspected) -> tuple[bytes, int, int]:
    fmt = _IMAGE_FORMATS[inspected.mime]
    upright = ImageOps.exif_transpose(image)
    assert upright is not None  # only None with in_place=True
    clean = _storable(_to_srgb(upright), fmt)
    if clean is upright:
        clean = upright.copy()
    # Nothing from the original file's metadata may reach the encoder (PNG copies the ICC
    # profile and JPEG the comment from ``info`` by default).
    clean.info = {}
    out = io.BytesIO()
    if fmt == "PNG":
        clean.save(out, "PNG", optimize=True)
    elif fmt == "JPEG":
        clean.save(out, "JPEG", quality=90, progressive=True, optimize=True)
    elif _webp_lossless(data, 12, len(data)):
        clean.save(out, "WEBP", lossless=True, quality=80, method=4)
    else:
        clean.save(out, "WEBP", quality=90, method=4)
    return out.getvalue(), clean.width, clean.height


def normalise_image(data: bytes, inspected: Inspected) -> bytes:
    """Return *data* (an image accepted by :func:`inspect`) re-encoded without any metadata.

    The image is turned upright from its EXIF orientation and, when it carries a usable ICC
    profile, converted to sRGB; then it is encoded afresh in its own format with no EXIF, XMP,
    ICC profile, comments or text chunks and nothing after the image data: PNG optimised,
    JPEG quality 90 progressive, WebP lossless when the source was lossless, else quality 90.
    CMYK becomes RGB; palette or grey images with a transparent colour get an alpha channel.
    Animated images keep their first frame only. The output is deterministic.

    :raise ValueError: when *data* is not the image *inspected* describes.
    :raise AssetRejected: when *data* cannot be decoded within the default limits.
    """
    if inspected.kind != "image":
        raise ValueError("normalise_image() takes images only")
    limits = Limits(
        max_pixels=max(DEFAULT_LIMITS.max_pixels, inspected.width * inspected.height),
        max_dimension=max(DEFAULT_LIMITS.max_dimension, inspected.width, inspected.height),
    )
    if _sniff_image(data) != inspected.mime:
        raise ValueError("the data is not the image that was inspected")
    image = _open_image(data, inspected.mime, limits)
    try:
        if image.size != (inspected.width, inspected.height):
            raise ValueError("the data is not the image that was inspected")
        return _normalise(image, data, inspected)[0]
    finally:
        image.close()


def render_pdf_pages(data: bytes, *, width: int = 1600) -> list[bytes]:
    """Render every page of the PDF *data* to a PNG *width* pixels wide on white.

    The height follows the page's aspect ratio; a page so elongated that it would exceed 25
    million pixels is rendered narrower. Call :func:`inspect` first: this renders every page.

    :raise ValueError: when *width* is not between 1 and 10000.
    :raise AssetRejected: 422 ``encrypted_pdf`` or ``corrupt`` when PDFium cannot render it.
    """
    if not 1 <= width <= _MAX_RENDER_WIDTH:
        raise ValueError(f"width must be between 1 and {_MAX_RENDER_WIDTH}")
    pages: list[bytes] = []
    with _PDFIUM_LOCK:
        document = _open_pdf(data)
        try:
            count = len(document)
        except pdfium.PdfiumError as exc:
            document.close()
            raise _corrupt("PDF", exc) from exc
    try:
        for index in range(count):
            image = _render_page(document, index, width)
            out = io.BytesIO()
            image.save(out, "PNG")
            pages.append(out.getvalue())
    finally:
        with _PDFIUM_LOCK:
            document.close()
    return pages


def _render_page(document: pdfium.PdfDocument, index: int, width: int) -> Image.Image:
    with _PDFIUM_LOCK:
        try:
            page = document[index]
            try:
                page_width, page_height = (float(side) for side in page.get_size())
                if not (0 < page_width <= _MAX_PDF_PAGE_SIDE and page_height > 0):
                    raise _corrupt("PDF")
                scale = width / page_width
                if width * page_height * scale > _MAX_RENDER_PIXELS:
                    scale = math.sqrt(_MAX_RENDER_PIXELS / (page_width * page_height))
                bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255))
                image: Image.Image = bitmap.to_pil().convert("RGB")
                bitmap.close()
            finally:
                page.close()
        except pdfium.PdfiumError as exc:
            raise _corrupt("PDF", exc) from exc
    target = min(width, max(1, round(page_width * scale)))
    if image.width != target:  # PDFium rounds the bitmap size up
        height = max(1, round(image.height * target / image.width))
        image = image.resize((target, height), Image.Resampling.LANCZOS)
    return image


def sha256_hex(data: bytes) -> str:
    """Return the sha256 of *data* as 64 lowercase hexadecimal digits."""
    return hashlib.sha256(data).hexdigest()


_SHA256 = re.compile(r"[0-9a-f]{64}")


def is_sha256(value: object) -> bool:
    """Return whether *value* is a sha256 in the form assets are named by (64 lowercase hex)."""
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None


def _checked(sha256: str) -> str:
    if not is_sha256(sha256):
        raise ValueError(f"not a sha256 hex digest: {str(sha256)[:80]!r}")
    return sha256


@runtime_checkable
class AssetStore(Protocol):
    """Content-addressed storage of asset bytes, named by their sha256.

    Every method taking a ``sha256`` raises ValueError unless it is 64 lowercase hex digits.
    """

    def put(self, data: bytes) -> str:
        """Store *data* and return its sha256; storing the same bytes again changes nothing."""
        ...

    def get(self, sha256: str) -> bytes | None:
        """Return the stored bytes, or None when there are none under *sha256*."""
        ...

    def exists(self, sha256: str) -> bool:
        """Return whether bytes are stored under *sha256*."""
        ...

    def path(self, sha256: str) -> Path | None:
        """Return the file holding the bytes, or None when missing or not stored on disk."""
        ...


class FileAssetStore:
    """Store assets as files ``root/<ab>/<cd>/<sha256>``, written atomically, mode 0644."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _file(self, sha256: str) -> Path:
        sha256 = _checked(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store *data* and return its sha256; existing content is not rewritten."""
        sha256 = sha256_hex(data)
        target = self._file(sha256)
        with contextlib.suppress(FileNotFoundError):
            if target.stat().st_size == len(data):
                return sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                os.fchmod(handle.fileno(), 0o644)
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        logger.debug("stored asset %s (%d bytes)", sha256, len(data))
        return sha256

    def get(self, sha256: str) -> bytes | None:
        """Return the stored bytes, or None when there is no such asset."""
        try:
            return self._file(sha256).read_bytes()
        except FileNotFoundError:
            return None

    def exists(self, sha256: str) -> bool:
        """Return whether the asset is stored."""
        return self._file(sha256).is_file()

    def path(self, sha256: str) -> Path | None:
        """Return the asset's file, or None when there is no such asset."""
        file = self._file(sha256)
        return file if file.is_file() else None


class MemoryAssetStore:
    """Keep assets in a dict: for tests and the null configuration."""

    def __init__(self) -> None:
        self._blobs: dict[str, bytes] = {}

    def put(self, data: bytes) -> str:
        """Store *data* and return its sha256."""
        sha256 = sha256_hex(data)
        self._blobs.setdefault(sha256, bytes(data))
        return sha256

    def get(self, sha256: str) -> bytes | None:
        """Return the stored bytes, or None when there is no such asset."""
        return self._blobs.get(_checked(sha256))

    def exists(self, sha256: str) -> bool:
        """Return whether the asset is stored."""
        return _checked(sha256) in self._blobs

    def path(self, sha256: str) -> Path | None:
        """Return None: memory has no files (the sha256 is still checked)."""
        _checked(sha256)
        return None


class PdfRenderer:
    """Check and render PDFs in a child process (``python -m content.pdf_worker``).

    At most *concurrency* renders run at once; a further one waits up to *wait* seconds for a
    slot (default: *timeout*), then is refused (503 ``busy``). A render taking longer than
    *timeout* seconds is killed and the upload refused (422 ``render_timeout``). The child
    holds no lock of this process and the caller only waits on a pipe, which gevent's
    patched ``subprocess`` does without blocking other requests.
    """

    def __init__(
        self, timeout: float = 60, concurrency: int = 2, wait: float | None = None
    ) -> None:
        if timeout <= 0 or concurrency < 1:
            raise ValueError("the timeout must be positive and the concurrency at least 1")
        self.timeout = timeout
        self.concurrency = concurrency
        self.wait = timeout if wait is None else wait
        self._slots = threading.BoundedSemaphore(concurrency)

    def render(self, data: bytes, limits: Limits, width: int) -> tuple[Inspected, list[bytes]]:
        """Return what the PDF *data* is and the PNG of each page *width* pixels wide.

        :raise AssetRejected: as :func:`inspect` for PDFs; 422 ``active_content``,
            ``render_timeout``; 503 ``busy`` when no render slot freed up in time.
        """
        if not self._slots.acquire(timeout=self.wait):
            raise AssetRejected(503, "busy", "Other PDFs are being converted; try again soon.")
        try:
            return self._run(data, limits, width)
        finally:
            self._slots.release()

    def _run(self, data: bytes, limits: Limits, width: int) -> tuple[Inspected, list[bytes]]:
        command = [
            sys.executable,
            "-m",
            "content.pdf_worker",
            str(width),
            str(limits.max_pdf_pages),
            str(math.ceil(self.timeout)),
        ]
        try:
            result = subprocess.run(  # noqa: S603 - our own interpreter and module
                command, input=data, capture_output=True, timeout=self.timeout, check=False
            )
        except subprocess.TimeoutExpired:
            logger.warning("PDF render stopped after %ss", self.timeout)
            raise AssetRejected(
                422, "render_timeout", "The PDF took too long to convert into images."
            ) from None
        header, _, body = result.stdout.partition(b"\n")
        try:
            answer = json.loads(header)
        except ValueError:
            answer = None
        if result.returncode != 0 or not isinstance(answer, dict):
            logger.warning(
                "PDF worker failed (exit %s): %s", result.returncode, result.stderr[-2000:]
            )
            raise _corrupt("PDF")
        if "error" in answer:
            error = answer["error"]
            raise AssetRejected(error["status"], error["code"], error["message"])
        pages: list[bytes] = []
        offset = 0
        for size in answer["sizes"]:
            pages.append(body[offset : offset + size])
            offset += size
        return Inspected(**answer["inspected"]), pages


def check_and_render_pdf(data: bytes, max_pages: int, width: int) -> tuple[Inspected, list[bytes]]:
    """Refuse active content, inspect and render the PDF *data* (in the worker process)."""
    from content.pdf_safety import active_content

    found = active_content(data)
    if found is not None:
        logger.info("PDF refused: active content /%s", found[:40])
        raise AssetRejected(
            422,
            "active_content",
            "PDFs with scripts, actions, forms or embedded files are not accepted.",
        )
    inspected = _inspect_pdf(data, Limits(max_pdf_pages=max_pages))
    with _PDFIUM_LOCK:
        document = _open_pdf(data)
        try:
            scripts = pdfium_c.FPDFDoc_GetJavaScriptActionCount(document.raw)
            attachments = pdfium_c.FPDFDoc_GetAttachmentCount(document.raw)
        finally:
            document.close()
    if scripts or attachments:
        raise AssetRejected(
            422,
            "active_content",
            "PDFs with scripts, actions, forms or embedded files are not accepted.",
        )
    return inspected, render_pdf_pages(data, width=width)


@functools.cache
def _default_renderer() -> PdfRenderer:
    """The renderer used when none is given (tests, scripts); the server configures its own."""
    return PdfRenderer()


def prepare_upload(
    data: bytes,
    store: AssetStore,
    limits: Limits = DEFAULT_LIMITS,
    *,
    page_width: int = 1600,
    renderer: PdfRenderer | None = None,
) -> Prepared:
    """Check an upload, store what should be kept and describe it.

    Images are normalised (:func:`normalise_image`) and only the normalised bytes are stored.
    PDFs are checked and rendered by *renderer* (a child process); they are stored as
    uploaded, and each page is rendered *page_width* pixels wide and stored. Nothing is stored
    when the upload is refused.

    :raise AssetRejected: as :func:`inspect` and :meth:`PdfRenderer.render`.
    """
    if data.startswith(b"%PDF-") and len(data) <= limits.max_pdf_bytes:
        renderer = renderer or _default_renderer()
        inspected, rendered = renderer.render(data, limits, page_width)
        pages = [store.put(png) for png in rendered]
        sha256 = store.put(data)
        logger.info("stored PDF %s (%d bytes, %d pages)", sha256, len(data), len(pages))
        return Prepared(
            sha256=sha256,
            mime="application/pdf",
            kind="pdf",
            size=len(data),
            width=inspected.width,
            height=inspected.height,
            pages=pages,
        )
    inspected, image = _inspect(data, limits)
    if image is not None:
        try:
            stored, width, height = _normalise(image, data, inspected)
        finally:
            image.close()
        sha256 = store.put(stored)
        logger.info("stored %s %s (%d bytes)", inspected.mime, sha256, len(stored))
        return Prepared(
            sha256=sha256,
            mime=inspected.mime,
            kind="image",
            size=len(stored),
            width=width,
            height=height,
        )
    raise AssertionError("PDFs are prepared above")  # pragma: no cover


_SHEET_MIMES: dict[str, Mime] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}


def inspect_sheet(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Inspected:
    """Decide whether *data* is a spreadsheet we import (.xlsx or .csv), by its content.

    :raise AssetRejected: 400 ``empty``; 413 ``too_large``; 415 ``unsupported_type``.
    """
    from content.sheets import sheet_kind

    if not data:
        raise AssetRejected(400, "empty", "The file is empty.")
    if len(data) > limits.max_sheet_bytes:
        raise AssetRejected(
            413, "too_large", f"Spreadsheets are limited to {limits.max_sheet_bytes} bytes."
        )
    kind = sheet_kind(data)
    if kind is None:
        raise AssetRejected(
            415,
            "unsupported_type",
            "Only .xlsx workbooks and .csv files (UTF-8 or GB18030) are accepted.",
        )
    return Inspected(mime=_SHEET_MIMES[kind], kind="sheet", width=0, height=0, pages=0)


def prepare_sheet(data: bytes, store: AssetStore, limits: Limits = DEFAULT_LIMITS) -> Prepared:
    """Check a spreadsheet upload (:func:`inspect_sheet`) and store it as uploaded.

    :raise AssetRejected: as :func:`inspect_sheet`; nothing is stored then.
    """
    inspected = inspect_sheet(data, limits)
    sha256 = store.put(data)
    logger.info("stored spreadsheet %s (%d bytes)", sha256, len(data))
    return Prepared(
        sha256=sha256, mime=inspected.mime, kind="sheet", size=len(data), width=0, height=0
    )
