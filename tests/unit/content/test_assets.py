"""Uploads: the type comes from the content, unsafe or oversized files are refused."""

from __future__ import annotations

import hashlib
import io
import os
import random
import resource
import stat
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags
from PIL import Image
from PIL import ImageCms

from content.assets import DEFAULT_LIMITS
from content.assets import AssetRejected
from content.assets import AssetStore
from content.assets import FileAssetStore
from content.assets import Inspected
from content.assets import Limits
from content.assets import MemoryAssetStore
from content.assets import inspect
from content.assets import is_sha256
from content.assets import normalise_image
from content.assets import prepare_upload
from content.assets import render_pdf_pages
from content.assets import sha256_hex

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"

# --- fixtures made in code -------------------------------------------------------------------


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def halves(size: tuple[int, int] = (40, 20), mode: str = "RGB") -> Image.Image:
    """Return an image whose left half is red and right half blue."""
    image = Image.new(mode, size, "blue")
    image.paste(Image.new(mode, (size[0] // 2, size[1]), "red"), (0, 0))
    return image


def noise(size: tuple[int, int] = (64, 64)) -> Image.Image:
    generator = random.Random(7)
    return Image.frombytes(
        "RGB", size, bytes(generator.randrange(256) for _ in range(size[0] * size[1] * 3))
    )


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def declared_png(width: int, height: int) -> bytes:
    """Return a PNG that declares width×height RGB pixels but holds almost no data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def pillow_pdf(pages: int, sizes: list[tuple[int, int]] | None = None) -> bytes:
    """Return a PDF of *pages* pages; Pillow makes each page the image size at 72 dpi / 10."""
    sizes = sizes or [(60, 85)] * pages
    images = [Image.new("RGB", size, (255, 255, 255)) for size in sizes]
    for number, image in enumerate(images):
        image.paste((0, 0, 0), (0, 0, 10 + number, 10))
    return encode(images[0], "PDF", save_all=True, append_images=images[1:], resolution=7.2)


def hand_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """Return a PDF built from numbered *objects* with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer,
        xref,
    )
    return bytes(out)


def rc4(key: bytes, data: bytes) -> bytes:
    box = list(range(256))
    j = 0
    for i in range(256):
        j = (j + box[i] + key[i % len(key)]) % 256
        box[i], box[j] = box[j], box[i]
    i = j = 0
    out = bytearray()
    for byte in data:
        i = (i + 1) % 256
        j = (j + box[i]) % 256
        box[i], box[j] = box[j], box[i]
        out.append(byte ^ box[(box[i] + box[j]) % 256])
    return bytes(out)


PASSWORD_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def encrypted_pdf(*, user_password_known: bool) -> bytes:
    """Return a 1-page PDF under the standard security handler (RC4 40 bit, revision 2).

    With *user_password_known* the user password is empty (it opens without asking, but is
    still encrypted); without, the /U entry matches no password.
    """
    file_id = b"0123456789abcdef"
    owner = rc4(hashlib.md5(PASSWORD_PAD, usedforsecurity=False).digest()[:5], PASSWORD_PAD)
    permissions = struct.pack("<i", -4)
    key = hashlib.md5(PASSWORD_PAD + owner + permissions + file_id, usedforsecurity=False).digest()[
        :5
    ]
    user = rc4(key, PASSWORD_PAD) if user_password_known else bytes(range(32))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>"
        % (owner.hex().encode(), user.hex().encode()),
    ]
    trailer = b"/Encrypt 4 0 R /ID [<%s> <%s>]" % (file_id.hex().encode(), file_id.hex().encode())
    return hand_pdf(objects, trailer)


def rejection(data: bytes, limits: Limits = DEFAULT_LIMITS) -> AssetRejected:
    with pytest.raises(AssetRejected) as caught:
        inspect(data, limits)
    assert caught.value.message == str(caught.value)
    assert caught.value.message.endswith(".")
    return caught.value


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# --- inspect: accepted -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "mime"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")],
)
def test_images_are_recognised_by_content(fmt: str, mime: str) -> None:
    assert inspect(encode(halves(), fmt)) == Inspected(
        mime=mime,  # type: ignore[arg-type]
        kind="image",
        width=40,
        height=20,
        pages=1,
    )


def test_pdf_is_recognised() -> None:
    inspected = inspect(pillow_pdf(2, [(60, 85), (85, 60)]))
    assert inspected == Inspected(
        mime="application/pdf", kind="pdf", width=600, height=850, pages=2
    )


def test_pdf_made_by_pdfium_is_accepted() -> None:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.3 841.9] >>",
    ]
    assert inspect(hand_pdf(objects, b"")).width == 595


def test_limits_are_inclusive() -> None:
    data = encode(halves((40, 20)), "PNG")
    limits = Limits(max_image_bytes=len(data), max_pixels=800, max_dimension=40)
    assert inspect(data, limits).width == 40


# --- inspect: refused ------------------------------------------------------------------------


def test_empty_file() -> None:
    refused = rejection(b"")
    assert (refused.status, refused.code) == (400, "empty")


@pytest.mark.parametrize(
    "data",
    [
        HTML,
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64,
        b"\x7fELF\x02\x01\x01" + b"\x00" * 64,
        b"#!/bin/sh\nrm -rf /\n",
        "plain text 村务公开".encode(),
        b" %PDF-1.4 not at the start",
    ],
    ids=["html", "svg-xml", "svg", "exe", "elf", "script", "text", "pdf-not-first"],
)
def test_unsupported_content(data: bytes) -> None:
    refused = rejection(data)
    assert (refused.status, refused.code) == (415, "unsupported_type")


@pytest.mark.parametrize("fmt", ["GIF", "TIFF", "BMP", "ICO", "PPM"])
def test_other_image_formats_are_unsupported(fmt: str) -> None:
    refused = rejection(encode(halves(), fmt))
    assert (refused.status, refused.code) == (415, "unsupported_type")


def test_zip_is_unsupported() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("evil.png", HTML)
    refused = rejection(out.getvalue())
    assert (refused.status, refused.code) == (415, "unsupported_type")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_truncated_images_are_corrupt(fmt: str) -> None:
    data = encode(noise(), fmt)
    refused = rejection(data[: len(data) // 2])
    assert (refused.status, refused.code) == (422, "corrupt")


@pytest.mark.parametrize(
    "data",
    [
        PNG_SIGNATURE + b"garbage" * 10,
        b"\xff\xd8\xff" + b"\x00" * 50,
        b"RIFF\x10\x00\x00\x00WEBPVP8 junk",
        declared_png(0, 10),
        declared_png(100, 100),  # the IDAT holds far fewer rows than declared
    ],
    ids=["png", "jpeg", "webp", "zero-width", "short-idat"],
)
def test_broken_images_are_corrupt(data: bytes) -> None:
    refused = rejection(data)
    assert (refused.status, refused.code) == (422, "corrupt")


def test_png_with_bad_crc_is_corrupt() -> None:
    data = bytearray(encode(noise((16, 16)), "PNG"))
    data[-20] ^= 0xFF  # inside the IDAT chunk
    assert rejection(bytes(data)).code == "corrupt"


def test_huge_declared_png_is_refused_without_allocating_it() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    refused = rejection(declared_png(30_000, 30_000))  # 2.7 GB if it were decoded
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert (refused.status, refused.code) == (422, "decompression_bomb")
    assert after - before < 100 * 1024  # KiB


@pytest.mark.parametrize(("width", "height"), [(12_001, 10), (10, 12_001), (7_000, 6_000)])
def test_too_many_pixels(width: int, height: int) -> None:
    refused = rejection(declared_png(width, height))
    assert (refused.status, refused.code) == (422, "too_many_pixels")


def test_pixel_limits_are_configurable() -> None:
    data = encode(halves((40, 20)), "PNG")
    assert rejection(data, Limits(max_pixels=799)).code == "too_many_pixels"
    assert rejection(data, Limits(max_dimension=39)).code == "too_many_pixels"


def test_pillow_bomb_warning_is_fatal_even_when_our_limits_allow() -> None:
    # 100 million pixels: above Pillow's warning threshold, below its error threshold.
    limits = Limits(max_pixels=200_000_000, max_dimension=20_000)
    refused = rejection(declared_png(10_000, 10_000), limits)
    assert (refused.status, refused.code) == (422, "decompression_bomb")
    assert Image.MAX_IMAGE_PIXELS == 89_478_485  # untouched


def test_too_large_image() -> None:
    data = encode(noise(), "PNG")
    refused = rejection(data, Limits(max_image_bytes=len(data) - 1))
    assert (refused.status, refused.code) == (413, "too_large")


def test_too_large_pdf() -> None:
    data = pillow_pdf(1)
    refused = rejection(data, Limits(max_pdf_bytes=len(data) - 1))
    assert (refused.status, refused.code) == (413, "too_large")
    assert inspect(data, Limits(max_pdf_bytes=len(data), max_image_bytes=10)).kind == "pdf"


def test_anything_beyond_every_limit_is_refused_before_parsing() -> None:
    refused = rejection(b"x" * 101, Limits(max_image_bytes=100, max_pdf_bytes=50))
    assert (refused.status, refused.code) == (413, "too_large")


def test_too_many_pages() -> None:
    data = pillow_pdf(3)
    refused = rejection(data, Limits(max_pdf_pages=2))
    assert (refused.status, refused.code) == (422, "too_many_pages")
    assert inspect(data, Limits(max_pdf_pages=3)).pages == 3


@pytest.mark.parametrize("known", [True, False], ids=["empty-user-password", "password"])
def test_encrypted_pdf(known: bool) -> None:
    refused = rejection(encrypted_pdf(user_password_known=known))
    assert (refused.status, refused.code) == (422, "encrypted_pdf")


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\nthis is not a pdf at all",
        b"%PDF-",
        hand_pdf(
            [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"], b""
        ),
    ],
    ids=["garbage", "header-only", "no-pages"],
)
def test_corrupt_pdf(data: bytes) -> None:
    refused = rejection(data)
    assert (refused.status, refused.code) == (422, "corrupt")


# --- normalise_image -------------------------------------------------------------------------


def phone_photo() -> bytes:
    """Return a 40×20 JPEG (red left, blue right) tagged to be rotated 90° clockwise, with GPS."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Huawei"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 30.0)}
    )
    return encode(
        halves(),
        "JPEG",
        exif=exif,
        comment=b"secret comment",
        xmp=b"<x:xmpmeta>secret xmp</x:xmpmeta>",
    )


def test_phone_photo_is_rotated_and_stripped() -> None:
    data = phone_photo()
    assert reopen(data).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    stored = normalise_image(data, inspect(data))
    image = reopen(stored)
    assert image.format == "JPEG"
    assert image.size == (20, 40)
    red, _, blue = image.getpixel((10, 5))  # type: ignore[misc]
    assert red > 200 and blue < 60  # the red half is now on top
    assert not image.getexif()
    assert {"exif", "xmp", "comment", "icc_profile"}.isdisjoint(image.info)
    for secret in (b"Exif", b"GPS", b"Huawei", b"secret", b"xmpmeta"):
        assert secret not in stored


def test_png_text_chunks_and_icc_profile_are_dropped() -> None:
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "secret author")
    text.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>secret</x:xmpmeta>")
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(halves(), "PNG", pnginfo=text, icc_profile=srgb)
    assert reopen(data).info.get("icc_profile")
    stored = normalise_image(data, inspect(data))
    image = reopen(stored)
    assert image.format == "PNG"
    assert image.size == (40, 20)
    assert {"icc_profile", "Author", "XML:com.adobe.xmp", "xmp"}.isdisjoint(image.info)
    assert b"secret" not in stored
    assert image.getpixel((5, 5)) == (255, 0, 0)


def test_jpeg_icc_profile_is_applied_then_dropped() -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(halves(), "JPEG", icc_profile=srgb)
    stored = normalise_image(data, inspect(data))
    assert "icc_profile" not in reopen(stored).info


def test_polyglot_trailer_is_not_stored() -> None:
    data = encode(halves(), "PNG") + HTML
    inspected = inspect(data)  # browsers and Pillow ignore what follows IEND
    assert inspected.mime == "image/png"
    stored = normalise_image(data, inspected)
    assert b"<html" not in stored and b"script" not in stored
    assert stored.endswith(png_chunk(b"IEND", b""))


def test_jpeg_polyglot_trailer_is_not_stored() -> None:
    data = encode(halves(), "JPEG") + HTML
    stored = normalise_image(data, inspect(data))
    assert b"<html" not in stored
    assert stored.endswith(b"\xff\xd9")


def test_cmyk_jpeg_becomes_rgb() -> None:
    data = encode(halves(mode="CMYK"), "JPEG")
    image = reopen(normalise_image(data, inspect(data)))
    assert (image.format, image.mode) == ("JPEG", "RGB")


def test_grey_jpeg_stays_grey() -> None:
    data = encode(halves(mode="L"), "JPEG")
    assert reopen(normalise_image(data, inspect(data))).mode == "L"


def test_jpeg_is_progressive() -> None:
    data = encode(noise(), "JPEG")
    assert reopen(normalise_image(data, inspect(data))).info.get("progressive")


def test_palette_png_with_transparency_keeps_it_as_alpha() -> None:
    image = Image.new("P", (8, 8), 1)
    image.putpalette([255, 255, 255, 255, 0, 0] + [0] * 762)
    image.paste(0, (0, 0, 4, 8))
    data = encode(image, "PNG", transparency=0)
    stored = reopen(normalise_image(data, inspect(data)))
    assert stored.mode == "RGBA"
    assert stored.getpixel((0, 0))[3] == 0  # type: ignore[index]
    assert stored.getpixel((7, 7)) == (255, 0, 0, 255)


def test_palette_png_without_transparency_stays_a_palette() -> None:
    data = encode(halves().convert("P"), "PNG")
    assert reopen(normalise_image(data, inspect(data))).mode == "P"


@pytest.mark.parametrize("mode", ["LA", "RGBA", "L", "1"])
def test_png_modes_are_kept(mode: str) -> None:
    data = encode(halves().convert(mode), "PNG")
    assert reopen(normalise_image(data, inspect(data))).mode == mode


def webp_bitstream(data: bytes) -> bytes:
    return data[12:16] if data[12:16] != b"VP8X" else data[30:34]


def test_lossless_webp_stays_lossless() -> None:
    data = encode(noise(), "WEBP", lossless=True)
    assert webp_bitstream(data) == b"VP8L"
    stored = normalise_image(data, inspect(data))
    assert webp_bitstream(stored) == b"VP8L"
    assert reopen(stored).tobytes() == reopen(data).tobytes()


def test_lossy_webp_stays_lossy() -> None:
    data = encode(noise(), "WEBP", quality=50)
    assert webp_bitstream(data) == b"VP8 "
    assert webp_bitstream(normalise_image(data, inspect(data))) == b"VP8 "


def test_webp_with_alpha_keeps_it() -> None:
    image = halves().convert("RGBA")
    image.putalpha(Image.new("L", image.size, 128))
    data = encode(image, "WEBP", lossless=True)
    stored = reopen(normalise_image(data, inspect(data)))
    assert stored.mode == "RGBA"
    assert stored.getpixel((0, 0)) == (255, 0, 0, 128)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_normalising_is_deterministic(fmt: str) -> None:
    data = encode(noise(), fmt)
    inspected = inspect(data)
    assert normalise_image(data, inspected) == normalise_image(data, inspected)


def test_normalise_refuses_other_data() -> None:
    png = encode(halves(), "PNG")
    with pytest.raises(ValueError, match="inspected"):
        normalise_image(encode(halves(), "JPEG"), inspect(png))
    with pytest.raises(ValueError, match="inspected"):
        normalise_image(encode(halves((20, 20)), "PNG"), inspect(png))
    with pytest.raises(ValueError, match="images only"):
        normalise_image(png, inspect(pillow_pdf(1)))


# --- render_pdf_pages ------------------------------------------------------------------------


def test_pdf_pages_are_rendered_to_png_of_the_given_width() -> None:
    pages = render_pdf_pages(pillow_pdf(2, [(60, 85), (85, 60)]), width=120)
    assert len(pages) == 2
    portrait, landscape = (reopen(page) for page in pages)
    assert (portrait.format, portrait.size) == ("PNG", (120, 170))
    assert landscape.size == (120, 85)
    assert portrait.mode == "RGB"
    assert portrait.getpixel((119, 169)) == (255, 255, 255)
    assert portrait.getpixel((2, 2)) == (0, 0, 0)


def test_transparent_pdf_page_renders_on_white() -> None:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 50] >>",
    ]
    (page,) = render_pdf_pages(hand_pdf(objects, b""), width=64)
    image = reopen(page)
    assert image.size == (64, 32)
    assert image.getextrema() == ((255, 255), (255, 255), (255, 255))


def test_render_width_must_be_reasonable() -> None:
    with pytest.raises(ValueError, match="width"):
        render_pdf_pages(pillow_pdf(1), width=0)
    with pytest.raises(ValueError, match="width"):
        render_pdf_pages(pillow_pdf(1), width=10_001)


def test_rendering_refuses_encrypted_and_corrupt_pdfs() -> None:
    with pytest.raises(AssetRejected) as caught:
        render_pdf_pages(encrypted_pdf(user_password_known=True))
    assert caught.value.code == "encrypted_pdf"
    with pytest.raises(AssetRejected) as caught:
        render_pdf_pages(b"%PDF-1.4 garbage")
    assert caught.value.code == "corrupt"


# --- stores ----------------------------------------------------------------------------------


@pytest.fixture(params=["file", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> AssetStore:
    if request.param == "file":
        return FileAssetStore(tmp_path / "assets")
    return MemoryAssetStore()


def test_sha256_hex() -> None:
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert is_sha256(sha256_hex(b"x"))


def test_stores_conform_to_the_protocol(store: AssetStore) -> None:
    assert isinstance(store, AssetStore)


def test_store_round_trip(store: AssetStore) -> None:
    data = "村务公开".encode()
    sha256 = store.put(data)
    assert sha256 == sha256_hex(data)
    assert store.exists(sha256)
    assert store.get(sha256) == data
    assert store.put(data) == sha256


def test_store_missing_asset(store: AssetStore) -> None:
    missing = sha256_hex(b"missing")
    assert not store.exists(missing)
    assert store.get(missing) is None
    assert store.path(missing) is None


@pytest.mark.parametrize(
    "bad",
    [
        "../etc/passwd",
        "../../" + "a" * 58,
        "A" * 64,
        "a" * 63,
        "a" * 65,
        "g" * 64,
        "",
        "/" + "a" * 63,
        "a" * 64 + "\n",
        "aa/bb/" + "a" * 58,
        3,
        None,
    ],
)
def test_store_refuses_what_is_not_a_sha256(store: AssetStore, bad: str) -> None:
    for call in (store.get, store.exists, store.path):
        with pytest.raises(ValueError, match="sha256"):
            call(bad)


def test_file_store_layout_and_mode(tmp_path: Path) -> None:
    store = FileAssetStore(tmp_path)
    sha256 = store.put(b"data")
    path = store.path(sha256)
    assert path == tmp_path / sha256[:2] / sha256[2:4] / sha256
    assert path.read_bytes() == b"data"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_file_store_does_not_rewrite_existing_content(tmp_path: Path) -> None:
    store = FileAssetStore(tmp_path)
    sha256 = store.put(b"data")
    path = store.path(sha256)
    assert path is not None
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = path.stat()
    assert store.put(b"data") == sha256
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_file_store_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = FileAssetStore(tmp_path)
    names = {store.put(bytes([n]) * n) for n in range(1, 20)}
    files = {p.name for p in tmp_path.rglob("*") if p.is_file()}
    assert files == names


def test_file_store_failed_write_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FileAssetStore(tmp_path)

    def broken_replace(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        store.put(b"data")
    monkeypatch.undo()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    assert not store.exists(sha256_hex(b"data"))
    assert store.put(b"data") == sha256_hex(b"data")


def test_file_store_repairs_a_damaged_file(tmp_path: Path) -> None:
    store = FileAssetStore(tmp_path)
    sha256 = store.put(b"data")
    path = store.path(sha256)
    assert path is not None
    path.write_bytes(b"da")
    store.put(b"data")
    assert store.get(sha256) == b"data"


def test_memory_store_has_no_paths() -> None:
    store = MemoryAssetStore()
    assert store.path(store.put(b"x")) is None


# --- prepare_upload --------------------------------------------------------------------------


def test_prepare_image_stores_the_normalised_copy(store: AssetStore) -> None:
    data = phone_photo()
    prepared = prepare_upload(data, store)
    stored = store.get(prepared.sha256)
    assert stored is not None
    assert stored == normalise_image(data, inspect(data))
    assert prepared.sha256 == sha256_hex(stored) != sha256_hex(data)
    assert (prepared.mime, prepared.kind) == ("image/jpeg", "image")
    assert prepared.size == len(stored)
    assert (prepared.width, prepared.height) == (20, 40)
    assert prepared.pages == []
    assert not store.exists(sha256_hex(data))


def test_prepare_is_idempotent(store: AssetStore) -> None:
    data = encode(noise(), "WEBP")
    assert prepare_upload(data, store) == prepare_upload(data, store)


def test_prepare_polyglot_stores_no_html(store: AssetStore) -> None:
    prepared = prepare_upload(encode(halves(), "PNG") + HTML, store)
    stored = store.get(prepared.sha256)
    assert stored is not None
    assert b"<html" not in stored


def test_prepare_pdf_stores_the_pdf_and_its_pages(store: AssetStore) -> None:
    data = pillow_pdf(2)
    prepared = prepare_upload(data, store, page_width=100)
    assert prepared.sha256 == sha256_hex(data)
    assert store.get(prepared.sha256) == data
    assert (prepared.mime, prepared.kind, prepared.size) == ("application/pdf", "pdf", len(data))
    assert (prepared.width, prepared.height) == (600, 850)
    assert len(prepared.pages) == 2
    for page in prepared.pages:
        image_bytes = store.get(page)
        assert image_bytes is not None
        assert reopen(image_bytes).size == (100, 142)


def test_prepare_refuses_like_inspect(store: AssetStore) -> None:
    with pytest.raises(AssetRejected) as caught:
        prepare_upload(HTML, store)
    assert caught.value.status == 415
    with pytest.raises(AssetRejected) as caught:
        prepare_upload(pillow_pdf(3), store, Limits(max_pdf_pages=2))
    assert caught.value.code == "too_many_pages"
