"""Active content in PDFs found on the bytes, without false alarms from binary stream data."""

from __future__ import annotations

import zlib

from content.pdf_safety import active_content
from tests.http.test_pdf_safety import HOSTILE
from tests.http.test_pdf_safety import PAGE
from tests.http.test_pdf_safety import PAGES
from tests.http.test_pdf_safety import catalog
from tests.http.test_pdf_safety import hand_pdf


def image_stream(data: bytes, filters: bytes = b"/DCTDecode") -> bytes:
    return (
        b"<< /Type /XObject /Subtype /Image /Filter %s /Length %d >>\nstream\n"
        % (filters, len(data))
        + data
        + b"\nendstream"
    )


def test_every_hostile_sample_is_found() -> None:
    for name, objects in HOSTILE.items():
        assert active_content(hand_pdf(objects)) is not None, name


def test_short_names_inside_binary_image_data_are_no_alarm() -> None:
    noise = b"\xff\xd8\xff" + b"/JS /AA>/XFA[" * 50 + bytes(range(256)) * 20
    data = hand_pdf([catalog(), PAGES, PAGE, image_stream(noise)])
    assert active_content(data) is None
    # ... nor once inflated from a Flate image stream.
    packed = zlib.compress(noise)
    data = hand_pdf([catalog(), PAGES, PAGE, image_stream(packed, b"/FlateDecode")])
    assert active_content(data) is None


def test_long_names_are_found_anywhere_even_in_stream_data() -> None:
    hidden = b"garbage /JavaScript garbage"
    assert active_content(hand_pdf([catalog(), PAGES, PAGE, image_stream(hidden)])) == "JavaScript"


def test_object_streams_that_cannot_be_read_are_refused() -> None:
    content = b"4 0 << /S /JavaScript /JS (1) >>".hex().encode() + b">"
    objstm = (
        b"<< /Type /ObjStm /N 1 /First 4 /Filter /ASCIIHexDecode /Length %d >>\nstream\n"
        % len(content)
        + content
        + b"\nendstream"
    )
    assert active_content(hand_pdf([catalog(), PAGES, PAGE, objstm])) == "ObjStm"


def test_a_plain_document_passes() -> None:
    assert active_content(hand_pdf([catalog(b"/OpenAction [3 0 R /Fit]"), PAGES, PAGE])) is None
